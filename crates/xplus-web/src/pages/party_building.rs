//! 基层党组织建设 (issue 23): on Dec 31 of a year, the weak village party organisations listed
//! in it or before, rectified by then and still open (each open one listed with who answers for
//! it), and the villages checked against the standard in the year, meeting it, the share and
//! the poor villages among them; per region below the one viewed, each opening the regions
//! below it. The same as a workbook (`/party-building.xlsx`).

use super::{html, narrowed, Chrome, YearParam};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use xplus_core::assessment::village::format_bp_percent;
use xplus_core::backbone::party_building::PartyFigures;
use xplus_core::registry::{Level, RegionCode};
use xplus_store::records::{self, PartyBuilding};

pub type Row = super::RegionRow<PartyFigures>;

/// A weak organisation still open: village, its name, the year listed, the leader.
pub struct Open {
    pub village: RegionCode,
    pub name: String,
    pub year: i32,
    pub leader: String,
}

#[derive(Template)]
#[template(path = "party_building.html")]
struct PartyBuildingPage {
    c: Chrome,
    year: i32,
    region: String,
    as_of: String,
    total: PartyFigures,
    rows: Vec<Row>,
    open: Vec<Open>,
}

impl PartyBuildingPage {
    fn level(&self, level: &Level) -> String {
        self.c.l.label(level.code(), level.label_zh())
    }

    /// The share of the villages checked that meet the standard; "—" when none was checked.
    fn share(&self, f: &PartyFigures) -> String {
        f.meeting_bp()
            .map(format_bp_percent)
            .unwrap_or_else(|| "—".into())
    }
}

async fn view_of(
    state: &AppState,
    user: &crate::auth::Signed,
    p: &YearParam,
) -> Result<PartyBuilding, WebError> {
    let year = super::year_of(p.year.as_deref())?;
    let access = narrowed(&user.access, p.region.as_deref())?;
    Ok(records::party_building(state.store.as_ref(), &access, year).await?)
}

/// `/party-building?year=&region=`: the figures of the account's reach, or of a region in it.
pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<YearParam>,
) -> Result<Response, WebError> {
    let view = view_of(&state, &user, &p).await?;
    let rows = super::region_rows(&view.report.by_region, |code| view.name(code).to_string());
    let open = (view.report.open.iter())
        .map(|o| Open {
            village: o.village,
            name: view.name(&o.village).to_string(),
            year: o.year,
            leader: o.leader.clone(),
        })
        .collect();
    html(&PartyBuildingPage {
        c: Chrome::new(l, &user, "secretaries"),
        year: view.year,
        region: p.region_text(),
        as_of: view.as_of.to_string(),
        total: view.report.total,
        rows,
        open,
    })
}

/// `/party-building.xlsx`: what the page shows, with the open weak organisations.
pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(p): Query<YearParam>,
) -> Result<Response, WebError> {
    let view = view_of(&state, &user, &p).await?;
    let name = match view.root {
        Some(r) => format!("party-building-{r}-{}.xlsx", view.year),
        None => format!("party-building-{}.xlsx", view.year),
    };
    super::xlsx_download(name, move || {
        Ok(xplus_output::party_building::party_building_workbook(
            &view,
        )?)
    })
    .await
}
