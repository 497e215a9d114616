//! The 核查任务 list as a workbook (`/tasks.xlsx`): every page of the same filters, in the
//! list's order, numbers as the account is shown them, every cell written as text.

use super::tasks::{row_of, ListParams, Row};
use super::today;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use xplus_store::records;

/// `GET /tasks.xlsx`: the whole list of the same filters, every page, as a workbook.
pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<ListParams>,
) -> Result<Response, WebError> {
    let access = super::narrowed(&user.access, p.region.as_deref())?;
    let mut filter = p.filter(5_000)?;
    filter.page = 0;
    let mut rows = Vec::new();
    loop {
        let list = records::finding_list(state.store.as_ref(), &access, &filter, today()).await?;
        let got = list.entries.len();
        rows.extend(
            list.entries
                .iter()
                .map(|e| row_of(l, &user.access, e, &list)),
        );
        if got < filter.per_page as usize {
            break;
        }
        filter.page += 1;
    }
    super::xlsx_download("tasks.xlsx".into(), move || workbook(l, &rows)).await
}

fn workbook(l: Lang, rows: &[Row]) -> Result<Vec<u8>, WebError> {
    let header = [
        l.t("户编号", "Household"),
        l.t("村", "Village"),
        l.t("身份证号", "ID number"),
        l.t("比对结果", "Finding"),
        l.t("类别", "Kind"),
        l.t("详情", "Detail"),
        l.t("来源", "Source"),
        l.t("事实日期", "Fact date"),
        l.t("责任人", "Assigned to"),
        l.t("核查期限", "Due"),
        l.t("是否逾期", "Overdue"),
        l.t("核查结果", "Outcome"),
        l.t("结果日期", "Outcome date"),
        l.t("结果说明", "Reason"),
        l.t("填写人", "Recorded by"),
    ];
    let rows: Vec<Vec<String>> = (rows.iter())
        .map(|r| {
            let overdue = if r.overdue {
                l.t("逾期", "overdue")
            } else {
                ""
            };
            vec![
                r.household_id.clone(),
                r.village.clone(),
                r.id_number.clone(),
                r.finding.clone(),
                r.handling.clone(),
                r.detail.clone(),
                r.source.clone(),
                r.fact_on.clone(),
                r.assignee.clone(),
                r.due_on.clone(),
                overdue.to_string(),
                r.outcome.clone(),
                r.outcome_on.clone(),
                r.outcome_reason.clone(),
                r.outcome_by.clone(),
            ]
        })
        .collect();
    super::text_workbook(l.t("核查任务", "tasks"), &header, &rows)
}
