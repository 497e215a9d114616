-- What `xplus crosscheck --apply` recorded (issue 21, departments.md): each finding of another
-- department's list for a member, the household's seq-th — a task to verify, a department
-- warning for monitoring, or assistance shown on the household (core assessment::tasks says
-- which) — with who answers for it, the day it is due and the outcome. An attachment of the
-- outcome is kept as base64 text, like an exit attachment's, so that a backup carries it; a
-- bundle carries its name, kind and SHA-256 only.
CREATE TABLE department_findings (
    household_id TEXT NOT NULL REFERENCES households(household_id),
    seq INTEGER NOT NULL,
    id_number TEXT NOT NULL CHECK (length(id_number) = 18),
    finding TEXT NOT NULL CHECK (finding IN ('deceased', 'public_payroll', 'vehicle', 'business', 'property', 'medical_burden', 'assistance')),
    source_file TEXT NOT NULL,
    source_row INTEGER NOT NULL,
    detail TEXT NOT NULL,
    fact_on TEXT,
    as_of TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_on TEXT NOT NULL,
    assignee_role TEXT CHECK (assignee_role IN ('helper', 'secretary')),
    assignee TEXT,
    due_on TEXT,
    outcome TEXT CHECK (outcome IN ('confirmed', 'refuted', 'closed')),
    outcome_on TEXT,
    outcome_reason TEXT,
    outcome_by TEXT,
    attachment_name TEXT,
    attachment_type TEXT,
    attachment_sha256 TEXT,
    county_code INTEGER NOT NULL,
    content TEXT,
    PRIMARY KEY (household_id, seq)
);
-- The lists of a county or town (open tasks first), and the overdue counts.
CREATE INDEX department_findings_county ON department_findings (county_code, outcome, due_on);
-- The findings carry their household's county (the assessment reads a county's open warnings
-- by it): a household moved to another county takes them along, as its members and incomes.
CREATE TRIGGER households_county_moves_findings AFTER UPDATE OF county_code ON households
WHEN NEW.county_code <> OLD.county_code
BEGIN
    UPDATE department_findings SET county_code = NEW.county_code WHERE household_id = NEW.household_id;
END;
