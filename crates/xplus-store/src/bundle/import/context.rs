//! What the importer knows while it checks a bundle: every key seen so far (from the database
//! and from earlier rows), and the few facts per record that cross-file rules need. Kept compact
//! (indices and packed keys rather than copies of rows) so that a province imports in well under
//! a gigabyte.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use xplus_core::backbone::CadreRole;
use xplus_core::collective::ShareEventKind;
use xplus_core::interchange::Value;
use xplus_core::interchange::{schema, FileId};
use xplus_core::registry::{HouseholdStatus, Level, Relation};
use xplus_core::values::Date;
use xplus_core::Fen;

/// Row number 0 marks a record that came from the database rather than the bundle.
pub(crate) const FROM_DB: u32 = 0;

/// Records keyed by a text id (households, stations, …): the id interned once, an index for
/// everything else to refer to, and the facts the rules need.
pub(crate) struct Entities<T> {
    index: HashMap<Arc<str>, u32>,
    pub ids: Vec<Arc<str>>,
    pub info: Vec<T>,
    /// Bundle row that defined it, or FROM_DB.
    pub row: Vec<u32>,
}

impl<T> Default for Entities<T> {
    fn default() -> Self {
        Entities {
            index: HashMap::new(),
            ids: Vec::new(),
            info: Vec::new(),
            row: Vec::new(),
        }
    }
}

pub(crate) enum Insert {
    New(u32),
    /// Already in the database: the bundle row updates it.
    Update(u32),
    /// Already defined by an earlier row of the bundle (its row number).
    Duplicate(u32),
}

impl<T> Entities<T> {
    pub fn get(&self, id: &str) -> Option<u32> {
        self.index.get(id).copied()
    }

    pub fn insert(&mut self, id: &str, info: T, row: u32) -> Insert {
        if let Some(&i) = self.index.get(id) {
            let earlier = self.row[i as usize];
            if earlier != FROM_DB && row != FROM_DB {
                return Insert::Duplicate(earlier);
            }
            self.info[i as usize] = info;
            self.row[i as usize] = row;
            return Insert::Update(i);
        }
        let i = self.ids.len() as u32;
        let key: Arc<str> = Arc::from(id);
        self.index.insert(key.clone(), i);
        self.ids.push(key);
        self.info.push(info);
        self.row.push(row);
        Insert::New(i)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }
}

/// Keys of the files whose key is not a single text id, packed into 128 bits, with the row
/// that defined them. Keys that fit in 64 bits (most of them) take half the memory.
#[derive(Default)]
pub(crate) struct KeySet {
    narrow: HashMap<u64, u32>,
    wide: HashMap<u128, u32>,
}

impl KeySet {
    /// Records a key; returns the earlier bundle row if the bundle already had it.
    pub fn insert(&mut self, key: u128, row: u32) -> Option<u32> {
        let earlier = match u64::try_from(key) {
            Ok(k) => self.narrow.insert(k, row),
            Err(_) => self.wide.insert(key, row),
        };
        match earlier {
            Some(earlier) if earlier != FROM_DB && row != FROM_DB => {
                match u64::try_from(key) {
                    Ok(k) => self.narrow.insert(k, earlier),
                    Err(_) => self.wide.insert(key, earlier),
                };
                Some(earlier)
            }
            _ => None,
        }
    }
}

/// Records kept for rules across rows, by packed key, so that a bundle row replaces the stored
/// row it updates instead of standing beside it.
pub(crate) struct Keyed<T> {
    index: HashMap<u128, usize>,
    pub items: Vec<T>,
}

impl<T> Default for Keyed<T> {
    fn default() -> Self {
        Keyed {
            index: HashMap::new(),
            items: Vec::new(),
        }
    }
}

impl<T> Keyed<T> {
    pub fn put(&mut self, key: u128, item: T) {
        match self.index.get(&key) {
            Some(&i) => self.items[i] = item,
            None => {
                self.index.insert(key, self.items.len());
                self.items.push(item);
            }
        }
    }

