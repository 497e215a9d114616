//! The map the demo lives on: Chuzhou's real divisions (embedded from `data/`), the other Anhui
//! cities and the other provinces with their real codes and names, and synthetic counties,
//! towns and villages under them. Above the county everything is built up front (a few thousand
//! entries at national scale); a county's towns and villages are planned when it is generated.

use super::names;
use super::rng::{self, uniform, DemoRng};
use super::Scale;

/// Relative household density of a village: poor villages (贫困村) hold far more poor households
/// than ordinary ones, town communities (社区) very few.
pub const WEIGHT_POOR: f64 = 2.4;
pub const WEIGHT_RURAL: f64 = 1.0;
pub const WEIGHT_URBAN: f64 = 0.15;

/// Town communities (社区、居委会) rather than villages (村委会).
pub fn is_urban(name: &str) -> bool {
    name.contains("社区") || name.contains("居委会") || name.contains("居民委员会")
}

const CHUZHOU_CSV: &str = include_str!("../../data/chuzhou_regions.csv");

pub const ANHUI: u64 = 340_000_000_000;
pub const CHUZHOU: u64 = 341_100_000_000;
pub const TIANCHANG: u64 = 341_181_000_000;

/// Poor households in Chuzhou (the case report: 13.2万).
const CHUZHOU_HOUSEHOLDS: f64 = 132_000.0;
/// Anhui at province scale, and the whole country at national scale.
const ANHUI_HOUSEHOLDS: f64 = 1_600_000.0;
const NATION_HOUSEHOLDS: f64 = 30_000_000.0;

/// Chuzhou's counties: (code, poor villages, household density factor, rural income relative
/// to the city, pre-1992 ID prefix of the 滁县地区). The poor-village quotas add up to the case
/// report's 123; Tianchang's density gives it about 20,000 poor households.
#[rustfmt::skip]
pub const CHUZHOU_COUNTIES: [(u32, u32, f64, f64, u32); 10] = [
    (341102, 0, 0.6, 1.22, 342301),
    (341103, 8, 0.9, 1.10, 342327),
    (341122, 14, 1.0, 1.03, 342322),
    (341124, 11, 0.95, 1.08, 342323),
    (341125, 30, 1.1, 0.93, 342324),
    (341126, 25, 1.05, 0.95, 342325),
    (341171, 0, 0.5, 1.30, 342302),
    (341172, 0, 0.5, 1.28, 342303),
    (341181, 12, 1.25, 1.32, 342321),
    (341182, 23, 1.05, 0.92, 342326),
];

/// The other Anhui cities (real codes and names).
const ANHUI_CITIES: [(u64, &str); 15] = [
    (3401, "合肥市"),
    (3402, "芜湖市"),
    (3403, "蚌埠市"),
    (3404, "淮南市"),
    (3405, "马鞍山市"),
    (3406, "淮北市"),
    (3407, "铜陵市"),
    (3408, "安庆市"),
    (3410, "黄山市"),
    (3412, "阜阳市"),
    (3413, "宿州市"),
    (3415, "六安市"),
    (3416, "亳州市"),
    (3417, "池州市"),
    (3418, "宣城市"),
];

/// Provinces: code, name, weight (roughly the 2014 rural poor population in 万人 by the national
/// line, a small figure where a province's own line governed), rural income per capita 2015 and
/// 2016 in yuan (statistical yearbooks, rounded). Approximate: they only make the demo plausible.
#[rustfmt::skip]
const PROVINCES: [(u64, &str, u32, i64, i64); 31] = [
    (11, "北京市", 5, 20569, 22310), (12, "天津市", 8, 18482, 20076),
    (13, "河北省", 320, 11051, 11919), (14, "山西省", 269, 9454, 10082),
    (15, "内蒙古自治区", 98, 10776, 11609), (21, "辽宁省", 126, 12057, 12881),
    (22, "吉林省", 81, 11326, 12123), (23, "黑龙江省", 115, 11095, 11832),
    (31, "上海市", 3, 23205, 25520), (32, "江苏省", 95, 16257, 17606),
    (33, "浙江省", 40, 21125, 22866), (34, "安徽省", 0, 10821, 11720),
    (35, "福建省", 45, 13793, 14999), (36, "江西省", 276, 11139, 12138),
    (37, "山东省", 264, 12930, 13954), (41, "河南省", 565, 10853, 11697),
    (42, "湖北省", 323, 11844, 12725), (43, "湖南省", 532, 10993, 11930),
    (44, "广东省", 115, 13360, 14512), (45, "广西壮族自治区", 540, 9467, 10359),
    (46, "海南省", 47, 10858, 11843), (50, "重庆市", 119, 10505, 11549),
    (51, "四川省", 597, 10247, 11203), (52, "贵州省", 623, 7387, 8090),
    (53, "云南省", 574, 8242, 9020), (54, "西藏自治区", 61, 8244, 9094),
    (61, "陕西省", 350, 8689, 9396), (62, "甘肃省", 417, 6936, 7457),
    (63, "青海省", 52, 7933, 8664), (64, "宁夏回族自治区", 45, 9119, 9852),
    (65, "新疆维吾尔自治区", 212, 9425, 10183),
];

