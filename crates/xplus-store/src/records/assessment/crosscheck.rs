//! `xplus crosscheck` (departments.md): other departments' lists matched against every member of
//! the registry as it stood on the day checked, in one streaming pass over each list with a
//! hashed index of members (no query per row). Core's `assessment::crosscheck` says what a row
//! means; this file reads the lists, builds the index and keeps the findings in the specified
//! order. Nothing is written here: findings.rs records them (`--apply`).

use super::queries::crosscheck::{MovedMember, MEMBERS_OF_COUNTY, MOVED_AFTER};
use crate::bundle::source::{BundleSource, Encoding, SourceError, TableReader};
use crate::error::StoreError;
use crate::records::registry::read::{histories, household_scope, households_in};
use crate::records::rules::rule_book;
use crate::session::compact::CompactRows;
use crate::session::filter::Arg;
use crate::session::rows::Named;
use crate::store::Store;
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use xplus_core::accounts::Access;
use xplus_core::assessment::crosscheck::{self as rules, Finding};
use xplus_core::interchange::{cell, FileId, FileSpec, Value};
use xplus_core::money::Fen;
use xplus_core::registry::membership::MembershipChange;
use xplus_core::registry::{standing_at_start, IdNumber, RegionCode};

/// One finding, as the findings file lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingRow {
    pub household_id: String,
    /// The member's 18-character number as stored.
    pub id_number: String,
    pub finding: Finding,
    /// The department file ("deaths.csv") and the Excel row of the supporting line.
    pub file: String,
    pub row: u32,
    pub detail: String,
    /// The department's own day for the finding (the death, the registration); none for a
    /// year's medical costs.
    pub fact_on: Option<NaiveDate>,
}

/// A row whose number matches nobody because it is not a valid number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemRow {
    pub file: String,
    pub row: u32,
    pub value: String,
    pub reason: String,
}

/// A reason the bundle cannot be checked at all: where, and why (nothing is recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub file: String,
    pub row: u32,
    pub column: String,
    pub value: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub struct Crosscheck {
    /// Sorted by household, member, finding.
    pub findings: Vec<FindingRow>,
    pub problems: Vec<ProblemRow>,
    /// Not empty: the bundle is malformed and nothing else holds.
    pub malformed: Vec<Malformed>,
    /// Department rows read, and members in the index.
    pub rows_read: u64,
    pub members_checked: u64,
}

/// A member of the registry on the day checked: their household (an index into
/// `Index::households`) and where their recorded name sits in `Index::names`. Kept small: a
/// national registry has about 95 million members.
#[derive(Clone, Copy)]
struct Member {
    household: u32,
    name_at: u32,
    name_len: u16,
}

/// The members of every household checked on `as_of`, by the 17 digits of their number (the
/// 18th is their check digit), with the households' ids and counties and one buffer of names.
struct Index {
    members: HashMap<u64, Member>,
    households: Vec<(String, Option<RegionCode>)>,
    names: String,
}

impl Index {
    fn name(&self, m: &Member) -> &str {
        let at = m.name_at as usize;
        self.names
            .get(at..at + usize::from(m.name_len))
            .unwrap_or("")
    }

    /// Keeps `name` in the buffer of names; a name beyond what the buffer can point at (never
    /// from a registry name of at most a few dozen characters) is kept empty.
    fn member(&mut self, household: u32, name: &str) -> Member {
        let (Ok(name_at), Ok(name_len)) =
            (u32::try_from(self.names.len()), u16::try_from(name.len()))
        else {
            return Member {
                household,
                name_at: 0,
                name_len: 0,
            };
        };
        self.names.push_str(name);
        Member {
            household,
            name_at,
            name_len,
        }
    }
}

