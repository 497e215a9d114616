//! The village collective's asset register within an account's reach: each equity project with
//! who holds it on a day (the village, or a BOT enterprise until its concession ends — rules.md
//! §8), and one village's collective economy: its income by year against §9, its projects and
//! the enterprises and co-operatives it runs.

use super::queries::assets::{Concession, IncomeRow, ProjectRow};
use super::queries::read_row;
use crate::error::StoreError;
use crate::records::registry::read::{names_of, region_names};
use crate::records::shape::village_bounds;
use crate::records::ReadSession;
use crate::session::filter::{Arg, Filter};
use crate::store::Store;
use chrono::NaiveDate;
use xplus_core::accounts::Access;
use xplus_core::collective::economy::{asset_holder, is_empty_shell, is_strong, AssetHolder};
use xplus_core::collective::EquityModel;
use xplus_core::interchange::schema::{COLLECTIVE_INCOME, PROJECTS, VILLAGE_ENTERPRISES};
use xplus_core::interchange::Value;
use xplus_core::registry::RegionCode;
use xplus_core::rules::RuleSet;
use xplus_core::Fen;

/// Who holds a project (a projects.csv row) on `on`.
pub(in crate::records) fn holder_of(project: &[Value], on: NaiveDate) -> AssetHolder {
    let c = read_row::<Concession>(project).expect("read without skipping");
    asset_holder(c.enterprise, c.end, on)
}

/// One project in the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRow {
    pub project_id: String,
    pub village: RegionCode,
    pub village_name: String,
    pub name: String,
    pub model: Option<EquityModel>,
    /// Share value × total shares.
    pub value: Fen,
    pub enterprise: Option<String>,
    pub concession_start: Option<NaiveDate>,
    pub holder: AssetHolder,
}

async fn assets_where(
    s: &mut dyn ReadSession,
    filter: &Filter,
    on: NaiveDate,
) -> Result<Vec<AssetRow>, StoreError> {
    let rows = s
        .select(&PROJECTS, filter, "village_code, project_id", None)
        .await?;
    let names = names_of(
        s,
        rows.iter()
            .filter_map(|r| read_row::<ProjectRow>(r).map(|p| p.village.as_u64())),
    )
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let p = read_row::<ProjectRow>(&r)?;
            Some(AssetRow {
                holder: holder_of(&r, on),
                village_name: names.get(&p.village.as_u64()).cloned().unwrap_or_default(),
                project_id: p.project_id,
                village: p.village,
                name: p.name,
                model: p.model,
                value: p.value,
                enterprise: p.enterprise,
                concession_start: p.concession_start,
            })
        })
        .collect())
}

fn within(access: &Access) -> Filter {
    let range = village_bounds(access);
    Filter::new().and(
        "village_code BETWEEN ? AND ?",
        vec![range[0].clone(), range[1].clone()],
    )
}

/// The projects within reach and who holds each on `on`, by village.
pub async fn asset_register(
    store: &dyn Store,
    access: &Access,
    on: NaiveDate,
) -> Result<Vec<AssetRow>, StoreError> {
    let mut s = store.read_session().await?;
    assets_where(s.as_mut(), &within(access), on).await
}

/// A village's income of one year against rules.md §9.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomeYear {
    pub year: i32,
    pub income: Fen,
    pub empty_shell: bool,
    pub strong: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VillageCollective {
    pub code: RegionCode,
    pub name: String,
    pub incomes: Vec<IncomeYear>,
    pub projects: Vec<AssetRow>,
    /// village_enterprises.csv rows.
    pub enterprises: Vec<Vec<Value>>,
}

/// One village's collective economy, when `access` reaches the village.
pub async fn village_collective(
    store: &dyn Store,
    access: &Access,
    rules: &RuleSet,
    code: RegionCode,
    on: NaiveDate,
) -> Result<Option<VillageCollective>, StoreError> {
    let mut s = store.read_session().await?;
    let s = s.as_mut();
    let one = within(access).and("village_code = ?", vec![Arg::Int(code.as_u64() as i64)]);
    let known = s
        .count(&xplus_core::interchange::schema::VILLAGES, &one)
        .await?;
    if known == 0 {
        return Ok(None);
    }
    let incomes = s
        .select(&COLLECTIVE_INCOME, &one, "year", None)
        .await?
        .into_iter()
        .filter_map(|r| read_row::<IncomeRow>(&r))
        .map(|i| IncomeYear {
            year: i.year,
            income: i.income,
            empty_shell: is_empty_shell(i.income, rules),
            strong: is_strong(i.income, rules),
        })
        .collect();
    let projects = assets_where(s, &one, on).await?;
    let enterprises = s
        .select(&VILLAGE_ENTERPRISES, &one, "enterprise_id", None)
        .await?;
    let name = region_names(s, vec![code.as_u64() as i64])
        .await?
        .remove(&code.as_u64())
        .unwrap_or_default();
    Ok(Some(VillageCollective {
        code,
        name,
        incomes,
        projects,
        enterprises,
    }))
}
