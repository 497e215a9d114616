//! 监测对象 in the API (rules.md §5, the 2021 mechanism), as the pages do it (`pages/cases.rs`):
//! the cases within reach, a page at a time; a declaration or a round that opens one, for a
//! registered household or one outside the registry; one case with its measures; a measure
//! (帮扶措施); the removal of the risk (风险消除). The rules are core's and the store's, as for
//! the pages. Sums travel as yuan text, days as YYYY-MM-DD.

use super::doc::{
    BadRequest, Conflicted, Forbidden, NotFound, PayloadTooLarge, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use super::findings::{choice, paging};
use super::{check_csrf, ApiError, ApiResult};
use crate::auth::{ApiUser, Signed};
use crate::error::WebError;
use crate::pages::today;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, OpenApi, ToSchema};
use xplus_core::accounts::Access;
use xplus_core::assessment::cases::{CaseSource, Category, MeasureKind};
use xplus_core::money::Fen;
use xplus_core::registry::RegionCode;
use xplus_core::values::parse_date;
use xplus_store::records::{
    self, CaseFilter, CaseState, CaseTold, CloseTold, FieldProblem, MeasureTold, Outside,
    StoredCase, StoredMeasure,
};

/// The schemas are those the paths name (utoipa collects them, and what they hold, itself).
#[derive(OpenApi)]
#[openapi(paths(list, open, one, measure, close))]
pub struct CasesDoc;

/// The largest sum the API takes, in fen (1,000,000,000.00 yuan, as core's entry rule): what
/// is beyond it is no household's income or expense.
const MAX_FEN: u64 = 100_000_000_000;

/// Query of the case list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CasesQuery {
    /// unstable (脱贫不稳定户), edge (边缘易致贫户) or sudden (突发严重困难户).
    #[param(pattern = "^(unstable|edge|sudden)$")]
    category: Option<String>,
    /// open (default: the risk not yet removed), closed (风险已消除) or all.
    #[param(pattern = "^(open|closed|all)$")]
    state: Option<String>,
    /// From 1.
    #[param(minimum = 1, maximum = 4294967296_u64)]
    page: Option<u64>,
    /// At most 200; 50 by default.
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct CaseList {
    /// Every case the filters match, over all pages.
    total: u64,
    page: u64,
    per_page: u64,
    /// The open cases within reach by category (unstable, edge, sudden), whatever the filters.
    open_by_category: BTreeMap<String, u64>,
    /// Open first, the newest first.
    items: Vec<CaseItem>,
}

/// One monitoring case (监测对象).
#[derive(Serialize, ToSchema)]
pub struct CaseItem {
    /// 监测编号: JC, the county's first six digits, the year opened, a number in the year.
    case_no: String,
    village_code: String,
    /// Null for a household outside the registry.
    household_id: Option<String>,
    head_name: String,
    /// The head's identity number, masked for the roles that see numbers masked.
    id_number: String,
    members: i64,
    /// unstable, edge or sudden.
    category: String,
    /// The category in Chinese (脱贫不稳定户, …).
    category_label: String,
    /// declaration (农户自主申报), round (干部排查) or warning (部门预警).
    source: String,
    source_label: String,
    /// Why it met the entry criteria: low_income, sudden_expense, warning.
    reasons: Vec<String>,
    /// Net income over the twelve months before opening, yuan with two decimals; null unknown.
    net_income: Option<String>,
    /// Rigid spending over those months, yuan with two decimals.
    rigid_expense: String,
    situation: String,
    /// The household's department finding (`/api/v1/tasks/{household_id}/{seq}`) that opened it.
    finding_seq: Option<i64>,
    /// YYYY-MM-DD.
    opened_on: String,
    opened_by: String,
    recorded_on: String,
    /// The day the risk was removed; null while open.
    closed_on: Option<String>,
    close_reason: Option<String>,
    /// The net income the closing was judged on, yuan with two decimals.
    close_income: Option<String>,
    closed_by: Option<String>,
}

