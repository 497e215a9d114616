//! 产业 demo data of a county: industry-chain party organisations on bases, associations and
//! co-ops (and village-enterprise organisations and functional party groups in some villages)
//! bringing households along, one product per village planned to exit in 2016 and a few more
//! with the households that joined, the advisory group's guidance, households' own crops and
//! livestock, labour-training bases and courses, technology commissioners, job fairs, and
//! placements. Who takes part is drawn first (`Reach`), to the county's share of the case
//! report's figures. From its own random stream, so the files of the earlier modules stay the
//! same for every seed.

use super::context::Ctx;
use super::names;
use super::people::Household;
use super::plan::VillagePlan;
use super::reach::{Person, Reach};
use super::rng::{between, chance, day_in, pick, ymd, DemoRng};
use super::shares::{city, spread, Basis};
use super::writer::{code, date, int, money, opt_date, region, text, year, Writers};
use super::DemoError;
use xplus_core::industry::{GroupFocus, IndustryKind, PartyOrgKind};
use xplus_core::interchange::{FileId, Value};
use xplus_core::registry::{HouseholdStatus, Labour};
use xplus_core::values::Date;
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

/// Returns, per household, whether it is in industry in 2016 (the targets are chosen from them
/// first).
pub fn write(out: &mut Writers, rng: &mut DemoRng, ctx: &Ctx) -> Result<Vec<bool>, DemoError> {
    let reach = Reach::draw(rng, ctx);
    for (vi, v) in ctx.plan.villages.iter().enumerate() {
        village(out, rng, ctx, &reach, vi, v)?;
    }
    // The county's labour-training bases and their courses, the placements, the technology
    // commissioners with their trainings, and the job fairs.
    labour_courses(out, rng, ctx, &reach)?;
    placements(out, rng, ctx, &reach)?;
    commissioners(out, rng, ctx)?;
    job_fairs(out, rng, ctx)?;
    Ok(reach.in_industry)
}

