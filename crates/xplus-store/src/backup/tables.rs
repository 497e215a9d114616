//! Which tables a backup holds, in the order a restore writes them: the order the migrations
//! create them, so that every table comes after the tables it refers to.

use crate::session::dump::DumpTable;

const fn t(name: &'static str) -> DumpTable {
    DumpTable { name, order: None }
}

/// Every table that holds the database's business data, accounts, tokens (hashes only), the
/// audit log and its head, and the roll-ups (copied rather than recomputed: a province's refresh
/// takes minutes).
pub(crate) const TABLES: &[DumpTable] = &[
    // Level by level, from the province down: a restore writes every parent before its
    // children, whatever order the source stored them in (PostgreSQL's heap order is not the
    // order of insertion, and a region refers to its parent).
    DumpTable {
        name: "regions",
        order: Some(
            "CASE level WHEN 'province' THEN 0 WHEN 'city' THEN 1 WHEN 'county' THEN 2 \
             WHEN 'town' THEN 3 ELSE 4 END, code",
        ),
    },
    t("villages"),
    t("households"),
    t("members"),
    t("incomes"),
    t("stations"),
    t("station_coverage"),
    t("training_sessions"),
    t("attendance"),
    t("units"),
    t("cadres"),
    t("unit_village_pairings"),
    t("cadre_household_pairings"),
    t("collective_income"),
    t("projects"),
    t("share_events"),
    t("distributions"),
    t("loans"),
    t("statistics"),
    // By number: a restore appends the log entry by entry behind its head.
    DumpTable {
        name: AUDIT_LOG,
        order: Some("seq"),
    },
    t(AUDIT_HEAD),
    t("users"),
    t("api_tokens"),
    t("station_checks"),
    t("attendance_members"),
    t("station_services"),
    t("pairing_bindings"),
    t("visits"),
    t("recalls"),
    t("startups"),
    t("secretaries"),
    t("secretary_development"),
    t("secretary_checks"),
    t("dividend_payments"),
    t("party_orgs"),
    t("org_households"),
    t("ovop_projects"),
    t("ovop_households"),
    t("guidance"),
    t("household_industries"),
    t("labour_courses"),
    t("course_attendance"),
    t("commissioners"),
    t("commissioner_trainings"),
    t("job_fairs"),
    t("placements"),
    t("village_enterprises"),
    t("rule_settings"),
    t("assessment_outcomes"),
    t("exit_batches"),
    t("exit_batch_households"),
    t("exit_objections"),
    t("review_criteria"),
    t("secretary_reviews"),
    t("rollups"),
    t(ROLLUP_STATE),
    t("rollup_dirty"),
    t("corrections"),
    t("exit_attachments"),
    t("member_changes"),
    t("income_corrections"),
    t("cadre_visit_months"),
    t("cadre_visit_reach"),
    t("visit_month_totals"),
    t("county_refreshes"),
    t("visit_photos"),
    t("department_findings"),
    t("monitoring_cases"),
    t("monitoring_measures"),
    t("empty_shell_plan"),
    t("postings"),
    t("industry_targets"),
    t("funds"),
    t("project_investors"),
    t("village_cadres"),
    t("village_cadre_development"),
    t("leader_pool"),
    t("weak_organisations"),
    t("standardisation_checks"),
    t("startup_households"),
];

pub(crate) const AUDIT_LOG: &str = "audit_log";
pub(crate) const AUDIT_HEAD: &str = "audit_head";
/// A table whose one row the migrations write: a restore replaces it.
pub(crate) const ROLLUP_STATE: &str = "rollup_state";

#[cfg(test)]
mod tests {
    use super::*;

    /// Left out on purpose: sign-ins in progress, counted failures and the server's own secrets
    /// belong to one running server, not to the data; a restored server makes its own.
    /// `search_fill` is SQLite's switch for an import filling the search index at its end, off
    /// outside an import's transaction.
    const LEFT_OUT: &[&str] = &[
        "sessions",
        "sign_in_failures",
        "server_secrets",
        "search_fill",
    ];

    /// The tables the migrations create, in the order they create them.
    fn created(backend: &str) -> Vec<String> {
        let dir = format!("{}/migrations/{backend}", env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        let mut names = Vec::new();
        for f in files {
            let text = std::fs::read_to_string(f).unwrap();
            for part in text.split("CREATE TABLE ").skip(1) {
                let name: String = part
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                names.push(name);
            }
            assert!(
                !text.contains("DROP TABLE"),
                "a dropped table: see backup/tables.rs"
            );
        }
        names
    }

    #[test]
    fn every_table_is_backed_up_or_left_out_on_purpose_in_creation_order() {
        for backend in ["sqlite", "postgres"] {
            let made: Vec<String> = created(backend)
                .into_iter()
                .filter(|n| !LEFT_OUT.contains(&n.as_str()))
                .collect();
            let listed: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
            assert_eq!(made, listed, "{backend}");
        }
    }
}
