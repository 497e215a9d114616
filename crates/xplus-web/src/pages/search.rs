//! 查找: the search box of every page's header. Households by the start of their number, people
//! by a part of their name or identity number (with their relation to the head and the head's
//! name), villages and towns by a part of their name — within the account's reach, grouped,
//! counted and paged. The region picker's suggestions (`/regions/pick`) are the same region
//! search, narrowed to a level.

use super::{html, today, Chrome};
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use xplus_core::registry::search::SearchText;
use xplus_core::registry::Level;
use xplus_store::records::{self, Found, HouseholdHit, Page, PersonHit, RegionHit};

/// Rows of a group on the page of all groups.
const FIRST: u64 = 10;
/// Rows of a page of one group.
const PER_PAGE: u64 = 20;

#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    pub q: Option<String>,
    /// One group, paged: `households`, `people` or `regions`.
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub page: Option<u64>,
}

/// A group of results as the page and the API show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Households,
    People,
    Regions,
}

impl Group {
    pub fn parse(s: &str) -> Option<Group> {
        Some(match s {
            "households" => Group::Households,
            "people" => Group::People,
            "regions" => Group::Regions,
            _ => return None,
        })
    }

    /// The `group` parameter of the page and the API: None (every group) when absent or empty.
    pub fn of_param(group: Option<&str>) -> Result<Option<Group>, WebError> {
        match group.filter(|g| !g.is_empty()) {
            Some(g) => Group::parse(g).map(Some).ok_or_else(|| {
                WebError::bad_request(format!("查找分组 {g} 无效 / invalid search group {g}"))
            }),
            None => Ok(None),
        }
    }

    /// The number of rows of this group `found` holds, when it holds the group.
    fn total_in(self, found: &Results) -> Option<u64> {
        match self {
            Group::Households => found.households.as_ref().map(|f| f.total),
            Group::People => found.people.as_ref().map(|f| f.total),
            Group::Regions => found.regions.as_ref().map(|f| f.total),
        }
    }
}

/// The groups asked for (all, or one), each with the page of it.
pub struct Results {
    pub households: Option<Found<HouseholdHit>>,
    pub people: Option<Found<PersonHit>>,
    pub regions: Option<Found<RegionHit>>,
}

/// Runs the search of `text` for `user`: every group's first rows, or page `page` of one.
pub async fn run(
    state: &AppState,
    user: &Signed,
    text: &SearchText,
    group: Option<Group>,
    page: u64,
    per_page: u64,
) -> Result<Results, WebError> {
    let store = state.store.as_ref();
    let window = |g: Group| match group {
        None => Some(Page {
            limit: per_page,
            offset: 0,
        }),
        Some(one) if one == g => Some(Page {
            limit: per_page,
            offset: (page.max(1) - 1).saturating_mul(per_page),
        }),
        Some(_) => None,
    };
    let access = &user.access;
    Ok(Results {
        households: match window(Group::Households) {
            Some(p) => Some(records::search_households(store, access, text, p, today()).await?),
            None => None,
        },
        people: match window(Group::People) {
            Some(p) => Some(records::search_people(store, access, text, p, today()).await?),
            None => None,
        },
        regions: match window(Group::Regions) {
            Some(p) => Some(records::search_regions(store, access, text, &[], p).await?),
            None => None,
        },
    })
}

/// The words typed, as core reads them, or the reason they are not searched for.
pub fn words(q: &str) -> Result<SearchText, String> {
    SearchText::parse(q).map_err(|e| e.to_string())
}

pub struct HouseholdLine {
    pub id: String,
    pub village: String,
    pub head: String,
    pub status: String,
}

pub struct PersonLine {
    pub household: String,
    pub village: String,
    pub name: String,
    pub id_number: String,
    pub relation: String,
    pub head: String,
}

pub struct RegionLine {
    pub code: String,
    pub name: String,
    pub level: String,
    pub above: String,
}

impl RegionLine {
    fn of(l: Lang, r: RegionHit) -> RegionLine {
        RegionLine {
            code: r.code.to_string(),
            level: level_label(l, r.code.level()),
            above: r.above.join(" "),
            name: r.name,
        }
    }
}

/// A group on the page: its rows, total, and the links to more.
pub struct Shown<T> {
    pub total: u64,
    pub rows: Vec<T>,
    /// The link to the rest of the group (on the page of all groups).
    pub more: Option<String>,
    pub page: u64,
    pub pages: u64,
    pub previous: Option<String>,
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    c: Chrome,
    q: String,
    problem: Option<String>,
    households: Option<Shown<HouseholdLine>>,
    people: Option<Shown<PersonLine>>,
    regions: Option<Shown<RegionLine>>,
    nothing: bool,
}

fn link(q: &str, group: &str, page: u64) -> String {
    format!(
        "/search?q={}&group={group}&page={page}",
        crate::forms::url_encode(q)
    )
}