/// One row of the embedded Chuzhou file.
pub struct Row {
    pub code: u64,
    pub name: &'static str,
    pub level: &'static str,
}

/// Chuzhou's real divisions, sorted by code (as the file is).
pub struct Chuzhou {
    pub rows: Vec<Row>,
    /// Households per unit of village weight that gives the case report's city total.
    pub density: f64,
}

impl Chuzhou {
    pub fn load() -> Chuzhou {
        let rows: Vec<Row> = CHUZHOU_CSV
            .lines()
            .skip(1)
            .filter(|l| !l.is_empty())
            .map(|line| {
                // The README guarantees names without commas or quotes.
                let mut f = line.split(',');
                let code = f.next().and_then(|c| c.parse().ok()).expect("code");
                let name = f.next().expect("name");
                let level = f.next().expect("level");
                Row { code, name, level }
            })
            .collect();
        let mut chuzhou = Chuzhou { rows, density: 0.0 };
        let weight: f64 = CHUZHOU_COUNTIES
            .iter()
            .map(|&(code6, poor, factor, _, _)| {
                let county = u64::from(code6) * 1_000_000;
                let (rural, urban) = chuzhou.villages_of(county).fold((0.0, 0.0), |(r, u), row| {
                    if is_urban(row.name) {
                        (r, u + 1.0)
                    } else {
                        (r + 1.0, u)
                    }
                });
                let w = rural * WEIGHT_RURAL
                    + f64::from(poor) * (WEIGHT_POOR - WEIGHT_RURAL)
                    + urban * WEIGHT_URBAN;
                w * factor
            })
            .sum();
        chuzhou.density = CHUZHOU_HOUSEHOLDS / weight;
        chuzhou
    }

    /// Villages and communities of a county (`code6`), as the real list has them.
    pub fn village_count(&self, code6: u32) -> u64 {
        self.villages_of(u64::from(code6) * 1_000_000).count() as u64
    }

    fn villages_of(&self, county: u64) -> impl Iterator<Item = &Row> {
        self.rows
            .iter()
            .filter(move |r| r.level == "village" && r.code / 1_000_000 == county / 1_000_000)
    }

    fn name_of(&self, code: u64) -> &'static str {
        self.rows
            .iter()
            .find(|r| r.code == code)
            .map(|r| r.name)
            .expect("a Chuzhou code")
    }
}

pub struct Province {
    pub code: u64,
    pub name: String,
    /// Rural income per capita in yuan, 2015 and 2016.
    pub income: [i64; 2],
    pub cities: Vec<City>,
}

pub struct City {
    pub code: u64,
    pub name: String,
    pub income: [i64; 2],
    pub counties: Vec<County>,
}

pub struct County {
    pub code: u64,
    pub name: String,
    pub income: [i64; 2],
    pub source: Source,
}

pub enum Source {
    /// A real Chuzhou county: poor-village quota, density factor, old ID prefix.
    Chuzhou {
        poor: u32,
        factor: f64,
        old_area: u32,
    },
    /// A synthetic county with a target number of poor households.
    Synthetic { households: f64 },
}

impl County {
    pub fn code6(&self) -> u32 {
        (self.code / 1_000_000) as u32
    }
}

/// Everything above the county level for a scale.
pub fn geography(scale: Scale, chuzhou: &Chuzhou) -> Vec<Province> {
    let anhui = |cities| Province {
        code: ANHUI,
        name: "安徽省".into(),
        income: [10821, 11720],
        cities,
    };
    match scale {
        Scale::County => {
            let mut city = chuzhou_city(chuzhou);
            city.counties.retain(|c| c.code == TIANCHANG);
            vec![anhui(vec![city])]
        }
        Scale::City => vec![anhui(vec![chuzhou_city(chuzhou)])],
        Scale::Province => vec![anhui(anhui_cities(chuzhou))],
        Scale::National => {
            let total_weight: f64 = PROVINCES.iter().map(|p| f64::from(p.2)).sum();
            let others = NATION_HOUSEHOLDS - ANHUI_HOUSEHOLDS;
            PROVINCES
                .iter()
                .map(|&(code2, name, weight, i15, i16)| {
                    if code2 == 34 {
                        anhui(anhui_cities(chuzhou))
                    } else {
                        let households = others * f64::from(weight) / total_weight;
                        synthetic_province(code2, name, [i15, i16], households)
                    }
                })
                .collect()
        }
    }
}