/// One measure taken for a case (帮扶措施).
#[derive(Serialize, ToSchema)]
pub struct MeasureItem {
    case_no: String,
    /// The case's n-th measure, from 1.
    seq: i64,
    /// industry, employment, health, education, assistance, relief or other.
    kind: String,
    kind_label: String,
    detail: String,
    /// Who carries it out.
    responsible: String,
    /// YYYY-MM-DD.
    on: String,
    recorded_by: String,
    recorded_on: String,
}

/// A case with its measures, in the order recorded.
#[derive(Serialize, ToSchema)]
pub struct CaseDetail {
    case: CaseItem,
    measures: Vec<MeasureItem>,
}

/// A case as the API answers it, numbers in it as `access` is shown them.
fn case_item(access: &Access, c: StoredCase) -> CaseItem {
    let text = |s: String| Some(s).filter(|s| !s.is_empty());
    let money = |f: Option<Fen>| f.map(|f| f.to_string());
    CaseItem {
        village_code: c.village.to_string(),
        id_number: access.id_number(c.id_number),
        category: c.category.code().to_string(),
        category_label: c.category.label_zh().to_string(),
        source: c.source.code().to_string(),
        source_label: c.source.label_zh().to_string(),
        reasons: c.reasons.iter().map(|r| r.code().to_string()).collect(),
        net_income: money(c.net_income),
        rigid_expense: c.rigid_expense.to_string(),
        situation: access.id_numbers_in(&c.situation),
        opened_on: c.opened_on.to_string(),
        recorded_on: c.recorded_on.to_string(),
        closed_on: c.closed_on.map(|d| d.to_string()),
        close_reason: text(access.id_numbers_in(&c.close_reason)),
        close_income: money(c.close_income),
        closed_by: text(c.closed_by),
        case_no: c.case_no,
        household_id: c.household_id,
        head_name: c.head_name,
        members: c.members,
        finding_seq: c.finding_seq,
        opened_by: c.opened_by,
    }
}

fn measure_item(access: &Access, m: StoredMeasure) -> MeasureItem {
    MeasureItem {
        kind: m.kind.code().to_string(),
        kind_label: m.kind.label_zh().to_string(),
        detail: access.id_numbers_in(&m.detail),
        on: m.on.to_string(),
        recorded_on: m.recorded_on.to_string(),
        case_no: m.case_no,
        seq: m.seq,
        responsible: m.responsible,
        recorded_by: m.recorded_by,
    }
}

impl CasesQuery {
    fn filter(&self) -> Result<CaseFilter, ApiError> {
        let (page, per_page) = paging(self.page, self.per_page)?;
        Ok(CaseFilter {
            category: choice("category", &self.category, Category::parse)?,
            state: choice("state", &self.state, CaseState::parse)?.unwrap_or_default(),
            page,
            per_page,
        })
    }
}

/// The monitoring cases within the caller's reach, open first and the newest first.
#[utoipa::path(get, path = "/api/v1/cases", operation_id = "list_cases", params(CasesQuery),
    responses((status = 200, body = CaseList), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized)))]
pub(super) async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<CasesQuery>, ApiError>,
) -> ApiResult {
    let filter = q.filter()?;
    let store = state.store.as_ref();
    let found = records::case_list(store, &user.access, &filter, today()).await?;
    let counts = records::case_counts(store, &user.access, today()).await?;
    Ok(Json(CaseList {
        total: found.total,
        page: filter.page,
        per_page: filter.per_page,
        open_by_category: (counts.into_iter())
            .map(|(c, n)| (c.code().to_string(), n))
            .collect(),
        items: (found.cases.into_iter())
            .map(|c| case_item(&user.access, c))
            .collect(),
    })
    .into_response())
}

