//! 政策假设测算 (issue 23): an official of a county or above changes one or more of the rule
//! settings the yearly assessment reads, for their own region and a year, and sees — without
//! anything being recorded — how the year's figures would move, and which households and
//! villages would meet (or stop meeting) the exit criteria. The same what-if as
//! `xplus assess --set`; `/assessment/what-if.xlsx` lists every change.

use super::{html, Chrome};
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use std::collections::BTreeMap;
use xplus_core::accounts::{Access, Scope};
use xplus_core::assessment::procedure::may_run_assessment;
use xplus_core::registry::RegionCode;
use xplus_core::rules::{what_if_setting, Parameter, Setting};
use xplus_store::records::{
    self, AssessmentSink, AssessmentSummary, Changed, EligibilityChange, HouseholdAssessment,
    VillageAssessment, WhatIfSink, WhatIfSummary,
};
use xplus_store::StoreError;

/// The changed households a page shows; the workbook has them all.
const SHOWN: usize = 100;

/// One parameter's input: what the user typed (empty: as it is) and the value in force.
pub struct Field {
    pub code: &'static str,
    pub label: String,
    pub typed: String,
    pub current: String,
    pub source: String,
    /// Stored settings of the parameter for the year in regions below the account's (a
    /// county's own), which a typed value replaces there too.
    pub below: usize,
}

/// A headline figure under the rules in force and under the what-if.
pub struct Figure {
    /// (中文, English).
    pub name: (&'static str, &'static str),
    pub before: u64,
    pub after: u64,
}

impl Figure {
    pub fn name_in(&self, l: &Lang) -> &'static str {
        l.t(self.name.0, self.name.1)
    }

    /// The change, signed ("+12", "-3", "0").
    pub fn delta(&self) -> String {
        let d = self.after as i64 - self.before as i64;
        if d > 0 {
            format!("+{d}")
        } else {
            d.to_string()
        }
    }
}

/// A household or village whose eligibility the what-if turns around.
pub struct ChangeLine {
    pub kind: Changed,
    pub id: String,
    pub village: String,
    pub before: bool,
    pub after: bool,
}

pub struct Outcome {
    pub figures: Vec<Figure>,
    pub villages: Vec<ChangeLine>,
    pub households: Vec<ChangeLine>,
    pub households_changed: u64,
    pub seconds: f64,
    /// The query string of this what-if, for the workbook's link.
    pub query: String,
}

#[derive(Template)]
#[template(path = "what_if.html")]
struct WhatIfPage {
    c: Chrome,
    year: i32,
    region_name: String,
    fields: Vec<Field>,
    problems: Vec<String>,
    outcome: Option<Outcome>,
}

/// Keeps the changes within the account's reach (a county is assessed whole), at most `limit`
/// households of them; the assessment's own lines are not needed.
struct Collect {
    access: Access,
    limit: usize,
    changes: Vec<EligibilityChange>,
    /// Households among `changes`.
    households: usize,
}

impl AssessmentSink for Collect {
    fn household(&mut self, _: &HouseholdAssessment) -> Result<(), StoreError> {
        Ok(())
    }

    fn village(&mut self, _: &VillageAssessment) -> Result<(), StoreError> {
        Ok(())
    }
}

impl WhatIfSink for Collect {
    /// The page shows the counts and the changes only.
    fn wants_results(&self) -> bool {
        false
    }

    fn change(&mut self, c: &EligibilityChange) -> Result<(), StoreError> {
        let household = c.kind == Changed::Household;
        let room = !household || self.households < self.limit;
        if room && self.access.covers_region(c.village) {
            self.households += usize::from(household);
            self.changes.push(c.clone());
        }
        Ok(())
    }
}

fn may_ask(user: &Signed) -> Result<Option<RegionCode>, WebError> {
    if !may_run_assessment(&user.access) {
        return Err(WebError::forbidden(
            "只有县级及以上区划干部和管理员可以做政策假设测算 / only officials of a county or above and administrators run a what-if",
        ));
    }
    Ok(match user.access.scope() {
        Scope::Region(r) => Some(*r),
        _ => None,
    })
}

/// The typed settings as what-if settings within `region`; the problems, each naming its field.
fn settings_of(
    l: Lang,
    query: &BTreeMap<String, String>,
    region: Option<RegionCode>,
    year: i32,
) -> (Vec<Setting>, Vec<String>) {
    let mut settings = Vec::new();
    let mut problems = Vec::new();
    for p in Parameter::ASSESSED {
        let Some(typed) = query
            .get(p.code())
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
        else {
            continue;
        };
        match what_if_setting(p, typed, region, year) {
            Ok(s) => settings.push(s),
            Err(m) => problems.push(format!(
                "{}：{}",
                l.label(p.code(), p.label_zh()),
                l.pick(&m)
            )),
        }
    }
    (settings, problems)
}

