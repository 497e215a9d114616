//! The SQL of the 产业 reads and the rows it returns, by name: the ways a household takes part
//! (brought along, joined a project, its own industry, a course, a placement), the planned-exit
//! villages' one-village-one-product projects, the industry-chain organisations and the year's
//! activities.

use crate::error::StoreError;
use crate::records::registry::read::within_scope_by_county;
use crate::session::filter::{Arg, Filter};
use crate::session::rows::{fetch_sql, FromRow, Named, Query};
use crate::session::shape::{column, shape, COUNT};
use crate::session::ReadSession;
use chrono::NaiveDate;
use std::marker::PhantomData;
use xplus_core::industry::participation::{placement_period, Period};
use xplus_core::industry::PartyOrgKind;
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;

/// A statement over records of households whose `{within}` becomes the condition that the
/// household of the table `alias` is within a scope (see `within_scope`); the scope's
/// arguments follow the statement's own.
pub(in crate::records) struct Scoped<T> {
    alias: &'static str,
    sql: &'static str,
    row: PhantomData<fn() -> T>,
}

impl<T: FromRow> Scoped<T> {
    const fn new(alias: &'static str, sql: &'static str) -> Scoped<T> {
        Scoped {
            alias,
            sql,
            row: PhantomData,
        }
    }

