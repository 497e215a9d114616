//! 骨干: units, cadres and their pairings with villages and households (rules.md §7).

pub mod pairing;
pub mod party_building;
pub mod photos;
pub mod posting;
pub mod review;
pub mod secretary;
pub mod startup;
pub mod suggest;
pub mod village_cadre;
pub mod visits;

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

impl CadreRole {
    /// Selected cadres (选派干部) are sent by their unit to live in the village and may be
    /// recalled (召回); helpers and graduate officials are not.
    pub fn is_selected(self) -> bool {
        matches!(self, CadreRole::FirstSecretary | CadreRole::WorkTeam)
    }
}

/// Start-ups (村官创业) are those of graduate village officials: a start-up's cadre must be one,
/// and a cadre with start-ups stays one (`with_startups`: the problem is a role change).
pub fn startup_role_problem(role: CadreRole, with_startups: bool) -> Option<String> {
    if role == CadreRole::GraduateOfficial {
        return None;
    }
    Some(if with_startups {
        format!(
            "该干部有村官创业项目，角色不能改为“{}” / the cadre has start-ups of a graduate village official, so the role cannot become {}",
            role.label_zh(),
            role.code()
        )
    } else {
        format!(
            "该干部角色为“{}”，创业项目须由大学生村官填报 / start-ups are those of graduate village officials, not of a {}",
            role.label_zh(),
            role.code()
        )
    })
}

crate::labelled_enum! {
    /// The "three bindings" (三个绑定) of a unit's village pairing.
    pub enum BindingKind {
        Project = ("project", "项目绑定"),
        Funds = ("funds", "资金绑定"),
        Responsibility = ("responsibility", "责任绑定"),
    }
}

crate::labelled_enum! {
    /// The "312" model village party secretaries: provincial, municipal, county.
    pub enum SecretaryTier {
        Provincial = ("provincial", "省级示范"),
        Municipal = ("municipal", "市级示范"),
        County = ("county", "县级示范"),
    }
}

crate::labelled_enum! {
    pub enum DevelopmentKind {
        Training = ("training", "培训"),
        Degree = ("degree", "学历提升"),
        Exchange = ("exchange", "挂职交流"),
    }
}

crate::labelled_enum! {
    /// The yearly check-up of a secretary against the "三有三带" standard.
    pub enum CheckUpResult {
        Kept = ("kept", "保留"),
        Adjusted = ("adjusted", "调整"),
    }
}