fn figures(b: &AssessmentSummary, a: &AssessmentSummary) -> Vec<Figure> {
    let f = |name, before, after| Figure {
        name,
        before,
        after,
    };
    vec![
        f(
            ("年初贫困户（户）", "Poor at the start (households)"),
            b.households,
            a.households,
        ),
        f(
            ("符合退出标准（户）", "Eligible to exit (households)"),
            b.eligible,
            a.eligible,
        ),
        f(
            ("符合退出标准（人）", "Eligible to exit (persons)"),
            b.eligible_persons,
            a.eligible_persons,
        ),
        f(
            ("仍未达到退出标准（户）", "Not eligible (households)"),
            b.households - b.eligible,
            a.households - a.eligible,
        ),
        f(
            ("待出列贫困村（个）", "Poor villages assessed"),
            b.villages,
            a.villages,
        ),
        f(
            ("符合出列标准（个）", "Villages eligible to exit"),
            b.villages_eligible,
            a.villages_eligible,
        ),
        f(
            ("已脱贫户中返贫（户）", "Exited households returning"),
            b.returned,
            a.returned,
        ),
        f(
            ("已脱贫户中纳入监测（户）", "Exited households monitored"),
            b.monitored,
            a.monitored,
        ),
    ]
}

/// Runs the what-if within the account's reach, keeping at most `limit` changed households.
async fn run(
    state: &AppState,
    user: &Signed,
    year: i32,
    settings: Vec<Setting>,
    limit: usize,
) -> Result<(WhatIfSummary, Vec<EligibilityChange>), WebError> {
    let counties = records::counties_within(state.store.as_ref(), &user.access).await?;
    let mut sink = Collect {
        access: user.access.clone(),
        limit,
        changes: Vec::new(),
        households: 0,
    };
    let summary = records::what_if_counties(
        state.store.as_ref(),
        Some(&state.kept_facts),
        year,
        counties,
        settings,
        &mut sink,
    )
    .await?;
    Ok((summary, sink.changes))
}

async fn lines(
    state: &AppState,
    changes: &[EligibilityChange],
) -> Result<Vec<ChangeLine>, WebError> {
    let names =
        records::region_names_of(state.store.as_ref(), changes.iter().map(|c| c.village)).await?;
    Ok(changes
        .iter()
        .map(|c| ChangeLine {
            kind: c.kind,
            id: c.id.clone(),
            village: names.get(&c.village).cloned().unwrap_or_default(),
            before: c.before,
            after: c.after,
        })
        .collect())
}

/// Starts reading the account's counties of `year` in the background (the form is open, no
/// value typed yet): a province takes seconds to read, and an official typing a value gives it
/// them, so the first what-if judges what is kept. Not waited for; a failure is logged only,
/// as the what-if itself reads what is missing.
async fn read_ahead(state: &AppState, user: &Signed, year: i32) -> Result<(), WebError> {
    let counties = records::counties_within(state.store.as_ref(), &user.access).await?;
    let store = state.store.clone();
    let kept = state.kept_facts.clone();
    tokio::spawn(async move {
        match records::read_ahead(store.as_ref(), &kept, year, counties).await {
            Ok(counties) => tracing::debug!(counties, year, "what-if counties read ahead"),
            Err(e) => tracing::warn!("reading ahead for a what-if failed: {e}"),
        }
    });
    Ok(())
}

