//! The 监测对象 list as a workbook (`/monitoring/cases.xlsx`): every page of the same filters, in
//! the list's order, identity numbers as the account is shown them, every cell written as text.

use super::cases::{case_rows, ListParams};
use super::today;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use xplus_store::records::{self, CaseFilter};

/// Rows read at a time.
const CHUNK: u64 = 500;

/// `GET /monitoring/cases.xlsx`: the whole list of the same filters, every page.
pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<ListParams>,
) -> Result<Response, WebError> {
    let access = super::narrowed(&user.access, p.region.as_deref())?;
    let (category, st) = p.choices()?;
    let mut filter = CaseFilter {
        category,
        state: st,
        page: 1,
        per_page: CHUNK,
    };
    let mut cases = Vec::new();
    loop {
        let found = records::case_list(state.store.as_ref(), &access, &filter, today()).await?;
        let got = found.cases.len() as u64;
        cases.extend(found.cases);
        if got < CHUNK {
            break;
        }
        filter.page += 1;
    }
    let shown = case_rows(&state, &user, l, &cases).await?;
    let header = [
        l.t("监测编号", "Case"),
        l.t("户编号", "Household"),
        l.t("户主", "Head"),
        l.t("身份证号", "ID number"),
        l.t("家庭人口", "Members"),
        l.t("村", "Village"),
        l.t("类别", "Category"),
        l.t("来源", "Source"),
        l.t("纳入原因", "Why"),
        l.t("申报家庭纯收入（元）", "Net income declared (yuan)"),
        l.t("刚性支出（元）", "Rigid spending (yuan)"),
        l.t("情况说明", "What happened"),
        l.t("纳入监测日期", "Opened on"),
        l.t("风险消除日期", "Risk removed on"),
        l.t("消除原因", "Reason"),
    ];
    let rows: Vec<Vec<String>> = (shown.into_iter())
        .map(|r| {
            vec![
                r.case_no,
                r.household_id,
                r.head_name,
                r.id_number,
                r.members.to_string(),
                r.village,
                r.category,
                r.source,
                r.reasons,
                r.net_income,
                r.rigid_expense,
                r.situation,
                r.opened_on,
                r.closed,
                r.close_reason,
            ]
        })
        .collect();
    let sheet = l.t("监测对象", "cases");
    super::xlsx_download("monitoring-cases.xlsx".into(), move || {
        super::text_workbook(sheet, &header, &rows)
    })
    .await
}
