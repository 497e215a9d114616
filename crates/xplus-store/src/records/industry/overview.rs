//! 产业 reads within an account's reach: rules.md §6 `in_industry` of every household poor at
//! the start of a year, computed by core from the stored 产业 files, and the module's overview —
//! one-village-one-product coverage of the villages planned to exit that year (预出列),
//! organisations and the households they bring along, labour training, commissioners' trainings,
//! job fairs and placements.

use crate::error::StoreError;
use crate::records::registry::read::{
    household_scope, names_of, poor_at_start, within_scope, year_bounds,
};
use crate::records::shape::{column, count_of, shape, village_bounds, COUNT};
use crate::records::ReadSession;
use crate::session::filter::{Arg, Filter};
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap, HashSet};
use xplus_core::accounts::Access;
use xplus_core::industry::participation::{placement_period, IndustryLinks, Part, Period};
use xplus_core::industry::PartyOrgKind;
use xplus_core::interchange::{ColumnType, FileId, FileSpec, Value};
use xplus_core::registry::RegionCode;

/// (household, a day, an optional later day): one way of taking part, read by `kind`.
static DATED: FileSpec = shape(
    FileId::OrgHouseholds,
    "household_dates",
    "户参与日期",
    &[
        column("household_id", ColumnType::Text),
        column("start_date", ColumnType::Date),
        column("end_date", ColumnType::Date),
    ],
);

