-- Monitoring through the year (issue 21, rules.md §5 as the 2021 mechanism runs it): a household
-- at risk is a monitoring case (监测对象) from the day the risk is known — its own declaration, a
-- cadre's round or a department warning — in one of the three categories (core
-- assessment::cases says which and why), with the measures taken and the day and reason its risk
-- was removed (风险消除). A household outside the registry (边缘易致贫户, 突发严重困难户) has no
-- household_id: its head's name and ID number and its village say who it is.
CREATE TABLE monitoring_cases (
    case_no TEXT NOT NULL PRIMARY KEY,
    county_code INTEGER NOT NULL,
    village_code INTEGER NOT NULL REFERENCES villages(village_code),
    household_id TEXT REFERENCES households(household_id),
    head_name TEXT NOT NULL,
    id_number TEXT NOT NULL CHECK (length(id_number) = 18),
    members INTEGER NOT NULL CHECK (members BETWEEN 1 AND 99),
    category TEXT NOT NULL CHECK (category IN ('unstable', 'edge', 'sudden')),
    source TEXT NOT NULL CHECK (source IN ('declaration', 'round', 'warning')),
    reasons TEXT NOT NULL,
    net_income INTEGER,
    rigid_expense INTEGER NOT NULL,
    situation TEXT NOT NULL,
    finding_seq INTEGER,
    opened_on TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    recorded_on TEXT NOT NULL,
    closed_on TEXT,
    close_reason TEXT,
    close_income INTEGER,
    closed_by TEXT
);
-- One open case per household and per person: a second declaration of the same risk is the
-- same case.
CREATE UNIQUE INDEX monitoring_cases_open_person ON monitoring_cases (id_number) WHERE closed_on IS NULL;
CREATE UNIQUE INDEX monitoring_cases_open_household ON monitoring_cases (household_id) WHERE closed_on IS NULL AND household_id IS NOT NULL;
-- The lists and counts of a county or town, open cases first; the assessment reads a county's.
CREATE INDEX monitoring_cases_county ON monitoring_cases (county_code, closed_on, opened_on);
CREATE INDEX monitoring_cases_household ON monitoring_cases (household_id);
CREATE TABLE monitoring_measures (
    case_no TEXT NOT NULL REFERENCES monitoring_cases(case_no),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('industry', 'employment', 'health', 'education', 'assistance', 'relief', 'other')),
    detail TEXT NOT NULL,
    responsible TEXT NOT NULL,
    on_date TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_on TEXT NOT NULL,
    PRIMARY KEY (case_no, seq)
);
-- A registered household's open cases follow it to another village or county (the reach of a
-- case, and the line it is judged against, are its household's), as its findings do.
CREATE TRIGGER households_moves_cases AFTER UPDATE OF village_code, county_code ON households
WHEN NEW.village_code <> OLD.village_code OR NEW.county_code <> OLD.county_code
BEGIN
    UPDATE monitoring_cases SET village_code = NEW.village_code, county_code = NEW.county_code
    WHERE household_id = NEW.household_id AND closed_on IS NULL;
END;