    /// Once the file is read no row can replace another: the index can go.
    pub fn forget_keys(&mut self) {
        self.index = HashMap::new();
    }
}

/// Packs small numbers into one key; the widths are fixed per kind of part.
pub(crate) struct KeyPacker(u128, u32);

impl KeyPacker {
    pub fn new() -> Self {
        KeyPacker(0, 0)
    }

    fn push(mut self, value: u64, bits: u32) -> Self {
        debug_assert!(self.1 + bits <= 128 && (bits == 64 || value < 1 << bits));
        self.0 = (self.0 << bits) | u128::from(value);
        self.1 += bits;
        self
    }

    pub fn index(self, i: u32) -> Self {
        self.push(u64::from(i), 32)
    }

    pub fn region(self, code: u64) -> Self {
        self.push(code, 40)
    }

    pub fn year(self, y: i64) -> Self {
        self.push(y as u64 & 0xffff, 16)
    }

    pub fn date(self, d: Date) -> Self {
        use chrono::Datelike;
        self.push(d.num_days_from_ce() as u64 & 0xff_ffff, 24)
    }

    /// A full 64-bit part (an identity number's 17 digits).
    pub fn push_wide(self, value: u64) -> Self {
        self.push(value, 64)
    }

    pub fn flag(self, b: bool) -> Self {
        self.push(u64::from(b), 1)
    }

    pub fn done(self) -> u128 {
        self.0
    }
}

pub(crate) struct RegionInfo {
    pub level: Level,
    pub row: u32,
}

pub(crate) struct VillageInfo {
    pub poor: bool,
    pub exit_year: Option<i64>,
}

pub(crate) struct HouseholdInfo {
    pub village: u64,
    pub status: HouseholdStatus,
    pub exit_year: Option<i32>,
    /// 0 when the household's own row was refused (the rules that read it stay quiet).
    pub identified_year: i32,
}

/// A record's village and first day: a start-up's, for the households it brings along, and a
/// secretary's term, for the pool member who became that secretary (village 0, no day: its row
/// was refused).
pub(crate) struct StartInfo {
    pub village: u64,
    pub start: Option<Date>,
}

/// One member row (from the bundle or the database), packed into 16 bytes: a province has
/// five million people. Duplicates are found by sorting once every row is read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MemberEntry {
    /// The first 17 digits of the identity number.
    pub id: u64,
    /// Household index in the low 29 bits, relation in the top 3.
    household_relation: u32,
    pub row: u32,
}

impl MemberEntry {
    pub fn new(id: u64, household: u32, relation: Relation, row: u32) -> MemberEntry {
        assert!(
            household < 1 << 29,
            "more households than one import can hold"
        );
        let r = Relation::ALL
            .iter()
            .position(|&x| x == relation)
            .expect("every relation is listed") as u32;
        MemberEntry {
            id,
            household_relation: household | r << 29,
            row,
        }
    }

    pub fn household(&self) -> u32 {
        self.household_relation & ((1 << 29) - 1)
    }

    pub fn relation(&self) -> Relation {
        Relation::ALL[(self.household_relation >> 29) as usize]
    }
}

pub(crate) struct ProjectInfo {
    pub village: u64,
    pub share_value: Fen,
    pub total_shares: i64,
}

pub(crate) struct Pairing {
    pub cadre: u32,
    pub household: u32,
    pub start: Date,
    pub end: Option<Date>,
    pub row: u32,
}

/// A unit pairing that ends, kept to check rules.md §7 against the villages' final state.
#[derive(PartialEq, Eq)]
pub(crate) struct UnitPairingEnd {
    pub village: u64,
    pub end: Date,
    pub row: u32,
}

/// A weak organisation's listing, stored or in the bundle, for the rule on listing a village
/// again (core `party_building::relisting_problem`).
pub(crate) struct WeakSeen {
    pub village: u64,
    pub year: i32,
    pub rectified: Option<Date>,
    pub row: u32,
}