/// (household, person, start, months) of a placement.
static PLACED: FileSpec = shape(
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

static VILLAGE_OVOP: FileSpec = shape(
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

static ORGS: FileSpec = shape(
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

static TALLY: FileSpec = shape(
    FileId::JobFairs,
    "tally",
    "合计",
    &[column("n", COUNT), column("a", COUNT), column("b", COUNT)],
);

/// One household poor at the start of the year, and the ways it takes part in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdIndustry {
    pub household_id: String,
    pub village: RegionCode,
    pub links: IndustryLinks,
}

/// Rows of `sql` (household, day, optional day) for households within `scope`; `{within}` in
/// `sql` is replaced by the scope condition on `alias`.
async fn dated(
    s: &mut dyn ReadSession,
    scope: &Filter,
    sql: &str,
    alias: &str,
    args: Vec<Arg>,
) -> Result<Vec<Vec<Value>>, StoreError> {
    let (sql, args) = within_scope(scope, sql, alias, args);
    s.query(&DATED, &sql, &args).await
}

/// How each of `households` (by position) takes part in `year`: every record noted as it is
/// read, rows of other households passed over.
async fn links_of(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
    households: &[(String, RegionCode)],
    placements: &[(String, String, Period)],
) -> Result<Vec<IndustryLinks>, StoreError> {
    let (_, last) = year_bounds(year);
    let position: HashMap<&str, usize> = households
        .iter()
        .enumerate()
        .map(|(i, (h, _))| (h.as_str(), i))
        .collect();
    let mut all = vec![IndustryLinks::default(); households.len()];
    // Each query only narrows to rows that could count by the end of the year; core decides.
    for r in dated(
        s,
        scope,
        "SELECT o.household_id, o.start_date, o.end_date FROM org_households o \
         WHERE o.start_date <= ?{within}",
        "o",
        vec![Arg::Date(last)],
    )
    .await?
    {
        if let (Some(h), Some(start)) = (r[0].as_text(), r[1].as_date()) {
            let end = r[2].as_date();
            if let Some(&i) = position.get(h) {
                all[i].note(Part::BroughtAlong(Period { start, end }), year);
            }
        }
    }
    for r in dated(
        s,
        scope,
        "SELECT j.household_id, j.join_date, NULL FROM ovop_households j \
         WHERE j.join_date <= ?{within}",
        "j",
        vec![Arg::Date(last)],
    )
    .await?
    {
        if let (Some(h), Some(day)) = (r[0].as_text(), r[1].as_date()) {
            if let Some(&i) = position.get(h) {
                all[i].note(Part::JoinedProject(day), year);
            }
        }
    }
    for r in dated(
        s,
        scope,
        "SELECT DISTINCT i.household_id, NULL, NULL FROM household_industries i \
         WHERE i.year = ?{within}",
        "i",
        vec![Arg::Int(i64::from(year))],
    )
    .await?
    {
        if let Some(h) = r[0].as_text() {
            if let Some(&i) = position.get(h) {
                all[i].note(Part::OwnIndustry(year), year);
            }
        }
    }
    for r in dated(
        s,
        scope,
        "SELECT DISTINCT a.household_id, c.start_date, c.end_date FROM course_attendance a \
         JOIN labour_courses c ON c.course_id = a.course_id WHERE c.start_date <= ?{within}",
        "a",
        vec![Arg::Date(last)],
    )
    .await?
    {
        if let (Some(h), Some(start)) = (r[0].as_text(), r[1].as_date()) {
            let end = Some(r[2].as_date().unwrap_or(start));
            if let Some(&i) = position.get(h) {
                all[i].note(Part::Course(Period { start, end }), year);
            }
        }
    }
    for (household, _, period) in placements {
        if let Some(&i) = position.get(household.as_str()) {
            all[i].note(Part::Placement(*period), year);
        }
    }
    Ok(all)
}

/// Placements of households within `scope` begun by the end of `year`: (household, person,
/// the period it runs).
pub(in crate::records) async fn placements_by_end_of(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
) -> Result<Vec<(String, String, Period)>, StoreError> {
    let (_, last) = year_bounds(year);
    let (sql, args) = within_scope(
        scope,
        "SELECT p.household_id, p.id_number, p.start_date, p.months FROM placements p \
         WHERE p.start_date <= ?{within}",
        "p",
        vec![Arg::Date(last)],
    );
    Ok(s.query(&PLACED, &sql, &args)
        .await?
        .into_iter()
        .filter_map(|r| {
            let months = u32::try_from(r[3].as_int()?).ok()?;
            Some((
                r[0].as_text()?.to_string(),
                r[1].as_text()?.to_string(),
                placement_period(r[2].as_date()?, months),
            ))
        })
        .collect())
}

/// The households within `scope` poor at the start of `year` and how they take part in it;
/// `placements` are those of `placements_by_end_of` for the same scope and year.
pub(in crate::records) async fn industry_in(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
    placements: &[(String, String, Period)],
) -> Result<Vec<HouseholdIndustry>, StoreError> {
    let poor = poor_at_start(s, scope, year).await?;
    let links = links_of(s, scope, year, &poor, placements).await?;
    Ok(poor
        .into_iter()
        .zip(links)
        .map(|((household_id, village), links)| HouseholdIndustry {
            household_id,
            village,
            links,
        })
        .collect())
}

/// A village planned to exit in the year (预出列) and its one-village-one-product projects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedExitVillage {
    pub code: RegionCode,
    pub name: String,
    /// Projects of the village started by the year.
    pub projects: u64,
    /// Their products, joined by "、".
    pub products: String,
    /// Households that joined them by the end of the year.
    pub joined: u64,
    pub poor: u64,
    pub poor_in_industry: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgKindTally {
    pub kind: PartyOrgKind,
    pub orgs: u64,
    pub party_members: u64,
    /// Households brought along during the year.
    pub brought: u64,
}

/// Counts of an activity of the year within reach: how many, and two sums.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub n: u64,
    pub a: u64,
    pub b: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndustryOverview {
    pub year: i32,
    /// Households poor at the start of the year, each with its links.
    pub households: Vec<HouseholdIndustry>,
    pub planned_exit: Vec<PlannedExitVillage>,
    pub orgs: Vec<OrgKindTally>,
    /// Labour courses running in the year (n), attendees (a).
    pub courses: Tally,
    /// Commissioners' trainings (n), participants (a).
    pub commissioner_trainings: Tally,
    /// Job fairs (n), posts offered (a), employers (b).
    pub job_fairs: Tally,
    /// Placements running in the year (n), persons (a), households (b) — of every household
    /// in reach, not only the poor.
    pub placements: Tally,
    /// Names of the villages of the households and the planned-exit list, by code.
    pub names: HashMap<u64, String>,
}

impl IndustryOverview {
    pub fn in_industry(&self) -> u64 {
        self.households.iter().filter(|h| h.links.any()).count() as u64
    }

    /// Households of each way of taking part (a household may count in several).
    pub fn by_link(&self) -> [u64; 5] {
        let mut out = [0; 5];
        for h in &self.households {
            let l = h.links;
            for (i, on) in [
                l.brought_along,
                l.joined_project,
                l.own_industry,
                l.course,
                l.placement,
            ]
            .into_iter()
            .enumerate()
            {
                out[i] += u64::from(on);
            }
        }
        out
    }

    pub fn gaps(&self) -> impl Iterator<Item = &HouseholdIndustry> {
        self.households.iter().filter(|h| !h.links.any())
    }

    pub fn name(&self, code: RegionCode) -> &str {
        self.names
            .get(&code.as_u64())
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// The 产业 module's overview of `year` within `access`'s reach.
pub async fn industry_overview(
    store: &dyn Store,
    access: &Access,
    year: i32,
    today: NaiveDate,
) -> Result<IndustryOverview, StoreError> {
    let mut s = store.read_session().await?;
    let s = s.as_mut();
    let scope = household_scope(access, today);
    let placed = placements_by_end_of(s, &scope, year).await?;
    let households = industry_in(s, &scope, year, &placed).await?;
    let range = village_bounds(access);
    let poor_of = by_village(&households);
    let planned_exit = planned_exit_villages(s, year, &range, &poor_of).await?;
    let orgs = org_tallies(s, year, &range).await?;
    let (courses, commissioner_trainings, job_fairs) = activity_tallies(s, year, &range).await?;
    let names = names_of(
        s,
        poor_of
            .keys()
            .copied()
            .chain(planned_exit.iter().map(|v| v.code.as_u64())),
    )
    .await?;
    Ok(IndustryOverview {
        year,
        households,
        planned_exit,
        orgs,
        courses,
        commissioner_trainings,
        job_fairs,
        placements: placement_tally(&placed, year),
        names,
    })
}

/// The villages within `range` planned to exit in `year` with their one-village-one-product
/// projects; `poor_of` is `by_village` of the year's households.
async fn planned_exit_villages(
    s: &mut dyn ReadSession,
    year: i32,
    range: &[Arg; 2],
    poor_of: &BTreeMap<u64, (u64, u64)>,
) -> Result<Vec<PlannedExitVillage>, StoreError> {
    let (_, last) = year_bounds(year);
    let rows = s
        .query(
            &VILLAGE_OVOP,
            "SELECT v.village_code, r.name, \
             (SELECT count(*) FROM ovop_projects p WHERE p.village_code = v.village_code \
              AND (p.year IS NULL OR p.year <= ?)), \
             (SELECT count(DISTINCT j.household_id) FROM ovop_households j \
              JOIN ovop_projects p ON p.ovop_id = j.ovop_id \
              WHERE p.village_code = v.village_code AND j.join_date <= ?) \
             FROM villages v LEFT JOIN regions r ON r.code = v.village_code \
             WHERE v.planned_exit_year = ? AND v.village_code BETWEEN ? AND ? \
             ORDER BY v.village_code",
            &[
                Arg::Int(i64::from(year)),
                Arg::Date(last),
                Arg::Int(i64::from(year)),
                range[0].clone(),
                range[1].clone(),
            ],
        )
        .await?;
    let products = products_of_planned_exit(s, year, range).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let code = r[0].as_region()?;
            let (poor, poor_in_industry) = poor_of.get(&code.as_u64()).copied().unwrap_or_default();
            Some(PlannedExitVillage {
                code,
                name: r[1].as_text().unwrap_or("").to_string(),
                projects: count_of(&r[2]),
                products: products
                    .get(&code.as_u64())
                    .map(|p| p.iter().cloned().collect::<Vec<_>>().join("、"))
                    .unwrap_or_default(),
                joined: count_of(&r[3]),
                poor,
                poor_in_industry,
            })
        })
        .collect())
}

/// Industry-chain organisations within `range` by kind, with the households brought along
/// during `year`.
async fn org_tallies(
    s: &mut dyn ReadSession,
    year: i32,
    range: &[Arg; 2],
) -> Result<Vec<OrgKindTally>, StoreError> {
    let (first, last) = year_bounds(year);
    Ok(s
        .query(
            &ORGS,
            "SELECT o.kind, count(*), CAST(coalesce(sum(o.party_members), 0) AS BIGINT), \
             (SELECT count(DISTINCT b.household_id) FROM org_households b \
              JOIN party_orgs k ON k.org_id = b.org_id \
              WHERE k.kind = o.kind AND k.village_code BETWEEN ? AND ? \
              AND b.start_date <= ? AND (b.end_date IS NULL OR b.end_date >= ?)) \
             FROM party_orgs o WHERE o.village_code BETWEEN ? AND ? GROUP BY o.kind ORDER BY o.kind",
            &[
                range[0].clone(),
                range[1].clone(),
                Arg::Date(last),
                Arg::Date(first),
                range[0].clone(),
                range[1].clone(),
            ],
        )
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(OrgKindTally {
                kind: r[0].as_code().and_then(PartyOrgKind::parse)?,
                orgs: count_of(&r[1]),
                party_members: count_of(&r[2]),
                brought: count_of(&r[3]),
            })
        })
        .collect())
}