fn chuzhou_city(chuzhou: &Chuzhou) -> City {
    let income = [10070, 10956];
    let counties = CHUZHOU_COUNTIES
        .iter()
        .map(|&(code6, poor, factor, rel, old_area)| {
            let code = u64::from(code6) * 1_000_000;
            County {
                code,
                name: chuzhou.name_of(code).to_string(),
                income: income.map(|v| (v as f64 * rel).round() as i64),
                source: Source::Chuzhou {
                    poor,
                    factor,
                    old_area,
                },
            }
        })
        .collect();
    City {
        code: CHUZHOU,
        name: chuzhou.name_of(CHUZHOU).to_string(),
        income,
        counties,
    }
}

fn anhui_cities(chuzhou: &Chuzhou) -> Vec<City> {
    let per_city = (ANHUI_HOUSEHOLDS - CHUZHOU_HOUSEHOLDS) / ANHUI_CITIES.len() as f64;
    let mut cities: Vec<City> = ANHUI_CITIES
        .iter()
        .map(|&(code4, name)| {
            let code = code4 * 100_000_000;
            let mut g = rng::geo(code);
            let households = per_city * uniform(&mut g, 0.8, 1.2);
            let income = jitter_income(&mut g, [10821, 11720], 0.85, 1.2);
            synthetic_city(code, name.to_string(), income, households, false, &mut g)
        })
        .collect();
    cities.push(chuzhou_city(chuzhou));
    cities.sort_by_key(|c| c.code);
    cities
}

fn jitter_income(g: &mut DemoRng, base: [i64; 2], lo: f64, hi: f64) -> [i64; 2] {
    let f = uniform(g, lo, hi);
    let growth = uniform(g, 1.075, 1.095);
    let y15 = (base[0] as f64 * f).round();
    [y15 as i64, (y15 * growth).round() as i64]
}

fn synthetic_province(code2: u64, name: &str, income: [i64; 2], households: f64) -> Province {
    let code = code2 * 10_000_000_000;
    let mut g = rng::geo(code);
    let municipality = matches!(code2, 11 | 12 | 31 | 50);
    let n = if municipality {
        if households > 150_000.0 {
            2
        } else {
            1
        }
    } else {
        ((households / 110_000.0).round() as usize).clamp(1, 21)
    };
    let mut taken = Vec::new();
    let cities = (1..=n as u64)
        .map(|i| {
            let city_code = code + i * 100_000_000;
            let city_name = if municipality {
                if i == 1 { "市辖区" } else { "县" }.to_string()
            } else {
                names::unique(&mut g, &mut taken, |r| {
                    format!("{}市", names::county_stem(r))
                })
            };
            let share = households / n as f64 * uniform(&mut g, 0.8, 1.2);
            let city_income = jitter_income(&mut g, income, 0.88, 1.15);
            let mut cg = rng::geo(city_code);
            synthetic_city(
                city_code,
                city_name,
                city_income,
                share,
                municipality,
                &mut cg,
            )
        })
        .collect();
    Province {
        code,
        name: name.to_string(),
        income,
        cities,
    }
}

/// A synthetic city's counties: a district (区, code 02) first, counties (县, 21…) next and
/// a county-level city (市, 81) last. In a municipality every county is a district, except in
/// its second "city" (县).
fn synthetic_city(
    code: u64,
    name: String,
    income: [i64; 2],
    households: f64,
    municipality: bool,
    g: &mut DemoRng,
) -> City {
    let n = ((households / 15_000.0).round() as u64).clamp(1, 16);
    let second_of_municipality = municipality && code / 100_000_000 % 100 == 2;
    let mut taken = Vec::new();
    let counties = (0..n)
        .map(|i| {
            let (digits, suffix) = if municipality {
                if second_of_municipality {
                    (21 + i, "县")
                } else {
                    (1 + i, "区")
                }
            } else if i == 0 && n > 1 {
                (2, "区")
            } else if i == n - 1 && n > 3 {
                (81, "市")
            } else {
                // Counties are numbered from 21, after the district if there is one.
                (if n > 1 { 20 + i } else { 21 }, "县")
            };
            let stem = names::unique(g, &mut taken, names::county_stem);
            County {
                code: code + digits * 1_000_000,
                name: format!("{stem}{suffix}"),
                income: jitter_income(g, income, 0.85, 1.18),
                source: Source::Synthetic {
                    households: households / n as f64 * uniform(g, 0.75, 1.25),
                },
            }
        })
        .collect();
    City {
        code,
        name,
        income,
        counties,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chuzhou_loads() {
        let c = Chuzhou::load();
        assert_eq!(c.rows.len(), 1403);
        assert!(c.density > 50.0 && c.density < 200.0, "{}", c.density);
    }

    #[test]
    fn national_has_31_provinces_and_valid_codes() {
        let c = Chuzhou::load();
        let g = geography(Scale::National, &c);
        assert_eq!(g.len(), 31);
        for p in &g {
            for city in &p.cities {
                assert_eq!(city.code / 10_000_000_000, p.code / 10_000_000_000);
                for county in &city.counties {
                    assert_eq!(county.code / 100_000_000, city.code / 100_000_000);
                    assert!(county.code % 100_000_000 != 0);
                }
            }
        }
    }
}
