//! The helping units (帮扶单位) of a city or a county: the 骨干 files start from them.

use super::names;
use super::rng::{self, stream};
use super::writer::{code, text, Writers};
use super::DemoError;
use xplus_core::backbone::UnitKind;
use xplus_core::interchange::FileId;

pub struct Unit {
    pub id: String,
    pub name: String,
    pub kind: UnitKind,
}

const ORGANS: [&str; 16] = [
    "财政局",
    "发展和改革委员会",
    "教育局",
    "民政局",
    "人力资源和社会保障局",
    "农业委员会",
    "水利局",
    "交通运输局",
    "卫生和计划生育委员会",
    "国土资源局",
    "住房和城乡建设委员会",
    "商务局",
    "审计局",
    "统计局",
    "林业局",
    "扶贫开发工作办公室",
];
const INSTITUTIONS: [&str; 5] = [
    "人民医院",
    "中医院",
    "疾病预防控制中心",
    "农业技术推广中心",
    "广播电视台",
];

/// The units of a city (`city`) or a county. The county's party organisation department comes
/// first: it is the unit of the county's graduate village officials.
pub fn units(code6: u32, name: &str, city: bool) -> Vec<Unit> {
    let mut g = stream(0, u64::from(code6), rng::tag::BACKBONE);
    // 天长市 → 天长, for names such as 国网天长供电公司.
    let short = match name.chars().count() {
        3 | 4 => name
            .strip_suffix(['市', '县', '区'])
            .unwrap_or(name)
            .to_string(),
        _ => name.to_string(),
    };
    let mut list: Vec<(String, UnitKind)> = Vec::new();
    let party: &[&str] = if city {
        &["组织部", "宣传部", "统战部", "政法委员会"]
    } else {
        &["组织部", "宣传部"]
    };
    for p in party {
        list.push((format!("中共{name}委{p}"), UnitKind::Organ));
    }
    for o in &ORGANS[..if city { 16 } else { 12 }] {
        list.push((format!("{name}{o}"), UnitKind::Organ));
    }
    for i in &INSTITUTIONS[..if city { 4 } else { 3 }] {
        list.push((format!("{name}{i}"), UnitKind::Institution));
    }
    let mut enterprises = vec![
        format!("国网{short}供电公司"),
        format!("中国农业银行{short}{}", if city { "分行" } else { "支行" }),
        format!("{short}农村商业银行"),
    ];
    if city {
        enterprises.push(format!("中国移动{short}分公司"));
    }
    for e in enterprises {
        list.push((e, UnitKind::Enterprise));
    }
    let mut taken = Vec::new();
    for _ in 0..if city { 3 } else { 2 } {
        let stem = names::unique(&mut g, &mut taken, names::place);
        list.push((format!("{name}{stem}社区党委"), UnitKind::UrbanPartyOrg));
    }
    list.into_iter()
        .enumerate()
        .map(|(i, (name, kind))| Unit {
            id: format!("DW{code6}{:02}", i + 1),
            name,
            kind,
        })
        .collect()
}

pub fn write_units(out: &mut Writers, units: &[Unit]) -> Result<(), DemoError> {
    for u in units {
        out.row(
            FileId::Units,
            &[
                text(u.id.clone()),
                text(u.name.clone()),
                code(u.kind.code()),
            ],
        )?;
    }
    Ok(())
}
