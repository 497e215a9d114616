//! 骨干 overviews: units' village pairings (form, joint party organisation, three bindings) with
//! the form that pairs or ends them under rules.md §7, visits per cadre per month, and one
//! secretary's history (terms in the village, development, yearly check-ups).

use super::entries::{shown, Shown};
use super::paging::{asked_page, query_of, Pager};
use super::{html, is_htmx, today, year_of, Chrome};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::forms::{self, form_value, url_encode, Field};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use xplus_core::interchange::schema::{
    RECALLS, SECRETARIES, SECRETARY_CHECKS, SECRETARY_DEVELOPMENT, UNIT_VILLAGE_PAIRINGS,
};
use xplus_core::interchange::FileSpec;
use xplus_core::values::format_date;
use xplus_store::records::{self, CadreVisits, FieldProblem, Page, UnitPairingView};
use xplus_store::Refusal;
use xplus_store::StoreError;

/// A page of the pairings (the part htmx swaps).
#[derive(Template)]
#[template(path = "units_list.html")]
struct UnitsList {
    l: Lang,
    pager: Pager,
    pairings: Vec<UnitPairingView>,
}

impl UnitsList {
    fn form(&self, p: &UnitPairingView) -> String {
        p.form.map(|f| f.code().to_string()).unwrap_or_default()
    }

    fn form_label(&self, p: &UnitPairingView) -> String {
        p.form
            .map(|f| self.l.t(f.label_zh(), f.code()).to_string())
            .unwrap_or_default()
    }

    fn date(&self, d: &Option<chrono::NaiveDate>) -> String {
        d.map(format_date).unwrap_or_default()
    }

    fn yuan(&self, p: &UnitPairingView) -> String {
        p.bound.to_string()
    }
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    c: Chrome,
    list: UnitsList,
    fields: Vec<Field>,
    may_assign: bool,
    message: Option<String>,
    saved: bool,
}

/// The page of pairings `asked` for.
async fn units_list(
    state: &AppState,
    user: &crate::auth::Signed,
    l: Lang,
    asked: u64,
) -> Result<UnitsList, WebError> {
    let store = state.store.as_ref();
    let total = records::count_unit_pairings(store, &user.access).await?;
    let pager = Pager::new(total, asked, "/units", "", "list");
    let pairings =
        records::unit_pairings_page(store, &user.access, today(), pager.window()).await?;
    Ok(UnitsList { l, pager, pairings })
}

#[allow(clippy::too_many_arguments)]
async fn units_page(
    state: &AppState,
    user: &crate::auth::Signed,
    l: Lang,
    typed: Vec<String>,
    problems: &[FieldProblem],
    message: Option<String>,
    saved: bool,
    status: StatusCode,
    asked: u64,
) -> Result<Response, WebError> {
    let list = units_list(state, user, l, asked).await?;
    let fields = forms::fields(l, &UNIT_VILLAGE_PAIRINGS, &typed, &[], problems);
    let mut r = html(&UnitsPage {
        c: Chrome::new(l, user, "units"),
        list,
        fields,
        may_assign: user.access.may_write() && user.access.may_assign_helpers(),
        message,
        saved,
    })?;
    *r.status_mut() = status;
    Ok(r)
}

pub async fn units(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let asked = asked_page(form_value(&q, "page"))?;
    if is_htmx(&headers) {
        return html(&units_list(&state, &user, l, asked).await?);
    }
    let typed = forms::submitted(&UNIT_VILLAGE_PAIRINGS, &q);
    let saved = form_value(&q, "saved").is_some();
    units_page(
        &state,
        &user,
        l,
        typed,
        &[],
        None,
        saved,
        StatusCode::OK,
        asked,
    )
    .await
}