    /// Rows for the households within `scope`, `args` being the statement's own arguments.
    pub(in crate::records) async fn fetch(
        &self,
        s: &mut (dyn ReadSession + '_),
        scope: &Filter,
        args: Vec<Arg>,
    ) -> Result<Vec<T>, StoreError> {
        // Each table read here carries its household's county (migration 0026).
        let (sql, args) = within_scope_by_county(scope, self.sql, self.alias, args);
        fetch_sql(s, &sql, &args).await
    }
}

/// A household's way of taking part: a day and an optional later day, read by what the
/// statement asks; rows without a household are skipped.
pub(in crate::records) struct Dated {
    pub household: String,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

impl FromRow for Dated {
    const SHAPE: &'static FileSpec = &shape(
        FileId::OrgHouseholds,
        "household_dates",
        "户参与日期",
        &[
            column("household_id", ColumnType::Text),
            column("start_date", ColumnType::Date),
            column("end_date", ColumnType::Date),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Dated {
            household: r.text("household_id")?.to_string(),
            start: r.date("start_date"),
            end: r.date("end_date"),
        })
    }
}

/// Households brought along by an organisation from a start by a day (the argument) to an end.
pub(in crate::records) const BROUGHT_ALONG: Scoped<Dated> = Scoped::new(
    "o",
    "SELECT o.household_id, o.start_date, o.end_date FROM org_households o \
     WHERE o.start_date <= ?{within}",
);

/// Households that joined a one-village-one-product project by a day (the argument), and when.
pub(in crate::records) const JOINED_PROJECT: Scoped<Dated> = Scoped::new(
    "j",
    "SELECT j.household_id, j.join_date, NULL FROM ovop_households j \
     WHERE j.join_date <= ?{within}",
);

/// Households with an industry of their own in a year (the argument).
pub(in crate::records) const OWN_INDUSTRY: Scoped<Dated> = Scoped::new(
    "i",
    "SELECT DISTINCT i.household_id, NULL, NULL FROM household_industries i \
     WHERE i.year = ?{within}",
);

/// Households that attended a labour course begun by a day (the argument), with the course's
/// first and last day.
pub(in crate::records) const ATTENDED_COURSE: Scoped<Dated> = Scoped::new(
    "a",
    "SELECT DISTINCT a.household_id, c.start_date, c.end_date FROM course_attendance a \
     JOIN labour_courses c ON c.course_id = a.course_id WHERE c.start_date <= ?{within}",
);

/// A person's placement in a job, of a household, and the period it runs; rows missing any
/// column (or with months out of range) are skipped.
pub(in crate::records) struct Placed {
    pub household: String,
    pub person: String,
    pub period: Period,
}

impl FromRow for Placed {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Placements,
        "placed",
        "转移就业",
        &[
            column("household_id", ColumnType::Text),
            column("id_number", ColumnType::Text),
            column("start_date", ColumnType::Date),
            column("months", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        let months = u32::try_from(r.int("months")?).ok()?;
        Some(Placed {
            household: r.text("household_id")?.to_string(),
            person: r.text("id_number")?.to_string(),
            period: placement_period(r.date("start_date")?, months),
        })
    }
}

/// Placements begun by a day (the argument).
pub(in crate::records) const PLACEMENTS_BEGUN_BY: Scoped<Placed> = Scoped::new(
    "p",
    "SELECT p.household_id, p.id_number, p.start_date, p.months FROM placements p \
     WHERE p.start_date <= ?{within}",
);

/// A village planned to exit, with its projects and the households that joined them; rows
/// without a village are skipped.
pub(in crate::records) struct PlannedExitRow {
    pub code: RegionCode,
    pub name: String,
    pub projects: u64,
    pub joined: u64,
}

impl FromRow for PlannedExitRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::OvopProjects,
        "planned_exit_villages",
        "预出列村一村一品",
        &[
            column("village_code", ColumnType::Region),
            column("name", ColumnType::Text),
            column("projects", COUNT),
            column("joined", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(PlannedExitRow {
            code: r.region("village_code")?,
            name: r.string("name"),
            projects: r.count("projects"),
            joined: r.count("joined"),
        })
    }
}

/// The villages planned to exit in a year between two codes, by village, with their projects
/// started by the year and the households that joined them by a day; arguments: the year, the
/// day, the year, the two codes.
pub(in crate::records) const PLANNED_EXIT_VILLAGES: Query<PlannedExitRow> = Query::new(
    "SELECT v.village_code, r.name, \
     (SELECT count(*) FROM ovop_projects p WHERE p.village_code = v.village_code \
      AND (p.year IS NULL OR p.year <= ?)), \
     (SELECT count(DISTINCT j.household_id) FROM ovop_households j \
      JOIN ovop_projects p ON p.ovop_id = j.ovop_id \
      WHERE p.village_code = v.village_code AND j.join_date <= ?) \
     FROM villages v LEFT JOIN regions r ON r.code = v.village_code \
     WHERE v.planned_exit_year = ? AND v.village_code BETWEEN ? AND ? \
     ORDER BY v.village_code",
);

/// A product of a village's project; rows without either are skipped.
pub(in crate::records) struct Product {
    pub village: RegionCode,
    pub product: String,
}

impl FromRow for Product {
    const SHAPE: &'static FileSpec = &shape(
        FileId::OvopProjects,
        "products",
        "产品",
        &[
            column("village_code", ColumnType::Region),
            column("product", ColumnType::Text),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Product {
            village: r.region("village_code")?,
            product: r.text("product")?.to_string(),
        })
    }
}

/// The products of the projects started by a year of the villages planned to exit that year
/// between two codes; arguments: the year twice, the two codes.
pub(in crate::records) const PLANNED_EXIT_PRODUCTS: Query<Product> = Query::new(
    "SELECT p.village_code, p.product FROM ovop_projects p \
     JOIN villages v ON v.village_code = p.village_code \
     WHERE v.planned_exit_year = ? AND (p.year IS NULL OR p.year <= ?) \
     AND p.village_code BETWEEN ? AND ?",
);

/// Industry-chain organisations of a kind: how many, their party members and the households
/// they brought along; rows without a known kind are skipped.
pub(in crate::records) struct OrgRow {
    pub kind: PartyOrgKind,
    pub orgs: u64,
    pub party_members: u64,
    pub brought: u64,
}

impl FromRow for OrgRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::PartyOrgs,
        "org_kinds",
        "产业党组织",
        &[
            column("kind", ColumnType::Enum(&PartyOrgKind::SPEC)),
            column("orgs", COUNT),
            column("party_members", COUNT),
            column("brought", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(OrgRow {
            kind: r.code("kind").and_then(PartyOrgKind::parse)?,
            orgs: r.count("orgs"),
            party_members: r.count("party_members"),
            brought: r.count("brought"),
        })
    }
}

/// The organisations of the villages between two codes by kind, with the households brought
/// along between two days; arguments: the two codes, the last and the first day, the two codes.
pub(in crate::records) const ORGS_BY_KIND: Query<OrgRow> = Query::new(
    "SELECT o.kind, count(*), CAST(coalesce(sum(o.party_members), 0) AS BIGINT), \
     (SELECT count(DISTINCT b.household_id) FROM org_households b \
      JOIN party_orgs k ON k.org_id = b.org_id \
      WHERE k.kind = o.kind AND k.village_code BETWEEN ? AND ? \
      AND b.start_date <= ? AND (b.end_date IS NULL OR b.end_date >= ?)) \
     FROM party_orgs o WHERE o.village_code BETWEEN ? AND ? GROUP BY o.kind ORDER BY o.kind",
);

/// Counts of an activity: how many, and two sums (each zero when missing).
pub(in crate::records) struct TallyRow {
    pub n: u64,
    pub a: u64,
    pub b: u64,
}

impl FromRow for TallyRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::JobFairs,
        "tally",
        "合计",
        &[column("n", COUNT), column("a", COUNT), column("b", COUNT)],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(TallyRow {
            n: r.count("n"),
            a: r.count("a"),
            b: r.count("b"),
        })
    }
}

