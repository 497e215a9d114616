//! 村干部与村级带头人后备库 (issue 23): on Dec 31 of a year, the village cadres in office by post
//! and those in a degree course (大专以上学历教育); the poor villages whose secretary in office
//! that day was trained in the year (全覆盖培训贫困村党组织书记), with those that were not listed;
//! and the pool of future village leaders by source with those who became secretaries — per
//! region below the one viewed, each opening the regions below it.

use super::{html, narrowed, Chrome, YearParam};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use xplus_core::backbone::village_cadre::{CadreFigures, PoolSource, VillageCadrePost};
use xplus_core::registry::RegionCode;
use xplus_store::records;

pub struct Row {
    pub code: RegionCode,
    pub name: String,
    pub f: CadreFigures,
    /// The counts per post and per source, in the order of the headings.
    pub posts: Vec<u64>,
    pub sources: Vec<u64>,
    /// A village has no regions below it to open.
    pub opens: bool,
}

/// The counts per post and per source of `f`, in the order of the headings.
fn counts(f: &CadreFigures) -> (Vec<u64>, Vec<u64>) {
    let posts = (VillageCadrePost::ALL.iter()).map(|p| f.by_post.get(p).copied().unwrap_or(0));
    let sources = (PoolSource::ALL.iter()).map(|s| f.by_source.get(s).copied().unwrap_or(0));
    (posts.collect(), sources.collect())
}

impl Row {
    fn of(code: RegionCode, name: String, f: &CadreFigures) -> Row {
        let (posts, sources) = counts(f);
        Row {
            code,
            name,
            posts,
            sources,
            opens: code.level() != xplus_core::registry::Level::Village,
            f: f.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "village_cadres.html")]
struct VillageCadresPage {
    c: Chrome,
    year: i32,
    region: String,
    as_of: String,
    total: CadreFigures,
    /// The total's counts per post and per source.
    total_posts: Vec<u64>,
    total_sources: Vec<u64>,
    rows: Vec<Row>,
    /// The headings of the post and source columns, in the page's language.
    posts: Vec<String>,
    sources: Vec<String>,
    /// The poor villages whose secretary had no training in the year (code, name).
    untrained: Vec<(RegionCode, String)>,
}

/// `/village-cadres?year=&region=`: the figures of the account's reach, or of a region within it.
pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<YearParam>,
) -> Result<Response, WebError> {
    let year = super::year_of(p.year.as_deref())?;
    let access = narrowed(&user.access, p.region.as_deref())?;
    let view = records::village_cadre_figures(state.store.as_ref(), &access, year).await?;
    let rows = (view.report.by_region.iter())
        .map(|(code, f)| Row::of(*code, view.name(code).to_string(), f))
        .collect();
    let untrained = (view.report.untrained.iter())
        .map(|v| (*v, view.name(v).to_string()))
        .collect();
    let total = view.report.total.clone();
    let (total_posts, total_sources) = counts(&total);
    html(&VillageCadresPage {
        c: Chrome::new(l, &user, "secretaries"),
        year,
        region: p.region_text(),
        as_of: view.as_of.to_string(),
        total,
        total_posts,
        total_sources,
        rows,
        posts: (VillageCadrePost::ALL.iter())
            .map(|p| l.label(p.code(), p.label_zh()))
            .collect(),
        sources: (PoolSource::ALL.iter())
            .map(|s| l.label(s.code(), s.label_zh()))
            .collect(),
        untrained,
    })
}