/// Pairs a unit with a village, or ends a pairing (the same unit, village and start with an
/// end date); rules.md §7 refusals come back beside the form.
pub async fn save_unit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&pairs, "_csrf"))?;
    let typed = forms::submitted(&UNIT_VILLAGE_PAIRINGS, &pairs);
    let refused = |problems: Vec<FieldProblem>, status| {
        let message = problems
            .iter()
            .filter(|p| UNIT_VILLAGE_PAIRINGS.column_index(&p.field).is_none())
            .map(|p| l.pick(&p.message))
            .chain(std::iter::once(
                l.t(
                    "未保存：请按提示修改",
                    "not saved: see the notes beside the fields",
                )
                .to_string(),
            ))
            .collect::<Vec<_>>()
            .join("；");
        (problems, message, status)
    };
    let (problems, message, status) = match forms::parse(&UNIT_VILLAGE_PAIRINGS, &typed, today()) {
        Err(problems) => refused(problems, StatusCode::UNPROCESSABLE_ENTITY),
        Ok(values) => {
            match records::save_unit_pairing(state.store.as_ref(), &user.access, values).await {
                Ok(()) => return Ok(Redirect::to("/units?saved=1").into_response()),
                Err(StoreError::Refused(Refusal::Rejected(p))) => {
                    refused(p, StatusCode::UNPROCESSABLE_ENTITY)
                }
                Err(StoreError::Refused(Refusal::Forbidden(m)))
                | Err(StoreError::Refused(Refusal::Invalid(m))) => {
                    (Vec::new(), l.pick(&m), StatusCode::UNPROCESSABLE_ENTITY)
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    units_page(
        &state,
        &user,
        l,
        typed,
        &problems,
        Some(message),
        false,
        status,
        1,
    )
    .await
}

/// A page of the cadres' visits per month (the part htmx swaps).
#[derive(Template)]
#[template(path = "visits_list.html")]
struct VisitsList {
    l: Lang,
    pager: Pager,
    cadres: Vec<CadreVisits>,
    /// Per month, all cadres (not only this page's).
    months: [u32; 12],
    total: u64,
}

#[derive(Template)]
#[template(path = "visits.html")]
struct VisitsPage {
    c: Chrome,
    year: i32,
    list: VisitsList,
}

/// `/visits`: the year (default: the latest with visits within reach) and the page.
#[derive(serde::Deserialize, Default)]
pub struct VisitsParams {
    year: Option<String>,
    page: Option<String>,
}

/// Visits of a year per cadre and month (a helper sees their own), a page of cadres at a time
/// with the year's totals.
pub async fn visits(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    headers: HeaderMap,
    Query(p): Query<VisitsParams>,
) -> Result<Response, WebError> {
    let store = state.store.as_ref();
    let asked = asked_page(p.page.as_deref())?;
    let year = match p.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) => year_of(Some(y))?,
        None => match records::latest_visit_year(store, &user.access).await? {
            Some(y) => y,
            None => year_of(None)?,
        },
    };
    let totals = records::visit_totals(store, &user.access, year).await?;
    let pager = Pager::new(
        totals.cadres,
        asked,
        "/visits",
        &query_of(&[("year", &year.to_string())]),
        "list",
    );
    let cadres = records::visits_page(store, &user.access, year, pager.window()).await?;
    let list = VisitsList {
        l,
        pager,
        cadres,
        months: totals.months,
        total: totals.total,
    };
    if is_htmx(&headers) {
        return html(&list);
    }
    html(&VisitsPage {
        c: Chrome::new(l, &user, "visits"),
        year,
        list,
    })
}

/// One table of a history page.
pub struct Section {
    pub title: String,
    pub ledger: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Shown>>,
}

impl Section {
    /// A table of `spec`'s rows as the bundle writes them (identity numbers as `access` may see
    /// them), headed by the file's column labels.
    pub fn of_rows(
        l: Lang,
        access: &xplus_core::accounts::Access,
        spec: &'static FileSpec,
        title: &str,
        ledger: String,
        rows: &[Vec<xplus_core::interchange::Value>],
    ) -> Section {
        Section {
            title: title.to_string(),
            ledger,
            headers: spec
                .columns
                .iter()
                .map(|c| forms::column_label(l, c.zh, c.en))
                .collect(),
            rows: rows
                .iter()
                .map(|r| {
                    spec.columns
                        .iter()
                        .zip(r)
                        .map(|(c, v)| Shown {
                            text: shown(l, c, v, access),
                            link: None,
                        })
                        .collect()
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    c: Chrome,
    title: String,
    sections: Vec<Section>,
}

async fn section(
    state: &AppState,
    user: &crate::auth::Signed,
    l: Lang,
    spec: &'static FileSpec,
    title: &str,
    column: &str,
    value: &str,
) -> Result<Section, WebError> {
    let equal = vec![(column.to_string(), value.to_string())];
    let list = records::list_entries(
        state.store.as_ref(),
        &user.access,
        spec,
        &equal,
        Page {
            limit: 500,
            offset: 0,
        },
        today(),
    )
    .await?;
    Ok(Section::of_rows(
        l,
        &user.access,
        spec,
        title,
        format!("/records/{}?{column}={}", spec.name, url_encode(value)),
        &list.rows,
    ))
}

/// A secretary's history: every term in their village (who came before and after), training,
/// degree study and exchange postings, and the yearly "三有三带" check-ups.
pub async fn secretary(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let list = records::list_entries(
        state.store.as_ref(),
        &user.access,
        &SECRETARIES,
        &[("secretary_id".into(), id.clone())],
        Page {
            limit: 1,
            offset: 0,
        },
        today(),
    )
    .await?;
    let Some(row) = list.rows.first() else {
        return Err(WebError::not_found());
    };
    let row = xplus_core::interchange::Named::new(&SECRETARIES, row);
    let village = row
        .region("village_code")
        .map(|v| v.to_string())
        .unwrap_or_default();
    let name = row.string("name");
    let sections = vec![
        section(
            &state,
            &user,
            l,
            &SECRETARIES,
            l.t("本村历任书记", "Secretaries of the village, term by term"),
            "village_code",
            &village,
        )
        .await?,
        section(
            &state,
            &user,
            l,
            &SECRETARY_DEVELOPMENT,
            l.t(
                "培养（培训、学历提升、挂职交流）",
                "Development (training, degree, exchange)",
            ),
            "secretary_id",
            &id,
        )
        .await?,
        section(
            &state,
            &user,
            l,
            &SECRETARY_CHECKS,
            l.t("年度“三有三带”体检", "Yearly \"三有三带\" check-ups"),
            "secretary_id",
            &id,
        )
        .await?,
    ];
    html(&HistoryPage {
        c: Chrome::new(l, &user, "secretaries"),
        title: format!("{name}（{id}）"),
        sections,
    })
}

/// A cadre's recalls (召回) with their replacements: the history of selected cadres.
pub async fn recalls_of(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let sections = vec![
        section(
            &state,
            &user,
            l,
            &RECALLS,
            l.t("召回记录", "Recalls"),
            "cadre_id",
            &id,
        )
        .await?,
        section(
            &state,
            &user,
            l,
            &RECALLS,
            l.t("接替他人", "Replacing others"),
            "replacement_id",
            &id,
        )
        .await?,
    ];
    html(&HistoryPage {
        c: Chrome::new(l, &user, "records"),
        title: format!("{} {id}", l.t("干部", "Cadre")),
        sections,
    })
}
