//! The case report's headline figures (issue 23): the numbers the Chuzhou case report of 2017
//! quotes for 2016, each as xplus counts it from the records, with the number as the report
//! prints it and the range its rounding covers. The yearly report shows the counted figure
//! beside the quoted one, so that anyone can see the records bear the report out — or not.
//!
//! What each figure counts is defined here in words (its `meaning`) and counted by the store;
//! the quoted numbers and their ranges are the case report's, not targets: nothing is judged
//! by them.

use crate::money::Fen;

/// The year the case report's figures are of.
pub const CASE_YEAR: i32 = 2016;

/// The part of the chain a figure belongs to, in the case report's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Overall,
    Education,
    Backbone,
    Collective,
    Industry,
}

impl Section {
    pub const ALL: [Section; 5] = [
        Section::Overall,
        Section::Education,
        Section::Backbone,
        Section::Collective,
        Section::Industry,
    ];

    /// (中文, English).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Section::Overall => ("脱贫成效", "Results"),
            Section::Education => ("远教+贫困户", "Distance education"),
            Section::Backbone => ("骨干+贫困户", "Backbone helpers"),
            Section::Collective => ("集体+贫困户", "Collective equity"),
            Section::Industry => ("产业+贫困户", "Industry and jobs"),
        }
    }
}

/// How a quoted number was rounded, and so which counted values it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Given to the unit.
    Exact,
    /// "4.5万": to the nearest `step` (half a step either side).
    Nearest(i64),
    /// "1500多": at least the number, below the next `step`.
    Over(i64),
    /// "近300": below the number, within a tenth of it.
    Nearly,
}

/// A number as the case report prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quote {
    /// As printed (中文, English).
    pub zh: &'static str,
    pub en: &'static str,
    /// The number itself, in the figure's unit (fen for money).
    pub value: i64,
    pub rounding: Rounding,
}

impl Quote {
    /// The counted values the quote stands for, inclusive.
    pub fn range(&self) -> (i64, i64) {
        let v = self.value;
        match self.rounding {
            Rounding::Exact => (v, v),
            Rounding::Nearest(step) => (v - step / 2, v + (step + 1) / 2 - 1),
            Rounding::Over(step) => (v, v + step - 1),
            Rounding::Nearly => (v - v / 10, v - 1),
        }
    }

    /// Whether a counted value is what the quote says, within its rounding.
    pub fn holds(&self, counted: i64) -> bool {
        let (low, high) = self.range();
        (low..=high).contains(&counted)
    }
}

const fn quote(zh: &'static str, en: &'static str, value: i64, rounding: Rounding) -> Quote {
    Quote {
        zh,
        en,
        value,
        rounding,
    }
}

const YUAN: i64 = 100;

/// One headline figure of the case report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CaseFigure {
    VillagesExited,
    PersonsExited,
    Stations,
    StationInvestment,
    LearningHouseholds,
    JointPartyOrgs,
    SelectedCadres,
    Recalls,
    DegreeCadres,
    ExchangeSecretaries,
    StartupFunding,
    StartupBases,
    StartupHouseholds,
    Loans,
    LoanAmount,
    ChainOrgs,
    OvopProjects,
    SpecialtyHouseholds,
    IndustryPersons,
    Commissioners,
    CommissionerParticipants,
    LabourBases,
    CourseAttendance,
    TrainedPlaced,
    JobFairs,
    JobPosts,
    PlacedPersons,
    IndustryTargets,
}

/// What a figure is: its key (JSON), its names, its section, whether it is money, what it
/// counts, and the case report's number.
pub struct Definition {
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub section: Section,
    pub money: bool,
    /// What is counted (中文 / English), for the report's notes and docs/report.md.
    pub meaning: &'static str,
    pub quote: Quote,
}

impl CaseFigure {
    pub const ALL: [CaseFigure; 28] = [
        CaseFigure::VillagesExited,
        CaseFigure::PersonsExited,
        CaseFigure::Stations,
        CaseFigure::StationInvestment,
        CaseFigure::LearningHouseholds,
        CaseFigure::JointPartyOrgs,
        CaseFigure::SelectedCadres,
        CaseFigure::Recalls,
        CaseFigure::DegreeCadres,
        CaseFigure::ExchangeSecretaries,
        CaseFigure::StartupFunding,
        CaseFigure::StartupBases,
        CaseFigure::StartupHouseholds,
        CaseFigure::Loans,
        CaseFigure::LoanAmount,
        CaseFigure::ChainOrgs,
        CaseFigure::OvopProjects,
        CaseFigure::SpecialtyHouseholds,
        CaseFigure::IndustryPersons,
        CaseFigure::Commissioners,
        CaseFigure::CommissionerParticipants,
        CaseFigure::LabourBases,
        CaseFigure::CourseAttendance,
        CaseFigure::TrainedPlaced,
        CaseFigure::JobFairs,
        CaseFigure::JobPosts,
        CaseFigure::PlacedPersons,
        CaseFigure::IndustryTargets,
    ];

