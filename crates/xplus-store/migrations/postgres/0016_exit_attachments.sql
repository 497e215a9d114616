-- Attachments of the exit procedure's steps (book of record): the scanned minutes, the 公示
-- photo. The metadata is a bundle file (exit_attachments.csv); the content is kept here, as
-- base64 text so that a backup's portable cells (integers and text) carry it to either backend.
-- A copy imported from a bundle has the metadata and no content (NULL) until restored.
CREATE TABLE exit_attachments (
    village_code BIGINT NOT NULL,
    year INTEGER NOT NULL,
    seq BIGINT NOT NULL,
    step TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_on DATE NOT NULL,
    county_code BIGINT NOT NULL,
    content TEXT,
    PRIMARY KEY (village_code, year, seq)
);
