//! Taking a step of the exit procedure (rules.md §3): the checks of each step, the batch rows it
//! writes, and on the county's approval the exits recorded — one transaction with an audit entry
//! naming the user.

use super::exit_record::record_exits;
use super::queries::exits::{BATCHES, BATCH_HOUSEHOLDS, OBJECTIONS};
use crate::error::Refusal;
use crate::error::StoreError;
use crate::records::assessment::exits::{
    assess_village_households, later_years_applied, load_batch, out_of_reach, BatchState, ExitAct,
    ExitBatch,
};
use crate::records::rules::rule_book;
use crate::records::text_field;
use crate::records::WriteSession;
use crate::store::{Row, Store};
use crate::NewAudit;
use chrono::NaiveDate;
use std::collections::HashMap;
use xplus_core::accounts::Access;
use xplus_core::assessment::procedure::{
    check_notice_over, check_order, may_take, notice_last_day, ExitStage, ExitStep,
};
use xplus_core::interchange::Value;
use xplus_core::registry::RegionCode;
use xplus_core::text::TextKind;

fn date_value(d: Option<NaiveDate>) -> Value {
    d.map_or(Value::Null, Value::Date)
}

fn text_value(t: Option<&str>) -> Value {
    t.map_or(Value::Null, |t| Value::Text(t.to_string()))
}

/// The batch row with the step's fields set.
fn batch_row(b: &ExitBatch, by: &HashMap<ExitStep, (String, NaiveDate)>) -> Row {
    let who = |step| by.get(&step).map(|(u, _)| u.as_str());
    let when = |step| by.get(&step).map(|(_, d)| *d);
    Row {
        values: vec![
            Value::Region(b.village),
            Value::Int(i64::from(b.year)),
            Value::Code(b.stage.code()),
            text_value(who(ExitStep::Propose)),
            date_value(when(ExitStep::Propose)),
            date_value(when(ExitStep::Review)),
            b.review_attendees.map_or(Value::Null, Value::Int),
            text_value(who(ExitStep::Review)),
            date_value(b.notice_start),
            date_value(b.notice_last_day),
            text_value(who(ExitStep::Notice)),
            text_value(who(ExitStep::TownApproval)),
            date_value(when(ExitStep::TownApproval)),
            text_value(who(ExitStep::CountyApproval)),
            date_value(when(ExitStep::CountyApproval)),
            text_value(b.town_opinion.as_deref()),
            text_value(b.county_opinion.as_deref()),
        ],
        county: b.village.county(),
    }
}

fn household_row(b: &ExitBatch, id: &str, state: BatchState) -> Row {
    Row {
        values: vec![
            Value::Region(b.village),
            Value::Int(i64::from(b.year)),
            Value::Text(id.to_string()),
            Value::Text(state.code().into()),
        ],
        county: b.village.county(),
    }
}

fn invalid(zh: &str, en: &str) -> StoreError {
    StoreError::Refused(Refusal::Invalid(format!("{zh} / {en}")))
}

/// Takes one step of the procedure for a village and year, as `access`'s user on `today`.
pub async fn take_exit_step(
    store: &dyn Store,
    access: &Access,
    village: RegionCode,
    year: i32,
    act: ExitAct,
    today: NaiveDate,
) -> Result<ExitStage, StoreError> {
    let step = act.step();
    if !access.covers_region(village) {
        return Err(out_of_reach());
    }
    if !may_take(access, step, village) {
        return Err(StoreError::Refused(Refusal::Forbidden(format!(
            "您的账号不能进行“{}” / your account may not take the step {}",
            step.label_zh(),
            step.code()
        ))));
    }
    let mut s = store.write_session().await?;
    let stored = load_batch(s.as_mut(), village, year).await?;
    let next = check_order(stored.as_ref().map(|b| b.stage), step)
        .map_err(|e| StoreError::Refused(Refusal::Conflict(e.to_string())))?;
    let mut t = Taking::start(store, access, village, year, step, today, stored);
    match &act {
        ExitAct::Propose { date, households } => {
            t.propose(s.as_mut(), *date, households.as_deref()).await?
        }
        ExitAct::Review {
            date,
            attendees,
            agreed,
        } => t.review(*date, *attendees, agreed)?,
        ExitAct::Notice { start } => t.notice(*start).await?,
        ExitAct::Object {
            household_id,
            raised_on,
            raised_by,
            content,
        } => {
            t.object(s.as_mut(), household_id, *raised_on, raised_by, content)
                .await?
        }
        ExitAct::Resolve {
            no,
            resolution,
            upheld,
            date,
        } => {
            t.resolve(s.as_mut(), *no, resolution, *upheld, *date)
                .await?
        }
        ExitAct::TownApproval { date, opinion } => t.town_approval(*date, opinion)?,
        ExitAct::CountyApproval { date, opinion } => {
            t.county_approval(s.as_mut(), *date, opinion).await?
        }
    }
    t.batch.stage = next;
    t.store_in(s.as_mut()).await?;
    s.commit().await?;
    Ok(next)
}

