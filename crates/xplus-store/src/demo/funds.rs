//! 多元投入 (funds.csv) of one county for 2015 and 2016: the county's own funds (县级统筹) for
//! industry, backbone training and distance-education training, the sector departments' money
//! in some towns, and in the poor villages the pairing units', social capital, the collective's
//! own and what the people raised; each collective project's shares bought with fiscal money in
//! its launch year. The case report quotes no total, so these are plausible amounts only.
//!
//! A station's investment (stations.csv, the case report's 15万元) and the pledge loans
//! (loans.csv, Tianchang's 216.5万元) are in their own files and not written here again; the
//! county's credit line is other industry lending.

use super::collective::Made;
use super::context::Ctx;
use super::rng::{between, chance, pick, uniform, DemoRng};
use super::writer::{code, date, int, money, region, text, year, Writers};
use super::DemoError;
use xplus_core::collective::funds::{FundLink, FundSource};
use xplus_core::interchange::cell::Value;
use xplus_core::interchange::FileId;
use xplus_core::Fen;

/// The years the demo records funds for (its incomes' years).
const YEARS: [i32; 2] = [2015, 2016];

struct Funds<'a> {
    out: &'a mut Writers,
    county6: u32,
    /// Keeps the ids of the investors' funds apart from the others.
    prefix: &'static str,
    seq: u32,
}

impl Funds<'_> {
    /// One fund of `yuan` rounded to the hundred yuan.
    fn row(
        &mut self,
        at: u64,
        y: i32,
        (source, link): (FundSource, FundLink),
        yuan: f64,
        project: Option<&str>,
        note: &str,
    ) -> Result<(), DemoError> {
        self.seq += 1;
        let fen = Fen((yuan / 100.0).round() as i64 * 10_000);
        let row = [
            text(format!("ZJ{}-{}{:05}", self.county6, self.prefix, self.seq)),
            region(at),
            year(y),
            code(source.code()),
            code(link.code()),
            money(fen),
            project.map_or(Value::Null, |p| text(p.to_string())),
            text(note.to_string()),
        ];
        self.out.row(FileId::Funds, &row)
    }
}

pub fn write(
    out: &mut Writers,
    rng: &mut DemoRng,
    ctx: &Ctx,
    projects: &[Made],
) -> Result<(), DemoError> {
    use FundLink as L;
    use FundSource as S;
    let mut f = Funds {
        out,
        county6: ctx.county6,
        prefix: "",
        seq: 0,
    };
    let poor: usize = ctx
        .plan
        .villages
        .iter()
        .filter(|v| v.kind.is_poor())
        .count();
    // A county's own funds grow with its poor villages.
    let size = 1.0 + poor as f64 / 30.0;
    for y in YEARS {
        let county: [(S, L, f64, f64, &str); 5] = [
            (S::Fiscal, L::Industry, 2.0e6, 5.0e6, "县级产业扶贫资金"),
            (S::Sector, L::Industry, 1.0e6, 3.0e6, "农业部门产业项目资金"),
            (
                S::Credit,
                L::Industry,
                3.0e6,
                8.0e6,
                "产业扶贫贷款（不含农权贷）",
            ),
            (
                S::Fiscal,
                L::Backbone,
                3.0e5,
                8.0e5,
                "骨干培养与创业扶持资金",
            ),
            (
                S::Fiscal,
                L::Education,
                1.0e5,
                3.0e5,
                "远教培训经费（不含站点建设投入）",
            ),
        ];
        for (source, link, lo, hi, note) in county {
            f.row(
                ctx.code,
                y,
                (source, link),
                uniform(rng, lo, hi) * size,
                None,
                note,
            )?;
        }
        for town in &ctx.plan.towns {
            if chance(rng, 0.6) {
                let yuan = uniform(rng, 3.0e5, 1.5e6);
                f.row(
                    town.code,
                    y,
                    (S::Sector, L::Other),
                    yuan,
                    None,
                    "交通水利基础设施",
                )?;
            }
        }
        for v in ctx.plan.villages.iter().filter(|v| v.kind.is_poor()) {
            let yuan = uniform(rng, 5.0e4, 3.0e5);
            f.row(
                v.code,
                y,
                (S::Pairing, L::Backbone),
                yuan,
                None,
                "帮扶单位帮扶资金",
            )?;
            if chance(rng, 0.3) {
                let yuan = uniform(rng, 1.0e5, 1.0e6);
                f.row(
                    v.code,
                    y,
                    (S::Social, L::Industry),
                    yuan,
                    None,
                    "企业投资产业基地",
                )?;
            }
            if chance(rng, 0.3) {
                let yuan = uniform(rng, 2.0e4, 1.0e5);
                let note = "村集体经营收益再投入";
                f.row(v.code, y, (S::Collective, L::Collective), yuan, None, note)?;
            }
            if chance(rng, 0.4) {
                let yuan = uniform(rng, 1.0e4, 5.0e4);
                f.row(
                    v.code,
                    y,
                    (S::OwnFunds, L::Industry),
                    yuan,
                    None,
                    "群众自筹发展产业",
                )?;
            }
        }
        for p in projects.iter().filter(|p| p.launch == y) {
            let at = ctx.plan.villages[p.village].code;
            let yuan = p.value.0 as f64 / 100.0;
            let note = "财政资金折股量化";
            f.row(at, y, (S::Fiscal, L::Collective), yuan, Some(&p.id), note)?;
        }
    }
    Ok(())
}

