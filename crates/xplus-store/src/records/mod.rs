//! Registry records as the web application and the API read and change them: one household at a
//! time or a page of a list, always through an [`Access`](xplus_core::accounts::Access), so a
//! query cannot forget whose records it may reach.
//!
//! The logic is written once here against [`ReadSession`], a handful of primitives each backend
//! provides (select and count rows of a bundle table, upsert one row, append to the audit log).

mod assessment;
mod backbone;
mod collective;
mod education;
mod entries;
mod entries_context;
mod entries_queries;
mod industry;
mod registry;
mod reporting;
mod rules;
mod rules_queries;
mod shape;
mod stamped;

pub use crate::error::FieldProblem;
pub use assessment::apply::{apply_assessment, AppliedAssessment};
pub use assessment::apply_year::{apply_year, YearApplied};
pub use assessment::attachments::{
    attach_to_exit_step, exit_attachment, exit_attachments, AttachmentMeta,
};
pub use assessment::case_steps::{
    add_measure, case_counts, case_detail, case_list, close_case, household_cases, CaseFilter,
    CasePage, CaseState, CloseTold, MeasureTold,
};
pub use assessment::cases::{open_case, CaseTold, Outside, StoredCase, StoredMeasure};
pub use assessment::chain::{full_chain, ChainHousehold, ChainView, NextSteps};
pub use assessment::correction::{
    correct_outcome, corrections_of_year, CorrectionNote, OutcomeCorrection,
};
pub use assessment::crosscheck::{crosscheck, Crosscheck, FindingRow, Malformed, ProblemRow};
pub use assessment::exit_steps::take_exit_step;
pub use assessment::exits::{
    direct_exits, exit_batches, exit_view, BatchState, BatchSummary, DirectExits, ExitAct,
    ExitBatch, ExitView, Objection,
};
pub use assessment::finding_lists::{
    finding_list, task_counts, FindingEntry, FindingFilter, FindingList, FindingState, TaskCounts,
    TownTaskCount,
};
pub use assessment::findings::{
    apply_findings, finding_attachment, household_findings, record_outcome, AttachmentNote,
    FindingsApplied, OutcomeTold, StoredFinding,
};
pub use assessment::judge::{
    assess_counties, assess_year, counties_within, household_assessment, AssessmentSink,
    AssessmentSummary, HouseholdAssessment, Judgement, Standing, StoredOutcome, VillageAssessment,
    WhyView,
};
pub use assessment::kept_facts::KeptFacts;
pub use assessment::monitoring::{
    monitoring_list, MonitoringEntry, MonitoringList, MonitoringOutcome, RISK_REMOVED_BECAUSE,
};
pub use assessment::waiting::{open_batches, WaitingBatch};
pub use assessment::what_if::{
    read_ahead, read_ahead_all, what_if_counties, what_if_year, Changed, EligibilityChange,
    WhatIfSink, WhatIfSummary,
};
pub use backbone::activity::{
    count_unit_pairings, unit_pairings, unit_pairings_page, visits_by_month, CadreVisits,
    UnitPairingView,
};
pub use backbone::field_visits::{
    household_visits, own_cadre, record_visit, visit_of_day, visit_photo, FieldVisit, NewVisit,
    PhotoMeta, RecordedVisit, VisitKey, VisitWithPhotos,
};
pub use backbone::my_households::{my_households, MyHousehold, MyHouseholds};
pub use backbone::pairings::{
    helper_suggestions, household_pairings, save_pairing, save_unit_pairing, HelperSuggestion,
    PairingRequest, PairingView,
};
pub use backbone::party_building::{party_building, PartyBuilding};
pub use backbone::postings::{posting_coverage, PostingCoverage};
pub use backbone::review::{
    review_criteria, review_ranking, save_review, set_review_criteria, CriteriaInForce, ReviewLine,
    ReviewRanking,
};
pub use backbone::secretaries::{secretaries_overview, SecretariesOverview};
pub use backbone::startups::{startup_view, StartupView};
pub use backbone::village_cadres::{village_cadre_figures, VillageCadreFigures, VillageCadreView};
pub use backbone::visits::{latest_visit_year, visit_totals, visits_page, VisitTotals};
pub use backbone::visits_due::{overdue_visits, visits_due, DueVisit, VisitsDue};
pub use backbone::visits_kept::{CountyDue, KeptDue};
pub use collective::adjustment::{
    adjustment_plan, apply_adjustment, AdjustmentApplied, AdjustmentView,
};
pub use collective::assets::{
    asset_register, village_collective, AssetRow, IncomeYear, VillageCollective,
};
pub use collective::dividends::{
    apply_dividends, dividends, Applied, DividendRun, ProjectDividends,
};
pub use collective::funds::{funds_overview, FundRegion, FundTotal, FundsOverview};
pub use collective::overview::{
    collective_overview, household_shares, project_view, CollectiveOverview, CountyInvestors,
    CountyLoans, HouseholdShares, ProjectView, VillageEconomy,
};
pub use collective::targets::{
    collective_targets, rules_for_view, viewed_region, CollectiveTargets, PlannedVillage,
};
pub use education::coverage::{coverage, training_of_year, CoverageView};
pub use education::lectures::{lecture_view, LectureView};
pub use education::roll::{
    attendance_roll, session_villages, RollHousehold, RollMember, SessionVillages,
};
pub use entries::{
    entry_file, is_writable, list_entries, save_entries, EntryPage, SavedEntries, ENTRY_FILES,
};
pub use industry::overview::{
    by_village, industry_overview, HouseholdIndustry, IndustryActivity, IndustryOverview,
    OrgKindTally, PlannedExitVillage, Tally,
};
pub use industry::page::{industry_activity, industry_page, IndustryPage};
pub use industry::targets::{industry_targets, IndustryTargets, TargetFigures};
pub use industry::workers::{one_worker, NoWorker, OneWorker, WorkerFigures};
pub use registry::history::{audit_page, household_history, AuditQuery};
pub use registry::household::{fingerprint, household, HouseholdRecord};
pub use registry::income_correction::{income_corrections_of_year, IncomeCorrectionNote};
pub use registry::membership::{late_member_changes, member_leaves, ChangeTold, MemberChangeNote};
pub use registry::read::{
    count_households, each_household, list_households, region, region_children, region_names_of,
    region_trail, village, HouseholdQuery, HouseholdSort, RegionNode, VillageFacts,
};
pub(crate) use registry::save::text_field;
pub use registry::save::{save_change, save_derived, save_record, stale, Change, Derive, Saved};
pub use registry::search::{
    search_households, search_people, search_regions, Found, HouseholdHit, PersonHit, RegionHit,
};
pub use registry::years::{household_rows, standings_by_year};
pub use reporting::dashboard::{dashboard, dashboard_region, AtEnd, Dashboard, RegionFigures};
pub use reporting::gap_pages::{
    chain_gap_page, kept_chain, training_gap_page, ChainFigures, GapPage, KeptChain, Missing,
};
pub use reporting::latest::latest_year_of;
pub use reporting::ranking::{counts_of, ranking, RankedRegion};
pub use reporting::report::{
    report_as_of, year_report, BackboneFigures, CollectiveFigures, CoverageFigures,
    HouseholdFigures, IndustryFigures, PersonFigures, RuralIncome, StartupFigures, TrainingFigures,
    VillageFigures, YearReport,
};
pub use reporting::responsibility::{household_card, village_cards, Card, CardMember, Responsible};
pub(crate) use reporting::rollup::mark_all_for_refresh;
pub use reporting::rollup::{
    dirty_counties, mark_for_refresh, refresh_rollups, rollup_state, FigureKey, Figures, Refreshed,
};
pub use reporting::rollup_verify::{
    rebuild_visit_reach, verify_rollups, Difference, Verification, VisitDifference,
};
pub use rules::{rule_book, set_rule};

pub use crate::session::{
    Arg, CompactRow, CompactRows, Filter, HouseholdSummary, Page, ReadSession, WriteSession,
};