/// A declaration or a round: a registered household by `household_id`, or one outside the
/// registry by `outside` (exactly one of the two).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCase {
    /// A registered household within reach (exited or monitored).
    household_id: Option<String>,
    outside: Option<OutsideHousehold>,
    /// declaration (农户自主申报) or round (干部排查); warnings open their cases when a
    /// department check is recorded.
    #[schema(pattern = "^(declaration|round)$")]
    source: String,
    /// The day the risk became known (YYYY-MM-DD), not after today.
    #[schema(format = Date)]
    on: String,
    /// Net income over the last twelve months, in yuan ("4427.99"); empty or null when unknown.
    net_income: Option<String>,
    /// Rigid spending over the last twelve months (illness, disaster, schooling), in yuan; 0
    /// when left out.
    rigid_expense: Option<String>,
    /// What happened; at most 500 characters.
    situation: String,
}

/// A household outside the registry (边缘易致贫户, 突发严重困难户).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutsideHousehold {
    /// The village (12 digits), within reach.
    #[schema(pattern = "^[0-9]{12}$")]
    village_code: String,
    head_name: String,
    /// The head's identity number (18 digits, or a legacy 15), not a registered member's.
    id_number: String,
    /// 1 to 99.
    members: i64,
}

/// A measure taken for an open case.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMeasure {
    /// industry, employment, health, education, assistance, relief or other.
    #[schema(pattern = "^(industry|employment|health|education|assistance|relief|other)$")]
    kind: String,
    /// What is done; at most 500 characters.
    detail: String,
    /// Who carries it out (a name).
    responsible: String,
    /// YYYY-MM-DD, not before the case opened nor after today.
    #[schema(format = Date)]
    on: String,
}

/// The removal of a case's risk (风险消除): help was given and the income is at least the line.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseClosing {
    /// YYYY-MM-DD, on or after a measure, not after today.
    #[schema(format = Date)]
    on: String,
    /// The household's net income over the twelve months before `on`, in yuan.
    net_income: String,
    /// 1 to 99.
    members: i64,
    /// Why the risk is removed; at most 500 characters.
    reason: String,
}

/// The problems of a body's fields, gathered so that one answer names them all.
#[derive(Default)]
struct Problems(Vec<FieldProblem>);

impl Problems {
    fn add(&mut self, field: &str, message: String) {
        self.0.push(FieldProblem {
            field: field.into(),
            message,
        });
    }

    /// A value, or None with the problem noted.
    fn take<T>(&mut self, field: &str, r: Result<T, String>) -> Option<T> {
        r.map_err(|m| self.add(field, m)).ok()
    }

    fn date(&mut self, field: &str, text: &str) -> Option<chrono::NaiveDate> {
        let r = parse_date(text.trim())
            .map_err(|_| format!("日期“{text}”无效，格式 YYYY-MM-DD / the day, as YYYY-MM-DD"));
        self.take(field, r)
    }

    /// A sum in yuan: empty is None.
    fn yuan(&mut self, field: &str, text: Option<&str>) -> Option<Option<Fen>> {
        let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
            return Some(None);
        };
        let r = match Fen::parse(text) {
            Ok(f) if f.0.unsigned_abs() <= MAX_FEN => Ok(Some(f)),
            Ok(_) => Err(format!("金额“{text}”过大 / {field}: the sum is too large")),
            Err(e) => Err(format!("“{text}”不是金额：{e} / {field}: not money")),
        };
        self.take(field, r)
    }

    /// What was read, or 422 naming every field that is not what it must be.
    fn done<T>(self, value: Option<T>) -> Result<T, ApiError> {
        match value {
            Some(v) if self.0.is_empty() => Ok(v),
            _ => Err(ApiError(WebError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                message: crate::error::FIELDS_REFUSED.into(),
                fields: self.0,
            })),
        }
    }
}

fn outside_of(p: &mut Problems, o: OutsideHousehold) -> Option<Outside> {
    let code = o.village_code.trim();
    let village = RegionCode::parse(code)
        .map_err(|_| format!("村代码“{code}”无效（12位） / not a village code"));
    Some(Outside {
        village: p.take("outside.village_code", village)?,
        head_name: o.head_name,
        id_number: o.id_number,
        members: o.members,
    })
}