/// 社会资本入股: about a third of the county's projects have one or two investors (an enterprise,
/// a co-operative, a person or another village's collective) holding at most half of the shares
/// the households never reached, so that later grants from the pool still fit (rules.md §8). The
/// money each put in is also a fund (social capital into the collective link, with the project).
pub fn write_investors(
    out: &mut Writers,
    rng: &mut DemoRng,
    ctx: &Ctx,
    projects: &[Made],
) -> Result<(), DemoError> {
    use xplus_core::collective::InvestorKind as K;
    let mut f = Funds {
        out,
        county6: ctx.county6,
        seq: 0,
        prefix: "S",
    };
    for p in projects {
        let room = (p.total - p.granted) / 2;
        if room < 1 || !chance(rng, 0.35) {
            continue;
        }
        let village = &ctx.plan.villages[p.village];
        let people = [
            (
                K::Enterprise,
                format!(
                    "{}{}农业发展有限公司",
                    village.short,
                    pick(rng, &["丰源", "绿野", "惠农", "金穗", "华丰"])
                ),
            ),
            (
                K::Cooperative,
                format!(
                    "{}{}种植专业合作社",
                    village.short,
                    pick(rng, &["兴农", "富民", "众诚"])
                ),
            ),
            (
                K::Individual,
                (*pick(rng, &["王建军", "李国强", "张春华", "陈志刚", "刘桂兰"])).to_string(),
            ),
        ];
        let n = if room >= 2 && chance(rng, 0.3) { 2 } else { 1 };
        let mut left = room;
        for (kind, name) in people.into_iter().take(n) {
            let shares = between(rng, 1, left.max(1)).min(left);
            if shares < 1 {
                break;
            }
            left -= shares;
            let amount = Fen(p.share_value.0 * shares);
            let row = [
                text(p.id.clone()),
                text(name.clone()),
                code(kind.code()),
                money(amount),
                int(shares),
                date(p.day),
            ];
            f.out.row(FileId::ProjectInvestors, &row)?;
            let yuan = amount.0 as f64 / 100.0;
            let kinds = (FundSource::Social, FundLink::Collective);
            f.row(
                village.code,
                p.launch,
                kinds,
                yuan,
                Some(&p.id),
                &format!("{name}入股"),
            )?;
        }
    }
    Ok(())
}
