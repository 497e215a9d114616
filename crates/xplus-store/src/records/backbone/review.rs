//! 述职评议考核 over what is stored: the criteria in force for a county and year (configuration,
//! the four roles by default), the scores officials give the village secretaries, and each
//! county's ranking by weighted total (xplus-core `backbone::review`).

use super::queries::read_row;
use super::queries::review::{
    CriterionWeight, Score, StoredCriterion, CRITERIA, SCORES, TERMS_BETWEEN, TERM_OF,
};
use crate::error::Refusal;
use crate::error::StoreError;
use crate::records::registry::read::names_of;
use crate::records::text_field;
use crate::session::filter::{Arg, Filter};
use crate::store::{Row, Store};
use crate::NewAudit;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};
use xplus_core::accounts::{Access, Role};
use xplus_core::backbone::review::{
    default_criteria, rank, weighted_total, Criterion, DEFAULT_SOURCE, MAX_SCORE,
};
use xplus_core::interchange::Value;
use xplus_core::registry::{Level, RegionCode};
use xplus_core::text::TextKind;

/// The criteria of a county's review in a year, with where they come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriteriaInForce {
    pub criteria: Vec<Criterion>,
    pub source: String,
}

/// The criteria for `county` in `year`: the set of the most specific region (county, city,
/// province, everywhere) and, within it, of the year before every year; the default otherwise.
pub async fn review_criteria(
    store: &dyn Store,
    county: RegionCode,
    year: i32,
) -> Result<CriteriaInForce, StoreError> {
    let mut s = store.read_session().await?;
    let rows = s
        .select(&CRITERIA, &Filter::new(), "region_code, year, code", None)
        .await?;
    let mut sets: BTreeMap<(u8, bool), (Vec<Criterion>, String)> = BTreeMap::new();
    for c in rows.iter().filter_map(|r| read_row::<StoredCriterion>(r)) {
        let y = c.year;
        let depth = match c.region {
            0 => 0,
            code => match RegionCode::from_u64(code as u64) {
                Ok(r) if county.is_within(r) => match r.level() {
                    Level::Province => 1,
                    Level::City => 2,
                    _ => 3,
                },
                _ => continue,
            },
        };
        if y != 0 && y != i64::from(year) {
            continue;
        }
        let e = sets
            .entry((depth, y != 0))
            .or_insert_with(|| (Vec::new(), c.source));
        e.0.push(Criterion {
            code: c.code,
            name: c.name,
            weight: c.weight as u32,
        });
    }
    Ok(match sets.into_iter().next_back() {
        Some((_, (criteria, source))) => CriteriaInForce { criteria, source },
        None => CriteriaInForce {
            criteria: default_criteria(),
            source: DEFAULT_SOURCE.to_string(),
        },
    })
}