/// Checks the department bundle at `path` as of `as_of` against the registry in `store`.
pub async fn crosscheck(
    store: &dyn Store,
    access: &Access,
    path: &Path,
    as_of: NaiveDate,
    today: NaiveDate,
) -> Result<Crosscheck, StoreError> {
    let source = match BundleSource::open_departments(path, Encoding::Auto) {
        Ok(s) => s,
        Err(e) => {
            return Ok(Crosscheck {
                malformed: vec![Malformed::of_source(&e, path)],
                ..Crosscheck::default()
            })
        }
    };
    // Every unknown file is named, and every known one read on, so that one run lists all
    // that is wrong.
    let unknown: Vec<Malformed> = (source.unknown().iter())
        .map(|name| Malformed::new(name, 0, "", name, UNKNOWN_FILE))
        .collect();
    let index = member_index(store, access, as_of, today).await?;
    let year = as_of.year();
    let book = rule_book(store).await?;
    let rules = county_rules(&index, &book, year);
    // Sorted as specified: household, member's number, then the finding's code.
    let mut found = Found::new();
    let mut out = Crosscheck {
        members_checked: index.members.len() as u64,
        malformed: unknown,
        ..Crosscheck::default()
    };
    for file in source.files() {
        let mut table = match source.open_table(file) {
            Ok(t) => t,
            Err(e) => {
                // Named as its uploader named it, not by the folder it sits in.
                out.malformed
                    .push(Malformed::of_source(&e, Path::new(file.name())));
                continue;
            }
        };
        let Some(positions) = positions(file.spec, &table, &mut out) else {
            continue;
        };
        let mut medical: HashMap<IdNumber, (Fen, u32, String)> = HashMap::new();
        let mut record = csv::StringRecord::new();
        loop {
            let row = match table.read(&mut record) {
                Ok(Some(row)) => row,
                Ok(None) => break,
                Err(e) => {
                    // A problem of one row (a short row, a bad byte) lets the file be read on.
                    let name = Path::new(table.file_name());
                    out.malformed.push(Malformed::of_source(&e, name));
                    if e.row_problem().is_some() {
                        continue;
                    }
                    break;
                }
            };
            out.rows_read += 1;
            let Some(values) =
                parse_row(file.spec, &table, row, &record, &positions, as_of, &mut out)
            else {
                continue;
            };
            let named = Named::new(file.spec, &values);
            let raw = named.text("id_number").unwrap_or("");
            // A birth date is in the future by the real day, not the day checked.
            let number = match IdNumber::parse(raw, today) {
                Ok(n) => n,
                Err(e) => {
                    out.problems.push(ProblemRow {
                        file: file.spec.file_name(),
                        row,
                        value: raw.to_string(),
                        reason: e.to_string(),
                    });
                    continue;
                }
            };
            let Some(member) = index.members.get(&number.digits17()) else {
                continue;
            };
            let (household, county) = &index.households[member.household as usize];
            let name_note = name_note(named.text("name"), index.name(member));
            // The member's number as stored: the registry keeps the normalised 18 characters.
            let id_number = number.to_string();
            if file.spec.id == FileId::Medical {
                if named.int("year") == Some(i64::from(year)) {
                    let paid = named.money("self_paid").unwrap_or_default();
                    let e = medical
                        .entry(number)
                        .or_insert((Fen(0), row, name_note.clone()));
                    e.0 = e.0 + paid;
                }
                continue;
            }
            let Some((finding, detail)) =
                judge(file.spec.id, &named, *county, as_of, &rules[county])
            else {
                continue;
            };
            let key = (household.clone(), id_number.clone(), finding.code());
            found.entry(key).or_insert_with(|| FindingRow {
                household_id: household.clone(),
                id_number,
                finding,
                file: file.spec.file_name(),
                row,
                detail: format!("{detail}{name_note}"),
                fact_on: fact_day(file.spec.id, &named),
            });
        }
        medical_findings(&index, &rules, year, file.spec, medical, &mut found);
    }
    out.findings = found.into_values().collect();
    Ok(out)
}

const UNKNOWN_FILE: &str = "未知的部门数据文件；应为 deaths、payroll、vehicles、businesses、properties、medical、assistance 之一 / an unknown department file";

/// The rule set of each county of the households checked.
type CountyRules = HashMap<Option<RegionCode>, xplus_core::rules::RuleSet>;

/// The rules of each county of the households checked, resolved once, not per row of a list
/// of millions.
fn county_rules(index: &Index, book: &xplus_core::rules::RuleBook, year: i32) -> CountyRules {
    (index.households.iter())
        .map(|(_, county)| *county)
        .collect::<std::collections::HashSet<_>>()
        .into_iter()
        .map(|county| (county, book.for_place(county, year).set))
        .collect()
}