/// `GET /assessment/what-if?year=&poverty_line=&…`: the form, and with any value typed, the
/// what-if's figures and changes.
pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(query): Query<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let region = may_ask(&user)?;
    let year =
        super::assessment::assessment_year(&state, query.get("year").map(String::as_str)).await?;
    let book = records::rule_book(state.store.as_ref()).await?;
    let rules = book.for_place(region, year);
    // The value in force and its source: the line of the year, every other number as the rule
    // set lists it.
    let listed = rules.set.listed();
    let current = |p: Parameter| -> (String, String) {
        match p {
            Parameter::PovertyLine => rules.poverty_line.as_ref().map_or_else(
                || (l.t("未设置", "not set").to_string(), String::new()),
                |f| (f.value.to_string(), f.source.to_string()),
            ),
            _ => (listed.iter())
                .find(|(q, _, _)| *q == p)
                .map(|(_, value, source)| (value.clone(), source.to_string()))
                .unwrap_or_default(),
        }
    };
    let fields = Parameter::ASSESSED
        .iter()
        .map(|&p| {
            let (value, source) = current(p);
            let below = (book.settings().iter())
                .filter(|s| s.parameter == p && s.year.is_none_or(|y| y == year))
                .filter(|s| {
                    s.region
                        .is_some_and(|r| region.is_none_or(|own| r != own && r.is_within(own)))
                })
                .count();
            Field {
                below,
                code: p.code(),
                label: l.label(p.code(), p.label_zh()),
                typed: query.get(p.code()).cloned().unwrap_or_default(),
                current: value,
                source: l.pick(&source),
            }
        })
        .collect();
    let (settings, problems) = settings_of(l, &query, region, year);
    let outcome = if problems.is_empty() && !settings.is_empty() {
        let started = std::time::Instant::now();
        let (summary, changes) = run(&state, &user, year, settings.clone(), SHOWN).await?;
        let (villages, households): (Vec<_>, Vec<_>) = changes
            .into_iter()
            .partition(|c| c.kind == Changed::Village);
        Some(Outcome {
            figures: figures(&summary.before, &summary.after),
            villages: lines(&state, &villages).await?,
            households: lines(&state, &households).await?,
            households_changed: summary.households_changed,
            seconds: started.elapsed().as_secs_f64(),
            query: query_of(year, &settings),
        })
    } else {
        if settings.is_empty() {
            read_ahead(&state, &user, year).await?;
        }
        None
    };
    let region_name = match region {
        Some(r) => records::region_names_of(state.store.as_ref(), [r])
            .await?
            .remove(&r)
            .unwrap_or_else(|| r.to_string()),
        None => l.t("全部地区", "everywhere").to_string(),
    };
    html(&WhatIfPage {
        c: Chrome::new(l, &user, "exits"),
        year,
        region_name,
        fields,
        problems,
        outcome,
    })
}

fn query_of(year: i32, settings: &[Setting]) -> String {
    let mut q = format!("year={year}");
    for s in settings {
        q.push_str(&format!(
            "&{}={}",
            s.parameter.code(),
            s.parameter.show_value(s.value)
        ));
    }
    q
}

/// `GET /assessment/what-if.xlsx?…`: every household and village within reach whose exit
/// eligibility the what-if turns around.
pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(query): Query<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let region = may_ask(&user)?;
    let year = super::year_of(query.get("year").map(String::as_str))?;
    let (settings, problems) = settings_of(l, &query, region, year);
    if !problems.is_empty() || settings.is_empty() {
        return Err(WebError::bad_request(if problems.is_empty() {
            l.t("没有改变任何参数", "no setting is changed").to_string()
        } else {
            problems.join("；")
        }));
    }
    // The workbook names what it was made under: each setting changed, for which region and year.
    let place = region.map_or_else(|| l.t("全部", "everywhere").to_string(), |r| r.to_string());
    let named: Vec<Vec<String>> = settings
        .iter()
        .map(|s| {
            vec![
                l.t(s.parameter.label_zh(), s.parameter.code()).to_string(),
                s.parameter.code().to_string(),
                s.parameter.show_value(s.value),
                place.clone(),
                year.to_string(),
            ]
        })
        .collect();
    let (_, changes) = run(&state, &user, year, settings, usize::MAX).await?;
    let rows: Vec<Vec<String>> = lines(&state, &changes)
        .await?
        .into_iter()
        .map(|c| {
            let yes_no = |b: bool| {
                l.t(
                    if b { "符合" } else { "不符合" },
                    if b { "yes" } else { "no" },
                )
            };
            vec![
                l.t(
                    if c.kind == Changed::Village {
                        "村"
                    } else {
                        "户"
                    },
                    c.kind.code(),
                )
                .to_string(),
                c.id,
                c.village,
                yes_no(c.before).to_string(),
                yes_no(c.after).to_string(),
            ]
        })
        .collect();
    let header = [
        l.t("类别", "Kind"),
        l.t("户编号或村代码", "Household or village"),
        l.t("村", "Village"),
        l.t(
            "现行规则下符合退出标准",
            "Eligible under the rules in force",
        ),
        l.t("假设下符合退出标准", "Eligible under the what-if"),
    ];
    let sheet = l.t("假设测算", "What-if").to_string();
    let settings_sheet = l.t("假设设置", "Settings").to_string();
    let settings_header = [
        l.t("参数", "Parameter"),
        l.t("代码", "Code"),
        l.t("假设值", "What-if value"),
        l.t("区划", "Region"),
        l.t("年度", "Year"),
    ];
    super::xlsx_download(format!("what-if-{year}.xlsx"), move || {
        super::text_sheets(&[
            (&sheet, &header, &rows),
            (&settings_sheet, &settings_header, &named),
        ])
    })
    .await
}
