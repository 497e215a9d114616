//! 集体+贫困户: village collective income, equity projects (折股量化) with their share ledgers
//! and yearly distributable income, and Tianchang's equity-pledge loans (农权贷: the case
//! report's 32 loans, 216.5万元). Every ledger and loan keeps rules.md §8.

use super::context::Ctx;
use super::names;
use super::people::Household;
use super::plan::{PoorState, VillageKind, VillagePlan};
use super::regions::TIANCHANG;
use super::rng::{between, chance, day_in, pick, shuffle, uniform, weighted, ymd, DemoRng};
use super::writer::{code, date, int, money, opt_date, region, text, year, Writers};
use super::DemoError;
use chrono::{Datelike, Duration};
use xplus_core::collective::{EquityModel, ShareEventKind};
use xplus_core::interchange::cell::Value;
use xplus_core::interchange::FileId;
use xplus_core::registry::HouseholdStatus;
use xplus_core::values::Date;
use xplus_core::Fen;

/// The case report: 32 loans in Tianchang, 216.5万元 in all.
const LOANS: usize = 32;
const LOAN_TOTAL_FEN: i64 = 216_500_000;

struct Grant {
    household: usize,
    date: Date,
    shares: i64,
    reclaimed: Option<Date>,
}

struct Project {
    id: String,
    share_value: i64,
    shares_per_household: i64,
    grants: Vec<Grant>,
    made: Made,
}

/// A project as the funds see it (`funds.rs`): the fiscal money that bought its shares.
pub struct Made {
    pub id: String,
    /// The village, by index in the county's plan.
    pub village: usize,
    pub launch: i32,
    /// Its shares' value: share value × total shares.
    pub value: Fen,
    pub share_value: Fen,
    pub total: i64,
    /// Every share ever granted to households (reclaimed ones too): more than they ever held.
    pub granted: i64,
    /// The launch batch's day.
    pub day: Date,
}

/// The collective income, the projects with their ledgers and income, and the loans of the
/// county; returns the projects made, for the funds that paid for them.
pub fn write(out: &mut Writers, rng: &mut DemoRng, ctx: &Ctx) -> Result<Vec<Made>, DemoError> {
    for v in &ctx.plan.villages {
        let y16 = income_2016(rng, v.kind);
        let y15 = y16 * uniform(rng, 0.6, 0.95);
        for (y, yuan) in [(2015, y15), (2016, y16)] {
            let row = [
                region(v.code),
                year(y),
                money(Fen((yuan * 100.0).round() as i64)),
            ];
            out.row(FileId::CollectiveIncome, &row)?;
        }
    }
    let tianchang = ctx.code == TIANCHANG;
    let mut projects = Vec::new();
    for (vi, v) in ctx.plan.villages.iter().enumerate() {
        let households = &ctx.households[ctx.villages[vi].households.clone()];
        let poor = households.iter().filter(|h| h.status.is_poor()).count();
        let p = match v.kind {
            VillageKind::Poor(PoorState::Planned(2016)) => 0.45,
            VillageKind::Poor(_) => 0.30,
            VillageKind::Rural if poor >= 60 => 0.04,
            _ => 0.0,
        };
        // Tianchang, where the pledge loans were piloted, needs projects to pledge.
        let forced = tianchang && v.kind.is_poor() && projects.len() < 3;
        if forced || chance(rng, p) {
            if let Some(project) = project(out, rng, ctx, vi, tianchang)? {
                projects.push(project);
            }
        }
    }
    if tianchang {
        loans(out, rng, ctx, &projects)?;
    }
    Ok(projects.into_iter().map(|p| p.made).collect())
}

/// About 30% of villages are empty shells (空壳村, under 50,000 yuan), a fifth make over
/// 100,000; villages about to exit have the income §4 asks of them. Every village planned to
/// exit in 2016 has it, so that exactly the planned ones (the case report's 56) exit.
fn income_2016(rng: &mut DemoRng, kind: VillageKind) -> f64 {
    let band = match kind {
        VillageKind::Poor(PoorState::Planned(2016)) => return uniform(rng, 55_000.0, 180_000.0),
        VillageKind::Poor(PoorState::Exited(_)) => {
            if chance(rng, 0.97) {
                return uniform(rng, 55_000.0, 180_000.0);
            }
            0
        }
        VillageKind::Poor(_) => weighted(rng, &[45, 40, 15]),
        VillageKind::Urban => weighted(rng, &[10, 30, 60]),
        VillageKind::Rural => weighted(rng, &[40, 40, 20]),
    };
    match band {
        0 if chance(rng, 0.08) => 0.0,
        0 => uniform(rng, 3_000.0, 49_999.0),
        1 => uniform(rng, 50_000.0, 99_999.0),
        _ => uniform(rng, 100_000.0, 350_000.0),
    }
}

