//! Valid time for a household's members (book of record): members.csv holds the members of
//! today; member_changes.csv holds each person who joined a household after it was registered
//! (a birth, a marriage, a move) or left it (a death, a marriage out, a split), with the day it
//! happened. Who belonged to a household on a day D is today's members with every change after
//! D undone, the latest first — so recording a death in 2026 leaves the persons of 2015 as they
//! were. A change dated in an earlier year than the one it is recorded in is a late entry (补录)
//! and corrects that year's figures: it needs its reason, and the year's report lists it.

use chrono::{Datelike, NaiveDate};

crate::labelled_enum! {
    /// Whether a person joined or left the household.
    pub enum MembershipChange {
        Joined = ("joined", "加入"),
        Left = ("left", "减少"),
    }
}

crate::labelled_enum! {
    /// Why the membership changed.
    pub enum ChangeReason {
        Birth = ("birth", "出生"),
        Marriage = ("marriage", "婚嫁"),
        Moved = ("moved", "迁入迁出"),
        Death = ("death", "死亡"),
        Split = ("split", "分户"),
        Other = ("other", "其他"),
    }
}

/// The longest note kept with a change (characters).
pub const NOTE_MAX_CHARS: usize = 500;

/// How many persons belonged to a household at the end of `day`: `current` today, `changes`
/// every membership change recorded for it (any order). Each change after `day` is undone.
pub fn persons_on(
    current: i64,
    changes: impl IntoIterator<Item = (NaiveDate, MembershipChange)>,
    day: NaiveDate,
) -> i64 {
    changes
        .into_iter()
        .filter(|(on, _)| *on > day)
        .fold(current, |n, (_, change)| match change {
            MembershipChange::Joined => n - 1,
            MembershipChange::Left => n + 1,
        })
}

/// The members at the end of `day`: today's `current` members with the `changes` after `day`
/// undone, latest first (a person who joined is taken out; one who left is put back as the
/// change recorded them). `changes` are in the order they were recorded (two of one day are
/// undone the later first); `id` names a member, `change` gives (day, what, the member as
/// recorded by the change).
pub fn members_on<M: Clone, K: PartialEq>(
    mut current: Vec<M>,
    changes: &[(NaiveDate, MembershipChange, M)],
    day: NaiveDate,
    id: impl Fn(&M) -> K,
) -> Vec<M> {
    let mut after: Vec<&(NaiveDate, MembershipChange, M)> =
        changes.iter().filter(|(on, ..)| *on > day).rev().collect();
    // Stable: the changes of one day stay latest recorded first.
    after.sort_by_key(|(on, ..)| std::cmp::Reverse(*on));
    for (_, change, member) in after {
        match change {
            MembershipChange::Joined => current.retain(|m| id(m) != id(member)),
            MembershipChange::Left => {
                if !current.iter().any(|m| id(m) == id(member)) {
                    current.push(member.clone());
                }
            }
        }
    }
    current
}

/// The last day of `year`.
pub fn year_end(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// A change dated in a year before the one it is recorded in: it corrects that year.
pub fn is_late_entry(on: NaiveDate, recorded_on: NaiveDate) -> bool {
    on.year() < recorded_on.year()
}

/// The facts a membership change is judged by.
#[derive(Debug, Clone, Copy)]
pub struct ChangeFacts<'a> {
    pub change: MembershipChange,
    pub on: NaiveDate,
    pub today: NaiveDate,
    /// The year the household was identified (registered as poor).
    pub identified_year: i32,
    /// The latest change already recorded for the same person in the household.
    pub last_change: Option<NaiveDate>,
    /// Whether the person is the head (a head does not leave: another member becomes head first).
    pub is_head: bool,
    pub note: &'a str,
}

