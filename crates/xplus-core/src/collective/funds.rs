//! 多元投入 (the case report's "健全多元投入保障机制"): the money put into the chain in a region
//! and year, by where it came from and the link it went to. funds.csv holds what no other
//! register holds: a station's investment is in stations.csv and a pledge loan in loans.csv,
//! and neither is entered here again (docs/collective.md).

use crate::registry::{Level, RegionCode};

crate::labelled_enum! {
    /// Where the money came from.
    pub enum FundSource {
        Fiscal = ("fiscal", "财政专项扶贫资金"),
        Sector = ("sector", "行业部门资金"),
        Pairing = ("pairing", "帮扶单位资金"),
        Social = ("social", "社会资本"),
        Credit = ("credit", "金融信贷"),
        Collective = ("collective", "村集体"),
        OwnFunds = ("self", "群众自筹"),
    }
}

crate::labelled_enum! {
    /// The link of the chain the money went to (rules.md §6's four, and the rest).
    pub enum FundLink {
        Education = ("education", "远教"),
        Backbone = ("backbone", "骨干"),
        Collective = ("collective", "集体"),
        Industry = ("industry", "产业"),
        Other = ("other", "其他"),
    }
}

impl FundSource {
    /// The English name people read beside the Chinese label.
    pub fn en(self) -> &'static str {
        match self {
            FundSource::Fiscal => "Special fiscal poverty funds",
            FundSource::Sector => "Sector departments' funds",
            FundSource::Pairing => "Pairing units' funds",
            FundSource::Social => "Social capital",
            FundSource::Credit => "Financial credit",
            FundSource::Collective => "Village collective",
            FundSource::OwnFunds => "Raised by the people",
        }
    }
}

impl FundLink {
    /// The English name people read beside the Chinese label.
    pub fn en(self) -> &'static str {
        match self {
            FundLink::Education => "Distance education",
            FundLink::Backbone => "Backbone",
            FundLink::Collective => "Collective",
            FundLink::Industry => "Industry",
            FundLink::Other => "Other",
        }
    }
}

/// Funds are recorded where they are spent: a county (县级统筹), a town or a village, never a
/// province or a city (their money reaches a county before it is spent). None when `region`
/// may hold a fund.
pub fn fund_region_problem(region: RegionCode) -> Option<String> {
    match region.level() {
        Level::County | Level::Town | Level::Village => None,
        level => Some(format!(
            "投入资金记在县、乡镇或村，不记在{}级 / funds are recorded at a county, town or village, not at a {}",
            level.label_zh(),
            level.code()
        )),
    }
}

/// When a fund names a collective project, the project lies in the fund's region (the village
/// itself, its town or its county). None when it does.
pub fn fund_project_problem(region: RegionCode, project_village: RegionCode) -> Option<String> {
    (!project_village.is_within(region)).then(|| {
        format!(
            "项目所在村 {project_village} 不在该区划内 / the project's village {project_village} is not within the region"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn a_fund_is_recorded_at_a_county_town_or_village() {
        assert!(fund_region_problem(code("341181000000")).is_none());
        assert!(fund_region_problem(code("341181100000")).is_none());
        assert!(fund_region_problem(code("341181100201")).is_none());
        let city = fund_region_problem(code("341100000000")).unwrap();
        assert!(city.contains("市级") && city.contains("city"), "{city}");
        assert!(fund_region_problem(code("340000000000")).is_some());
    }

    #[test]
    fn a_project_lies_within_the_funds_region() {
        let village = code("341181100201");
        assert!(fund_project_problem(code("341181000000"), village).is_none());
        assert!(fund_project_problem(code("341181100000"), village).is_none());
        assert!(fund_project_problem(village, village).is_none());
        assert!(fund_project_problem(code("341182000000"), village).is_some());
        assert!(fund_project_problem(code("341181100202"), village).is_some());
    }

    #[test]
    fn sources_read_code_or_label() {
        assert_eq!(FundSource::parse("self"), Some(FundSource::OwnFunds));
        assert_eq!(FundSource::parse("社会资本"), Some(FundSource::Social));
        assert_eq!(FundLink::parse("骨干"), Some(FundLink::Backbone));
        assert_eq!(FundSource::ALL.len(), 7);
    }
}
