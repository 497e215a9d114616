//! 我的帮扶户: a helper's home — their paired households as cards a phone shows whole, each
//! with the head, the village, the standing, the last visit (and whether one is overdue), the
//! links of the full chain it misses, and one tap to record a visit. A secretary sees the
//! village's households the same way; an official their reach, a page at a time.

use super::paging::{asked_page, Pager};
use super::{html, is_htmx, today, Chrome};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use std::collections::HashMap;
use xplus_core::accounts::Role;
use xplus_store::records;

/// One household's card.
struct MineCard {
    id: String,
    head: String,
    village: String,
    status: String,
    last_visit: String,
    /// "N 天未走访" for a helper, empty otherwise.
    waited: String,
    overdue: bool,
    /// The missing links' short labels.
    missing: Vec<String>,
}

#[derive(Template)]
#[template(path = "mine.html")]
struct MinePage {
    c: Chrome,
    title: String,
    cards: Vec<MineCard>,
    pager: Pager,
    year: i32,
    may_visit: bool,
    helper: bool,
    /// A secretary's (or an official's) tasks: exit steps waiting for them, by step.
    tasks: Vec<super::workbench::Count>,
    l: Lang,
}

#[derive(Template)]
#[template(path = "mine_list.html")]
struct MineList {
    cards: Vec<MineCard>,
    pager: Pager,
    may_visit: bool,
    l: Lang,
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let asked = asked_page(query.get("page").map(String::as_str))?;
    let store = state.store.as_ref();
    let window = |total| Pager::new(total, asked, "/mine", "", "mine-list");
    let mut mine =
        records::my_households(store, &user.access, window(u64::MAX).window(), today()).await?;
    let pager = window(mine.total);
    if pager.window() != window(u64::MAX).window() {
        // Asked past the end: the last page.
        mine = records::my_households(store, &user.access, pager.window(), today()).await?;
    }
    let cards = mine.households.iter().map(|h| card(l, h)).collect();
    let may_visit = user.access.may_write();
    if is_htmx(&headers) {
        return html(&MineList {
            cards,
            pager,
            may_visit,
            l,
        });
    }
    let helper = user.access.role() == Role::Helper;
    let mut tasks = if helper {
        Vec::new()
    } else {
        let batches = records::open_batches(store, &user.access, today()).await?;
        super::workbench::waiting_counts(l, &batches)
    };
    // The findings to verify of their households: a helper's only tasks here.
    tasks.extend(super::workbench::task_tiles(&state, &user, l).await?);
    html(&MinePage {
        c: Chrome::new(l, &user, "mine"),
        title: mine_title(l, user.access.role()).to_string(),
        cards,
        pager,
        year: mine.year,
        may_visit,
        helper,
        tasks,
        l,
    })
}

/// The page's name in the menu and its heading.
pub(crate) fn mine_title(l: Lang, role: Role) -> &'static str {
    match role {
        Role::Helper => l.t("我的帮扶户", "My households"),
        Role::Secretary => l.t("本村农户", "The village's households"),
        _ => l.t("辖区农户", "Households in my reach"),
    }
}

fn card(l: Lang, h: &records::MyHousehold) -> MineCard {
    let household = &h.summary.household;
    MineCard {
        id: household.id.clone(),
        head: h.summary.head_name.clone().unwrap_or_default(),
        village: h.summary.village_name.clone(),
        status: l.label(household.status.code(), household.status.label_zh()),
        last_visit: h
            .last_visit
            .map(|d| d.to_string())
            .unwrap_or_else(|| l.t("尚未走访", "never visited").to_string()),
        waited: h
            .days_without_visit
            .map(|d| match l {
                Lang::Zh => format!("{d} 天未走访"),
                Lang::En => format!("{d} days without a visit"),
            })
            .unwrap_or_default(),
        overdue: h.overdue,
        missing: h
            .missing
            .iter()
            .map(|link| {
                let label = l.label(link.code(), link.label_zh());
                // "想：年内参加培训" → "年内参加培训": the card has no room for the heading.
                label
                    .split_once('：')
                    .map_or(label.clone(), |(_, rest)| rest.to_string())
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "offline.html")]
struct OfflinePage {
    c: Chrome,
}

/// What waits on the phone (its script reads the phone's store; the page is only the frame).
pub async fn offline(PageUser(user): PageUser, l: Lang) -> Result<Response, WebError> {
    html(&OfflinePage {
        c: Chrome::new(l, &user, "mine"),
    })
}