/// Why a membership change is refused, as (column, reason in Chinese); empty when it may be
/// recorded. The day is not after today, not before the household was identified, and not
/// before the person's last recorded change; a late entry says why.
pub fn change_problems(f: &ChangeFacts<'_>) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    if f.on > f.today {
        problems.push(("changed_on", "变动日期晚于今天".to_string()));
    }
    if f.on.year() < f.identified_year {
        problems.push((
            "changed_on",
            format!("变动日期早于该户识别年度 {}", f.identified_year),
        ));
    }
    if let Some(last) = f.last_change.filter(|last| f.on < *last) {
        problems.push((
            "changed_on",
            format!("变动日期早于此人上一次变动（{last}）"),
        ));
    }
    if f.change == MembershipChange::Left && f.is_head {
        problems.push((
            "relation",
            "户主不能直接减少，请先把另一名成员改为户主".to_string(),
        ));
    }
    let note = f.note.trim();
    if note.chars().count() > NOTE_MAX_CHARS {
        problems.push(("note", format!("说明不超过 {NOTE_MAX_CHARS} 字")));
    }
    if note.is_empty() && is_late_entry(f.on, f.today) {
        problems.push((
            "note",
            format!("补录 {} 年的变动会更正该年的数字，须说明原因", f.on.year()),
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use MembershipChange::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_later_change_leaves_an_earlier_day_alone() {
        // Four today; a child born in 2020, a grandparent died in 2023.
        let changes = [(d(2020, 3, 1), Joined), (d(2023, 5, 2), Left)];
        assert_eq!(persons_on(4, changes, d(2026, 1, 1)), 4);
        assert_eq!(persons_on(4, changes, d(2021, 12, 31)), 5);
        assert_eq!(persons_on(4, changes, d(2019, 12, 31)), 4);
        // The day of the change counts as after it.
        assert_eq!(persons_on(4, changes, d(2020, 3, 1)), 5);
    }

    #[test]
    fn members_on_a_day_undo_the_changes_after_it() {
        let today = vec!["head", "child"];
        let changes = [
            (d(2020, 3, 1), Joined, "child"),
            (d(2023, 5, 2), Left, "grandparent"),
            // Left in 2018, came back in 2024.
            (d(2018, 1, 1), Left, "spouse"),
            (d(2024, 1, 1), Joined, "spouse"),
        ];
        let today = [today, vec!["spouse"]].concat();
        let on = |day| members_on(today.clone(), &changes, day, |m: &&str| *m);
        assert_eq!(on(d(2026, 1, 1)), vec!["head", "child", "spouse"]);
        // Left and came back on one day: undone in the order recorded, the later first.
        let same_day = [
            (d(2025, 3, 1), Left, "spouse"),
            (d(2025, 3, 1), Joined, "spouse"),
        ];
        let back = members_on(vec!["head", "spouse"], &same_day, d(2024, 12, 31), |m| *m);
        assert_eq!(back, vec!["head", "spouse"]);
        assert_eq!(on(d(2021, 6, 30)), vec!["head", "child", "grandparent"]);
        assert_eq!(on(d(2017, 6, 30)), vec!["head", "grandparent", "spouse"]);
    }

    #[test]
    fn a_change_is_dated_in_order_and_a_late_one_says_why() {
        let facts = ChangeFacts {
            change: Left,
            on: d(2026, 11, 2),
            today: d(2026, 12, 4),
            identified_year: 2014,
            last_change: None,
            is_head: false,
            note: "",
        };
        assert!(change_problems(&facts).is_empty());
        let future = change_problems(&ChangeFacts {
            on: d(2026, 12, 5),
            ..facts
        });
        assert_eq!(future[0].0, "changed_on");
        let head = change_problems(&ChangeFacts {
            is_head: true,
            ..facts
        });
        assert_eq!(head[0].0, "relation");
        let late = change_problems(&ChangeFacts {
            on: d(2025, 6, 1),
            ..facts
        });
        assert_eq!(late[0].0, "note");
        assert!(change_problems(&ChangeFacts {
            on: d(2025, 6, 1),
            note: "2025年去世，当时未登记",
            ..facts
        })
        .is_empty());
        let early = change_problems(&ChangeFacts {
            on: d(2013, 6, 1),
            note: "补录",
            ..facts
        });
        assert!(early[0].1.contains("识别年度"));
        let before_last = change_problems(&ChangeFacts {
            last_change: Some(d(2026, 11, 3)),
            ..facts
        });
        assert!(before_last[0].1.contains("上一次变动"));
    }
}
