//! Chinese personal and place names. Surnames follow their rough frequency (with the Anhui
//! flavour of 汪、储、葛、鲍); given names follow the fashion of the decade of birth, so a
//! grandmother is 秀英 and her granddaughter 梓涵.

use super::rng::{chance, pick, DemoRng};

/// (surname, relative frequency).
#[rustfmt::skip]
const SURNAMES: &[(&str, u32)] = &[
    ("王", 70), ("李", 68), ("张", 66), ("刘", 52), ("陈", 45), ("杨", 30), ("赵", 22),
    ("黄", 22), ("周", 21), ("吴", 20), ("徐", 17), ("孙", 15), ("胡", 14), ("朱", 13),
    ("高", 12), ("林", 10), ("何", 12), ("郭", 12), ("马", 11), ("罗", 9), ("梁", 8),
    ("宋", 8), ("郑", 8), ("谢", 7), ("韩", 7), ("唐", 7), ("冯", 7), ("于", 6), ("董", 6),
    ("程", 6), ("曹", 6), ("袁", 6), ("邓", 5), ("许", 6), ("沈", 5), ("曾", 4), ("彭", 5),
    ("吕", 5), ("苏", 5), ("卢", 5), ("蒋", 5), ("蔡", 5), ("贾", 4), ("丁", 5), ("魏", 4),
    ("薛", 4), ("叶", 4), ("余", 4), ("潘", 4), ("杜", 4), ("戴", 4), ("夏", 4), ("钟", 3),
    ("汪", 6), ("田", 3), ("任", 3), ("姜", 3), ("范", 3), ("方", 4), ("石", 3), ("姚", 3),
    ("谭", 2), ("廖", 2), ("邹", 2), ("熊", 2), ("金", 3), ("陆", 3), ("郝", 2), ("孔", 2),
    ("白", 2), ("崔", 2), ("康", 2), ("毛", 2), ("邱", 2), ("秦", 2), ("江", 2), ("史", 2),
    ("顾", 2), ("侯", 2), ("邵", 2), ("孟", 2), ("万", 2), ("段", 2), ("章", 2), ("钱", 2),
    ("汤", 2), ("尹", 2), ("常", 2), ("武", 2), ("乔", 2), ("葛", 2), ("储", 2), ("桂", 1),
    ("翟", 1), ("殷", 1), ("倪", 1), ("鲍", 1), ("凌", 1), ("盛", 1), ("窦", 1), ("岳", 1),
];

/// Given-name characters by era of birth and sex: (first characters, second characters).
const OLD_MALE: (&str, &str) = (
    "德国文永长金玉明建志家光树学保广富春庆立宝正成兴有万洪福启传中开",
    "华明林山才贵发福成生根宝和全友义祥清顺安江元胜海堂龙民喜泉春章奎田荣",
);
const OLD_FEMALE: (&str, &str) = (
    "秀桂玉兰凤翠素淑春金银月彩爱美冬小巧",
    "英兰珍芳梅莲荣花香娥芝琴芬霞云萍菊华凤",
);
const MID_MALE: (&str, &str) = (
    "建国卫红志海文俊晓小永新宏振伟学云德春立",
    "军伟勇强磊涛斌波刚杰峰辉亮鹏俊平超飞东明华林兵锋",
);
const MID_FEMALE: (&str, &str) = (
    "红丽晓小春秀海玉美雪金桂彩艳",
    "丽红燕霞娟敏静艳芳玲萍琴慧云洁梅莉英雪凤",
);
const YOUNG_MALE: (&str, &str) = (
    "子浩宇俊博文泽睿晨嘉天一梓思明家志雨",
    "轩涵杰宇阳鑫辰然凯豪铭航博睿浩宁",
);
const YOUNG_FEMALE: (&str, &str) = (
    "欣雨诗佳梦思雅可子若语嘉梓一紫心",
    "怡萱琪婷涵悦馨蕊彤瑶晴妍雪欣洁璐",
);

/// Place-name syllables as in 王庄、柳湾、高岗、新集.
const PLACE_FIRST: &str =
    "东西南北大小新高黄白石柳桃杏龙凤青金安永长太平兴丰和福民光明双三五七八古上下前后中马王张李刘陈杨赵周吴孙胡朱何郭徐宋郑韩唐许曹程蒋沈丁梁樊汪储葛桑杜兰梅竹松荷";
const PLACE_SECOND: &str =
    "庄集岗湾桥店营圩塘郢洼山岭河湖庙楼铺寨埠台沟坝墩园林冲埂涧渡坊城口港堡洲井店郢";
/// County and city names as in 安宁、泰和、怀远.
const COUNTY_FIRST: &str =
    "安宁泰和平阳昌丰城源江山德兴远宜清华嘉庆永定怀临通广武乐福寿长东西南北新汉云";
