//! The make-up of a household and what each member can do: ages that fit the relation, health
//! that worsens with age, schooling by age, labour by age and health, and the causes of poverty
//! that follow from them.

use super::names;
use super::rng::{between, chance, weighted, DemoRng};
use rand::Rng;
use xplus_core::registry::IdNumber;
use xplus_core::registry::{Health, Labour, PovertyCause, Relation, Schooling};

/// Ages and schooling describe the household at the start of this year's assessment.
pub const NOW: i32 = 2016;

pub struct Member {
    pub id: IdNumber,
    pub name: String,
    pub relation: Relation,
    pub health: Health,
    pub labour: Labour,
    pub schooling: Schooling,
    pub medical_insured: bool,
    pub pension_insured: Option<bool>,
    pub migrant_months: Option<i64>,
}

impl Member {
    pub fn age(&self) -> i32 {
        self.id.age_in_year(NOW)
    }
}

/// A member before it has an ID number and a name.
pub struct Draft {
    pub relation: Relation,
    pub age: i32,
    pub male: bool,
    pub surname: usize,
}

fn draft(relation: Relation, age: i32, male: bool, surname: usize) -> Draft {
    Draft {
        relation,
        age: age.clamp(0, 99),
        male,
        surname,
    }
}

/// The make-up of a household: 1–6 people (mean about 3.1), elderly singles and couples,
/// young families with the head's parents, older couples with a grown child and grandchildren.
pub fn compose(rng: &mut DemoRng, same_sex_spouse: bool) -> Vec<Draft> {
    use Relation::*;
    let size = weighted(rng, &[15, 25, 20, 21, 12, 7]) + 1;
    let family = names::surname(rng);
    let mut v: Vec<Draft> = Vec::with_capacity(size);
    let older =
        |rng: &mut DemoRng, lo: i32, hi: i32| between(rng, lo, hi).max(between(rng, lo, hi));
    let couple = |rng: &mut DemoRng, v: &mut Vec<Draft>, age: i32| -> usize {
        let head_male = chance(rng, 0.9);
        let spouse_male = if same_sex_spouse {
            head_male
        } else {
            !head_male
        };
        let gap = between(rng, -2, 7);
        let spouse_age = if head_male { age - gap } else { age + gap };
        let spouse_surname = names::other_surname(rng, family);
        v.push(draft(Head, age, head_male, family));
        v.push(draft(
            Spouse,
            spouse_age.max(20),
            spouse_male,
            spouse_surname,
        ));
        // Children carry the father's surname.
        if head_male || !spouse_male {
            family
        } else {
            spouse_surname
        }
    };
    match size {
        1 => {
            let age = older(rng, 45, 90);
            v.push(draft(Head, age, chance(rng, 0.55), family));
        }
        2 => {
            let r = rng.random::<f64>();
            if r < 0.7 {
                let age = older(rng, 40, 86);
                couple(rng, &mut v, age);
            } else if r < 0.9 {
                let age = between(rng, 50, 84);
                let male = chance(rng, 0.5);
                v.push(draft(Head, age, male, family));
                let child_age = (age - between(rng, 22, 34)).max(18);
                v.push(draft(Child, child_age, chance(rng, 0.6), family));
            } else {
                let age = between(rng, 55, 78);
                v.push(draft(Head, age, chance(rng, 0.6), family));
                v.push(draft(
                    Grandchild,
                    between(rng, 4, 15),
                    chance(rng, 0.5),
                    family,
                ));
            }
        }
        _ => {
            let age = between(rng, 27, 72);
            let kin = if chance(rng, 0.92) {
                couple(rng, &mut v, age)
            } else {
                v.push(draft(Head, age, chance(rng, 0.8), family));
                if v[0].male {
                    family
                } else {
                    names::other_surname(rng, family)
                }
            };
            let left = size - v.len();
            if age < 50 {
                young_family(rng, &mut v, age, left, family, kin);
            } else {
                older_family(rng, &mut v, age, left, kin);
            }
        }
    }
    v
}

/// The rest of a household whose head is under 50: one to three children, then the head's
/// parents, then siblings for any place still open. `kin` is the children's surname.
fn young_family(
    rng: &mut DemoRng,
    v: &mut Vec<Draft>,
    age: i32,
    mut left: usize,
    family: usize,
    kin: usize,
) {
    use Relation::*;
    let kids = left.min(between(rng, 1, 3));
    for _ in 0..kids {
        let child_age = between(rng, (age - 40).max(0), (age - 20).max(0));
        v.push(draft(Child, child_age, chance(rng, 0.52), kin));
    }
    left -= kids;
    if left > 0 {
        let father = (age + between(rng, 23, 33)).min(95);
        v.push(draft(Parent, father, true, family));
        left -= 1;
        if left > 0 {
            let mother = father - between(rng, 0, 5);
            v.push(draft(
                Parent,
                mother,
                false,
                names::other_surname(rng, family),
            ));
            left -= 1;
        }
    }
    for _ in 0..left {
        let sibling = (age + between(rng, -8, 8)).max(16);
        v.push(draft(Sibling, sibling, chance(rng, 0.5), family));
    }
}