/// Labour courses running between two days in the regions between two codes (n) and their
/// attendees (a); arguments: the last day, the first day, the two codes — twice.
pub(in crate::records) const COURSES: Query<TallyRow> = Query::new(
    "SELECT count(*), \
     (SELECT count(*) FROM course_attendance a JOIN labour_courses k ON k.course_id = a.course_id \
      WHERE k.start_date <= ? AND coalesce(k.end_date, k.start_date) >= ? \
      AND k.region_code BETWEEN ? AND ?), CAST(0 AS BIGINT) \
     FROM labour_courses c WHERE c.start_date <= ? AND coalesce(c.end_date, c.start_date) >= ? \
     AND c.region_code BETWEEN ? AND ?",
);

/// Commissioners' trainings between two days in the villages between two codes (n) and their
/// participants (a); arguments: the first and last day, the two codes.
pub(in crate::records) const COMMISSIONER_TRAININGS: Query<TallyRow> = Query::new(
    "SELECT count(*), CAST(coalesce(sum(participants), 0) AS BIGINT), CAST(0 AS BIGINT) \
     FROM commissioner_trainings WHERE date BETWEEN ? AND ? AND village_code BETWEEN ? AND ?",
);

/// Job fairs between two days in the regions between two codes (n), posts offered (a) and
/// employers (b); arguments: the first and last day, the two codes.
pub(in crate::records) const JOB_FAIRS: Query<TallyRow> = Query::new(
    "SELECT count(*), CAST(coalesce(sum(posts), 0) AS BIGINT), \
     CAST(coalesce(sum(employers), 0) AS BIGINT) \
     FROM job_fairs WHERE date BETWEEN ? AND ? AND region_code BETWEEN ? AND ?",
);

/// A household chosen as an industry and start-up support target, and its village.
pub(in crate::records) struct TargetRow {
    pub household: String,
    pub village: RegionCode,
}

impl FromRow for TargetRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::IndustryTargets,
        "targets",
        "产业创业扶贫对象",
        &[
            column("household_id", ColumnType::Text),
            column("village_code", ColumnType::Region),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(TargetRow {
            household: r.text("household_id")?.to_string(),
            village: r.region("village_code")?,
        })
    }
}

/// The households chosen as targets in a year (the argument) or before, each once, with their
/// village.
pub(in crate::records) const TARGETS_BY: Scoped<TargetRow> = Scoped::new(
    "t",
    "SELECT DISTINCT t.household_id, h.village_code FROM industry_targets t \
     JOIN households h ON h.household_id = t.household_id WHERE t.year <= ?{within}",
);

/// The households (`h`) chosen as targets in a year or before; `?`: the year.
pub(in crate::records) const CHOSEN_BY: &str =
    "h.household_id IN (SELECT household_id FROM industry_targets WHERE year <= ?)";

/// A household's persons on a day (`persons_each`).
pub(in crate::records) struct PersonsRow {
    pub household: String,
    pub persons: u64,
}

impl FromRow for PersonsRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Members,
        "persons",
        "人数",
        &[column("household_id", ColumnType::Text), column("n", COUNT)],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(PersonsRow {
            household: r.text("household_id")?.to_string(),
            persons: r.count("n"),
        })
    }
}

/// The persons on a day of the households named (`?` the day, then one `?` per household), one
/// row each: `household_id` and `n`, today's members with the changes after the day undone
/// (core `registry::membership::persons_on`). The case figures sum it (`persons_of`).
pub(in crate::records) fn persons_each(households: usize) -> String {
    format!(
        "SELECT h.household_id, (SELECT COUNT(*) FROM members m \
          WHERE m.household_id = h.household_id) + \
         COALESCE((SELECT {undone} FROM member_changes c \
          WHERE c.household_id = h.household_id AND c.changed_on > ?), 0) AS n \
         FROM households h WHERE h.household_id IN ({marks})",
        undone = crate::sql::MEMBERS_UNDONE_OF_C,
        marks = vec!["?"; households].join(", ")
    )
}

/// A placement's household, start and months, as 一户一工人 reads it (core `in_work_on`); rows
/// missing any column are skipped.
pub(in crate::records) struct Working {
    pub household: String,
    pub start: NaiveDate,
    pub months: u32,
}

impl FromRow for Working {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Placements,
        "working",
        "在岗",
        &[
            column("household_id", ColumnType::Text),
            column("start_date", ColumnType::Date),
            column("months", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Working {
            household: r.text("household_id")?.to_string(),
            start: r.date("start_date")?,
            months: u32::try_from(r.int("months")?).ok()?,
        })
    }
}

/// Placements begun by a day (the argument), for who is in work on it.
pub(in crate::records) const WORKING_BY: Scoped<Working> = Scoped::new(
    "p",
    "SELECT p.household_id, p.start_date, p.months FROM placements p \
     WHERE p.start_date <= ?{within}",
);
