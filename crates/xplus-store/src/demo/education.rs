//! 远教+贫困户: distance-education stations (about 1.35 a village, of which exactly the county's
//! share of the case report's 1,413 were upgraded with its 15万元), central learning households
//! in scattered poor villages (its 120), their training
//! sessions in 2015 and 2016 and who attended. A household only attends sessions of stations
//! that serve its village.

use super::context::{Ctx, Village};
use super::names;
use super::people::Household;
use super::plan::{CountyPlan, VillageKind};
use super::rng::{between, chance, day_in, pick, shuffle, weighted, ymd, DemoRng};
use super::shares::{city, spread, Basis};
use super::writer::{code, date, int, money, opt_year, region, text, Writers};
use super::DemoError;
use std::collections::BTreeSet;
use std::ops::Range;
use xplus_core::education::{
    Cooperation, LecturerKind, PartnerDepartment, StationCheckItem, StationCheckResult,
    StationKind, StationService, Topic, TrainingMode,
};
use xplus_core::interchange::FileId;
use xplus_core::interchange::Value;
use xplus_core::registry::HouseholdStatus;
use xplus_core::Fen;

struct Station {
    id: String,
    /// Sessions by year: (id, year).
    sessions: Vec<(String, i32)>,
}

const POLICY: &[&str] = &[
    "精准扶贫政策解读",
    "健康脱贫“351”“180”政策宣讲",
    "教育扶贫资助政策讲解",
    "扶贫小额信贷政策解读",
    "光伏扶贫政策宣讲",
    "农村危房改造政策解读",
    "农村低保与扶贫开发两项制度衔接解读",
    "产业扶贫“四带一自”政策讲解",
];
const CASES: &[&str] = &[
    "脱贫致富典型案例分享",
    "身边的脱贫故事",
    "产业脱贫经验交流",
    "“农权贷”助力脱贫案例",
    "致富带头人创业经历分享",
    "村级光伏电站收益分配案例",
];
const SKILLS: &[&str] = &[
    "水稻绿色高产栽培技术",
    "稻虾共作综合种养技术",
    "家禽规模养殖技术",
    "设施蔬菜种植技术",
    "农村电商入门",
    "果树修剪与病虫害防治",
    "家政服务技能培训",
    "电焊技能培训",
    "特色水产养殖技术",
    "食用菌栽培技术",
];
const OTHER: &[&str] = &[
    "安全生产知识讲座",
    "法律知识进农家",
    "新农合报销知识讲解",
    "移风易俗宣讲",
    "防火防溺水安全教育",
];

/// A station or learning household before it is written: which are upgraded is decided once
/// the county's stations are all known.
struct StationRow {
    id: String,
    village: usize,
    kind: StationKind,
    name: String,
    upgraded: Option<i32>,
    /// Yuan spent on the upgrade, for an upgraded station.
    investment: Option<u64>,
}

