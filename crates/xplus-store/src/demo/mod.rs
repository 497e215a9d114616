//! Synthetic but realistic demo data (`xplus demo`): a complete bundle of CSV files for
//! Tianchang, Chuzhou, Anhui or the whole country, shaped on the Chuzhou case report (13.2万
//! poor households, 123 poor villages, 1,413 stations, 32 pledge loans) so that the 2016
//! assessment has something real to decide. At city scale the rules, run on the generated
//! records, give the report's headline figures (`shares`, docs/demo.md).
//!
//! The bundle is streamed county by county: only one county's households are ever in memory,
//! and each county draws from its own seeded streams, so the same seed gives byte-identical
//! files at any scale and a county's data does not depend on which counties came before it.

mod backbone;
mod collective;
mod context;
mod county;
mod education;
mod family;
mod funds;
mod industry;
mod names;
mod party_building;
mod people;
mod plan;
mod reach;
mod regions;
mod rng;
mod secretaries;
mod selected;
mod shares;
mod startups;
mod targets;
mod units;
mod village_cadres;
mod writer;

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use writer::{code, money, region, text, year, Writers};
use xplus_core::interchange::FileId;
use xplus_core::registry::Level;
use xplus_core::Fen;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scale {
    /// 天长市 alone, about 20,000 poor households.
    County,
    /// All of Chuzhou, about 132,000.
    City,
    /// Anhui: Chuzhou and fifteen synthetic cities, about 1.6 million.
    Province,
    /// All 31 provinces, about 30 million households and 100 million people.
    National,
}

impl Scale {
    pub const ALL: [Scale; 4] = [Scale::County, Scale::City, Scale::Province, Scale::National];

    pub fn name(self) -> &'static str {
        match self {
            Scale::County => "county",
            Scale::City => "city",
            Scale::Province => "province",
            Scale::National => "national",
        }
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("未知的规模“{0}”，可选 county、city、province、national / unknown scale {0:?}: county, city, province or national")]
pub struct ParseScaleError(pub String);

impl FromStr for Scale {
    type Err = ParseScaleError;

    fn from_str(s: &str) -> Result<Scale, ParseScaleError> {
        let s = s.trim();
        Scale::ALL
            .into_iter()
            .find(|scale| scale.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| ParseScaleError(s.to_string()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    pub scale: Scale,
    pub seed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub households: u64,
    pub members: u64,
    /// Data rows over all files, headers not counted.
    pub rows_written: u64,
    /// Rows per file, by file name (`households`), in the order of `ALL_FILES`.
    pub files: Vec<(&'static str, u64)>,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("写入演示数据失败 / cannot write the demo data: {0}")]
    Io(#[from] std::io::Error),
    #[error("写入演示数据失败 / cannot write the demo data: {0}")]
    Csv(#[from] csv::Error),
}

/// Writes a complete bundle (every file of `ALL_FILES`, English headers, UTF-8 without BOM, LF)
/// into `dir`, creating it if missing. `progress` is called now and then with (households
/// done, households in all).
pub fn write_bundle(
    dir: &Path,
    options: &DemoOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<DemoSummary, DemoError> {
    std::fs::create_dir_all(dir)?;
    let seed = options.seed;
    let chuzhou = regions::Chuzhou::load();
    let geography = regions::geography(options.scale, &chuzhou);
    // Planning a county is cheap (no households yet), so a first pass gives the exact total
    // for the progress bar.
    let total: u64 = geography
        .iter()
        .flat_map(|p| &p.cities)
        .flat_map(|c| &c.counties)
        .map(|k| plan::plan(k, &chuzhou, seed).households())
        .sum();
    progress(0, total);
    let mut done = 0u64;
    let mut out = Writers::create(dir)?;
    for province in &geography {
        let row = [
            region(province.code),
            text(province.name.clone()),
            code(Level::Province.code()),
            xplus_core::interchange::Value::Null,
        ];
        out.row(FileId::Regions, &row)?;
        statistics(&mut out, province.code, province.income)?;
        for city in &province.cities {
            let row = [
                region(city.code),
                text(city.name.clone()),
                code(Level::City.code()),
                region(province.code),
            ];
            out.row(FileId::Regions, &row)?;
            statistics(&mut out, city.code, city.income)?;
            let city6 = (city.code / 1_000_000) as u32;
            let units = backbone::units(city6, &city.name, true);
            backbone::write_units(&mut out, &units)?;
            for county in &city.counties {
                let plan = plan::plan(county, &chuzhou, seed);
                let mut tick = |n: u64| {
                    done += n;
                    progress(done, total);
                };
                county::write(&mut out, seed, county, city.code, &plan, &units, &mut tick)?;
                statistics(&mut out, county.code, county.income)?;
            }
        }
    }
    let households = out.count(FileId::Households);
    let members = out.count(FileId::Members);
    let files = out.finish()?;
    Ok(DemoSummary {
        households,
        members,
        rows_written: files.iter().map(|(_, n)| n).sum(),
        files,
    })
}

/// Rural income per capita (农村居民人均可支配收入) for 2015 and 2016.
fn statistics(out: &mut Writers, code: u64, income: [i64; 2]) -> Result<(), DemoError> {
    for (y, yuan) in [2015, 2016].into_iter().zip(income) {
        out.row(
            FileId::Statistics,
            &[region(code), year(y), money(Fen::from_yuan(yuan))],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_parse_and_print() {
        for s in Scale::ALL {
            assert_eq!(s.to_string().parse::<Scale>(), Ok(s));
        }
        assert_eq!("City".parse::<Scale>(), Ok(Scale::City));
        assert!("town".parse::<Scale>().is_err());
    }
}
