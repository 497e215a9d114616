//! The region tree, city → county → town → village, with the households each holds within the
//! account's reach; a village's page shows its facts and its households.

use super::{html, today, Chrome};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use xplus_core::registry::{Level, RegionCode};
use xplus_store::records::{self, RegionNode};

#[derive(Template)]
#[template(path = "regions.html")]
struct RegionsPage {
    c: Chrome,
    region: Option<RegionNode>,
    /// (code, name) of the regions above, top first.
    trail: Vec<(RegionCode, String)>,
    children: Vec<RegionNode>,
    village: Option<records::VillageFacts>,
}

impl RegionsPage {
    fn level(&self, level: &Level) -> String {
        self.c.l.label(level.code(), level.label_zh())
    }
}

pub async fn top(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
) -> Result<Response, WebError> {
    let children =
        records::region_children(state.store.as_ref(), &user.access, None, today()).await?;
    html(&RegionsPage {
        c: Chrome::new(l, &user, "regions"),
        region: None,
        trail: Vec::new(),
        children,
        village: None,
    })
}

pub async fn one(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let code = RegionCode::parse(&code).map_err(|_| WebError::not_found())?;
    let store = state.store.as_ref();
    let region = records::region(store, &user.access, code, today())
        .await?
        .ok_or_else(WebError::not_found)?;
    let trail = records::region_trail(store, &user.access, &region).await?;
    let children = records::region_children(store, &user.access, Some(code), today()).await?;
    let village = if code.level() == Level::Village {
        records::village(store, &user.access, code).await?
    } else {
        None
    };
    html(&RegionsPage {
        c: Chrome::new(l, &user, "regions"),
        region: Some(region),
        trail,
        children,
        village,
    })
}