/// Labour courses, commissioners' trainings and job fairs of `year` within `range` (courses and
/// fairs are placed by a region code of any level; the bounds hold the region's own code too).
async fn activity_tallies(
    s: &mut dyn ReadSession,
    year: i32,
    range: &[Arg; 2],
) -> Result<(Tally, Tally, Tally), StoreError> {
    let (first, last) = year_bounds(year);
    let within = [
        Arg::Date(first),
        Arg::Date(last),
        range[0].clone(),
        range[1].clone(),
    ];
    let running = [
        Arg::Date(last),
        Arg::Date(first),
        range[0].clone(),
        range[1].clone(),
    ];
    let courses = tally(
        s,
        "SELECT count(*), \
         (SELECT count(*) FROM course_attendance a JOIN labour_courses k ON k.course_id = a.course_id \
          WHERE k.start_date <= ? AND coalesce(k.end_date, k.start_date) >= ? \
          AND k.region_code BETWEEN ? AND ?), CAST(0 AS BIGINT) \
         FROM labour_courses c WHERE c.start_date <= ? AND coalesce(c.end_date, c.start_date) >= ? \
         AND c.region_code BETWEEN ? AND ?",
        running.iter().chain(&running).cloned().collect(),
    )
    .await?;
    let commissioner_trainings = tally(
        s,
        "SELECT count(*), CAST(coalesce(sum(participants), 0) AS BIGINT), CAST(0 AS BIGINT) \
         FROM commissioner_trainings WHERE date BETWEEN ? AND ? AND village_code BETWEEN ? AND ?",
        within.to_vec(),
    )
    .await?;
    let job_fairs = tally(
        s,
        "SELECT count(*), CAST(coalesce(sum(posts), 0) AS BIGINT), \
         CAST(coalesce(sum(employers), 0) AS BIGINT) \
         FROM job_fairs WHERE date BETWEEN ? AND ? AND region_code BETWEEN ? AND ?",
        within.to_vec(),
    )
    .await?;
    Ok((courses, commissioner_trainings, job_fairs))
}

