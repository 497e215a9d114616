//! 远教: distance-education stations, central learning households, training sessions.

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