pub(crate) struct ShareEvent {
    pub project: u32,
    pub household: u32,
    pub date: Date,
    pub kind: ShareEventKind,
    pub shares: i64,
    pub row: u32,
}

/// An investor's shares in a project (社会资本入股), by (project, investor): a bundle row replaces
/// the stored row of the same key.
pub(crate) struct InvestorSeen {
    pub shares: i64,
    pub row: u32,
}

pub(crate) struct LoanInfo {
    pub household: u32,
    pub project: u32,
    pub pledged: i64,
    pub amount: Fen,
    pub start: Date,
    pub term_months: i64,
    pub repaid: Option<Date>,
}

pub(crate) struct Attendee {
    /// Where the person is named (attendance_members, course_attendance, placements).
    pub file: &'static xplus_core::interchange::FileSpec,
    pub col: usize,
    pub id: u64,
    pub household: u32,
    pub row: u32,
    pub value: Value,
}

/// One income row of the bundle, kept for the doubtful-income warning.
pub(crate) struct IncomeSeen {
    pub net: Fen,
    pub household: u32,
    pub year: i32,
    pub row: u32,
}

/// An applied outcome as the §7 check reads it.
pub(crate) struct OutcomeSeen {
    pub household: u32,
    pub year: i32,
    pub before: xplus_core::registry::Standing,
}

/// One row of member_changes.csv (from the bundle or the database): who joined or left which
/// household on which day, the household's `seq`-th change.
#[derive(Debug, Clone)]
pub(crate) struct ChangeSeen {
    pub id: u64,
    pub household: u32,
    pub on: xplus_core::values::Date,
    pub seq: i64,
    pub joined: bool,
    pub row: u32,
    pub value: Value,
}

#[derive(Default)]
pub(crate) struct Context {
    pub regions: HashMap<u64, RegionInfo>,
    pub villages: HashMap<u64, VillageInfo>,
    pub village_rows: HashMap<u64, u32>,
    pub households: Entities<HouseholdInfo>,
    pub members: Vec<MemberEntry>,
    pub stations: Entities<u64>,
    pub sessions: Entities<()>,
    pub units: Entities<()>,
    /// The role, when the cadre's row could be read.
    pub cadres: Entities<Option<CadreRole>>,
    pub bindings: Entities<()>,
    pub startups: Entities<StartInfo>,
    /// Cadres with a posting, or with a start-up, stored or in the bundle: a cadre's changed row
    /// must keep a role those allow (core `posting::role_change_problem`,
    /// `startup_role_problem`).
    pub posted_cadres: BTreeSet<u32>,
    pub cadres_with_startups: BTreeSet<u32>,
    /// The village of each secretary (the county of their reviews) and the start of the term.
    pub secretaries: Entities<StartInfo>,
    /// The village of each village cadre (村干部).
    pub village_cadres: Entities<u64>,
    /// Bundle rows of attendance_members.csv: the member must belong to the household named.
    pub attendees: Vec<Attendee>,
    /// Rows of member_changes.csv: a person who left is still the one named in earlier
    /// trainings and placements, and the latest change of a person must agree with members.
    pub member_changes: Vec<ChangeSeen>,
    pub projects: Entities<ProjectInfo>,
    pub party_orgs: Entities<()>,
    pub ovops: Entities<()>,
    pub courses: Entities<()>,
    pub commissioners: Entities<()>,
    /// Files keyed by text beside ids (guidance items, household industries, trainings, fairs),
    /// by their key joined with a separator.
    pub text_keys: HashMap<FileId, Entities<()>>,
    pub loans: Entities<LoanInfo>,
    /// Composite keys per file.
    pub keys: HashMap<FileId, KeySet>,
    pub pairings: Keyed<Pairing>,
    /// Applied outcomes: the standing each replaced, so that a pairing's end is judged by the
    /// household's standing in that year (rules.md §7 binds changes, not a copy of history).
    pub outcomes: Keyed<OutcomeSeen>,
    /// The exit batches (village, year), for their households' and objections' rows.
    pub batches: std::collections::HashSet<u128>,
    pub unit_ends: Keyed<UnitPairingEnd>,
    pub weak_listings: Keyed<WeakSeen>,
    pub events: Keyed<ShareEvent>,
    pub investors: HashMap<(u32, String), InvestorSeen>,
    pub incomes: Vec<IncomeSeen>,
    /// By household index: whether the bundle has its row or any of its members (the head rule
    /// is checked for those).
    pub touched: Vec<bool>,
    /// By household index: a bundle row in members.csv of one of its members (0: none).
    pub first_member_row: Vec<u32>,
}