const CROPS: &[&str] = &[
    "葡萄",
    "蓝莓",
    "草莓",
    "有机稻",
    "中药材",
    "食用菌",
    "苗木花卉",
    "茶叶",
];

fn project(
    out: &mut Writers,
    rng: &mut DemoRng,
    ctx: &Ctx,
    vi: usize,
    tianchang: bool,
) -> Result<Option<Project>, DemoError> {
    use EquityModel as M;
    let v = &ctx.plan.villages[vi];
    let base = ctx.villages[vi].households.start;
    let households = &ctx.households[ctx.villages[vi].households.clone()];
    let model = [
        M::Pv,
        M::Lease,
        M::AssetEquity,
        M::Operation,
        M::NonOperatingEquity,
    ][weighted(rng, &[35, 20, 20, 15, 10])];
    let (share_value, spp) = if tianchang {
        (*pick(rng, &[2000, 2500, 3000]), 5)
    } else {
        (
            [1000, 500, 2000][weighted(rng, &[60, 15, 25])],
            between(rng, 1, 5),
        )
    };
    let launch = if chance(rng, 0.6) { 2015 } else { 2016 };
    let batch = day_in(rng, ymd(launch, 3, 1), ymd(launch, 9, 30));
    let regrant = day_in(rng, ymd(2016, 3, 1), ymd(2016, 6, 30));
    let grants = grant_shares(households, base, spp, launch, batch, regrant);
    if grants.is_empty() {
        return Ok(None);
    }
    let granted: i64 = grants.iter().map(|g| g.shares).sum();
    let total = ((granted as f64 * uniform(rng, 1.2, 1.6)) / 10.0).ceil() as i64 * 10;
    let n = format!("XM{}-1", v.code);
    let name = project_name(rng, v, model);
    let bot = build_operate_transfer(rng, model, batch);
    let row = [
        text(n.clone()),
        region(v.code),
        text(name),
        code(model.code()),
        money(Fen::from_yuan(share_value)),
        int(spp),
        int(total),
        bot.as_ref().map_or(Value::Null, |b| text(b.0.clone())),
        opt_date(bot.as_ref().map(|b| b.1)),
        opt_date(bot.as_ref().map(|b| b.2)),
    ];
    out.row(FileId::Projects, &row)?;
    share_events(out, ctx, &n, &grants)?;
    // Yearly income to distribute: a return of 5–12% on the shares held at the year's end,
    // seldom divisible evenly among the holders.
    let rate = if model == M::Pv {
        (0.08, 0.12)
    } else {
        (0.05, 0.10)
    };
    for y in launch..=2016 {
        let end = ymd(y, 12, 31);
        let held: i64 = grants
            .iter()
            .filter(|g| g.date <= end && g.reclaimed.is_none_or(|r| r > end))
            .map(|g| g.shares)
            .sum();
        if held > 0 {
            let fen = held as f64 * (share_value * 100) as f64 * uniform(rng, rate.0, rate.1);
            out.row(
                FileId::Distributions,
                &[text(n.clone()), year(y), money(Fen(fen.round() as i64))],
            )?;
        }
    }
    let made = Made {
        id: n.clone(),
        village: vi,
        launch,
        value: Fen(share_value * 100 * total),
        share_value: Fen(share_value * 100),
        total,
        granted,
        day: batch,
    };
    Ok(Some(Project {
        id: n,
        share_value: share_value * 100,
        shares_per_household: spp,
        grants,
        made,
    }))
}