/// The findings found so far, by household, member's number and finding code (the specified
/// order).
type Found = BTreeMap<(String, String, &'static str), FindingRow>;

/// `medical_burden`: each member's self-paid costs of the year, summed over their rows of
/// medical.csv, against the county's threshold; the finding names the member's first row.
fn medical_findings(
    index: &Index,
    rules: &CountyRules,
    year: i32,
    spec: &'static FileSpec,
    medical: HashMap<IdNumber, (Fen, u32, String)>,
    found: &mut Found,
) {
    for (number, (paid, row, note)) in medical {
        let member = &index.members[&number.digits17()];
        let id_number = number.to_string();
        let (household, county) = &index.households[member.household as usize];
        let min = rules[county].medical_self_paid_min.value;
        if rules::medical_burden(paid, min) {
            let finding = Finding::MedicalBurden;
            let key = (household.clone(), id_number.clone(), finding.code());
            found.insert(
                key,
                FindingRow {
                    household_id: household.clone(),
                    id_number,
                    finding,
                    file: spec.file_name(),
                    row,
                    detail: format!("{year}年个人自付合计 {paid} 元{note}"),
                    fact_on: None,
                },
            );
        }
    }
}

/// What a row of a department file (other than medical.csv, which is summed per member) says
/// about the member on `as_of`: its finding and a line for the people reading it.
fn judge(
    file: FileId,
    r: &Named<'_>,
    county: Option<RegionCode>,
    as_of: NaiveDate,
    set: &xplus_core::rules::RuleSet,
) -> Option<(Finding, String)> {
    let day = |name: &str| r.date(name).unwrap_or(NaiveDate::MAX);
    let label = |name: &str, spec: &xplus_core::labels::EnumSpec| {
        r.code(name)
            .and_then(|c| spec.label_zh(c))
            .unwrap_or("")
            .to_string()
    };
    use xplus_core::assessment::crosscheck::{
        AssistanceProgram, BusinessRole, PropertyKind, VehicleKind,
    };
    match file {
        FileId::Deaths => rules::deceased(day("died_on"), as_of)
            .then(|| (Finding::Deceased, format!("死亡日期 {}", day("died_on")))),
        FileId::Payroll => rules::public_payroll(day("since"), as_of).then(|| {
            let employer = r.string("employer");
            (
                Finding::PublicPayroll,
                format!("{employer}，自 {}", day("since")),
            )
        }),
        FileId::Vehicles => {
            let kind = r.code("kind").and_then(VehicleKind::parse)?;
            rules::vehicle(kind, day("registered_on"), as_of).then(|| {
                let what = label("kind", &VehicleKind::SPEC);
                let plate = r.string("plate");
                (
                    Finding::Vehicle,
                    format!("{plate} {what}，登记于 {}", day("registered_on")),
                )
            })
        }
        FileId::Businesses => {
            let capital = r.money("capital").unwrap_or_default();
            let min = set.business_capital_min.value;
            rules::business(capital, day("registered_on"), as_of, min).then(|| {
                let role = label("role", &BusinessRole::SPEC);
                let company = r.string("company");
                (
                    Finding::Business,
                    format!("{company}（{role}），注册资本 {capital} 元"),
                )
            })
        }
        FileId::Properties => {
            let kind = r.code("kind").and_then(PropertyKind::parse)?;
            let at = r.region("location_code")?;
            rules::property(kind, at, county, day("registered_on"), as_of).then(|| {
                let what = label("kind", &PropertyKind::SPEC);
                let area = r.money("area").unwrap_or_default();
                (Finding::Property, format!("{at} {what} {area} 平方米"))
            })
        }
        FileId::Assistance => {
            let program = r.code("program").and_then(AssistanceProgram::parse)?;
            let end = r.date("end_date");
            rules::assistance(program, day("start_date"), end, as_of).then(|| {
                let what = label("program", &AssistanceProgram::SPEC);
                (
                    Finding::Assistance,
                    format!("{what}，自 {}", day("start_date")),
                )
            })
        }
        _ => None,
    }
}

/// The department's own day of a row: when the person died, went on the payroll, registered a
/// vehicle, business or property, or began to receive assistance.
fn fact_day(file: FileId, r: &Named<'_>) -> Option<NaiveDate> {
    let column = match file {
        FileId::Deaths => "died_on",
        FileId::Payroll => "since",
        FileId::Vehicles | FileId::Businesses | FileId::Properties => "registered_on",
        FileId::Assistance => "start_date",
        _ => return None,
    };
    r.date(column)
}

/// The note on a differing name: a match is by number alone (departments.md).
fn name_note(listed: Option<&str>, recorded: &str) -> String {
    match listed.map(str::trim) {
        Some(n) if !n.is_empty() && n != recorded => {
            format!("；名单姓名 {n}，登记姓名 {recorded}")
        }
        _ => String::new(),
    }
}

impl Malformed {
    fn new(file: &str, row: u32, column: &str, value: &str, reason: &str) -> Malformed {
        Malformed {
            file: file.to_string(),
            row,
            column: column.to_string(),
            value: value.to_string(),
            reason: reason.to_string(),
        }
    }

    /// What the reader refused, at its row and column when it names them.
    fn of_source(e: &SourceError, path: &Path) -> Malformed {
        let (row, column) = e.row_problem().unwrap_or((0, ""));
        Malformed::new(&path.display().to_string(), row, column, "", &e.to_string())
    }
}

/// Each column's place in the file's header; a header the format does not know, or a required
/// column missing, makes the bundle malformed.
fn positions(
    spec: &'static FileSpec,
    table: &TableReader,
    out: &mut Crosscheck,
) -> Option<Vec<Option<usize>>> {
    let before = out.malformed.len();
    let mut at = vec![None; spec.columns.len()];
    for (pos, header) in table.header().iter().enumerate() {
        match spec.find_header(header) {
            Some(i) if at[i].is_none() => at[i] = Some(pos),
            _ => out.malformed.push(Malformed::new(
                table.file_name(),
                1,
                header,
                header,
                "未知或重复的列 / an unknown or repeated column",
            )),
        }
    }
    for (i, column) in spec.columns.iter().enumerate() {
        if column.required && at[i].is_none() {
            let reason = format!(
                "缺少必需的列 {}（{}）/ the required column is missing",
                column.en, column.zh
            );
            out.malformed
                .push(Malformed::new(table.file_name(), 1, column.en, "", &reason));
        }
    }
    (out.malformed.len() == before).then_some(at)
}

/// The row's values as the format types them; a cell that does not parse makes the bundle
/// malformed (all rows are read, so that every such cell is reported at once).
fn parse_row(
    spec: &'static FileSpec,
    table: &TableReader,
    row: u32,
    record: &csv::StringRecord,
    positions: &[Option<usize>],
    today: NaiveDate,
    out: &mut Crosscheck,
) -> Option<Vec<Value>> {
    let mut values = Vec::with_capacity(spec.columns.len());
    let mut ok = true;
    for (column, pos) in spec.columns.iter().zip(positions) {
        let raw = pos.and_then(|p| record.get(p)).unwrap_or("");
        match cell::parse(column, raw, today) {
            Ok(v) => values.push(v),
            Err(reason) => {
                out.malformed.push(Malformed::new(
                    table.file_name(),
                    row,
                    column.en,
                    raw,
                    &reason,
                ));
                ok = false;
            }
        }
    }
    ok.then_some(values)
}

/// The members of every household checked on `as_of` (core's `is_checked` on its standing
/// then), as they stood that day: today's members with the changes after it undone.
async fn member_index(
    store: &dyn Store,
    access: &Access,
    as_of: NaiveDate,
    today: NaiveDate,
) -> Result<Index, StoreError> {
    let mut s = store.read_session().await?;
    // Within the account's reach today: a county checks its own households.
    let scope = households_in(&household_scope(access, today), "h.household_id");
    let histories = histories(s.as_mut(), &scope, as_of.year()).await?;
    let mut households = Vec::new();
    let mut place: HashMap<String, u32> = HashMap::new();
    for (id, h) in histories {
        let standing = standing_at_start(h.today, h.replaced, as_of.year());
        // A household identified after the year checked was not in the registry yet.
        if h.identified <= as_of.year() && rules::is_checked(standing.status) {
            place.insert(id.clone(), households.len() as u32);
            households.push((id, h.village.county()));
        }
    }
    let mut index = Index {
        members: HashMap::new(),
        households,
        names: String::new(),
    };
    let digits = |id: &str| id.get(..17).and_then(|d| d.parse::<u64>().ok());
    // County by county through the index made for the assessment (a covering range of it), one
    // buffer reused: a province's members are never all held as rows at once.
    let counties: std::collections::BTreeSet<u64> = (index.households.iter())
        .filter_map(|(_, county)| county.map(RegionCode::as_u64))
        .collect();
    let mut rows = CompactRows::with_capacity(3, 65_536, 65_536 * 30);
    for county in counties {
        let args = [Arg::Int(county as i64)];
        rows = s
            .query_compact(
                "读取成员 / reading members",
                MEMBERS_OF_COUNTY,
                &args,
                rows.reuse(3),
            )
            .await?;
        for r in rows.rows() {
            let (Some(id), Some(number), Some(name)) = (r.text(0), r.text(1), r.text(2)) else {
                continue;
            };
            if let (Some(&household), Some(key)) = (place.get(id), digits(number)) {
                let member = index.member(household, name);
                index.members.insert(key, member);
            }
        }
    }
    // Undone latest first: a person who left after the day was a member on it; one who joined
    // after it was not.
    let mut moved = MOVED_AFTER.fetch(s.as_mut(), &[Arg::Date(as_of)]).await?;
    moved.sort_by_key(|m: &MovedMember| std::cmp::Reverse((m.changed_on, m.seq)));
    for m in moved {
        let (Some(&household), Some(key)) = (place.get(&m.household_id), digits(&m.id_number))
        else {
            continue;
        };
        match m.change {
            // Who joined this household after the day was not in it then — but may have been
            // in another, put back by undoing their leaving it, whichever was undone first.
            MembershipChange::Joined => {
                if (index.members.get(&key)).is_some_and(|m| m.household == household) {
                    index.members.remove(&key);
                }
            }
            MembershipChange::Left => {
                let member = index.member(household, &m.name);
                index.members.insert(key, member);
            }
        }
    }
    Ok(index)
}