/// `more` draws what the later files need (investment, checks, named attendees, services).
pub fn write(
    out: &mut Writers,
    rng: &mut DemoRng,
    more: &mut DemoRng,
    ctx: &Ctx,
) -> Result<(), DemoError> {
    let plan = ctx.plan;
    let mut rows: Vec<StationRow> = Vec::new();
    // The stations that serve each village.
    let mut serving: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); plan.villages.len()];
    let learning = learning_households(rng, ctx);
    for town in &plan.towns {
        let mut own: Vec<Vec<usize>> = Vec::with_capacity(town.villages.len());
        for vi in town.villages.clone() {
            let v = &plan.villages[vi];
            // About 1.35 a village: more than the upgraded ones, which are the report's count.
            let mut n = match v.kind {
                VillageKind::Urban => weighted(rng, &[5, 60, 35]),
                _ => weighted(rng, &[2, 58, 40]),
            };
            if vi == town.villages.start {
                n = n.max(1);
            }
            let mut mine = Vec::new();
            for k in 1..=n {
                mine.push(rows.len());
                serving[vi].insert(rows.len());
                rows.push(station(rng, plan, vi, k));
            }
            // Scattered poor villages get central learning households (中心学习户).
            for k in 1..=learning[vi] {
                serving[vi].insert(rows.len());
                rows.push(StationRow {
                    id: format!("XX{}-{k}", v.code),
                    village: vi,
                    kind: StationKind::LearningHousehold,
                    name: format!("{}第{}村民组中心学习户", v.short, names::numeral(k)),
                    upgraded: chance(rng, 0.5).then_some(2016),
                    investment: None,
                });
            }
            own.push(mine);
        }
        share_stations(rng, &mut serving, town.villages.clone(), &own);
    }
    upgrade(rng, ctx, &mut rows, &mut serving);
    let mut stations: Vec<Station> = Vec::with_capacity(rows.len());
    for row in &rows {
        write_station(out, more, plan.villages[row.village].code, row)?;
        stations.push(Station {
            id: row.id.clone(),
            sessions: Vec::new(),
        });
    }
    for (vi, set) in serving.iter().enumerate() {
        for &s in set {
            let row = [text(stations[s].id.clone()), region(plan.villages[vi].code)];
            out.row(FileId::StationCoverage, &row)?;
        }
    }
    for station in &mut stations {
        let learning = station.id.starts_with("XX");
        for (year, lo, hi) in [(2015, 2, 4), (2016, 3, 6)] {
            let n = if learning {
                between(rng, 1, 2)
            } else {
                between(rng, lo, hi)
            };
            for k in 1..=n {
                let id = format!("{}-{year}{k:02}", station.id);
                write_session(out, rng, &id, &station.id, year)?;
                station.sessions.push((id, year));
            }
        }
    }
    attendance(
        out,
        rng,
        more,
        ctx.villages,
        ctx.households,
        &stations,
        &serving,
    )
}

/// The `k`th station of a village, not yet upgraded.
fn station(rng: &mut DemoRng, plan: &CountyPlan, vi: usize, k: usize) -> StationRow {
    let v = &plan.villages[vi];
    let name = if k == 1 {
        format!("{}党员远程教育站点", v.short)
    } else {
        format!("{}{}组远教站点", v.short, names::place(rng))
    };
    StationRow {
        id: format!("ZD{}-{k}", v.code),
        village: vi,
        kind: StationKind::Station,
        name,
        upgraded: None,
        investment: None,
    }
}

/// The county's share of the report's 120 central learning households, by village: two to
/// four in each of some of its poor villages.
fn learning_households(rng: &mut DemoRng, ctx: &Ctx) -> Vec<usize> {
    let plan = ctx.plan;
    let mut left = plan.share(city::LEARNING_HOUSEHOLDS, Basis::PoorVillages) as usize;
    let mut poor: Vec<usize> = (0..plan.villages.len())
        .filter(|&vi| plan.villages[vi].kind.is_poor())
        .collect();
    shuffle(rng, &mut poor);
    let mut counts = vec![0; plan.villages.len()];
    for vi in poor {
        let n = between(rng, 2, 4).min(left);
        counts[vi] = n;
        left -= n;
    }
    counts
}

/// Upgrades (更新升级) exactly the county's share of the report's 1,413 stations, in 2015 or
/// 2016, its share of the 15万元 spread over them. A county with fewer stations than its
/// share gets more in its first villages (a few small counties of many communities).
fn upgrade(
    rng: &mut DemoRng,
    ctx: &Ctx,
    rows: &mut Vec<StationRow>,
    serving: &mut [BTreeSet<usize>],
) {
    let plan = ctx.plan;
    let n = plan.share(city::STATIONS, Basis::Villages) as usize;
    let mut order: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].kind == StationKind::Station)
        .collect();
    let mut vi = 0;
    while order.len() < n && !plan.villages.is_empty() {
        let k = rows.iter().filter(|r| r.village == vi).count() + 1;
        serving[vi].insert(rows.len());
        order.push(rows.len());
        rows.push(station(rng, plan, vi, k));
        vi = (vi + 1) % plan.villages.len();
    }
    shuffle(rng, &mut order);
    order.truncate(n);
    let investment = plan.share(city::STATION_INVESTMENT_YUAN, Basis::Villages);
    for (&i, yuan) in order.iter().zip(spread(rng, investment, n)) {
        rows[i].upgraded = Some(if chance(rng, 0.45) { 2015 } else { 2016 });
        rows[i].investment = Some(yuan);
    }
}