    pub fn key(self) -> &'static str {
        self.definition().key
    }

    /// A money figure is counted in fen and shown in yuan.
    pub fn is_money(self) -> bool {
        self.definition().money
    }

    pub fn definition(self) -> Definition {
        use CaseFigure::*;
        use Rounding::*;
        use Section::*;
        let d = |key, zh, en, section, meaning, quote| Definition {
            key,
            zh,
            en,
            section,
            money: false,
            meaning,
            quote,
        };
        let money = |key, zh, en, section, meaning, quote| Definition {
            money: true,
            ..d(key, zh, en, section, meaning, quote)
        };
        match self {
            VillagesExited => d("villages_exited", "贫困村出列", "Poor villages exited", Overall,
                "当年出列的贫困村（与 villages.exited_in_year 相同）/ poor villages whose exit year is Y",
                quote("56个", "56", 56, Exact)),
            PersonsExited => d("persons_exited", "贫困人口脱贫", "Poor persons exited", Overall,
                "当年脱贫户年末的人数（与 persons.exited_in_year 相同）/ the persons of the households that exited in Y",
                quote("4.5万", "45,000", 45_000, Nearest(1_000))),
            Stations => d("stations", "更新升级远教站点", "Stations upgraded", Education,
                "升级年度不晚于 Y 的远教站点（不含中心学习户）/ stations (not learning households) upgraded in Y or before",
                quote("1413个", "1,413", 1_413, Exact)),
            StationInvestment => money("station_investment", "站点建设投入", "Invested in stations", Education,
                "上述站点的投入资金之和 / the investment of those stations",
                quote("15万元", "150,000 yuan", 150_000 * YUAN, Nearest(10_000 * YUAN))),
            LearningHouseholds => d("learning_households", "中心学习户", "Central learning households", Education,
                "类型为中心学习户的站点 / stations of the kind learning household",
                quote("120个", "120", 120, Exact)),
            JointPartyOrgs => d("joint_party_orgs", "联合党组织", "Joint party organisations", Backbone,
                "Y 年底前与结对单位建立联合党组织的村 / villages with a joint party organisation with their unit by the end of Y",
                quote("123个", "123", 123, Exact)),
            SelectedCadres => d("selected_cadres", "选派干部", "Selected cadres", Backbone,
                "Y 年底前驻村的第一书记和工作队员（按驻村记录，每人计一次，被召回的也计）/ first secretaries and work-team members posted to a village by the end of Y, each once (the recalled included)",
                quote("177名", "177", 177, Exact)),
            Recalls => d("recalls", "召回选派干部", "Selected cadres recalled", Backbone,
                "Y 年底前作出的召回决定 / recalls decided by the end of Y",
                quote("1名", "1", 1, Exact)),
            DegreeCadres => d("degree_cadres", "参加学历教育", "In degree courses", Backbone,
                "Y 年底前开始的学历教育 / degree courses begun by the end of Y",
                quote("47名", "47", 47, Exact)),
            ExchangeSecretaries => d("exchange_secretaries", "赴名村强村挂职", "Seconded to strong villages", Backbone,
                "Y 年底前开始的挂职锻炼 / secondments begun by the end of Y",
                quote("23名", "23", 23, Exact)),
            StartupFunding => money("startup_funding", "大学生村官创业资金", "Graduate officials' start-up funds", Backbone,
                "Y 年底前开始的村官创业项目的资金 / the funds of graduate officials' start-ups begun by the end of Y",
                quote("1600多万元", "over 16 million yuan", 16_000_000 * YUAN, Over(1_000_000 * YUAN))),
            StartupBases => d("startup_bases", "创业示范基地", "Start-up bases", Backbone,
                "上述项目的不同基地 / the distinct bases of those start-ups",
                quote("54个", "54", 54, Exact)),
            StartupHouseholds => d("startup_households", "创业带动贫困户", "Poor households brought along by start-ups", Backbone,
                "Y 年底前加入上述项目的贫困户（按创业带动贫困户记录，每户计一次，已结束的也计）/ the poor households linked to those start-ups by the end of Y (startup_households.csv), each once (links that ended included)",
                quote("近300名", "nearly 300", 300, Nearly)),
            Loans => d("loans", "农权贷", "Equity-backed loans", Collective,
                "Y 年底前发放的农权贷笔数 / pledge loans issued by the end of Y",
                quote("32笔", "32", 32, Exact)),
            LoanAmount => money("loan_amount", "农权贷金额", "Equity-backed loans, amount", Collective,
                "上述贷款的金额 / their amount",
                quote("216.5万元", "2.165 million yuan", 2_165_000 * YUAN, Exact)),
            ChainOrgs => d("chain_orgs", "产业链上的党组织", "Party organisations on industry chains", Industry,
                "Y 年底前建在产业基地、协会、合作社上的党组织 / organisations on bases, associations and cooperatives established by the end of Y",
                quote("328个", "328", 328, Exact)),
            OvopProjects => d("ovop_projects", "一村一品产业项目", "One-village-one-product projects", Industry,
                "Y 年或以前开始的一村一品项目 / projects of Y or before",
                quote("61个", "61", 61, Exact)),
            SpecialtyHouseholds => d("specialty_households", "发展特色种养产业", "Households in specialty farming", Industry,
                "Y 年有种植或养殖记录的户 / households with crops or livestock recorded for Y",
                quote("10171户", "10,171", 10_171, Exact)),
            IndustryPersons => d("industry_persons", "产业覆盖贫困人口", "Poor persons covered by industry", Industry,
                "年初贫困户中参与产业或就业的户的人数（全链条“产业”一环）/ the persons of the households poor at the start of Y that took part in industry or jobs",
                quote("4.9万人", "49,000", 49_000, Nearest(1_000))),
            Commissioners => d("commissioners", "科技扶贫特派员", "Science and technology commissioners", Industry,
                "登记的科技特派员 / commissioners registered",
                quote("55名", "55", 55, Exact)),
            CommissionerParticipants => d("commissioner_participants", "实用技术培训人次", "Practical training, person-times", Industry,
                "Y 年科技特派员培训的参训人次 / participants of the commissioners' trainings of Y",
                quote("6400多人次", "over 6,400", 6_400, Over(100))),
            LabourBases => d("labour_bases", "劳务培训基地", "Labour training bases", Industry,
                "Y 年底前开课的劳动力培训的不同基地 / the distinct bases of labour courses begun by the end of Y",
                quote("13个", "13", 13, Exact)),
            CourseAttendance => d("course_attendance", "创业就业培训人次", "Labour training, person-times", Industry,
                "Y 年内开课的劳动力培训的参训人次 / attendances of labour courses running in Y",
                quote("1500多人次", "over 1,500", 1_500, Over(100))),
            TrainedPlaced => d("trained_placed", "培训带动就业", "Trainees placed in jobs", Industry,
                "Y 年参训、并在开课后至 Y 年底开始转移就业的人 / persons trained in Y placed in a job from the course's start to the end of Y",
                quote("300多人", "over 300", 300, Over(100))),
            JobFairs => d("job_fairs", "招聘会和劳务对接会", "Job fairs", Industry,
                "Y 年举办的招聘会 / job fairs held in Y",
                quote("65场", "65", 65, Exact)),
            JobPosts => d("job_posts", "发布转移就业岗位", "Posts offered", Industry,
                "Y 年招聘会提供的岗位 / the posts those fairs offered",
                quote("1.2万个", "12,000", 12_000, Nearest(1_000))),
            PlacedPersons => d("placed_persons", "实现转移就业", "Persons placed in jobs", Industry,
                "Y 年内有一天在岗的转移就业人数（与 industry.placed_persons 相同）/ persons with a placement running some day of Y",
                quote("7300多人", "over 7,300", 7_300, Over(100))),
            IndustryTargets => d("industry_targets", "产业创业扶贫对象", "Industry and start-up support targets", Industry,
                "Y 年或以前确定为产业创业扶贫对象的户 / households chosen as industry and start-up support targets in Y or before",
                quote("2.2万户", "22,000", 22_000, Nearest(1_000))),
        }
    }

    /// A counted value as the report prints it: yuan with two decimals for money, the number
    /// otherwise.
    pub fn show(self, value: i64) -> String {
        if self.is_money() {
            Fen(value).to_string()
        } else {
            value.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_covers_what_the_report_would_print() {
        let q = CaseFigure::PersonsExited.definition().quote;
        assert_eq!(q.range(), (44_500, 45_499));
        assert!(q.holds(44_500) && q.holds(45_499) && !q.holds(45_500) && !q.holds(44_499));
        let over = CaseFigure::CourseAttendance.definition().quote;
        assert_eq!(over.range(), (1_500, 1_599));
        let nearly = CaseFigure::StartupHouseholds.definition().quote;
        assert_eq!(nearly.range(), (270, 299));
        assert!(!nearly.holds(300));
        let targets = CaseFigure::IndustryTargets.definition().quote;
        assert_eq!(targets.range(), (21_500, 22_499));
        let exact = CaseFigure::VillagesExited.definition().quote;
        assert_eq!(exact.range(), (56, 56));
        let yuan = CaseFigure::StationInvestment.definition().quote;
        assert_eq!(yuan.range(), (14_500_000, 15_499_999));
    }

    #[test]
    fn keys_are_unique_and_every_figure_is_listed_once() {
        let mut keys: Vec<&str> = CaseFigure::ALL.iter().map(|f| f.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), CaseFigure::ALL.len());
        assert_eq!(
            CaseFigure::show(CaseFigure::LoanAmount, 216_500_000),
            "2165000.00"
        );
    }
}