/// Sets the criteria of a region (None: everywhere) and year (None: every year), replacing
/// the set stored for that key; audited.
pub async fn set_review_criteria(
    store: &dyn Store,
    actor: &str,
    region: Option<RegionCode>,
    year: Option<i32>,
    criteria: &[Criterion],
    source: &str,
) -> Result<(), StoreError> {
    if criteria.is_empty() || criteria.iter().all(|c| c.weight == 0) {
        return Err(StoreError::Refused(Refusal::Invalid(
            "至少要有一项权重大于0的指标 / give at least one criterion with a weight above 0"
                .into(),
        )));
    }
    if source.trim().is_empty() {
        return Err(StoreError::Refused(Refusal::Invalid(
            "请写明依据（文件、文号） / give the source (document and number)".into(),
        )));
    }
    if region.is_some_and(|r| matches!(r.level(), Level::Town | Level::Village)) {
        return Err(StoreError::Refused(Refusal::Invalid(
            "考核指标按省、市、县设置 / criteria are set per province, city or county".into(),
        )));
    }
    let mut codes: Vec<&str> = criteria.iter().map(|c| c.code.as_str()).collect();
    codes.sort_unstable();
    if codes.windows(2).any(|w| w[0] == w[1]) || codes.iter().any(|c| c.trim().is_empty()) {
        return Err(StoreError::Refused(Refusal::Invalid(
            "指标代码不能为空或重复 / criterion codes must be given and distinct".into(),
        )));
    }
    let source = text_field("source", TextKind::Free, source)?;
    for c in criteria {
        text_field("code", TextKind::Key, &c.code)?;
        text_field("name", TextKind::Name, &c.name)?;
    }
    let region_key = region.map_or(0, |r| r.as_u64() as i64);
    let year_key = year.map_or(0, i64::from);
    let mut s = store.write_session().await?;
    let key = Filter::new()
        .and("region_code = ?", vec![Arg::Int(region_key)])
        .and("year = ?", vec![Arg::Int(year_key)]);
    let before = s.select(&CRITERIA, &key, "code", None).await?;
    // Criteria no longer in the set keep their row with weight 0: nothing is deleted.
    let weight = CRITERIA
        .column_index("weight")
        .expect("a column of the table");
    for r in &before {
        if let Some(code) = read_row::<CriterionWeight>(r).and_then(|c| c.code) {
            if !criteria.iter().any(|c| c.code == code) {
                let mut values = r.clone();
                values[weight] = Value::Int(0);
                s.upsert(
                    &CRITERIA,
                    Row {
                        values,
                        county: None,
                    },
                )
                .await?;
            }
        }
    }
    for c in criteria {
        s.upsert(
            &CRITERIA,
            Row {
                values: vec![
                    Value::Int(region_key),
                    Value::Int(year_key),
                    Value::Text(c.code.clone()),
                    Value::Text(c.name.clone()),
                    Value::Int(i64::from(c.weight)),
                    Value::Text(source.clone()),
                ],
                county: None,
            },
        )
        .await?;
    }
    let as_json = |list: Vec<(String, i64)>| serde_json::json!(list).to_string();
    s.append_audit(vec![NewAudit {
        actor: actor.to_string(),
        action: "review_criteria".into(),
        entity: "review_criteria".into(),
        record_key: format!("{region_key}:{year_key}"),
        old_values: (!before.is_empty()).then(|| {
            as_json(
                before
                    .iter()
                    .filter_map(|r| {
                        let c = read_row::<CriterionWeight>(r)?;
                        Some((c.code?, c.weight?))
                    })
                    .collect(),
            )
        }),
        new_values: Some(as_json(
            criteria
                .iter()
                .map(|c| (c.code.clone(), i64::from(c.weight)))
                .collect(),
        )),
    }])
    .await?;
    s.commit().await
}

/// One secretary's line of the ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewLine {
    pub secretary_id: String,
    pub name: String,
    pub village: RegionCode,
    pub village_name: String,
    pub scores: BTreeMap<String, u32>,
    /// Weighted total in hundredths; None until every criterion is scored.
    pub total: Option<u32>,
    /// Rank within the county among those with a total.
    pub rank: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRanking {
    pub county: RegionCode,
    pub year: i32,
    pub criteria: CriteriaInForce,
    /// Ranked first, then those not fully scored, by village.
    pub lines: Vec<ReviewLine>,
}

/// The secretaries in office during `year` in the villages of `county` within reach, their
/// scores, totals and ranks.
pub async fn review_ranking(
    store: &dyn Store,
    access: &Access,
    county: RegionCode,
    year: i32,
) -> Result<ReviewRanking, StoreError> {
    if county.county() != Some(county)
        || !access.covers_region(county) && !covered_below(access, county)
    {
        return Err(StoreError::Refused(Refusal::NotFound(
            "县不存在或不在您的管辖范围内 / no such county within your reach".into(),
        )));
    }
    let criteria = review_criteria(store, county, year).await?;
    let (first, last) = crate::records::registry::read::year_bounds(year);
    let (lo, hi) = crate::sql::range_of(county.as_u64(), Level::County);
    let mut s = store.read_session().await?;
    let terms = TERMS_BETWEEN
        .fetch(&mut *s, &[Arg::Int(lo as i64), Arg::Int(hi as i64)])
        .await?;
    let mut lines: Vec<ReviewLine> = Vec::new();
    for t in terms {
        let (Some(id), Some(village), Some(span)) = (t.secretary_id, t.village, t.span) else {
            continue;
        };
        // In office at some time of the year (ranked against the whole county; the lines out
        // of reach are left out after ranking).
        if span.start > last || span.end.is_some_and(|e| e < first) {
            continue;
        }
        lines.push(ReviewLine {
            secretary_id: id,
            name: t.name,
            village,
            village_name: String::new(),
            scores: BTreeMap::new(),
            total: None,
            rank: None,
        });
    }
    let position: HashMap<String, usize> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| (l.secretary_id.clone(), i))
        .collect();
    let scored = s
        .select(
            &SCORES,
            &Filter::new()
                .and("year = ?", vec![Arg::Int(i64::from(year))])
                .and("county_code = ?", vec![Arg::Int(county.as_u64() as i64)]),
            "",
            None,
        )
        .await?;
    for sc in scored.iter().filter_map(|r| read_row::<Score>(r)) {
        if let Some(&i) = position.get(&sc.secretary_id) {
            lines[i].scores.insert(sc.criterion, sc.score);
        }
    }
    for l in &mut lines {
        l.total = weighted_total(&l.scores, &criteria.criteria).ok();
    }
    let totals: Vec<(String, u32)> = lines
        .iter()
        .filter_map(|l| Some((l.secretary_id.clone(), l.total?)))
        .collect();
    let ranks: HashMap<String, u32> = rank(&totals)
        .into_iter()
        .map(|(place, id, _)| (id, place))
        .collect();
    for l in &mut lines {
        l.rank = ranks.get(&l.secretary_id).copied();
    }
    lines.retain(|l| access.covers_region(l.village));
    let names = names_of(s.as_mut(), lines.iter().map(|l| l.village.as_u64())).await?;
    for l in &mut lines {
        l.village_name = names.get(&l.village.as_u64()).cloned().unwrap_or_default();
    }
    lines.sort_by(|a, b| {
        (a.rank.is_none(), a.rank, a.village, &a.secretary_id).cmp(&(
            b.rank.is_none(),
            b.rank,
            b.village,
            &b.secretary_id,
        ))
    });
    Ok(ReviewRanking {
        county,
        year,
        criteria,
        lines,
    })
}