impl Context {
    pub fn keys(&mut self, file: FileId) -> &mut KeySet {
        self.keys.entry(file).or_default()
    }

    /// By household: each applied outcome's year and the standing it replaced.
    pub fn replaced_standings(&self) -> HashMap<u32, Vec<(i32, xplus_core::registry::Standing)>> {
        let mut replaced: HashMap<u32, Vec<_>> = HashMap::new();
        for o in &self.outcomes.items {
            replaced
                .entry(o.household)
                .or_default()
                .push((o.year, o.before));
        }
        replaced
    }

    pub fn touch(&mut self, household: u32) {
        let h = household as usize;
        if self.touched.len() <= h {
            self.touched.resize(h + 1, false);
        }
        self.touched[h] = true;
    }

    pub fn note_member_row(&mut self, household: u32, row: u32) {
        let h = household as usize;
        if self.first_member_row.len() <= h {
            self.first_member_row.resize(h + 1, 0);
        }
        if self.first_member_row[h] == 0 {
            self.first_member_row[h] = row;
        }
    }

    /// Forgets what only the rows of `file` itself needed (duplicate keys, which stored row a
    /// bundle row replaces), once the file has been read.
    pub fn finish_file(&mut self, file: FileId) {
        self.keys.remove(&file);
        match file {
            FileId::CadreHouseholdPairings => self.pairings.forget_keys(),
            FileId::UnitVillagePairings => self.unit_ends.forget_keys(),
            FileId::WeakOrganisations => self.weak_listings = Keyed::default(),
            FileId::ShareEvents => self.events.forget_keys(),
            FileId::AssessmentOutcomes => self.outcomes.forget_keys(),
            _ => {}
        }
    }
}

/// The files whose stored rows the checks of `present` need (the files themselves, what they
/// refer to, and what the cross-file rules read).
pub(super) fn needed_from_database(present: &[FileId]) -> BTreeSet<FileId> {
    use FileId::*;
    let mut needed: BTreeSet<FileId> = BTreeSet::new();
    let mut stack: Vec<FileId> = present.to_vec();
    while let Some(f) = stack.pop() {
        if !needed.insert(f) {
            continue;
        }
        let spec = schema::spec(f);
        let mut more: Vec<FileId> = spec.columns.iter().filter_map(|c| c.refers).collect();
        more.extend(match f {
            Villages => vec![UnitVillagePairings],
            // A cadre's role must still allow the postings and start-ups already stored.
            Cadres => vec![Postings, Startups],
            Households => vec![Members, CadreHouseholdPairings, AssessmentOutcomes],
            CadreHouseholdPairings => vec![AssessmentOutcomes],
            ExitBatchHouseholds | ExitObjections | ExitAttachments => vec![ExitBatches],
            // A person's changes must agree with members, whichever of the two a bundle brings.
            Members => vec![Households, MemberChanges],
            MemberChanges => vec![Members],
            Incomes => vec![Members],
            // The households' pool is the total less the investors' shares (rules.md §8).
            ShareEvents => vec![Loans, ProjectInvestors],
            Loans => vec![ShareEvents],
            Projects => vec![ShareEvents, Loans, ProjectInvestors],
            ProjectInvestors => vec![ShareEvents],
            AttendanceMembers | CourseAttendance | Placements => vec![Members, MemberChanges],
            _ => vec![],
        });
        stack.extend(more.into_iter().filter(|m| !needed.contains(m)));
    }
    needed
}
