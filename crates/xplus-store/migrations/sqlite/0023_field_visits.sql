-- Visits recorded in the field (issue 20): how a visit was made, what was found, where, and
-- the photos taken. The three columns are optional columns of visits.csv (a bundle written
-- before them still reads). A photo's content is kept as base64 text, like an exit
-- attachment's, so that a backup's portable cells carry it to either backend; a bundle carries
-- neither photos nor their list.
ALTER TABLE visits ADD COLUMN kind TEXT;
ALTER TABLE visits ADD COLUMN found TEXT;
ALTER TABLE visits ADD COLUMN location TEXT;

CREATE TABLE visit_photos (
    cadre_id TEXT NOT NULL,
    household_id TEXT NOT NULL,
    date TEXT NOT NULL,
    seq INTEGER NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_on TEXT NOT NULL,
    county_code INTEGER NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (cadre_id, household_id, date, seq),
    FOREIGN KEY (cadre_id, household_id, date) REFERENCES visits (cadre_id, household_id, date)
);
-- A household's photos, for its page and its 明白卡.
CREATE INDEX visit_photos_household ON visit_photos (household_id, date);
