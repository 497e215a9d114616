//! 集体: collective projects, the share ledger and equity-pledge loans (rules.md §8).

pub mod adjust;
pub mod dividends;
pub mod economy;
pub mod funds;
pub mod ledger;
pub mod loan;

crate::labelled_enum! {
    /// The five equity-quantification models (折股量化模式) of the case report.
    pub enum EquityModel {
        Pv = ("pv", "光伏扶贫型"),
        Lease = ("lease", "经营性资产租赁收益型"),
        AssetEquity = ("asset_equity", "经营性资产入股收益型"),
        Operation = ("operation", "生产经营收益型"),
        NonOperatingEquity = ("non_operating_equity", "非经营性资产入股收益型"),
    }
}

crate::labelled_enum! {
    /// A business a village runs itself (村办企业和合作社, rules.md §9's collective economy).
    pub enum EnterpriseKind {
        Enterprise = ("enterprise", "村集体企业"),
        Cooperative = ("cooperative", "农民专业合作社"),
        JointStock = ("joint_stock", "股份经济合作社"),
        LabourService = ("labour_service", "劳务合作社"),
    }
}

crate::labelled_enum! {
    /// Who put money into a project's shares (社会资本入股, project_investors.csv).
    pub enum InvestorKind {
        Enterprise = ("enterprise", "企业"),
        Individual = ("individual", "个人"),
        Cooperative = ("cooperative", "合作社"),
        Collective = ("collective", "村集体"),
        Other = ("other", "其他"),
    }
}

crate::labelled_enum! {
    pub enum ShareEventKind {
        Grant = ("grant", "配股"),
        Reclaim = ("reclaim", "收回"),
    }
}
