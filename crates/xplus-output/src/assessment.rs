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

/// The household's line, or none: interchange.md lists the households poor or returned at the
/// start of the year; §5's households are recorded by `--apply`, not listed.
pub fn household_record(h: &HouseholdAssessment) -> Option<[String; 7]> {
    let d = h.exit()?;
    let failed: Vec<&str> = d.failed().iter().map(|c| c.code()).collect();
    Some([
        // Ids are written as users typed them; one starting with "=" or "-" must not run as a
        // formula when the file is opened in Excel.
        guard_formula(&h.household_id).into_owned(),
        h.village.to_string(),
        h.members.to_string(),
        money(h.net_income),
        money(h.per_capita),
        if d.eligible() { "1" } else { "0" }.to_string(),
        failed.join(";"),
    ])
}

/// The village's line.
pub fn village_record(v: &VillageAssessment) -> [String; 6] {
    let failed: Vec<&str> = v.decision.failed().iter().map(|c| c.code()).collect();
    [
        v.village.to_string(),
        v.facts.population.to_string(),
        v.facts.poor_persons.to_string(),
        incidence(v.facts.poor_persons, v.facts.population),
        if v.decision.eligible() { "1" } else { "0" }.to_string(),
        failed.join(";"),
    ]
}