/// One village's step: its product (一村一品) with the households that joined and the
/// advisory group's guidance, its party organisations, and its households' own industry.
/// A poor household takes part only if it is in industry (`Reach`), which it is through the
/// product or else the village's first chain organisation.
fn village(
    out: &mut Writers,
    rng: &mut DemoRng,
    ctx: &Ctx,
    reach: &Reach,
    vi: usize,
    v: &VillagePlan,
) -> Result<(), DemoError> {
    let range = ctx.villages[vi].households.clone();
    let helped: Vec<usize> = range
        .filter(|&h| ctx.households[h].status != HouseholdStatus::Removed)
        .collect();
    if helped.is_empty() {
        return Ok(());
    }
    let (product, kind, unit) = *pick(rng, &PRODUCTS);
    if reach.ovop[vi] {
        let id = format!("YP{}", v.code);
        let row = [
            text(id.clone()),
            region(v.code),
            text(format!("{}{product}", v.short)),
            money(Fen::from_yuan(between(rng, 50, 400) * 1_000)),
            year(between(rng, 2014, 2016)),
        ];
        out.row(FileId::OvopProjects, &row)?;
        for &h in &helped {
            let joins = reach.in_industry[h] || (reach.may_take_part[h] && chance(rng, 0.35));
            if joins {
                let row = [
                    text(id.clone()),
                    text(ctx.households[h].id.clone()),
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
    let site = Site {
        households: ctx.households,
        village: v.code,
        short: &v.short,
        product,
    };
    for (k, &org_kind) in reach.chain_orgs[vi].iter().enumerate() {
        // The first brings along the households in industry of a village without a product.
        let forced = k == 0 && !reach.ovop[vi];
        org(out, rng, &site, org_kind, None, &helped, reach, forced)?;
    }
    // A village enterprise's party organisation in some villages, a functional group in a few.
    if chance(rng, 0.1) {
        let kind = PartyOrgKind::VillageEnterprise;
        org(out, rng, &site, kind, None, &helped, reach, false)?;
    }
    if chance(rng, 0.15) {
        let focus = *pick(rng, GroupFocus::ALL);
        let kind = PartyOrgKind::FunctionalGroup;
        org(out, rng, &site, kind, Some(focus), &helped, reach, false)?;
    }
    for &h in &helped {
        if reach.specialty[h] {
            let row = [
                text(ctx.households[h].id.clone()),
                year(2016),
                code(kind.code()),
                text(product),
                int(between(rng, 1, 30)),
                text(unit),
            ];
            out.row(FileId::HouseholdIndustries, &row)?;
        }
    }
    Ok(())
}

/// The county's labour-training bases (the report's 13 in the city): each ran a course in
/// 2015 and two in 2016, attended by members of working age.
fn labour_courses(
    out: &mut Writers,
    rng: &mut DemoRng,
    ctx: &Ctx,
    reach: &Reach,
) -> Result<(), DemoError> {
    for b in 0..reach.bases {
        let id = format!("LC{}-{b}-2015", ctx.county6);
        course_row(
            out,
            ctx,
            &id,
            b,
            COURSES[b % COURSES.len()],
            ymd(2015, 4, 10),
        )?;
        // It ran in 2015 only, so its attendees are in industry in 2015 and not in 2016.
        for h in ctx
            .households
            .iter()
            .filter(|h| h.status != HouseholdStatus::Removed)
        {
            if !chance(rng, 0.01) {
                continue;
            }
            if let Some(m) = h.members.iter().find(|m| can_work(m.labour)) {
                out.row(
                    FileId::CourseAttendance,
                    &[text(id.clone()), text(h.id.clone()), Value::Id(m.id)],
                )?;
            }
        }
    }
    for (k, course) in reach.courses.iter().enumerate() {
        let id = format!("LC{}-{}-2016-{}", ctx.county6, course.base, k % 2 + 1);
        let name = COURSES[(k + 1) % COURSES.len()];
        course_row(out, ctx, &id, course.base, name, course_start(k))?;
        for &(h, m) in &course.attendees {
            let h = &ctx.households[h];
            out.row(
                FileId::CourseAttendance,
                &[
                    text(id.clone()),
                    text(h.id.clone()),
                    Value::Id(h.members[m].id),
                ],
            )?;
        }
    }
    Ok(())
}

const COURSES: [&str; 5] = [
    "电工技能培训",
    "家政服务培训",
    "电子商务培训",
    "焊工技能培训",
    "农业创业培训",
];

/// The two 2016 courses of a base begin in March and September; each runs two weeks.
fn course_start(k: usize) -> Date {
    if k.is_multiple_of(2) {
        ymd(2016, 3, 15)
    } else {
        ymd(2016, 9, 20)
    }
}

fn course_row(
    out: &mut Writers,
    ctx: &Ctx,
    id: &str,
    base: usize,
    name: &str,
    start: Date,
) -> Result<(), DemoError> {
    const BASES: [&str; 3] = [
        "职业技能培训中心",
        "劳动力转移就业培训基地",
        "农民创业培训基地",
    ];
    let town = ctx.plan.towns.get(base).map_or("", |t| t.name.as_str());
    let base = format!("{}{town}{}", ctx.name, BASES[base % BASES.len()]);
    out.row(
        FileId::LabourCourses,
        &[
            text(id),
            region(ctx.code),
            text(base),
            text(name),
            date(start),
            opt_date(Some(start + chrono::Duration::days(14))),
        ],
    )
}

fn can_work(labour: Labour) -> bool {
    matches!(labour, Labour::Skilled | Labour::Ordinary)
}

/// Placements (转移就业): the trained who found work after their course, the others placed in
/// 2016, and some members of any helped household placed for a few months of 2015 only.
fn placements(
    out: &mut Writers,
    rng: &mut DemoRng,
    ctx: &Ctx,
    reach: &Reach,
) -> Result<(), DemoError> {
    let after_courses = reach.courses.iter().enumerate().flat_map(|(k, c)| {
        let from = course_start(k) + chrono::Duration::days(15);
        c.attendees[..c.placed].iter().map(move |&p| (p, from))
    });
    let others = reach.placed.iter().map(|&p| (p, ymd(2016, 1, 1)));
    let mut rows: Vec<(Person, Date, i64)> = Vec::new();
    for (p, from) in after_courses.chain(others) {
        let start = day_in(rng, from, ymd(2016, 11, 30));
        rows.push((p, start, between(rng, 1, 12)));
    }
    for (hi, h) in ctx.households.iter().enumerate() {
        if h.status == HouseholdStatus::Removed {
            continue;
        }
        for (mi, m) in h.members.iter().enumerate() {
            if can_work(m.labour) && chance(rng, 0.04) {
                let start = day_in(rng, ymd(2015, 1, 1), ymd(2015, 6, 30));
                rows.push(((hi, mi), start, between(rng, 1, 6)));
            }
        }
    }
    for ((h, m), start, months) in rows {
        let h = &ctx.households[h];
        let row = [
            text(h.id.clone()),
            Value::Id(h.members[m].id),
            text(*pick(rng, &EMPLOYERS)),
            text(names::place(rng)),
            date(start),
            int(months),
        ];
        out.row(FileId::Placements, &row)?;
    }
    Ok(())
}

/// The county's technology commissioners (the report's 55 in the city), one to a town in
/// turn, each training twice in 2016 in villages of its town; the county's share of the
/// report's 6400多 participants is spread over the trainings.
fn commissioners(out: &mut Writers, rng: &mut DemoRng, ctx: &Ctx) -> Result<(), DemoError> {
    let plan = ctx.plan;
    let n = plan.share(city::COMMISSIONERS, Basis::PoorVillages) as usize;
    let participants = plan.share(city::COMMISSIONER_PARTICIPANTS, Basis::PoorVillages);
    let mut participants = spread(rng, participants, 2 * n).into_iter();
    for k in 0..n {
        let id = format!("KT{}-{k}", ctx.county6);
        let surname = names::surname(rng);
        let male = chance(rng, 0.7);
        let born = between(rng, 1965, 1990);
        out.row(
            FileId::Commissioners,
            &[
                text(id.clone()),
                text(names::person(rng, surname, male, born)),
                region(ctx.code),
                text(pick(rng, &PRODUCTS).0.to_string() + "种养技术"),
            ],
        )?;
        let town = &plan.towns[k % plan.towns.len()];
        let villages = if town.villages.is_empty() {
            0..plan.villages.len()
        } else {
            town.villages.clone()
        };
        for t in 1..=2 {
            let vi = between(rng, villages.start, villages.end - 1);
            out.row(
                FileId::CommissionerTrainings,
                &[
                    text(format!("{id}-2016-{t}")),
                    text(id.clone()),
                    region(plan.villages[vi].code),
                    date(day_in(rng, ymd(2016, 3, 1), ymd(2016, 10, 31))),
                    text("病虫害防治和田间管理"),
                    int(participants.next().unwrap_or(0) as i64),
                ],
            )?;
        }
    }
    Ok(())
}

/// The county's job fair of 2015 and its share of the report's 65 fairs of 2016 with their
/// 1.2万 posts.
fn job_fairs(out: &mut Writers, rng: &mut DemoRng, ctx: &Ctx) -> Result<(), DemoError> {
    let plan = ctx.plan;
    let fair = |out: &mut Writers, rng: &mut DemoRng, id: String, day: Date, posts: u64| {
        out.row(
            FileId::JobFairs,
            &[
                text(id),
                region(ctx.code),
                date(day),
                int(posts as i64),
                int(between(rng, 40, 150)),
            ],
        )
    };
    let posts = between(rng, 800, 3_000);
    let day = ymd(2015, 2, between(rng, 10, 25));
    fair(out, rng, format!("ZP{}-2015", ctx.county6), day, posts)?;
    let n = plan.share(city::JOB_FAIRS, Basis::PoorVillages) as usize;
    let posts = spread(rng, plan.share(city::JOB_POSTS, Basis::PoorVillages), n);
    for (k, posts) in posts.into_iter().enumerate() {
        let day = day_in(rng, ymd(2016, 1, 10), ymd(2016, 12, 20));
        fair(
            out,
            rng,
            format!("ZP{}-2016-{:02}", ctx.county6, k + 1),
            day,
            posts,
        )?;
    }
    Ok(())
}

/// Where an organisation is set up.
struct Site<'a> {
    households: &'a [Household],
    village: u64,
    short: &'a str,
    product: &'a str,
}

/// A party organisation and the households it brings along: the households in industry
/// when `forced`, and now and then one that may take part.
#[allow(clippy::too_many_arguments)]
fn org(
    out: &mut Writers,
    rng: &mut DemoRng,
    site: &Site,
    kind: PartyOrgKind,
    focus: Option<GroupFocus>,
    helped: &[usize],
    reach: &Reach,
    forced: bool,
) -> Result<(), DemoError> {
    let id = format!("DZ{}-{}", site.village, kind.code());
    let short = site.short;
    let name = match kind {
        PartyOrgKind::FunctionalGroup => format!(
            "{short}{}功能党小组",
            focus.map(|f| f.label_zh()).unwrap_or_default()
        ),
        _ => format!("{short}{}{}党支部", site.product, kind.label_zh()),
    };
    let established = day_in(rng, ymd(2014, 1, 1), ymd(2016, 6, 30));
    out.row(
        FileId::PartyOrgs,
        &[
            text(id.clone()),
            region(site.village),
            text(name),
            code(kind.code()),
            focus.map(|f| code(f.code())).unwrap_or(Value::Null),
            int(between(rng, 3, 25)),
            date(established),
        ],
    )?;
    for &h in helped {
        let brought = forced && reach.in_industry[h];
        if brought || (reach.may_take_part[h] && chance(rng, 0.2)) {
            out.row(
                FileId::OrgHouseholds,
                &[
                    text(id.clone()),
                    text(site.households[h].id.clone()),
                    date(day_in(rng, established, ymd(2016, 11, 30))),
                    Value::Null,
                ],
            )?;
        }
    }
    Ok(())
}