fn shown<T, U>(
    found: Option<Found<T>>,
    q: &str,
    group: &str,
    one: bool,
    page: u64,
    line: impl Fn(T) -> U,
) -> Option<Shown<U>> {
    let found = found?;
    let pages = found.total.div_ceil(PER_PAGE).max(1);
    let page = page.clamp(1, pages);
    Some(Shown {
        total: found.total,
        rows: found.items.into_iter().map(line).collect(),
        more: (!one && found.total > FIRST).then(|| link(q, group, 1)),
        page,
        pages,
        previous: (one && page > 1).then(|| link(q, group, page - 1)),
        next: (one && page < pages).then(|| link(q, group, page + 1)),
    })
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<SearchParams>,
) -> Result<Response, WebError> {
    let c = Chrome::new(l, &user, "search");
    let q = p.q.clone().unwrap_or_default();
    let group = Group::of_param(p.group.as_deref())?;
    let blank = SearchPage {
        c,
        q: q.clone(),
        problem: None,
        households: None,
        people: None,
        regions: None,
        nothing: false,
    };
    // The page without words (the menu's link): the box and what it finds, no complaint.
    if p.q.is_none() {
        return html(&blank);
    }
    let text = match words(&q) {
        Ok(t) => t,
        Err(e) => {
            return html(&SearchPage {
                problem: Some(l.pick(&e)),
                ..blank
            })
        }
    };
    let mut page = p.page.unwrap_or(1).max(1);
    let per_page = if group.is_some() { PER_PAGE } else { FIRST };
    let mut found = run(&state, &user, &text, group, page, per_page).await?;
    // A page past the end of the group (an old link, a typed number) shows its last page, as
    // the other lists do; only then is the group read again.
    if let Some(total) = group.and_then(|g| g.total_in(&found)) {
        let last = total.div_ceil(per_page).max(1);
        if page > last {
            page = last;
            found = run(&state, &user, &text, group, page, per_page).await?;
        }
    }
    let one = group.is_some();
    let households = shown(found.households, &q, "households", one, page, |h| {
        HouseholdLine {
            id: h.id,
            village: h.village_name,
            head: h.head_name.unwrap_or_default(),
            status: l.label(h.status.code(), h.status.label_zh()),
        }
    });
    let people = shown(found.people, &q, "people", one, page, |m| PersonLine {
        household: m.household_id,
        village: m.village_name,
        id_number: user.access.id_numbers_in(&m.id_number),
        relation: l.label(m.relation.code(), m.relation.label_zh()),
        name: m.name,
        head: m.head_name.unwrap_or_default(),
    });
    let regions = shown(found.regions, &q, "regions", one, page, |r| {
        RegionLine::of(l, r)
    });
    let nothing = [
        households.as_ref().map(|s| s.total),
        people.as_ref().map(|s| s.total),
        regions.as_ref().map(|s| s.total),
    ]
    .into_iter()
    .flatten()
    .all(|n| n == 0);
    html(&SearchPage {
        households,
        people,
        regions,
        nothing,
        ..blank
    })
}

/// A region's level as people name it.
pub fn level_label(l: Lang, level: Level) -> String {
    let zh = match level {
        Level::Province => "省",
        Level::City => "市",
        Level::County => "县（区）",
        Level::Town => "乡镇",
        Level::Village => "村",
    };
    l.label(level.code(), zh)
}

/// Suggestions the region picker shows at most.
const PICK: u64 = 15;

#[derive(Template)]
#[template(path = "region_options.html")]
struct RegionOptions {
    options: Vec<RegionLine>,
}

/// The region picker's suggestions: `<option>`s of a `<datalist>` for the regions within reach
/// whose name holds the words typed (or whose code starts with them), of `level` when given.
/// htmx sends the field under its own name (`region`, `county`, `village`), or `q`. Words that
/// are too short or bad give no suggestion: the field still takes whatever code is typed.
pub async fn pick(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let typed = pairs
        .iter()
        .find(|(k, v)| matches!(k.as_str(), "q" | "region" | "county" | "village") && !v.is_empty())
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    let levels: Vec<Level> = match pairs.iter().find(|(k, _)| k == "level") {
        None => Vec::new(),
        Some((_, v)) => vec![Level::parse(v).ok_or_else(|| {
            WebError::bad_request(format!("区划级别 {v} 无效 / invalid region level {v}"))
        })?],
    };
    let options = match SearchText::parse(typed) {
        Ok(text) => {
            let page = Page {
                limit: PICK,
                offset: 0,
            };
            records::search_regions(state.store.as_ref(), &user.access, &text, &levels, page)
                .await?
                .items
        }
        Err(_) => Vec::new(),
    };
    html(&RegionOptions {
        options: options.into_iter().map(|r| RegionLine::of(l, r)).collect(),
    })
}
