//! The 公示 of a village's exit list (rules.md §3), printed on A4 to be posted in the village:
//! the village and town, the households agreed by the democratic review (head's name, members,
//! income per head — never an ID number), the notice's dates and whom to raise an objection
//! with (the village committee, the town government and the village's secretary).

use super::exits::{lines_of, Line};
use super::{html, region_of, today, year_of};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use xplus_store::records::{self, BatchState, ExitView};

#[derive(Template)]
#[template(path = "exit_notice.html")]
struct NoticePage {
    l: Lang,
    v: ExitView,
    lines: Vec<Line>,
    persons: i64,
    start: Option<String>,
    last: Option<String>,
    printed_on: String,
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path((village, year)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let village = region_of(&village)?;
    let year = year_of(Some(&year))?;
    let v = records::exit_view(state.store.as_ref(), &user.access, village, year, today()).await?;
    let Some(batch) = &v.batch else {
        return Err(WebError::bad_request(
            "本村本年度还没有退出名单，提名并民主评议后才能打印公示 / no exit list yet: propose and review first",
        ));
    };
    // The batch's lines as the batch page shows them, of the households the review agreed on.
    let lines: Vec<Line> = lines_of(l, &v)
        .0
        .into_iter()
        .filter(|n| matches!(n.state, Some(BatchState::Agreed | BatchState::Exited)))
        .collect();
    if lines.is_empty() {
        return Err(WebError::bad_request(
            "民主评议尚未通过任何一户，没有可公示的名单 / the review has agreed on no household yet",
        ));
    }
    html(&NoticePage {
        l,
        persons: lines.iter().map(|n| n.members).sum(),
        start: batch.notice_start.map(zh_date),
        last: batch.notice_last_day.map(zh_date),
        lines,
        v,
        printed_on: zh_date(today()),
    })
}

/// 2016年10月8日: how a notice posted in a village writes a day.
fn zh_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}
