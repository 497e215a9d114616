//! 产业 demo data of a county: industry-chain party organisations on bases, associations and
//! co-ops (and a functional party group in some villages) bringing households along, one
//! product per poor village with the households that joined, the advisory group's guidance,
//! households' own crops and livestock, labour-training courses, technology commissioners,
//! job fairs, and placements of members with labour capacity. From its own random stream, so
//! the files of the earlier modules stay the same for every seed.

use super::context::Ctx;
use super::names;
use super::plan::VillagePlan;
use super::rng::{between, chance, day_in, pick, weighted, ymd, DemoRng};
use super::writer::{code, date, int, money, opt_date, region, text, year, Writers};
use super::DemoError;
use xplus_core::industry::{GroupFocus, IndustryKind, PartyOrgKind};
use xplus_core::interchange::{FileId, Value};
use xplus_core::registry::{HouseholdStatus, Labour};
use xplus_core::Fen;

const PRODUCTS: [(&str, IndustryKind, &str); 10] = [
    ("水稻", IndustryKind::Crop, "亩"),
    ("小龙虾", IndustryKind::Livestock, "亩"),
    ("葡萄", IndustryKind::Crop, "亩"),
    ("苗木", IndustryKind::Crop, "亩"),
    ("生猪", IndustryKind::Livestock, "头"),
    ("肉鸭", IndustryKind::Livestock, "只"),
    ("茶叶", IndustryKind::Crop, "亩"),
    ("芡实", IndustryKind::Crop, "亩"),
    ("蔬菜大棚", IndustryKind::Crop, "个"),
    ("山羊", IndustryKind::Livestock, "只"),
];

const EMPLOYERS: [&str; 6] = [
    "滁州经济开发区电子厂",
    "天长市仪表企业",
    "南京建筑工地",
    "苏州纺织厂",
    "本地农业合作社",
    "上海物流公司",
];

pub fn write(out: &mut Writers, rng: &mut DemoRng, ctx: &Ctx) -> Result<(), DemoError> {
    for (vi, v) in ctx.plan.villages.iter().enumerate() {
        village(out, rng, ctx, vi, v)?;
    }
    // The county's labour-training base with two courses a year, attended by members of
    // working age; a commissioner per town with a training; a job fair each spring.
    labour_courses(out, rng, ctx)?;
    commissioners(out, rng, ctx)?;
    job_fairs(out, rng, ctx)
}

/// One village's step: its product (一村一品) with the households that joined and the
/// advisory group's guidance, its party organisations, and each helped household's own
/// industry and placements. A village with no household still helped draws nothing.
fn village(
    out: &mut Writers,
    rng: &mut DemoRng,
    ctx: &Ctx,
    vi: usize,
    v: &VillagePlan,
) -> Result<(), DemoError> {
    let households = &ctx.households[ctx.villages[vi].households.clone()];
    let helped: Vec<&super::people::Household> = households
        .iter()
        .filter(|h| h.status != HouseholdStatus::Removed)
        .collect();
    if helped.is_empty() {
        return Ok(());
    }
    let (product, kind, unit) = *pick(rng, &PRODUCTS);
    // One product per poor village (一村一品), and for some other villages.
    if v.kind.is_poor() || chance(rng, 0.2) {
        let id = format!("YP{}", v.code);
        let row = [
            text(id.clone()),
            region(v.code),
            text(format!("{}{product}", v.short)),
            money(Fen::from_yuan(between(rng, 50, 400) * 1_000)),
            year(between(rng, 2014, 2016)),
        ];
        out.row(FileId::OvopProjects, &row)?;
        for h in &helped {
            if chance(rng, 0.35) {
                let row = [
                    text(id.clone()),
                    text(h.id.clone()),
                    date(day_in(rng, ymd(2014, 3, 1), ymd(2016, 11, 30))),
                ];
                out.row(FileId::OvopHouseholds, &row)?;
            }
        }
        out.row(
            FileId::Guidance,
            &[
                region(v.code),
                year(2016),
                text(format!("发展{product}产业，统一技术指导和销售")),
                text(format!("{}产业发展指导组", v.short)),
            ],
        )?;
    }
    // An industry-chain party organisation in some villages; a functional group in a few.
    if chance(rng, 0.4) {
        let kind_org = match weighted(rng, &[4, 3, 5, 2]) {
            0 => PartyOrgKind::Base,
            1 => PartyOrgKind::Association,
            2 => PartyOrgKind::Cooperative,
            _ => PartyOrgKind::VillageEnterprise,
        };
        org(out, rng, v.code, &v.short, product, kind_org, None, &helped)?;
    }
    if chance(rng, 0.15) {
        let focus = *pick(rng, GroupFocus::ALL);
        org(
            out,
            rng,
            v.code,
            &v.short,
            product,
            PartyOrgKind::FunctionalGroup,
            Some(focus),
            &helped,
        )?;
    }
    for h in &helped {
        if chance(rng, 0.45) {
            let row = [
                text(h.id.clone()),
                year(2016),
                code(kind.code()),
                text(product),
                int(between(rng, 1, 30)),
                text(unit),
            ];
            out.row(FileId::HouseholdIndustries, &row)?;
        }
        // Placements of members who can work, mostly migrants.
        for m in &h.members {
            let can_work = matches!(m.labour, Labour::Skilled | Labour::Ordinary);
            if can_work && chance(rng, 0.2) {
                let row = [
                    text(h.id.clone()),
                    Value::Id(m.id),
                    text(*pick(rng, &EMPLOYERS)),
                    text(names::place(rng)),
                    date(day_in(rng, ymd(2015, 1, 1), ymd(2016, 10, 31))),
                    int(between(rng, 1, 12)),
                ];
                out.row(FileId::Placements, &row)?;
            }
        }
    }
    Ok(())
}