/// The body as the store takes it, or 422 naming the fields.
fn told_case(body: NewCase) -> Result<CaseTold, ApiError> {
    let mut p = Problems::default();
    let household_id = (body.household_id.as_deref().map(str::trim))
        .filter(|h| !h.is_empty())
        .map(str::to_string);
    let outside = match (&household_id, body.outside) {
        (Some(_), Some(_)) => {
            let m = "household_id 与 outside 只能填其一 / name household_id or outside, not both";
            p.add("outside", m.into());
            None
        }
        (None, None) => {
            let m = "请填写 household_id 或 outside / name the household";
            p.add("household_id", m.into());
            None
        }
        (_, o) => o.and_then(|o| outside_of(&mut p, o)),
    };
    let source = CaseSource::parse(body.source.trim()).ok_or_else(|| {
        "来源须为 declaration 或 round / the source is declaration or round".to_string()
    });
    let source = p.take("source", source);
    let on = p.date("on", &body.on);
    let net_income = p.yuan("net_income", body.net_income.as_deref());
    let rigid_expense = p.yuan("rigid_expense", body.rigid_expense.as_deref());
    let told = (|| {
        Some(CaseTold {
            household_id,
            outside,
            source: source?,
            on: on?,
            net_income: net_income?,
            rigid_expense: rigid_expense?.unwrap_or(Fen(0)),
            situation: body.situation,
        })
    })();
    p.done(told)
}

fn told_measure(body: NewMeasure) -> Result<MeasureTold, ApiError> {
    let mut p = Problems::default();
    let kind = MeasureKind::parse(body.kind.trim()).ok_or_else(|| {
        "措施类别须为 industry、employment、health、education、assistance、relief 或 other / the kind is industry, employment, health, education, assistance, relief or other".to_string()
    });
    let kind = p.take("kind", kind);
    let on = p.date("on", &body.on);
    let told = (|| {
        Some(MeasureTold {
            kind: kind?,
            detail: body.detail,
            responsible: body.responsible,
            on: on?,
        })
    })();
    p.done(told)
}

fn told_close(body: CaseClosing) -> Result<CloseTold, ApiError> {
    let mut p = Problems::default();
    let on = p.date("on", &body.on);
    let net_income = match p.yuan("net_income", Some(&body.net_income)) {
        Some(None) => {
            let m = "请填写近12个月家庭纯收入 / the household's net income";
            p.add("net_income", m.into());
            None
        }
        n => n.flatten(),
    };
    let told = (|| {
        Some(CloseTold {
            on: on?,
            net_income: net_income?,
            members: body.members,
            reason: body.reason,
        })
    })();
    p.done(told)
}

/// A write's first checks: CSRF for a session, and an auditor writes nothing.
fn writer(user: &Signed, headers: &HeaderMap) -> Result<(), ApiError> {
    check_csrf(user, headers)?;
    if user.access.may_write() {
        Ok(())
    } else {
        Err(ApiError(WebError::forbidden(
            "审计员账号只读 / an auditor's account reads only",
        )))
    }
}

/// A case number as the path gives it: one with a NUL character names no case.
fn case_no(text: &str) -> Result<&str, ApiError> {
    if text.contains('\0') {
        Err(ApiError(WebError::not_found()))
    } else {
        Ok(text)
    }
}

/// Opens a case on a household's declaration or a cadre's round, when core's entry criteria
/// are met (the income below the monitoring line, or a sudden expense that takes it below);
/// 409 when the household or person already has an open case.
#[utoipa::path(post, path = "/api/v1/cases", operation_id = "open_case", request_body = NewCase,
    responses((status = 201, body = CaseItem, description = "opened; the case",
               headers(("Location" = String, description = "the case's address"))),
              (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden), (status = 404, response = NotFound),
              (status = 409, response = Conflicted), (status = 413, response = PayloadTooLarge),
              (status = 415, response = UnsupportedMediaType),
              (status = 422, response = Unprocessable)))]