/// Which households of the village get shares: the poor and the returned ones at the launch
/// batch (returned ones of a 2015 project at the 2016 regrant), and those that exited in 2015
/// granted in the batch and reclaimed the next January. `base` is the village's first
/// household in the county's list.
fn grant_shares(
    households: &[Household],
    base: usize,
    spp: i64,
    launch: i32,
    batch: Date,
    regrant: Date,
) -> Vec<Grant> {
    let mut grants = Vec::new();
    for (k, h) in households.iter().enumerate() {
        let household = base + k;
        let grant = |date, reclaimed| Grant {
            household,
            date,
            shares: spp,
            reclaimed,
        };
        match h.status {
            // Returned households fell back in 2015 and are served first in 2016 (§8).
            HouseholdStatus::Returned if launch == 2015 => grants.push(grant(regrant, None)),
            HouseholdStatus::Poor | HouseholdStatus::Returned => grants.push(grant(batch, None)),
            // Granted while still poor, reclaimed the January after their exit.
            HouseholdStatus::Exited | HouseholdStatus::Monitored
                if launch == 2015 && h.exit_year == Some(2015) =>
            {
                grants.push(grant(batch, Some(ymd(2016, 1, 1))))
            }
            _ => {}
        }
    }
    grants
}

/// The project's name, after its model and the village.
fn project_name(rng: &mut DemoRng, v: &VillagePlan, model: EquityModel) -> String {
    use EquityModel as M;
    match model {
        M::Pv => format!("{}光伏扶贫电站", v.short),
        M::Lease => format!(
            "{}{}租赁项目",
            v.short,
            pick(rng, &["标准化厂房", "冷库", "农机库"])
        ),
        M::AssetEquity => format!("{}入股{}农民专业合作社项目", v.short, names::place(rng)),
        M::Operation => format!("{}{}种植基地", v.short, pick(rng, CROPS)),
        M::NonOperatingEquity => {
            format!(
                "{}{}资产入股项目",
                v.short,
                pick(rng, &["农村公路", "小型水利设施"])
            )
        }
    }
}

/// A build-operate-transfer enterprise for about one project in twenty: its name and the
/// term it runs the project, starting before the launch batch.
fn build_operate_transfer(
    rng: &mut DemoRng,
    model: EquityModel,
    batch: Date,
) -> Option<(String, Date, Date)> {
    use EquityModel as M;
    if chance(rng, 0.05) {
        let enterprise = if model == M::Pv {
            format!("{}新能源科技有限公司", names::place(rng))
        } else {
            format!("{}农业发展有限公司", names::place(rng))
        };
        let start = batch - Duration::days(between(rng, 30, 300));
        let years = between(rng, 10, 20);
        let end = start
            .with_year(start.year() + years)
            .unwrap_or_else(|| ymd(start.year() + years, 2, 28));
        Some((enterprise, start, end))
    } else {
        None
    }
}

/// The share ledger of a project: each grant, and its reclaim if any.
fn share_events(out: &mut Writers, ctx: &Ctx, n: &str, grants: &[Grant]) -> Result<(), DemoError> {
    for g in grants {
        let id = &ctx.households[g.household].id;
        let events = [
            (Some(g.date), ShareEventKind::Grant),
            (g.reclaimed, ShareEventKind::Reclaim),
        ];
        for (day, kind) in events {
            if let Some(day) = day {
                let row = [
                    text(n),
                    text(id.clone()),
                    date(day),
                    code(kind.code()),
                    int(g.shares),
                ];
                out.row(FileId::ShareEvents, &row)?;
            }
        }
    }
    Ok(())
}