/// The county's labour-training base: its courses and the members of working age who
/// attended each.
fn labour_courses(out: &mut Writers, rng: &mut DemoRng, ctx: &Ctx) -> Result<(), DemoError> {
    let county = ctx.code;
    let base = "县职业技能培训中心（劳动力转移培训基地）".to_string();
    for (n, (name, start)) in [
        ("电工技能培训", ymd(2015, 4, 10)),
        ("家政服务培训", ymd(2016, 3, 15)),
        ("电子商务培训", ymd(2016, 9, 20)),
    ]
    .into_iter()
    .enumerate()
    {
        let id = format!("LC{}-{n}", ctx.county6);
        out.row(
            FileId::LabourCourses,
            &[
                text(id.clone()),
                region(county),
                text(base.clone()),
                text(name),
                date(start),
                opt_date(Some(start + chrono::Duration::days(14))),
            ],
        )?;
        for h in ctx
            .households
            .iter()
            .filter(|h| h.status != HouseholdStatus::Removed)
        {
            if !chance(rng, 0.03) {
                continue;
            }
            if let Some(m) = h
                .members
                .iter()
                .find(|m| matches!(m.labour, Labour::Skilled | Labour::Ordinary))
            {
                out.row(
                    FileId::CourseAttendance,
                    &[text(id.clone()), text(h.id.clone()), Value::Id(m.id)],
                )?;
            }
        }
    }
    Ok(())
}

/// A technology commissioner per town, each with a training in the town's first village.
fn commissioners(out: &mut Writers, rng: &mut DemoRng, ctx: &Ctx) -> Result<(), DemoError> {
    let county = ctx.code;
    for (ti, town) in ctx.plan.towns.iter().enumerate() {
        let id = format!("KT{}-{ti}", ctx.county6);
        let surname = names::surname(rng);
        let male = chance(rng, 0.7);
        let born = between(rng, 1965, 1990);
        out.row(
            FileId::Commissioners,
            &[
                text(id.clone()),
                text(names::person(rng, surname, male, born)),
                region(county),
                text(pick(rng, &PRODUCTS).0.to_string() + "种养技术"),
            ],
        )?;
        let Some(v) = ctx.plan.villages.get(town.villages.start) else {
            continue;
        };
        out.row(
            FileId::CommissionerTrainings,
            &[
                text(format!("{id}-2016")),
                text(id),
                region(v.code),
                date(day_in(rng, ymd(2016, 3, 1), ymd(2016, 10, 31))),
                text("病虫害防治和田间管理"),
                int(between(rng, 20, 80)),
            ],
        )?;
    }
    Ok(())
}

/// The county's spring job fair of each year.
fn job_fairs(out: &mut Writers, rng: &mut DemoRng, ctx: &Ctx) -> Result<(), DemoError> {
    let county = ctx.code;
    for y in [2015, 2016] {
        out.row(
            FileId::JobFairs,
            &[
                text(format!("ZP{}-{y}", ctx.county6)),
                region(county),
                date(ymd(y, 2, between(rng, 10, 25))),
                int(between(rng, 800, 3_000)),
                int(between(rng, 40, 150)),
            ],
        )?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn org(
    out: &mut Writers,
    rng: &mut DemoRng,
    village: u64,
    short: &str,
    product: &str,
    kind: PartyOrgKind,
    focus: Option<GroupFocus>,
    helped: &[&super::people::Household],
) -> Result<(), DemoError> {
    let id = format!("DZ{village}-{}", kind.code());
    let name = match kind {
        PartyOrgKind::FunctionalGroup => format!(
            "{short}{}功能党小组",
            focus.map(|f| f.label_zh()).unwrap_or_default()
        ),
        _ => format!("{short}{product}{}党支部", kind.label_zh()),
    };
    let established = day_in(rng, ymd(2014, 1, 1), ymd(2016, 6, 30));
    out.row(
        FileId::PartyOrgs,
        &[
            text(id.clone()),
            region(village),
            text(name),
            code(kind.code()),
            focus.map(|f| code(f.code())).unwrap_or(Value::Null),
            int(between(rng, 3, 25)),
            date(established),
        ],
    )?;
    for h in helped {
        if chance(rng, 0.2) {
            out.row(
                FileId::OrgHouseholds,
                &[
                    text(id.clone()),
                    text(h.id.clone()),
                    date(day_in(rng, established, ymd(2016, 11, 30))),
                    Value::Null,
                ],
            )?;
        }
    }
    Ok(())
}
