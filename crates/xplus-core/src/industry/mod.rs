//! 产业: industry-chain party organisations and functional party groups with the households
//! they bring along, one-village-one-product projects, households' own industries, labour
//! training, technology commissioners, job fairs and placements — and rules.md §6 `in_industry`.

pub mod participation;

crate::labelled_enum! {
    /// Where an industry-chain party organisation sits, or a functional party group.
    pub enum PartyOrgKind {
        Base = ("base", "建在基地上"),
        Association = ("association", "建在协会上"),
        Cooperative = ("cooperative", "建在合作社上"),
        VillageEnterprise = ("village_enterprise", "村企联建"),
        FunctionalGroup = ("functional_group", "功能党小组"),
    }
}

crate::labelled_enum! {
    /// What a functional party group is formed around.
    pub enum GroupFocus {
        Industry = ("industry", "产业"),
        ProjectSite = ("project_site", "项目工地"),
        Migrants = ("migrants", "外出务工"),
    }
}

crate::labelled_enum! {
    /// A household's own industry.
    pub enum IndustryKind {
        Crop = ("crop", "种植"),
        Livestock = ("livestock", "养殖"),
        Other = ("other", "其他"),
    }
}