const COUNTY_SECOND: &str = "阳城江山安宁平丰远川源河泉水州台陵化康昌都南乡德";

fn char_at(pool: &str, rng: &mut DemoRng) -> char {
    let n = pool.chars().count();
    pool.chars()
        .nth(rand::Rng::random_range(rng, 0..n))
        .expect("index below count")
}

/// Index of a surname, drawn by frequency.
pub fn surname(rng: &mut DemoRng) -> usize {
    let total: u32 = SURNAMES.iter().map(|(_, w)| w).sum();
    let mut x = rand::Rng::random_range(rng, 0..total);
    for (i, (_, w)) in SURNAMES.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    unreachable!("x < total")
}

/// A surname other than `other` (spouses come from other families).
pub fn other_surname(rng: &mut DemoRng, other: usize) -> usize {
    loop {
        let s = surname(rng);
        if s != other {
            return s;
        }
    }
}

/// A full name: the surname and a one- or two-character given name in the fashion of the
/// birth year.
pub fn person(rng: &mut DemoRng, surname: usize, male: bool, birth_year: i32) -> String {
    let (pool, single) = match (birth_year, male) {
        (..1960, true) => (OLD_MALE, 0.2),
        (..1960, false) => (OLD_FEMALE, 0.15),
        (1960..1990, true) => (MID_MALE, 0.45),
        (1960..1990, false) => (MID_FEMALE, 0.4),
        (_, true) => (YOUNG_MALE, 0.25),
        (_, false) => (YOUNG_FEMALE, 0.2),
    };
    let mut name = String::with_capacity(9);
    name.push_str(SURNAMES[surname].0);
    if chance(rng, single) {
        name.push(char_at(pool.1, rng));
    } else {
        let first = char_at(pool.0, rng);
        let mut second = char_at(pool.1, rng);
        if second == first {
            second = char_at(pool.1, rng);
        }
        name.push(first);
        name.push(second);
    }
    name
}

/// A two-character place stem such as 柳湾.
pub fn place(rng: &mut DemoRng) -> String {
    let mut s = String::with_capacity(6);
    s.push(char_at(PLACE_FIRST, rng));
    s.push(char_at(PLACE_SECOND, rng));
    s
}

/// A two-character county or city stem such as 怀远.
pub fn county_stem(rng: &mut DemoRng) -> String {
    loop {
        let a = char_at(COUNTY_FIRST, rng);
        let b = char_at(COUNTY_SECOND, rng);
        if a != b {
            return format!("{a}{b}");
        }
    }
}

/// Draws names with `make` until one is not in `taken` (names are unique within their parent;
/// after many clashes a numeral tells them apart).
pub fn unique(
    rng: &mut DemoRng,
    taken: &mut Vec<String>,
    mut make: impl FnMut(&mut DemoRng) -> String,
) -> String {
    for _ in 0..40 {
        let name = make(rng);
        if !taken.contains(&name) {
            taken.push(name.clone());
            return name;
        }
    }
    let name = format!("{}{}", make(rng), numeral(taken.len() + 1));
    taken.push(name.clone());
    name
}

/// 1 → 一 … 99 → 九十九, for group names (第三村民组).
pub fn numeral(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", D[n - 10]),
        _ => {
            let tail = match n % 10 {
                0 => "",
                d => D[d],
            };
            format!("{}十{}", D[(n / 10) % 10], tail)
        }
    }
}

/// A mobile number as the carriers issued them around 2016 (13x, 15x, 18x).
pub fn phone(rng: &mut DemoRng) -> String {
    const PREFIXES: &[&str] = &[
        "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
        "153", "155", "156", "157", "158", "159", "180", "181", "182", "183", "185", "186", "187",
        "188", "189",
    ];
    let prefix = pick(rng, PREFIXES);
    let rest: u32 = rand::Rng::random_range(rng, 0..100_000_000);
    format!("{prefix}{rest:08}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals() {
        assert_eq!(numeral(3), "三");
        assert_eq!(numeral(10), "十");
        assert_eq!(numeral(12), "十二");
        assert_eq!(numeral(20), "二十");
        assert_eq!(numeral(35), "三十五");
    }

    #[test]
    fn names_look_chinese() {
        let mut rng = super::super::rng::stream(1, 2, 3);
        for year in [1940, 1975, 2008] {
            for male in [true, false] {
                let s = surname(&mut rng);
                let name = person(&mut rng, s, male, year);
                let n = name.chars().count();
                assert!((2..=3).contains(&n), "{name}");
            }
        }
        assert_eq!(phone(&mut rng).len(), 11);
    }
}
