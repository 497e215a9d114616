//! 村干部 and 村级带头人后备库 of a county: a few village cadres in every village beside its
//! secretary (a committee director, two-committee members, a supervision director, group
//! leaders; a deputy secretary in most), their training, degree study and exchange postings, and
//! a few future leaders per village found among returnees, veterans, village doctors and
//! teachers and local entrepreneurs. Each village that changed secretary in 2016 found the
//! successor in its pool. Drawn from streams of their own, so that every earlier file of every
//! seed stays as it was.

use super::context::Ctx;
use super::names;
use super::rng::{between, chance, day_in, pick, weighted, ymd, DemoRng};
use super::secretaries::Successor;
use super::writer::{code, date, opt_date, region, text, Writers};
use super::DemoError;
use chrono::Duration;
use xplus_core::backbone::village_cadre::{
    EducationLevel, LeaderType, PoolSource, VillageCadrePost,
};
use xplus_core::backbone::DevelopmentKind;
use xplus_core::interchange::{FileId, Value};
use xplus_core::values::Date;

/// The village cadres of every village and their development.
pub fn write(out: &mut Writers, rng: &mut DemoRng, ctx: &Ctx) -> Result<(), DemoError> {
    use VillageCadrePost as P;
    for v in &ctx.plan.villages {
        let mut posts = vec![P::CommitteeDirector, P::SupervisionDirector];
        if chance(rng, 0.7) {
            posts.push(P::DeputySecretary);
        }
        posts.extend((0..between(rng, 1, 3)).map(|_| P::CommitteeMember));
        posts.extend((0..between(rng, 0, 2)).map(|_| P::GroupLeader));
        if chance(rng, 0.05) {
            posts.push(P::Other);
        }
        for (k, post) in posts.into_iter().enumerate() {
            let id = format!("CG{}-{}", v.code, k + 1);
            cadre(out, rng, v.code, &id, post)?;
            development(out, rng, &id, v.kind.is_poor())?;
        }
    }
    Ok(())
}

fn cadre(
    out: &mut Writers,
    rng: &mut DemoRng,
    village: u64,
    id: &str,
    post: VillageCadrePost,
) -> Result<(), DemoError> {
    let male = chance(rng, 0.7);
    let born = between(rng, 1955, 1990);
    let surname = names::surname(rng);
    let name = names::person(rng, surname, male, born);
    // Most were elected at the 2014 change of the two committees (换届), the rest before; one in
    // fifteen left in 2016.
    let start = if chance(rng, 0.7) {
        day_in(rng, ymd(2014, 3, 1), ymd(2014, 6, 30))
    } else {
        day_in(rng, ymd(2008, 1, 1), ymd(2013, 12, 31))
    };
    let end = chance(rng, 1.0 / 15.0).then(|| day_in(rng, ymd(2016, 1, 10), ymd(2016, 10, 31)));
    let education = EducationLevel::ALL[weighted(rng, &[8, 35, 35, 15, 7])];
    let row = [
        text(id),
        region(village),
        text(name),
        code(post.code()),
        date(start),
        opt_date(end),
        code(education.code()),
        text(names::phone(rng)),
    ];
    out.row(FileId::VillageCadres, &row)
}

/// Training for most; degree study (大专以上学历教育) and exchange postings for a few, more in
/// poor villages.
fn development(
    out: &mut Writers,
    rng: &mut DemoRng,
    id: &str,
    poor: bool,
) -> Result<(), DemoError> {
    for kind in DevelopmentKind::ALL {
        let p = match (kind, poor) {
            (DevelopmentKind::Training, _) => 0.5,
            (DevelopmentKind::Degree, true) => 0.08,
            (DevelopmentKind::Degree, false) => 0.03,
            (DevelopmentKind::Exchange, true) => 0.04,
            (DevelopmentKind::Exchange, false) => 0.01,
        };
        if !chance(rng, p) {
            continue;
        }
        let from = day_in(rng, ymd(2015, 3, 1), ymd(2016, 11, 30));
        let (days, what) = match kind {
            DevelopmentKind::Training => (3, "村干部业务培训班"),
            DevelopmentKind::Degree => (900, "大专学历教育"),
            DevelopmentKind::Exchange => (60, "到先进村挂职学习"),
        };
        let row = [
            text(id),
            code(kind.code()),
            date(from),
            date(from + Duration::days(days)),
            text(what),
        ];
        out.row(FileId::VillageCadreDevelopment, &row)?;
    }
    Ok(())
}

const SOURCE_WEIGHTS: [u32; 7] = [30, 15, 10, 10, 25, 8, 2];

/// A few future leaders per village, entered in 2015 and 2016; the successors of 2016 entered
/// before they took over and left the pool on that day.
pub fn write_pool(
    out: &mut Writers,
    rng: &mut DemoRng,
    ctx: &Ctx,
    successors: &[Successor],
) -> Result<(), DemoError> {
    for v in &ctx.plan.villages {
        let mut seq = 0;
        let mut next = || {
            seq += 1;
            format!("HB{}-{seq}", v.code)
        };
        for s in successors.iter().filter(|s| s.village == v.code) {
            let entered = day_in(rng, ymd(2015, 1, 5), s.start - Duration::days(30));
            let member = Member {
                id: next(),
                village: v.code,
                name: s.name.clone(),
                entered,
                left: Some(s.start),
                secretary: Some(s.id.clone()),
            };
            member.write(out, rng)?;
        }
        for _ in 0..between(rng, 1, 4) {
            let surname = names::surname(rng);
            let male = chance(rng, 0.75);
            let born = between(rng, 1970, 1995);
            let name = names::person(rng, surname, male, born);
            let entered = day_in(rng, ymd(2015, 1, 5), ymd(2016, 12, 31));
            let left =
                chance(rng, 0.05).then(|| day_in(rng, entered, entered + Duration::days(300)));
            let member = Member {
                id: next(),
                village: v.code,
                name,
                entered,
                left,
                secretary: None,
            };
            member.write(out, rng)?;
        }
    }
    Ok(())
}

struct Member {
    id: String,
    village: u64,
    name: String,
    entered: Date,
    left: Option<Date>,
    secretary: Option<String>,
}

impl Member {
    fn write(self, out: &mut Writers, rng: &mut DemoRng) -> Result<(), DemoError> {
        let source = PoolSource::ALL[weighted(rng, &SOURCE_WEIGHTS)];
        let kind = chance(rng, 0.7).then(|| *pick(rng, LeaderType::ALL));
        let row = [
            text(self.id),
            region(self.village),
            text(self.name),
            code(source.code()),
            kind.map_or(Value::Null, |k| code(k.code())),
            date(self.entered),
            opt_date(self.left),
            self.secretary.map_or(Value::Null, text),
        ];
        out.row(FileId::LeaderPool, &row)
    }
}