pub(super) async fn open(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    WithRejection(Json(body), _): WithRejection<Json<NewCase>, ApiError>,
) -> ApiResult {
    writer(&user, &headers)?;
    let told = told_case(body)?;
    let case = records::open_case(state.store.as_ref(), &user.access, &told, today()).await?;
    state.counts.changed();
    let location = format!("/api/v1/cases/{}", case.case_no);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(case_item(&user.access, case)),
    )
        .into_response())
}

/// A case within reach with its measures; 404 out of reach (as for a number that does not
/// exist).
#[utoipa::path(get, path = "/api/v1/cases/{case_no}", operation_id = "case_detail",
    params(("case_no" = String, Path, description = "监测编号, e.g. JC341181201700001")),
    responses((status = 200, body = CaseDetail), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 404, response = NotFound)))]
pub(super) async fn one(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Path(number), _): WithRejection<Path<String>, ApiError>,
) -> ApiResult {
    let number = case_no(&number)?;
    let (case, measures) =
        records::case_detail(state.store.as_ref(), &user.access, number, today())
            .await?
            .ok_or_else(WebError::not_found)?;
    Ok(Json(CaseDetail {
        case: case_item(&user.access, case),
        measures: (measures.into_iter())
            .map(|m| measure_item(&user.access, m))
            .collect(),
    })
    .into_response())
}

/// Records a measure for an open case within reach.
#[utoipa::path(post, path = "/api/v1/cases/{case_no}/measures", operation_id = "add_measure",
    request_body = NewMeasure,
    params(("case_no" = String, Path, description = "监测编号")),
    responses((status = 201, body = MeasureItem, description = "recorded; the measure"),
              (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden), (status = 404, response = NotFound),
              (status = 413, response = PayloadTooLarge),
              (status = 415, response = UnsupportedMediaType),
              (status = 422, response = Unprocessable)))]
pub(super) async fn measure(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    WithRejection(Path(number), _): WithRejection<Path<String>, ApiError>,
    WithRejection(Json(body), _): WithRejection<Json<NewMeasure>, ApiError>,
) -> ApiResult {
    writer(&user, &headers)?;
    let number = case_no(&number)?;
    let told = told_measure(body)?;
    let store = state.store.as_ref();
    let added = records::add_measure(store, &user.access, number, &told, today()).await?;
    state.counts.changed();
    Ok((StatusCode::CREATED, Json(measure_item(&user.access, added))).into_response())
}

/// Removes the risk of an open case within reach (风险消除): refused (422) before a measure, with
/// the income below the monitoring line, or without a reason. A department warning that opened
/// the case is closed with it.
#[utoipa::path(post, path = "/api/v1/cases/{case_no}/close", operation_id = "close_case",
    request_body = CaseClosing,
    params(("case_no" = String, Path, description = "监测编号")),
    responses((status = 200, body = CaseItem, description = "closed; the case as it now stands"),
              (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden), (status = 404, response = NotFound),
              (status = 409, response = Conflicted), (status = 413, response = PayloadTooLarge),
              (status = 415, response = UnsupportedMediaType),
              (status = 422, response = Unprocessable)))]
pub(super) async fn close(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    WithRejection(Path(number), _): WithRejection<Path<String>, ApiError>,
    WithRejection(Json(body), _): WithRejection<Json<CaseClosing>, ApiError>,
) -> ApiResult {
    writer(&user, &headers)?;
    let number = case_no(&number)?;
    let told = told_close(body)?;
    let store = state.store.as_ref();
    let closed = records::close_case(store, &user.access, number, &told, today()).await?;
    state.counts.changed();
    Ok(Json(case_item(&user.access, closed)).into_response())
}
