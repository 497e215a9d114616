//! The yearly assessment as the two CSV files of interchange.md (`households.csv`,
//! `villages.csv`): their headers and how one judged household or village becomes a record.
//! Where the files go (and that a failed run leaves the previous ones) is the caller's business.

use xplus_core::assessment::village;
use xplus_core::text::guard_formula;
use xplus_core::Fen;
use xplus_store::records::{HouseholdAssessment, VillageAssessment};

pub const HOUSEHOLDS_HEADER: [&str; 7] = [
    "household_id",
    "village_code",
    "members",
    "net_income",
    "per_capita_net_income",
    "exit_eligible",
    "failed",
];

pub const VILLAGES_HEADER: [&str; 6] = [
    "village_code",
    "population",
    "poor_persons",
    "incidence",
    "exit_eligible",
    "failed",
];

fn money(f: Option<Fen>) -> String {
    f.map(|f| f.to_string()).unwrap_or_default()
}

/// poor / population as a fraction with four decimals: core's one incidence (empty without a
/// population).
fn incidence(poor: i64, population: i64) -> String {
    village::incidence_bp(poor, population)
        .map(village::format_bp_fraction)
        .unwrap_or_default()
}

/// Writes the household's line, if it has one: interchange.md lists the households poor or
/// returned at the start of the year; §5's households are recorded by `--apply`, not listed.
/// Written field by field into the caller's writer (a city is 100,000 lines).
pub fn write_household<W: std::io::Write>(
    w: &mut csv::Writer<W>,
    h: &HouseholdAssessment,
) -> Result<(), csv::Error> {
    let Some(d) = h.exit() else {
        return Ok(());
    };
    let failed: Vec<&str> = d.failed().iter().map(|c| c.code()).collect();
    w.write_record([
        // Ids are written as users typed them; one starting with "=" or "-" must not run as a
        // formula when the file is opened in Excel.
        guard_formula(&h.household_id).as_ref(),
        &h.village.to_string(),
        &h.members.to_string(),
        &money(h.net_income),
        &money(h.per_capita),
        if d.eligible() { "1" } else { "0" },
        &failed.join(";"),
    ])
}

/// Writes the village's line.
pub fn write_village<W: std::io::Write>(
    w: &mut csv::Writer<W>,
    v: &VillageAssessment,
) -> Result<(), csv::Error> {
    let failed: Vec<&str> = v.decision.failed().iter().map(|c| c.code()).collect();
    w.write_record([
        v.village.to_string().as_str(),
        &v.facts.population.to_string(),
        &v.facts.poor_persons.to_string(),
        &incidence(v.facts.poor_persons, v.facts.population),
        if v.decision.eligible() { "1" } else { "0" },
        &failed.join(";"),
    ])
}
