//! 骨干: units, cadres and their pairings with villages and households (rules.md §7).

pub mod pairing;

crate::labelled_enum! {
    pub enum UnitKind {
        Organ = ("organ", "机关"),
        Institution = ("institution", "事业单位"),
        Enterprise = ("enterprise", "企业"),
        UrbanPartyOrg = ("urban_party_org", "城市基层党组织"),
    }
}

crate::labelled_enum! {
    pub enum CadreRole {
        Helper = ("helper", "帮扶责任人"),
        FirstSecretary = ("first_secretary", "选派第一书记"),
        WorkTeam = ("work_team", "驻村工作队员"),
        GraduateOfficial = ("graduate_official", "大学生村官"),
    }
}