/// A town's official reaches the county's page for the villages of the town.
fn covered_below(access: &Access, county: RegionCode) -> bool {
    matches!(access.scope(), xplus_core::accounts::Scope::Region(r) if r.is_within(county))
}

/// Records an official's scores of one secretary for a year (0–100 per criterion in force);
/// a secretary does not score secretaries. Audited.
pub async fn save_review(
    store: &dyn Store,
    access: &Access,
    secretary_id: &str,
    year: i32,
    scores: &[(String, u32)],
    today: NaiveDate,
) -> Result<(), StoreError> {
    if !matches!(access.role(), Role::Admin | Role::Official) {
        return Err(StoreError::Refused(Refusal::Forbidden(
            "述职评议由县乡党委评分，您的账号不能评分 / the review is scored by county and town officials; your account cannot score".into(),
        )));
    }
    let mut s = store.write_session().await?;
    let term = TERM_OF
        .fetch(&mut *s, &[Arg::Text(secretary_id.to_string())])
        .await?;
    if scores.is_empty() {
        return Err(StoreError::Refused(Refusal::Invalid(
            "没有填写任何得分 / no score was given".into(),
        )));
    }
    let (first, last) = crate::records::registry::read::year_bounds(year);
    let in_office = term.first().and_then(|t| {
        let span = t.span?;
        Some(span.start <= last && span.end.is_none_or(|e| e >= first))
    });
    let Some(village) = term
        .first()
        .and_then(|t| t.village)
        .filter(|v| access.covers_region(*v))
    else {
        return Err(StoreError::Refused(Refusal::NotFound(format!(
            "村书记 {secretary_id} 不存在或不在您的管辖范围内 / secretary {secretary_id} does not exist or is outside your reach"
        ))));
    };
    if in_office != Some(true) {
        return Err(StoreError::Refused(Refusal::Invalid(format!(
            "村书记 {secretary_id} {year} 年不在任 / secretary {secretary_id} was not in office in {year}"
        ))));
    }
    let county = village.county().unwrap_or(village);
    drop(s);
    let criteria = review_criteria(store, county, year).await?;
    for (code, score) in scores {
        if !criteria.criteria.iter().any(|c| &c.code == code) {
            return Err(StoreError::Refused(Refusal::Invalid(format!(
                "没有考核指标“{code}” / no criterion '{code}'"
            ))));
        }
        if *score > MAX_SCORE {
            return Err(StoreError::Refused(Refusal::Invalid(format!(
                "“{code}”的得分 {score} 超过 {MAX_SCORE} / the score {score} of '{code}' is above {MAX_SCORE}"
            ))));
        }
    }
    let mut s = store.write_session().await?;
    for (code, score) in scores {
        s.upsert(
            &SCORES,
            Row {
                values: vec![
                    Value::Text(secretary_id.to_string()),
                    Value::Int(i64::from(year)),
                    Value::Text(code.clone()),
                    Value::Int(i64::from(*score)),
                    Value::Text(access.user().to_string()),
                    Value::Date(today),
                ],
                county: Some(county),
            },
        )
        .await?;
    }
    s.append_audit(vec![NewAudit {
        actor: access.user().to_string(),
        action: "secretary_review".into(),
        entity: "secretary_reviews".into(),
        record_key: format!("{secretary_id}:{year}"),
        old_values: None,
        new_values: Some(serde_json::json!(scores).to_string()),
    }])
    .await?;
    s.commit().await
}