/// The rest of a household whose head is 50 or older: one or two grown children, perhaps a
/// child's spouse, then grandchildren (or younger children) for the places still open.
fn older_family(rng: &mut DemoRng, v: &mut Vec<Draft>, age: i32, mut left: usize, kin: usize) {
    use Relation::*;
    let kids = left.min(between(rng, 1, 2));
    let first = (age - between(rng, 22, 32)).max(16);
    let first_male = chance(rng, 0.6);
    v.push(draft(Child, first, first_male, kin));
    for _ in 1..kids {
        let younger = (first - between(rng, 2, 8)).max(14);
        v.push(draft(Child, younger, chance(rng, 0.5), kin));
    }
    left -= kids;
    // Grandchildren carry their father's surname: the son's, or the son-in-law's.
    let mut grand = kin;
    if left > 0 && first >= 22 && chance(rng, 0.5) {
        // The son's wife or daughter's husband (儿媳、女婿), listed as other.
        let in_law = first + between(rng, -3, 3);
        let surname = names::other_surname(rng, kin);
        v.push(draft(Other, in_law, !first_male, surname));
        if !first_male {
            grand = surname;
        }
        left -= 1;
    }
    for _ in 0..left {
        if first >= 21 {
            let g = between(rng, 0, (first - 20).min(15));
            v.push(draft(Grandchild, g, chance(rng, 0.52), grand));
        } else {
            v.push(draft(
                Child,
                (first - between(rng, 2, 6)).max(6),
                chance(rng, 0.5),
                kin,
            ));
        }
    }
}

pub fn health(rng: &mut DemoRng, age: i32) -> Health {
    let w = match age {
        ..=15 => [93, 3, 1, 3],
        16..=44 => [80, 10, 4, 6],
        45..=59 => [62, 22, 7, 9],
        _ => [40, 40, 10, 10],
    };
    [
        Health::Healthy,
        Health::Chronic,
        Health::Serious,
        Health::Disabled,
    ][weighted(rng, &w)]
}

pub fn schooling(rng: &mut DemoRng, age: i32) -> Schooling {
    use Schooling::*;
    match age {
        3..=5 if chance(rng, 0.75) => Preschool,
        6..=11 => Primary,
        12..=14 => Junior,
        15 => [Junior, Senior, Vocational][weighted(rng, &[40, 40, 20])],
        16..=18 => [Senior, Vocational, None][weighted(rng, &[45, 30, 25])],
        19..=22 if chance(rng, 0.2) => Higher,
        _ => None,
    }
}

pub fn labour(rng: &mut DemoRng, age: i32, health: Health, schooling: Schooling) -> Labour {
    use Labour::*;
    if age < 16 || !matches!(schooling, Schooling::None) {
        return None;
    }
    let (options, w): ([Labour; 3], [u32; 3]) = match (age, health) {
        (..=59, Health::Healthy) => ([Skilled, Ordinary, Weak], [18, 80, 2]),
        (..=59, Health::Chronic) => ([Ordinary, Weak, Lost], [40, 55, 5]),
        (..=59, Health::Serious) => ([Ordinary, Weak, Lost], [0, 40, 60]),
        (..=59, Health::Disabled) => ([Ordinary, Weak, Lost], [10, 40, 50]),
        (60..=69, Health::Healthy) => ([Ordinary, Weak, Lost], [35, 60, 5]),
        (60..=69, _) => ([Ordinary, Weak, Lost], [0, 50, 50]),
        (_, Health::Healthy) => ([Ordinary, Weak, Lost], [0, 70, 30]),
        _ => ([Ordinary, Weak, Lost], [0, 35, 65]),
    };
    options[weighted(rng, &w)]
}

pub fn migrant_months(rng: &mut DemoRng, labour: Labour, schooling: Schooling) -> i64 {
    if !matches!(schooling, Schooling::None) {
        return 0;
    }
    match labour {
        Labour::Skilled | Labour::Ordinary => {
            let r = rng.random::<f64>();
            if r < 0.45 {
                between(rng, 6, 12).max(between(rng, 6, 12))
            } else if r < 0.6 {
                between(rng, 1, 5)
            } else {
                0
            }
        }
        Labour::Weak if chance(rng, 0.1) => between(rng, 1, 4),
        _ => 0,
    }
}

/// One to three causes (致贫原因) that fit the household: illness where someone is ill,
/// disability where someone is disabled, schooling where a child is in upper school.
pub fn causes(rng: &mut DemoRng, members: &[Member]) -> Vec<PovertyCause> {
    let sick = members
        .iter()
        .any(|m| matches!(m.health, Health::Chronic | Health::Serious));
    let disabled = members.iter().any(|m| m.health == Health::Disabled);
    let student = members.iter().any(|m| {
        matches!(
            m.schooling,
            Schooling::Senior | Schooling::Vocational | Schooling::Higher
        )
    });
    let pupils = members
        .iter()
        .any(|m| matches!(m.schooling, Schooling::Primary | Schooling::Junior));
    let able = members
        .iter()
        .filter(|m| matches!(m.labour, Labour::Skilled | Labour::Ordinary))
        .count();
    // In the order of PovertyCause::ALL.
    let mut w: [u32; 11] = [
        if sick { 60 } else { 0 },
        if disabled { 55 } else { 0 },
        if student {
            35
        } else if pupils {
            6
        } else {
            0
        },
        4,
        4,
        2,
        if able > 0 { 12 } else { 2 },
        match able {
            0 => 45,
            1 => 12,
            _ => 3,
        },
        12,
        2,
        4,
    ];
    let n = weighted(rng, &[50, 35, 15]) + 1;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let i = weighted(rng, &w);
        w[i] = 0;
        out.push(PovertyCause::ALL[i]);
    }
    out
}
