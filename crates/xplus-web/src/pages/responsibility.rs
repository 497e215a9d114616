//! 扶持谁、怎么扶、谁来扶: a village's responsibility list (page and workbook) and one
//! household's printable A4 card (明白卡), for the households poor at the start of a year.

use super::{html, today, Chrome, YearParam};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use xplus_core::interchange::schema::MEMBERS;
use xplus_output::workbooks::{card_measures, card_responsible};
use xplus_store::records::{self, Card};

pub struct ListLine {
    pub id: String,
    pub head: String,
    pub members: usize,
    pub causes: String,
    pub per_capita: String,
    pub measures: String,
    pub responsible: String,
}

#[derive(Template)]
#[template(path = "responsibility.html")]
struct ListPage {
    c: Chrome,
    village: String,
    name: String,
    year: i32,
    lines: Vec<ListLine>,
}

fn causes(card: &Card) -> String {
    card.causes
        .iter()
        .map(|x| x.label_zh())
        .collect::<Vec<_>>()
        .join("、")
}

/// The village asked for (within reach, else not found), its name, the year and its cards: what
/// the list, its print and the cards' print all start from.
async fn village_of(
    state: &AppState,
    user: &crate::auth::Signed,
    village: &str,
    p: &YearParam,
) -> Result<(xplus_core::registry::RegionCode, String, i32, Vec<Card>), WebError> {
    let code = super::region_of(village)?;
    let node = records::region(state.store.as_ref(), &user.access, code, today())
        .await?
        .ok_or_else(WebError::not_found)?;
    let year = super::assessment::assessment_year(state, p.year.as_deref()).await?;
    let cards =
        records::village_cards(state.store.as_ref(), &user.access, code, year, today()).await?;
    Ok((code, node.name, year, cards))
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(village): Path<String>,
    Query(p): Query<YearParam>,
) -> Result<Response, WebError> {
    let (code, name, year, cards) = village_of(&state, &user, &village, &p).await?;
    html(&ListPage {
        c: Chrome::new(l, &user, "regions"),
        village: code.to_string(),
        name,
        year,
        lines: cards
            .iter()
            .map(|c| ListLine {
                id: c.household_id.clone(),
                head: c
                    .members
                    .iter()
                    .find(|m| m.relation == "head")
                    .map(|m| m.name.clone())
                    .unwrap_or_default(),
                members: c.members.len(),
                causes: causes(c),
                per_capita: c.per_capita.map_or_else(|| "-".into(), |p| p.to_string()),
                measures: card_measures(c),
                responsible: card_responsible(c),
            })
            .collect(),
    })
}

pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(village): Path<String>,
    Query(p): Query<YearParam>,
) -> Result<Response, WebError> {
    let code = super::region_of(&village)?;
    let year = super::assessment::assessment_year(&state, p.year.as_deref()).await?;
    let cards =
        records::village_cards(state.store.as_ref(), &user.access, code, year, today()).await?;
    super::xlsx_download(format!("responsibility-{code}-{year}.xlsx"), move || {
        Ok(xplus_output::workbooks::responsibility_workbook(&cards)?)
    })
    .await
}

/// A member line of the card, labels in Chinese.
pub struct MemberLine {
    pub name: String,
    pub id_number: String,
    pub relation: String,
    pub age: i32,
    pub health: String,
    pub labour: String,
    pub schooling: String,
}

/// One card as printed: the card and its lines in Chinese.
pub struct CardView {
    card: Card,
    members: Vec<MemberLine>,
    status: String,
    causes: String,
    industry: String,
    missing: Vec<String>,
}

impl CardView {
    fn of(card: Card) -> CardView {
        let members = card
            .members
            .iter()
            .map(|m| MemberLine {
                name: m.name.clone(),
                id_number: m.id_number.clone(),
                relation: label_of(3, m.relation),
                age: m.age,
                health: label_of(4, m.health),
                labour: label_of(5, m.labour),
                schooling: label_of(6, m.schooling),
            })
            .collect();
        CardView {
            status: card.status.label_zh().to_string(),
            causes: causes(&card),
            industry: xplus_output::workbooks::card_industry(&card),
            missing: card
                .chain
                .links
                .gaps()
                .iter()
                .map(|l| l.label_zh().to_string())
                .collect(),
            members,
            card,
        }
    }
}

#[derive(Template)]
#[template(path = "card.html")]
struct CardPage {
    view: CardView,
    printed: String,
}

#[derive(Template)]
#[template(path = "cards.html")]
struct CardsPage {
    name: String,
    village: String,
    year: i32,
    views: Vec<CardView>,
    printed: String,
}

/// Every 明白卡 of a village in one print job, one A4 page each.
pub async fn cards(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(village): Path<String>,
    Query(p): Query<YearParam>,
) -> Result<Response, WebError> {
    let (code, name, year, cards) = village_of(&state, &user, &village, &p).await?;
    html(&CardsPage {
        name,
        village: code.to_string(),
        year,
        views: cards.into_iter().map(CardView::of).collect(),
        printed: xplus_core::values::format_date(today()),
    })
}

fn label_of(column: usize, code: &str) -> String {
    match MEMBERS.columns[column].ty {
        xplus_core::interchange::ColumnType::Enum(spec) => {
            spec.label_zh(code).unwrap_or(code).to_string()
        }
        _ => code.to_string(),
    }
}

/// The printable card: Chinese, one A4 page.
pub async fn card(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    Query(p): Query<YearParam>,
) -> Result<Response, WebError> {
    let year = super::assessment::assessment_year(&state, p.year.as_deref()).await?;
    let store = state.store.as_ref();
    let mut card = records::household_card(store, &user.access, &id, year, today()).await?;
    if card.is_none() && p.year.is_none() {
        // A household that exited before the default year had its last card in its exit year
        // (poor at that year's start): that card, not "not found", is what the link means.
        let exited = records::household(store, &user.access, &id, today())
            .await?
            .and_then(|h| h.household.exit_year)
            .filter(|&y| y < year);
        if let Some(y) = exited {
            card = records::household_card(store, &user.access, &id, y, today()).await?;
        }
    }
    let card = card.ok_or_else(WebError::not_found)?;
    html(&CardPage {
        view: CardView::of(card),
        printed: xplus_core::values::format_date(today()),
    })
}