/// The town's step after its villages have their own stations: some stations also serve
/// the next village or two of the town, and a village without a station of its own is
/// served by the nearest one. `own` lists each village's own stations, in town order.
fn share_stations(
    rng: &mut DemoRng,
    serving: &mut [BTreeSet<usize>],
    range: Range<usize>,
    own: &[Vec<usize>],
) {
    for (offset, mine) in own.iter().enumerate() {
        for &s in mine {
            if chance(rng, 0.15) {
                for step in 1..=between(rng, 1, 2) {
                    let neighbour = range.start + offset + step;
                    if range.contains(&neighbour) {
                        serving[neighbour].insert(s);
                    }
                }
            }
        }
    }
    for offset in 0..own.len() {
        if serving[range.start + offset].is_empty() {
            let nearest = (1..own.len())
                .flat_map(|d| [offset.checked_sub(d), Some(offset + d)])
                .flatten()
                .find(|&o| o < own.len() && !own[o].is_empty())
                .expect("the first village of a town has a station");
            serving[range.start + offset].insert(own[nearest][0]);
        }
    }
}

fn write_station(
    out: &mut Writers,
    more: &mut DemoRng,
    village: u64,
    station: &StationRow,
) -> Result<(), DemoError> {
    // A station not upgraded keeps what it cost when it was built.
    let yuan = station.investment.unwrap_or_else(|| match station.kind {
        StationKind::Station => between(more, 8, 40) * 1000,
        StationKind::LearningHousehold => between(more, 5, 20) * 100,
    });
    let row = [
        text(station.id.clone()),
        region(village),
        code(station.kind.code()),
        text(station.name.clone()),
        opt_year(station.upgraded),
        money(Fen::from_yuan(yuan as i64)),
    ];
    out.row(FileId::Stations, &row)?;
    station_checks(out, more, &station.id)
}

/// The yearly standardisation check (抓规范): every item in 2015 and 2016; most are met, some
/// were put right after the check.
fn station_checks(out: &mut Writers, more: &mut DemoRng, id: &str) -> Result<(), DemoError> {
    for year in [2015, 2016] {
        for item in StationCheckItem::ALL {
            let result = [
                StationCheckResult::Met,
                StationCheckResult::Rectified,
                StationCheckResult::Unmet,
            ][weighted(more, &[85, 10, 5])];
            let note = match result {
                StationCheckResult::Met => Value::Null,
                _ => text(format!("{}需整改", item.label_zh())),
            };
            let row = [
                text(id),
                int(year.into()),
                code(item.code()),
                code(result.code()),
                note,
            ];
            out.row(FileId::StationChecks, &row)?;
        }
    }
    Ok(())
}

fn write_session(
    out: &mut Writers,
    rng: &mut DemoRng,
    id: &str,
    station: &str,
    year: i32,
) -> Result<(), DemoError> {
    use LecturerKind as L;
    let topic =
        [Topic::Policy, Topic::Case, Topic::Skills, Topic::Other][weighted(rng, &[35, 20, 35, 10])];
    let (lecturers, weights): (&[L], &[u32]) = match topic {
        Topic::Policy => (&[L::Cadre, L::PartySchool], &[55, 45]),
        Topic::Case => (&[L::Cadre, L::Entrepreneur, L::PartySchool], &[30, 50, 20]),
        Topic::Skills => (&[L::Expert, L::Entrepreneur], &[60, 40]),
        Topic::Other => (&[L::Cadre, L::Expert, L::PartySchool], &[50, 30, 20]),
    };
    let lecturer = lecturers[weighted(rng, weights)];
    let mode = match lecturer {
        L::PartySchool => TrainingMode::PartySchool,
        L::Expert if chance(rng, 0.6) => TrainingMode::Base,
        L::Entrepreneur if chance(rng, 0.8) => TrainingMode::Grower,
        L::Entrepreneur => TrainingMode::Base,
        L::Cadre if chance(rng, 0.4) => TrainingMode::PartySchool,
        _ => TrainingMode::Other,
    };
    let title = match topic {
        Topic::Policy => pick(rng, POLICY),
        Topic::Case => pick(rng, CASES),
        Topic::Skills => pick(rng, SKILLS),
        Topic::Other => pick(rng, OTHER),
    };
    let day = day_in(rng, ymd(year, 1, 6), ymd(year, 12, 20));
    let row = [
        text(id),
        text(station),
        date(day),
        code(mode.code()),
        code(lecturer.code()),
        code(topic.code()),
        text(*title),
    ];
    out.row(FileId::TrainingSessions, &row)
}

