//! Village party secretaries (村党组织书记): one in office in every rural village, some with a
//! predecessor, the "312" model tiers, training, degree study and exchange postings, and the
//! yearly check-up against the "三有三带" standard (most kept, a few adjusted).

use super::names;
use super::rng::{between, chance, day_in, weighted, ymd, DemoRng};
use super::selected::Development;
use super::writer::{code, date, int, opt_date, region, text, Writers};
use super::DemoError;
use chrono::Datelike;
use xplus_core::backbone::{CheckUpResult, DevelopmentKind, SecretaryTier};
use xplus_core::interchange::{FileId, Value};

/// A secretary who took over a village in 2016: the pool of future leaders (村级带头人后备库)
/// names them as the member who became its secretary.
pub struct Successor {
    pub village: u64,
    pub id: String,
    pub name: String,
    pub start: chrono::NaiveDate,
}

/// `dev` is what the secretary in office at the end takes part in beyond training (the county's
/// share of the report's 47 in degree study and 23 on exchange postings, all in poor villages).
/// The secretary who took over, if the village changed secretary.
pub fn write(
    out: &mut Writers,
    more: &mut DemoRng,
    village: u64,
    dev: Development,
) -> Result<Option<Successor>, DemoError> {
    // One in ten villages changed secretary in 2016 (the adjusted ones), after a vacancy of
    // up to two months (配齐).
    let changed = chance(more, 0.1);
    let first_start = day_in(more, ymd(2008, 1, 1), ymd(2014, 12, 31));
    let (first_end, second_start) = if changed {
        let end = day_in(more, ymd(2016, 1, 10), ymd(2016, 6, 30));
        (
            Some(end),
            Some(day_in(more, end, end + chrono::Duration::days(60))),
        )
    } else {
        (None, None)
    };
    let first_dev = if changed { None } else { Some(dev) };
    person(
        out,
        more,
        village,
        1,
        (first_start, first_end),
        changed,
        first_dev,
    )?;
    let Some(start) = second_start else {
        return Ok(None);
    };
    let name = person(out, more, village, 2, (start, None), false, Some(dev))?;
    Ok(Some(Successor {
        village,
        id: format!("SJ{village}-2"),
        name,
        start,
    }))
}

fn person(
    out: &mut Writers,
    more: &mut DemoRng,
    village: u64,
    seq: u32,
    (start, end): (chrono::NaiveDate, Option<chrono::NaiveDate>),
    adjusted: bool,
    dev: Option<Development>,
) -> Result<String, DemoError> {
    let id = format!("SJ{village}-{seq}");
    let surname = names::surname(more);
    let male = chance(more, 0.85);
    let born = between(more, 1958, 1985);
    let name = names::person(more, surname, male, born);
    // Roughly the "312" proportions: 30 provincial, 100 municipal, 200 county models among a
    // city's ~1,500 villages over three years.
    let tier = match weighted(more, &[2, 7, 13, 78]) {
        0 => Some(SecretaryTier::Provincial),
        1 => Some(SecretaryTier::Municipal),
        2 => Some(SecretaryTier::County),
        _ => None,
    };
    let tier_year = tier.map(|_| between(more, 2015, 2016));
    let row = [
        text(id.clone()),
        region(village),
        text(name.clone()),
        date(start),
        opt_date(end),
        tier.map(|t| code(t.code())).unwrap_or(Value::Null),
        tier_year.map(|y| int(y.into())).unwrap_or(Value::Null),
        text(names::phone(more)),
    ];
    out.row(FileId::Secretaries, &row)?;
    for year in [2015, 2016] {
        if start.year() > year {
            continue;
        }
        let result = if adjusted && year == 2015 {
            CheckUpResult::Adjusted
        } else {
            CheckUpResult::Kept
        };
        let note = match result {
            CheckUpResult::Adjusted => text("不符合“三有三带”标准，予以调整"),
            CheckUpResult::Kept => Value::Null,
        };
        let row = [
            text(id.clone()),
            int(year.into()),
            code(result.code()),
            note,
        ];
        out.row(FileId::SecretaryChecks, &row)?;
    }
    if let Some(dev) = dev {
        for kind in DevelopmentKind::ALL {
            let taken = match kind {
                DevelopmentKind::Training => chance(more, 0.6),
                DevelopmentKind::Degree => dev.degree,
                DevelopmentKind::Exchange => dev.exchange,
            };
            if !taken {
                continue;
            }
            let from = day_in(more, ymd(2015, 3, 1), ymd(2016, 9, 30));
            let (to, what) = match kind {
                DevelopmentKind::Training => {
                    (from + chrono::Duration::days(4), "村党组织书记示范培训班")
                }
                DevelopmentKind::Degree => (from + chrono::Duration::days(900), "大专学历教育"),
                DevelopmentKind::Exchange => {
                    (from + chrono::Duration::days(90), "到先进村挂职学习")
                }
            };
            let row = [
                text(id.clone()),
                code(kind.code()),
                date(from),
                date(to),
                text(what),
            ];
            out.row(FileId::SecretaryDevelopment, &row)?;
        }
    }
    Ok(name)
}
