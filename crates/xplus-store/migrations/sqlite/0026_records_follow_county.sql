-- The full chain's records of a household carry its county, as members and incomes do since
-- 0010: a roll-up refresh reads one county's rows by this index range instead of matching every
-- row of the table against the county's households (at province scale the refresh read each
-- large table once per county and year; docs/performance.md). A household that moves to another
-- county takes them along, by whatever route it moves; rows that fell behind are set right here.
-- Assessment outcomes, exit batches, corrections and visits keep the county they were recorded
-- in, on purpose, and are not among them.
UPDATE attendance SET county_code = (SELECT h.county_code FROM households h WHERE h.household_id = attendance.household_id)
WHERE county_code <> (SELECT h.county_code FROM households h WHERE h.household_id = attendance.household_id);
UPDATE attendance_members SET county_code = (SELECT h.county_code FROM households h WHERE h.household_id = attendance_members.household_id)
WHERE county_code <> (SELECT h.county_code FROM households h WHERE h.household_id = attendance_members.household_id);
UPDATE cadre_household_pairings SET county_code = (SELECT h.county_code FROM households h WHERE h.household_id = cadre_household_pairings.household_id)
WHERE county_code <> (SELECT h.county_code FROM households h WHERE h.household_id = cadre_household_pairings.household_id);
UPDATE share_events SET county_code = (SELECT h.county_code FROM households h WHERE h.household_id = share_events.household_id)
WHERE county_code <> (SELECT h.county_code FROM households h WHERE h.household_id = share_events.household_id);
UPDATE placements SET county_code = (SELECT h.county_code FROM households h WHERE h.household_id = placements.household_id)
WHERE county_code <> (SELECT h.county_code FROM households h WHERE h.household_id = placements.household_id);
UPDATE household_industries SET county_code = (SELECT h.county_code FROM households h WHERE h.household_id = household_industries.household_id)
WHERE county_code <> (SELECT h.county_code FROM households h WHERE h.household_id = household_industries.household_id);
UPDATE ovop_households SET county_code = (SELECT h.county_code FROM households h WHERE h.household_id = ovop_households.household_id)
WHERE county_code <> (SELECT h.county_code FROM households h WHERE h.household_id = ovop_households.household_id);
UPDATE org_households SET county_code = (SELECT h.county_code FROM households h WHERE h.household_id = org_households.household_id)
WHERE county_code <> (SELECT h.county_code FROM households h WHERE h.household_id = org_households.household_id);
UPDATE course_attendance SET county_code = (SELECT h.county_code FROM households h WHERE h.household_id = course_attendance.household_id)
WHERE county_code <> (SELECT h.county_code FROM households h WHERE h.household_id = course_attendance.household_id);
UPDATE dividend_payments SET county_code = (SELECT h.county_code FROM households h WHERE h.household_id = dividend_payments.household_id)
WHERE county_code <> (SELECT h.county_code FROM households h WHERE h.household_id = dividend_payments.household_id);
UPDATE member_changes SET county_code = (SELECT h.county_code FROM households h WHERE h.household_id = member_changes.household_id)
WHERE county_code <> (SELECT h.county_code FROM households h WHERE h.household_id = member_changes.household_id);
CREATE INDEX attendance_county ON attendance (county_code, household_id);
CREATE INDEX attendance_members_county ON attendance_members (county_code, household_id);
CREATE INDEX cadre_household_pairings_county ON cadre_household_pairings (county_code, household_id);
CREATE INDEX share_events_county ON share_events (county_code, household_id);
CREATE INDEX placements_county ON placements (county_code, household_id);
CREATE INDEX household_industries_county ON household_industries (county_code, household_id);
CREATE INDEX ovop_households_county ON ovop_households (county_code, household_id);
CREATE INDEX org_households_county ON org_households (county_code, household_id);
CREATE INDEX course_attendance_county ON course_attendance (county_code, household_id);
CREATE INDEX dividend_payments_county ON dividend_payments (county_code, household_id);
CREATE INDEX member_changes_county ON member_changes (county_code, household_id);
CREATE TRIGGER households_county_moves_records AFTER UPDATE OF county_code ON households
WHEN NEW.county_code <> OLD.county_code
BEGIN
    UPDATE attendance SET county_code = NEW.county_code WHERE household_id = NEW.household_id;
    UPDATE attendance_members SET county_code = NEW.county_code WHERE household_id = NEW.household_id;
    UPDATE cadre_household_pairings SET county_code = NEW.county_code WHERE household_id = NEW.household_id;
    UPDATE share_events SET county_code = NEW.county_code WHERE household_id = NEW.household_id;
    UPDATE placements SET county_code = NEW.county_code WHERE household_id = NEW.household_id;
    UPDATE household_industries SET county_code = NEW.county_code WHERE household_id = NEW.household_id;
    UPDATE ovop_households SET county_code = NEW.county_code WHERE household_id = NEW.household_id;
    UPDATE org_households SET county_code = NEW.county_code WHERE household_id = NEW.household_id;
    UPDATE course_attendance SET county_code = NEW.county_code WHERE household_id = NEW.household_id;
    UPDATE dividend_payments SET county_code = NEW.county_code WHERE household_id = NEW.household_id;
    UPDATE member_changes SET county_code = NEW.county_code WHERE household_id = NEW.household_id;
END;