/// About 85% of poor households attend at least once in 2016 (some two or three times), about
/// two thirds of those poor in 2015 attended that year, and a few exited households come too.
fn attendance(
    out: &mut Writers,
    rng: &mut DemoRng,
    more: &mut DemoRng,
    villages: &[Village],
    households: &[Household],
    stations: &[Station],
    serving: &[BTreeSet<usize>],
) -> Result<(), DemoError> {
    for (vi, village) in villages.iter().enumerate() {
        let sessions = |year: i32| -> Vec<&str> {
            serving[vi]
                .iter()
                .flat_map(|&s| stations[s].sessions.iter())
                .filter(|(_, y)| *y == year)
                .map(|(id, _)| id.as_str())
                .collect()
        };
        let mut pools = [sessions(2015), sessions(2016)];
        for h in &households[village.households.clone()] {
            let poor_in_2015 = h.status.is_poor() || h.exit_year == Some(2015);
            let times = [
                if poor_in_2015 && chance(rng, 0.65) {
                    between(rng, 1, 2)
                } else {
                    0
                },
                if h.status.is_poor() {
                    if chance(rng, 0.85) {
                        weighted(rng, &[55, 30, 15]) + 1
                    } else {
                        0
                    }
                } else if h.status != HouseholdStatus::Removed && chance(rng, 0.12) {
                    1
                } else {
                    0
                },
            ];
            for (pool, n) in pools.iter_mut().zip(times) {
                let n = n.min(pool.len());
                // A partial shuffle draws n distinct sessions.
                for k in 0..n {
                    let j = between(rng, k, pool.len() - 1);
                    pool.swap(k, j);
                }
                for session in &pool[..n] {
                    out.row(FileId::Attendance, &[text(*session), text(h.id.clone())])?;
                    // A third of the sign-in sheets name who came: one or two members.
                    if chance(more, 0.35) && !h.members.is_empty() {
                        let first = between(more, 0, h.members.len() - 1);
                        let named = if h.members.len() > 1 && chance(more, 0.3) {
                            2
                        } else {
                            1
                        };
                        for k in 0..named {
                            let member = &h.members[(first + k) % h.members.len()];
                            let row = [text(*session), text(h.id.clone()), Value::Id(member.id)];
                            out.row(FileId::AttendanceMembers, &row)?;
                        }
                    }
                }
            }
            if h.status.is_poor() && chance(more, 0.15) {
                let station =
                    &stations[*pick(more, &serving[vi].iter().copied().collect::<Vec<_>>())];
                service(out, more, &station.id, &h.id)?;
            }
        }
    }
    Ok(())
}

/// A service a station delivered to a household with a partner department (远教+部门).
fn service(
    out: &mut Writers,
    more: &mut DemoRng,
    station: &str,
    household: &str,
) -> Result<(), DemoError> {
    use PartnerDepartment as D;
    use StationService as S;
    let service = S::ALL[weighted(more, &[20, 30, 20, 15, 5, 10])];
    let department = match service {
        S::Loan => D::CreditCoop,
        S::Insurance if chance(more, 0.5) => D::CreditCoop,
        S::Market | S::Sales if chance(more, 0.4) => D::Weather,
        S::Consultation if chance(more, 0.5) => D::HumanResources,
        S::Communications => D::Other,
        _ => D::Agritech,
    };
    let cooperation = if chance(more, 0.6) {
        Cooperation::Joint
    } else {
        Cooperation::Entrusted
    };
    let day = day_in(more, ymd(2016, 1, 4), ymd(2016, 11, 30));
    let row = [
        text(station),
        text(household),
        date(day),
        code(service.code()),
        code(department.code()),
        code(cooperation.code()),
        Value::Null,
    ];
    out.row(FileId::StationServices, &row)
}
