//! The files' own consistency: dependency order, keys, names.

use super::*;

#[test]
fn files_are_in_dependency_order_and_consistent() {
    for (i, f) in ALL_FILES.iter().enumerate() {
        assert_eq!(spec(f.id).name, f.name);
        for c in f.columns {
            if let Some(to) = c.refers {
                assert!(to <= f.id, "{}.{} refers forward", f.name, c.en);
            }
        }
        assert!(!f.key.is_empty());
        for &k in f.key {
            assert!(f.columns[k].required, "{} key must be required", f.name);
        }
        let mut names: Vec<_> = f.columns.iter().map(|c| c.en).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), f.columns.len(), "{} duplicate column", f.name);
        let mut zh: Vec<_> = f.columns.iter().map(|c| c.zh).collect();
        zh.sort();
        zh.dedup();
        assert_eq!(
            zh.len(),
            f.columns.len(),
            "{} duplicate Chinese header",
            f.name
        );
        assert_eq!(ALL_FILES[i].id as usize, i);
    }
    assert_eq!(find_file("Households.csv").unwrap().id, FileId::Households);
    assert_eq!(find_file("贫困户").unwrap().id, FileId::Households);
    assert_eq!(HOUSEHOLDS.find_header("户编号"), Some(0));
    assert_eq!(HOUSEHOLDS.find_header("\u{feff}household_id"), Some(0));
}
