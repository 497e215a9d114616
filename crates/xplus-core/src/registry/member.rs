//! Household members: relation to the head, health, labour capacity and schooling.

crate::labelled_enum! {
    pub enum Relation {
        Head = ("head", "户主"),
        Spouse = ("spouse", "配偶"),
        Child = ("child", "子女"),
        Parent = ("parent", "父母"),
        Grandchild = ("grandchild", "孙子女"),
        Sibling = ("sibling", "兄弟姐妹"),
        Other = ("other", "其他"),
    }
}

crate::labelled_enum! {
    pub enum Health {
        Healthy = ("healthy", "健康"),
        Chronic = ("chronic", "长期慢性病"),
        Serious = ("serious", "患有大病"),
        Disabled = ("disabled", "残疾"),
    }
}

crate::labelled_enum! {
    pub enum Labour {
        Skilled = ("skilled", "技能劳动力"),
        Ordinary = ("ordinary", "普通劳动力"),
        Weak = ("weak", "弱劳动力"),
        Lost = ("lost", "丧失劳动力"),
        None = ("none", "无劳动力"),
    }
}

crate::labelled_enum! {
    pub enum Schooling {
        None = ("none", "非在校"),
        Preschool = ("preschool", "学前"),
        Primary = ("primary", "小学"),
        Junior = ("junior", "初中"),
        Senior = ("senior", "高中"),
        Vocational = ("vocational", "中职"),
        Higher = ("higher", "大专及以上"),
        Dropout = ("dropout", "辍学"),
    }
}

/// Below this age a member listed with labour capacity is doubtful (疑点), not wrong.
pub const LABOUR_WARNING_AGE: i32 = 16;

/// A warning, not an error: children rarely have labour capacity.
pub fn is_doubtful_child_labour(age: i32, labour: Labour) -> bool {
    age < LABOUR_WARNING_AGE && !matches!(labour, Labour::None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_labour_is_doubtful() {
        assert!(is_doubtful_child_labour(10, Labour::Ordinary));
        assert!(!is_doubtful_child_labour(10, Labour::None));
        assert!(!is_doubtful_child_labour(16, Labour::Weak));
    }
}