/// Tianchang's pledge loans: households that still hold their shares pledge them (mostly all
/// of them) for at most eight times their value over at most five years, the amounts adding up
/// to the case report's total.
fn loans(
    out: &mut Writers,
    rng: &mut DemoRng,
    ctx: &Ctx,
    projects: &[Project],
) -> Result<(), DemoError> {
    let mut candidates: Vec<(usize, usize)> = Vec::new();
    for (p, project) in projects.iter().enumerate() {
        for (g, grant) in project.grants.iter().enumerate() {
            let h = &ctx.households[grant.household];
            if h.status.is_poor() && grant.reclaimed.is_none() && grant.date <= ymd(2016, 6, 30) {
                candidates.push((p, g));
            }
        }
    }
    shuffle(rng, &mut candidates);
    candidates.truncate(LOANS);
    let step = 1000 * 100;
    let cap = |p: usize, pledged: i64| 8 * pledged * projects[p].share_value / step * step;
    let mut pledged: Vec<i64> = candidates
        .iter()
        .enumerate()
        .map(|(k, &(p, _))| {
            let held = projects[p].shares_per_household;
            if k % 4 == 3 && held > 1 {
                held - 1
            } else {
                held
            }
        })
        .collect();
    let caps = |pledged: &[i64]| -> i64 {
        candidates
            .iter()
            .zip(pledged)
            .map(|(&(p, _), &s)| cap(p, s))
            .sum()
    };
    if caps(&pledged) < LOAN_TOTAL_FEN {
        for (s, &(p, _)) in pledged.iter_mut().zip(&candidates) {
            *s = projects[p].shares_per_household;
        }
    }
    let floor = 10_000 * 100;
    let mut amounts: Vec<i64> = candidates
        .iter()
        .zip(&pledged)
        .map(|(&(p, _), &s)| {
            let a = (cap(p, s) as f64 * uniform(rng, 0.5, 1.0) / step as f64).round() as i64 * step;
            a.clamp(floor, cap(p, s))
        })
        .collect();
    // Walk the amounts a thousand yuan at a time towards the total, within each loan's cap.
    let mut sum: i64 = amounts.iter().sum();
    loop {
        let before = sum;
        for (i, &(p, _)) in candidates.iter().enumerate() {
            if sum < LOAN_TOTAL_FEN && amounts[i] + step <= cap(p, pledged[i]) {
                amounts[i] += step;
                sum += step;
            } else if sum > LOAN_TOTAL_FEN && amounts[i] - step >= floor {
                amounts[i] -= step;
                sum -= step;
            }
        }
        if sum == LOAN_TOTAL_FEN || sum == before {
            break;
        }
    }
    for (k, (&(p, g), (&shares, &amount))) in candidates
        .iter()
        .zip(pledged.iter().zip(&amounts))
        .enumerate()
    {
        let grant = &projects[p].grants[g];
        let start = day_in(
            rng,
            grant.date + Duration::days(20),
            (grant.date + Duration::days(300)).min(ymd(2016, 12, 20)),
        );
        let term: i64 = *pick(rng, &[12, 24, 36, 36, 48, 60]);
        let latest = (start + Duration::days(term * 30)).min(ymd(2017, 2, 28));
        let earliest = start + Duration::days(90);
        let repaid =
            (chance(rng, 0.3) && earliest <= latest).then(|| day_in(rng, earliest, latest));
        let row = [
            text(format!("NQD{}-{:03}", ctx.county6, k + 1)),
            text(ctx.households[grant.household].id.clone()),
            text(projects[p].id.clone()),
            int(shares),
            money(Fen(amount)),
            date(start),
            int(term),
            opt_date(repaid),
        ];
        out.row(FileId::Loans, &row)?;
    }
    Ok(())
}

const BUSINESSES: [&str; 6] = [
    "农产品种植、收购与销售",
    "畜禽养殖与销售",
    "农机作业服务",
    "物业与厂房租赁",
    "劳务输出与家政服务",
    "乡村旅游与农家乐",
];

/// Enterprises and co-operatives some villages run (村办企业和合作社): more often in poor
/// villages, where the co-operative is how the village product is sold. From its own random
/// stream, so the files written before it stay the same for every seed.
pub fn write_enterprises(out: &mut Writers, rng: &mut DemoRng, ctx: &Ctx) -> Result<(), DemoError> {
    use xplus_core::collective::EnterpriseKind;
    for v in &ctx.plan.villages {
        let odds = if v.kind.is_poor() { 0.6 } else { 0.3 };
        for (n, kind) in [
            EnterpriseKind::Cooperative,
            EnterpriseKind::JointStock,
            EnterpriseKind::Enterprise,
            EnterpriseKind::LabourService,
        ]
        .into_iter()
        .enumerate()
        {
            if !chance(rng, odds / (n as f64 + 1.0)) {
                continue;
            }
            out.row(
                FileId::VillageEnterprises,
                &[
                    text(format!("QY{}-{}", v.code, n + 1)),
                    region(v.code),
                    text(format!("{}{}", v.short, kind.label_zh())),
                    code(kind.code()),
                    date(day_in(rng, ymd(2010, 1, 1), ymd(2016, 10, 31))),
                    money(Fen::from_yuan(between(rng, 5, 200) * 10_000)),
                    int(between(rng, 8, 150)),
                    text(*pick(rng, &BUSINESSES)),
                ],
            )?;
        }
    }
    Ok(())
}