/// Placements running in `year` (n), persons (a), households (b).
fn placement_tally(placed: &[(String, String, Period)], year: i32) -> Tally {
    let mut n = 0;
    let mut persons = HashSet::new();
    let mut households = HashSet::new();
    for (household, person, period) in placed {
        if period.touches_year(year) {
            n += 1;
            persons.insert(person);
            households.insert(household);
        }
    }
    Tally {
        n,
        a: persons.len() as u64,
        b: households.len() as u64,
    }
}

/// The products of each planned-exit village's projects started by `year`.
async fn products_of_planned_exit(
    s: &mut dyn ReadSession,
    year: i32,
    range: &[Arg; 2],
) -> Result<HashMap<u64, std::collections::BTreeSet<String>>, StoreError> {
    static PRODUCTS: FileSpec = shape(
        FileId::OvopProjects,
        "products",
        "产品",
        &[
            column("village_code", ColumnType::Region),
            column("product", ColumnType::Text),
        ],
    );
    let mut out: HashMap<u64, std::collections::BTreeSet<String>> = HashMap::new();
    for r in s
        .query(
            &PRODUCTS,
            "SELECT p.village_code, p.product FROM ovop_projects p \
             JOIN villages v ON v.village_code = p.village_code \
             WHERE v.planned_exit_year = ? AND (p.year IS NULL OR p.year <= ?) \
             AND p.village_code BETWEEN ? AND ?",
            &[
                Arg::Int(i64::from(year)),
                Arg::Int(i64::from(year)),
                range[0].clone(),
                range[1].clone(),
            ],
        )
        .await?
    {
        if let (Some(v), Some(p)) = (r[0].as_region(), r[1].as_text()) {
            out.entry(v.as_u64()).or_default().insert(p.to_string());
        }
    }
    Ok(out)
}

async fn tally(s: &mut dyn ReadSession, sql: &str, args: Vec<Arg>) -> Result<Tally, StoreError> {
    let rows = s.query(&TALLY, sql, &args).await?;
    let r = rows.first();
    let at = |i: usize| r.map(|r| count_of(&r[i])).unwrap_or(0);
    Ok(Tally {
        n: at(0),
        a: at(1),
        b: at(2),
    })
}

/// Per village: households poor at the start of the year, and of them those in industry.
pub fn by_village(households: &[HouseholdIndustry]) -> BTreeMap<u64, (u64, u64)> {
    let mut out: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
    for h in households {
        let e = out.entry(h.village.as_u64()).or_default();
        e.0 += 1;
        e.1 += u64::from(h.links.any());
    }
    out
}
