//! 集体 pages: the villages' collective economy of a year against the "123" plan and the strong
//! village goal, pledge loans per county, a project with its holders and payments (BOT status),
//! and a household's shares, dividends and loans.

use super::entries::shown;
use super::{html, today, year_of, Chrome, YearParam};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use xplus_core::interchange::schema::{LOANS, PROJECTS};
use xplus_core::rules::RuleSet;
use xplus_store::records::{self, CollectiveOverview, HouseholdShares, ProjectView};

#[derive(Template)]
#[template(path = "collective.html")]
struct CollectivePage {
    c: Chrome,
    o: CollectiveOverview,
}

impl CollectivePage {
    fn reduction(&self) -> i64 {
        self.o.empty_shell_last_year as i64 - self.o.empty_shell as i64
    }

    fn strong_share(&self) -> String {
        if self.o.villages.is_empty() {
            return "-".into();
        }
        let bp = self.o.strong * 10_000 / self.o.villages.len() as u64;
        format!("{}.{:02}%", bp / 100, bp % 100)
    }

    fn target_share(&self) -> String {
        let bp = self.o.strong_target.1;
        format!("{}.{:02}%", bp / 100, bp % 100)
    }
}

pub async fn overview(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<YearParam>,
) -> Result<Response, WebError> {
    let year = year_of(p.year.as_deref())?;
    let o = records::collective_overview(
        state.store.as_ref(),
        &user.access,
        &RuleSet::default(),
        year,
        today(),
    )
    .await?;
    html(&CollectivePage {
        c: Chrome::new(l, &user, "collective"),
        o,
    })
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectPage {
    c: Chrome,
    facts: Vec<(String, String)>,
    v: ProjectView,
    id: String,
}

pub async fn project(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let v = records::project_view(state.store.as_ref(), &user.access, &id, today())
        .await?
        .ok_or_else(WebError::not_found)?;
    let facts = PROJECTS
        .columns
        .iter()
        .zip(&v.project)
        .map(|(c, value)| {
            (
                crate::forms::column_label(l, c.zh, c.en),
                shown(l, c, value, true),
            )
        })
        .collect();
    html(&ProjectPage {
        c: Chrome::new(l, &user, "collective"),
        facts,
        v,
        id,
    })
}

#[derive(Template)]
#[template(path = "shares.html")]
struct SharesPage {
    c: Chrome,
    id: String,
    s: HouseholdShares,
    loan_headers: Vec<String>,
    loans: Vec<Vec<String>>,
}

pub async fn household(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let s = records::household_shares(state.store.as_ref(), &user.access, &id, today())
        .await?
        .ok_or_else(WebError::not_found)?;
    let loans = s
        .loans
        .iter()
        .map(|r| {
            LOANS
                .columns
                .iter()
                .zip(r)
                .map(|(c, v)| shown(l, c, v, true))
                .collect()
        })
        .collect();
    html(&SharesPage {
        c: Chrome::new(l, &user, "households"),
        loan_headers: LOANS
            .columns
            .iter()
            .map(|c| crate::forms::column_label(l, c.zh, c.en))
            .collect(),
        loans,
        id,
        s,
    })
}