/// A step being taken: the batch as it will be stored, who took each step on which day, the
/// details of the audit entry and the households whose state in the batch the step sets.
struct Taking<'a> {
    store: &'a dyn Store,
    village: RegionCode,
    year: i32,
    step: ExitStep,
    today: NaiveDate,
    user: String,
    batch: ExitBatch,
    by: HashMap<ExitStep, (String, NaiveDate)>,
    details: serde_json::Value,
    households: Vec<(String, BatchState)>,
}

impl<'a> Taking<'a> {
    /// The step `step` about to be taken on the `stored` batch (a new one for a proposal).
    fn start(
        store: &'a dyn Store,
        access: &Access,
        village: RegionCode,
        year: i32,
        step: ExitStep,
        today: NaiveDate,
        stored: Option<ExitBatch>,
    ) -> Taking<'a> {
        let by: HashMap<ExitStep, (String, NaiveDate)> = stored
            .as_ref()
            .map(|b| {
                b.steps
                    .iter()
                    .map(|(st, u, d)| (*st, (u.clone(), *d)))
                    .collect()
            })
            .unwrap_or_default();
        let batch = stored.unwrap_or(ExitBatch {
            village,
            year,
            stage: ExitStage::Proposed,
            steps: Vec::new(),
            review_attendees: None,
            notice_start: None,
            notice_last_day: None,
            town_opinion: None,
            county_opinion: None,
            households: Vec::new(),
            objections: Vec::new(),
        });
        Taking {
            store,
            village,
            year,
            step,
            today,
            user: access.user().to_string(),
            batch,
            by,
            details: serde_json::json!({ "step": step.code(), "village": village.to_string(), "year": year }),
            households: Vec::new(),
        }
    }

    /// The proposal, dated within the year: the households §3 finds eligible now, or those of
    /// them the village chose (each must be eligible; a village may leave one out, never add one).
    async fn propose(
        &mut self,
        s: &mut dyn WriteSession,
        date: NaiveDate,
        chosen: Option<&[String]>,
    ) -> Result<(), StoreError> {
        let (year, today) = (self.year, self.today);
        let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(date);
        if date > today || date < first {
            return Err(invalid(
                &format!("提名日期须在 {first} 至今天之间"),
                &format!("the proposal is dated between {first} and today"),
            ));
        }
        let (_, eligible, _) = assess_village_households(self.store, s, self.village, year).await?;
        if eligible.is_empty() {
            return Err(invalid(
                "本村本年度没有符合退出标准的贫困户，无需提名",
                "no household of the village meets the exit criteria this year; nothing to propose",
            ));
        }
        if let Some(chosen) = chosen {
            if let Some(stray) = chosen
                .iter()
                .find(|c| !eligible.iter().any(|h| &h.household_id == *c))
            {
                return Err(invalid(
                    &format!("{stray} 不符合退出标准或不属于本村，不能提名"),
                    &format!("{stray} does not meet the exit criteria or is not of this village"),
                ));
            }
            if chosen.is_empty() {
                return Err(invalid(
                    "请至少选择一户提名",
                    "choose at least one household to propose",
                ));
            }
        }
        // The eligible households left out stay in the batch as such: the assessment leaves them
        // poor this year, as the village decided, instead of exiting them outside the procedure.
        self.households = eligible
            .iter()
            .map(|h| {
                let state = if chosen.is_none_or(|c| c.contains(&h.household_id)) {
                    BatchState::Proposed
                } else {
                    BatchState::NotProposed
                };
                (h.household_id.clone(), state)
            })
            .collect();
        let named = |state| {
            self.households
                .iter()
                .filter(|(_, st)| *st == state)
                .map(|(h, _)| h.as_str())
                .collect::<Vec<_>>()
        };
        self.details["households"] = named(BatchState::Proposed).into();
        let left_out = named(BatchState::NotProposed);
        if !left_out.is_empty() {
            self.details["not_proposed"] = left_out.into();
        }
        self.by.insert(self.step, (self.user.to_string(), date));
        Ok(())
    }

    /// The democratic review: the households of the batch it agreed on, the others not.
    fn review(
        &mut self,
        date: NaiveDate,
        attendees: i64,
        agreed: &[String],
    ) -> Result<(), StoreError> {
        let proposed = self.by.get(&ExitStep::Propose).map(|(_, d)| *d);
        if date > self.today || proposed.is_some_and(|p| date < p) {
            return Err(invalid(
                "评议日期须在提名之后、不晚于今天",
                "the review is dated after the proposal and not after today",
            ));
        }
        if attendees < 1 {
            return Err(invalid(
                "请填写参加评议的人数",
                "give the number of people at the review",
            ));
        }
        if let Some(stray) = agreed.iter().find(|a| {
            !self
                .batch
                .households
                .iter()
                .any(|(h, st)| h == *a && *st == BatchState::Proposed)
        }) {
            return Err(invalid(
                &format!("{stray} 不在本批提名名单中"),
                &format!("{stray} is not in this batch"),
            ));
        }
        if agreed.is_empty() {
            return Err(invalid(
                "评议没有通过任何一户；名单无需公示",
                "the review agreed on no household; there is nothing to publish",
            ));
        }
        self.batch.review_attendees = Some(attendees);
        self.households = self
            .batch
            .households
            .iter()
            .map(|(h, st)| {
                let state = match st {
                    BatchState::Proposed if agreed.contains(h) => BatchState::Agreed,
                    BatchState::Proposed => BatchState::Disagreed,
                    // Left out of the proposal: not reviewed, stays so.
                    other => *other,
                };
                (h.clone(), state)
            })
            .collect();
        self.by.insert(self.step, (self.user.to_string(), date));
        self.details["agreed"] = agreed.iter().map(String::as_str).collect();
        self.details["attendees"] = attendees.into();
        Ok(())
    }

    /// The notice: from `start`, for the days the rules of the county and year set.
    async fn notice(&mut self, start: NaiveDate) -> Result<(), StoreError> {
        let review = self.by.get(&ExitStep::Review).map(|(_, d)| *d);
        if review.is_some_and(|r| start < r) || start > self.today {
            return Err(invalid(
                "公示须在民主评议之后开始，且不晚于今天",
                "the notice starts after the review and not after today",
            ));
        }
        let rules = rule_book(self.store)
            .await?
            .for_place(self.village.county(), self.year);
        let last = notice_last_day(start, rules.set.notice_days.value);
        self.batch.notice_start = Some(start);
        self.batch.notice_last_day = Some(last);
        self.by.insert(self.step, (self.user.to_string(), start));
        self.details["notice"] = serde_json::json!({ "start": start.to_string(), "last_day": last.to_string(), "days_source": rules.set.notice_days.source });
        Ok(())
    }

    /// An objection to a household on the published list, raised during the notice.
    async fn object(
        &mut self,
        s: &mut dyn WriteSession,
        household_id: &str,
        raised_on: NaiveDate,
        raised_by: &str,
        content: &str,
    ) -> Result<(), StoreError> {
        let (village, year, today) = (self.village, self.year, self.today);
        let batch = &self.batch;
        if !batch
            .households
            .iter()
            .any(|(h, st)| h == household_id && *st == BatchState::Agreed)
        {
            return Err(invalid(
                &format!("{household_id} 不在公示名单中"),
                &format!("{household_id} is not on the published list"),
            ));
        }
        let (Some(start), Some(last)) = (batch.notice_start, batch.notice_last_day) else {
            return Err(invalid("尚未公示", "the list is not published yet"));
        };
        if raised_on < start || raised_on > last || raised_on > today {
            return Err(invalid(
                &format!("异议日期须在公示期 {start} 至 {last} 内，且不晚于今天"),
                &format!("an objection is dated within the notice, {start} to {last}, and not after today"),
            ));
        }
        if content.trim().is_empty() || raised_by.trim().is_empty() {
            return Err(invalid(
                "请填写异议人和异议内容",
                "give who objects and what the objection is",
            ));
        }
        let raised_by = text_field("raised_by", TextKind::Name, raised_by)?;
        let content = text_field("content", TextKind::Free, content)?;
        let no = batch.objections.iter().map(|o| o.no).max().unwrap_or(0) + 1;
        s.upsert(
            &OBJECTIONS,
            Row {
                values: vec![
                    Value::Region(village),
                    Value::Int(i64::from(year)),
                    Value::Int(no),
                    Value::Text(household_id.to_string()),
                    Value::Date(raised_on),
                    Value::Text(raised_by.clone()),
                    Value::Text(content.clone()),
                    Value::Text(self.user.to_string()),
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    Value::Null,
                ],
                county: village.county(),
            },
        )
        .await?;
        self.details["objection"] = serde_json::json!({ "no": no, "household": household_id, "raised_on": raised_on.to_string(), "raised_by": raised_by, "content": content });
        Ok(())
    }

    /// The resolution of objection `no`; one upheld withdraws its household from the batch.
    async fn resolve(
        &mut self,
        s: &mut dyn WriteSession,
        no: i64,
        resolution: &str,
        upheld: bool,
        date: NaiveDate,
    ) -> Result<(), StoreError> {
        let (village, year, today) = (self.village, self.year, self.today);
        let Some(o) = self.batch.objections.iter().find(|o| o.no == no) else {
            return Err(invalid(
                &format!("没有第 {no} 条异议"),
                &format!("no objection number {no}"),
            ));
        };
        if o.resolution.is_some() {
            return Err(StoreError::Refused(Refusal::Conflict(format!(
                "第 {no} 条异议已处理 / objection {no} is resolved already"
            ))));
        }
        if resolution.trim().is_empty() {
            return Err(invalid(
                "请填写核实处理情况",
                "say how the objection was checked and resolved",
            ));
        }
        if date < o.raised_on || date > today {
            return Err(invalid(
                &format!("处理日期须在异议提出（{}）之后、不晚于今天", o.raised_on),
                &format!(
                    "the resolution is dated on or after the objection ({}) and not after today",
                    o.raised_on
                ),
            ));
        }
        let resolution = text_field("resolution", TextKind::Free, resolution)?;
        s.upsert(
            &OBJECTIONS,
            Row {
                values: vec![
                    Value::Region(village),
                    Value::Int(i64::from(year)),
                    Value::Int(no),
                    Value::Text(o.household_id.clone()),
                    Value::Date(o.raised_on),
                    Value::Text(o.raised_by.clone()),
                    Value::Text(o.content.clone()),
                    Value::Text(o.recorded_by.clone()),
                    Value::Text(resolution.clone()),
                    Value::Bool(upheld),
                    Value::Text(self.user.to_string()),
                    Value::Date(date),
                ],
                county: village.county(),
            },
        )
        .await?;
        if upheld {
            self.households
                .push((o.household_id.clone(), BatchState::Withdrawn));
        }
        self.details["resolved"] = serde_json::json!({ "no": no, "resolution": resolution, "upheld": upheld, "household": o.household_id });
        Ok(())
    }

    /// An approval's opinion: required, free text (what the official wrote).
    fn opinion(opinion: &str) -> Result<String, StoreError> {
        let opinion = xplus_core::text::field(TextKind::Free, opinion)
            .map_err(|e| StoreError::Refused(Refusal::Invalid(e)))?;
        if opinion.is_empty() {
            return Err(invalid("请填写审核意见", "write the approval's opinion"));
        }
        Ok(opinion)
    }

    /// The town's approval on `date`, after the notice is over with no objection open.
    fn town_approval(&mut self, date: NaiveDate, opinion: &str) -> Result<(), StoreError> {
        let opinion = Self::opinion(opinion)?;
        // Not before the last objection was resolved: the record must read in the order it
        // happened.
        let resolved = (self.batch.objections.iter())
            .filter_map(|o| o.resolved_on)
            .max();
        if date > self.today || resolved.is_some_and(|r| date < r) {
            return Err(invalid(
                "审核日期不能晚于今天，也不能早于异议处理日期",
                "the approval cannot be dated after today or before an objection was resolved",
            ));
        }
        let last = self
            .batch
            .notice_last_day
            .ok_or_else(|| invalid("尚未公示", "the list is not published yet"))?;
        let open = self
            .batch
            .objections
            .iter()
            .filter(|o| o.resolution.is_none())
            .count();
        check_notice_over(last, date, open)
            .map_err(|e| StoreError::Refused(Refusal::Conflict(e.to_string())))?;
        self.by.insert(self.step, (self.user.to_string(), date));
        self.batch.town_opinion = Some(opinion.clone());
        self.details["date"] = date.to_string().into();
        self.details["opinion"] = opinion.into();
        Ok(())
    }

    /// The county's approval, by another person than the town's: the agreed households' exits
    /// recorded.
    async fn county_approval(
        &mut self,
        s: &mut dyn WriteSession,
        date: NaiveDate,
        opinion: &str,
    ) -> Result<(), StoreError> {
        let opinion = Self::opinion(opinion)?;
        let town = self.by.get(&ExitStep::TownApproval).map(|(_, d)| *d);
        if date > self.today || town.is_some_and(|t| date < t) {
            return Err(invalid(
                "审定日期须不早于乡镇审核、不晚于今天",
                "the county's approval is dated on or after the town's and not after today",
            ));
        }
        let year = self.year;
        if later_years_applied(s, year).await? {
            return Err(StoreError::Refused(Refusal::Conflict(format!(
                "已记录 {year} 年以后年度的评估，不能再记录 {year} 年的脱贫 / a later year than \
                 {year} has been assessed; exits of {year} cannot be recorded under it"
            ))));
        }
        if self
            .by
            .get(&ExitStep::TownApproval)
            .is_some_and(|(u, _)| *u == self.user)
        {
            return Err(StoreError::Refused(Refusal::Forbidden(
                "乡镇审核与县级审定须由不同的人进行 / the town's and the county's approval are taken by different people".into(),
            )));
        }
        self.by.insert(self.step, (self.user.to_string(), date));
        self.batch.county_opinion = Some(opinion.clone());
        self.details["date"] = date.to_string().into();
        self.details["opinion"] = opinion.into();
        let exiting: Vec<String> = self
            .batch
            .households
            .iter()
            .filter(|(_, st)| *st == BatchState::Agreed)
            .map(|(h, _)| h.clone())
            .collect();
        let recorded = record_exits(s, &self.user, self.village, year, &exiting, date).await?;
        self.households = recorded
            .iter()
            .map(|h| (h.clone(), BatchState::Exited))
            .collect();
        self.details["exited"] = recorded.iter().map(String::as_str).collect();
        Ok(())
    }

    /// Writes the batch, the states of the households the step set and the audit entry.
    async fn store_in(self, s: &mut dyn WriteSession) -> Result<(), StoreError> {
        s.upsert(&BATCHES, batch_row(&self.batch, &self.by)).await?;
        for (h, state) in &self.households {
            s.upsert(&BATCH_HOUSEHOLDS, household_row(&self.batch, h, *state))
                .await?;
        }
        s.append_audit(vec![NewAudit {
            actor: self.user.to_string(),
            action: "exit_procedure".into(),
            entity: "exit_batches".into(),
            record_key: format!("{}:{}", self.village, self.year),
            old_values: None,
            new_values: Some(self.details.to_string()),
        }])
        .await
    }
}
