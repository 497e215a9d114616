//! 远教: distance-education stations, central learning households, training sessions.

pub mod coverage;
pub mod lectures;

crate::labelled_enum! {
    pub enum StationKind {
        Station = ("station", "远教站点"),
        LearningHousehold = ("learning_household", "中心学习户"),
    }
}

crate::labelled_enum! {
    pub enum TrainingMode {
        PartySchool = ("party_school", "站点+党校"),
        Base = ("base", "站点+基地"),
        Grower = ("grower", "站点+大户"),
        Other = ("other", "其他"),
    }
}

crate::labelled_enum! {
    pub enum LecturerKind {
        Cadre = ("cadre", "党员干部"),
        PartySchool = ("party_school", "党校老师"),
        Expert = ("expert", "技能专家"),
        Entrepreneur = ("entrepreneur", "致富能手"),
    }
}

crate::labelled_enum! {
    pub enum Topic {
        Policy = ("policy", "扶贫政策"),
        Case = ("case", "脱贫案例"),
        Skills = ("skills", "致富方法"),
        Other = ("other", "其他"),
    }
}

crate::labelled_enum! {
    /// The standard items of a station's yearly standardisation check (抓规范).
    pub enum StationCheckItem {
        Venue = ("venue", "活动场所"),
        Equipment = ("equipment", "设备维护"),
        Administrator = ("administrator", "站点管理员"),
        Schedule = ("schedule", "学习制度"),
        Records = ("records", "台账记录"),
        Results = ("results", "学用成效"),
    }
}

crate::labelled_enum! {
    pub enum StationCheckResult {
        Met = ("met", "达标"),
        Unmet = ("unmet", "未达标"),
        Rectified = ("rectified", "整改到位"),
    }
}

crate::labelled_enum! {
    /// What a station does for a household together with a partner department.
    pub enum StationService {
        Consultation = ("consultation", "项目咨询"),
        Market = ("market", "市场信息"),
        Sales = ("sales", "农产品销售"),
        Loan = ("loan", "生产贷款"),
        Communications = ("communications", "通讯服务"),
        Insurance = ("insurance", "保险服务"),
    }
}

crate::labelled_enum! {
    pub enum PartnerDepartment {
        CreditCoop = ("credit_coop", "农村信用社"),
        Weather = ("weather", "气象局"),
        HumanResources = ("human_resources", "人社部门"),
        Agritech = ("agritech", "农技部门"),
        Other = ("other", "其他部门"),
    }
}

crate::labelled_enum! {
    pub enum Cooperation {
        Joint = ("joint", "共建"),
        Entrusted = ("entrusted", "委托代理"),
    }
}
