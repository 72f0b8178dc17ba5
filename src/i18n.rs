//! The report language: every user-facing word of the reports, in Chinese and
//! English, in one table.
//!
//! Reports speak Chinese when most recognised input headers are Chinese,
//! English otherwise; `--lang` chooses.

use crate::analyze::{Status, Tier};
use crate::records::{Dataset, Dimension, Measure};
use serde::Serialize;

/// A report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// 中文
    Zh,
    /// English
    En,
}

impl Lang {
    /// Chinese when most recognised header cells are Chinese, English otherwise.
    pub fn detect(ds: &Dataset) -> Lang {
        let (mut zh, mut en) = (0usize, 0usize);
        for c in ds.tables.iter().flat_map(|t| &t.columns) {
            if c.header.chars().any(is_cjk) {
                zh += 1;
            } else {
                en += 1;
            }
        }
        if zh >= en && zh > 0 {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The word for a key in this language.
    pub fn t(self, key: Key) -> &'static str {
        let (zh, en) = key.text();
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// A key's text with `{0}`, `{1}` … replaced by `args` (a language may
    /// order them differently).
    ///
    /// ```
    /// use qbr::i18n::{Key, Lang};
    /// assert_eq!(Lang::En.fill(Key::SumWrote, &["out/a.html"]), "Wrote out/a.html");
    /// assert_eq!(Lang::Zh.fill(Key::SumPaceUnit, &["林燕", "个人", "60%"]), "林燕（个人）完成率 60%");
    /// ```
    pub fn fill(self, key: Key, args: &[&str]) -> String {
        let mut out = String::new();
        let mut rest = self.t(key);
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let arg = after
                .find('}')
                .and_then(|close| Some((after[..close].parse::<usize>().ok()?, close)));
            match arg.and_then(|(i, close)| Some((args.get(i)?, close))) {
                Some((value, close)) => {
                    out.push_str(value);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Items in a run-on list: `a、b` in Chinese, `a, b` in English.
    pub fn join(self, items: &[String]) -> String {
        items.join(match self {
            Lang::Zh => "、",
            Lang::En => ", ",
        })
    }

    /// A dimension's name.
    pub fn dimension(self, d: &Dimension) -> String {
        let key = match d {
            Dimension::Total => Key::DimTotal,
            Dimension::Customer => Key::DimCustomer,
            Dimension::Product => Key::DimProduct,
            Dimension::Region => Key::DimRegion,
            Dimension::Group => Key::DimGroup,
            Dimension::Person => Key::DimPerson,
            Dimension::Month => Key::DimMonth,
            Dimension::Custom(c) => {
                return match self {
                    Lang::Zh => c.zh.clone(),
                    Lang::En => c.en.clone(),
                };
            }
            Dimension::Other(s) => return s.clone(),
        };
        self.t(key).to_string()
    }

    /// A measure's name.
    pub fn measure(self, m: &Measure) -> String {
        match (self, Measure::CATALOGUE.iter().find(|(c, ..)| c == m)) {
            (Lang::Zh, Some((_, _, zh))) => zh.to_string(),
            (Lang::En, Some((_, key, _))) => measure_en(key),
            (_, None) => match m {
                Measure::Other(s) => s.clone(),
                _ => m.key().to_string(),
            },
        }
    }

    /// A suggestion rule's name.
    pub fn rule(self, r: crate::next::Rule) -> &'static str {
        use crate::next::Rule;
        self.t(match r {
            Rule::RaiseExcellent => Key::RuleRaiseExcellent,
            Rule::HoldShortBoard => Key::RuleHoldShortBoard,
            Rule::LowerPersistentShortBoard => Key::RuleLowerPersistent,
            Rule::LeverTraining => Key::RuleLeverTraining,
            Rule::LeverMarketing => Key::RuleLeverMarketing,
            Rule::LeverCoaching => Key::RuleLeverCoaching,
            Rule::LeverProduct => Key::RuleLeverProduct,
            Rule::FlagShareMismatch => Key::RuleShareMismatch,
            Rule::ShiftBudget => Key::RuleShiftBudget,
        })
    }

    /// A suggestion's evidence in this language: `完成率 80.69%，计划占比 30.00%`.
    pub fn evidence(self, s: &crate::next::Suggestion) -> String {
        let label = |k: &str| {
            let key = match k {
                "completion" => Key::EvCompletion,
                "previous_completion" => Key::EvPreviousCompletion,
                "previous_completion_estimated" => Key::EvPreviousProxy,
                "plan_share" => Key::EvPlanShare,
                "actual_share" => Key::EvActualShare,
                "leads" => Key::EvLeads,
                "leads_per_10k_target" => Key::EvLeadsDensity,
                "level_average" => Key::EvLevelAverage,
                "conversion" => Key::EvConversion,
                "level_conversion" => Key::EvLevelConversion,
                "group" => Key::EvGroup,
                "group_completion" => Key::EvGroupCompletion,
                "share_of_group_shortfall" => Key::EvShareOfShortfall,
                "share_by_region" => Key::EvShareByRegion,
                "success_line" => Key::EvSuccessLine,
                "action" => Key::EvAction,
                "return_index" => Key::EvReturnIndex,
                "to_action" => Key::EvToAction,
                "to_return_index" => Key::EvToReturnIndex,
                "shift_amount" => Key::EvShiftAmount,
                "buys_here" => Key::EvBuysHere,
                "buys_there" => Key::EvBuysThere,
                other => return other.to_string(),
            };
            self.t(key).to_string()
        };
        let sep = match self {
            Lang::Zh => "，",
            Lang::En => ", ",
        };
        s.evidence
            .iter()
            .map(|(k, v)| format!("{} {v}", label(k)))
            .collect::<Vec<_>>()
            .join(sep)
    }

    /// Where an action's actual output came from.
    pub fn output_source(self, s: crate::analyze::resources::OutputSource) -> &'static str {
        use crate::analyze::resources::OutputSource;
        self.t(match s {
            OutputSource::Sheet => Key::SourceSheet,
            OutputSource::Orders => Key::SourceOrders,
            OutputSource::Activities => Key::SourceActivities,
            OutputSource::Unit => Key::SourceUnit,
            OutputSource::Unknown => Key::SourceUnknown,
        })
    }

    /// Whether an action finished inside its dates: yes, no, or still running.
    pub fn on_time(self, on_time: Option<bool>) -> &'static str {
        self.t(match on_time {
            Some(true) => Key::Yes,
            Some(false) => Key::No,
            None => Key::Running,
        })
    }

    /// The target an action serves: `区域 · 华东`, or the Serves cell as written.
    pub fn serves(self, a: &crate::analyze::resources::ActionReview) -> String {
        match (&a.dimension, &a.unit) {
            (Some(d), Some(u)) => format!("{} · {u}", self.dimension(d)),
            _ => a.serves.clone(),
        }
    }

    /// A status word.
    pub fn status(self, s: Status) -> &'static str {
        self.t(match s {
            Status::ShortBoard => Key::StatusShortBoard,
            Status::OnTrack => Key::StatusOnTrack,
            Status::Excellent => Key::StatusExcellent,
        })
    }

    /// Every key's word in this language, by the key's name (`Target` → 目标), for templates.
    pub fn table(self) -> std::collections::BTreeMap<String, &'static str> {
        Key::ALL
            .iter()
            .map(|k| (format!("{k:?}"), self.t(*k)))
            .collect()
    }

    /// The language code for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// A tier word.
    pub fn tier(self, t: Tier) -> &'static str {
        self.t(match t {
            Tier::None => Key::TierNone,
            Tier::Base => Key::TierBase,
            Tier::Stretch => Key::TierStretch,
            Tier::Challenge => Key::TierChallenge,
        })
    }
}

fn measure_en(key: &str) -> String {
    match key {
        "aov" => "Average order value".into(),
        other => {
            let s = other.replace('_', " ");
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

macro_rules! keys {
    ($( $variant:ident => $zh:literal, $en:literal; )*) => {
        /// Every user-facing word of the reports.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Key { $( $variant, )* }

        impl Key {
            /// Every key.
            pub const ALL: &'static [Key] = &[ $( Key::$variant, )* ];
            /// (Chinese, English)
            pub fn text(self) -> (&'static str, &'static str) {
                match self { $( Key::$variant => ($zh, $en), )* }
            }
        }
    };
}

keys! {
    ReviewTitle => "季度复盘", "Quarterly review";
    SheetOverview => "概览", "Overview";
    SheetTeam => "团队", "Team";
    SheetShortBoards => "短板", "Short boards";
    SheetRanking => "团队排名", "Team ranking";
    SheetTrend => "月度趋势", "Monthly trend";
    SheetPace => "进度", "Pace";
    SheetDataIssues => "数据问题", "Data issues";
    Period => "期间", "Period";
    AsOf => "数据截至", "Data as of";
    InProgress => "季度进行中", "Quarter in progress";
    Complete => "季度已结束", "Quarter complete";
    Target => "目标", "Target";
    Actual => "实际", "Actual";
    Completion => "完成率", "Completion";
    Gap => "差额", "Gap";
    Status => "状态", "Status";
    Tier => "达成档位", "Tier reached";
    Unit => "单元", "Unit";
    Parent => "上级", "Parent";
    Measure => "指标", "Measure";
    Owner => "负责人", "Owner";
    Dimension => "维度", "Dimension";
    Rank => "排名", "Rank";
    Shortfall => "缺口金额", "Money left on the table";
    Pareto => "帕累托 80%", "Pareto 80%";
    Yes => "是", "yes";
    StatusCounts => "各状态单元数", "Units per status";
    CompanyTargets => "公司整体指标", "Company targets";
    Count => "个数", "Count";
    TopShortBoards => "主要短板", "Top short boards";
    CompletionByUnit => "各维度完成率", "Completion by dimension";
    TargetVsActual => "目标与实际", "Target against actual";
    Inputs => "数据来源", "Built from";
    Workbooks => "工作簿", "Workbooks";
    OrderLines => "本期订单行", "Order lines in the period";
    OrderAmount => "本期订单金额", "Order amount in the period";
    Duplicates => "重复行（只计一次）", "Duplicate lines (counted once)";
    Rejected => "被拒绝的行", "Rejected rows";
    HistoryLines => "历史订单行", "History lines";
    Unassigned => "未归属", "Unassigned";
    Lines => "行数", "Lines";
    Amount => "金额", "Amount";
    Month => "月份", "Month";
    Sales => "销售额", "Sales";
    Quarter => "季度", "Quarter";
    Trend => "趋势", "Trend";
    QuarterlyTrend => "各单元季度趋势", "Quarterly trend per unit";
    Expected => "应完成", "Expected by now";
    PaceRatio => "进度比", "Pace";
    BehindPace => "落后进度", "Behind pace";
    Code => "代码", "Code";
    Severity => "级别", "Severity";
    Location => "位置", "Location";
    Message => "说明", "Message";
    Help => "建议", "What to do";
    Excellent => "优秀", "Excellent";
    NeedsImprovement => "待改进", "Needs improvement";
    StatusShortBoard => "短板", "short board";
    StatusOnTrack => "正常", "on track";
    StatusExcellent => "优秀", "excellent";
    TierNone => "未达成", "none";
    TierBase => "基础目标", "base";
    TierStretch => "冲刺目标", "stretch";
    TierChallenge => "挑战目标", "challenge";
    DimTotal => "总计", "Total";
    DimCustomer => "客户", "Customer";
    DimProduct => "产品", "Product";
    DimRegion => "区域", "Region";
    DimGroup => "小组", "Group";
    DimPerson => "个人", "Person";
    DimMonth => "月份", "Month";
    MoneyUnit => "金额单位", "Money unit";
    Yuan => "元", "CNY";
    NoIssues => "没有数据问题", "No data issues";
    Headline => "总体完成情况", "Headline";
    ReportFooter => "由 qbr 根据收件箱中的工作簿生成；明细见附件工作簿。", "Built by qbr from the workbooks in the inbox; the detail is in the attached workbook.";
    DetailInWorkbook => "完整明细见附件工作簿。", "The full detail is in the attached workbook.";
    WholeCompany => "全公司", "Whole company";
    TargetsSheet => "目标分解", "Targets";
    ExplanationSheet => "测算依据", "How it was derived";
    Unallocated => "未分配", "Unallocated";
    NextTargetsTitle => "销售目标分解（建议稿）", "sales targets (proposal)";
    NextTargetsNote => "由 qbr 根据上季度复盘生成。金额单位：元。白色单元格可以修改；占比和未分配是公式。", "Built by qbr from last quarter's review. Money in yuan. White cells are yours to edit; share and unallocated are formulas.";
    GrowthFactor => "季度增长系数", "Quarterly growth factor";
    PlanInputs => "输入文件", "Inputs";
    PlanRecentShare => "最近季度占比", "recent share";
    PlanStrategyWeight => "策略权重", "strategy weight";
    PlanShareOfParent => "份额", "share";
    PlanLevelShare => "职级权重占比", "level-weight share";
    PlanHistoryShare => "上季度销售占比", "share of sales in";
    PlanSeasonality => "去年同季度月度占比", "the month's share a year earlier";
    PlanEqualMonths => "无去年同期数据：按月平分", "no history a year earlier: equal months";
    PlanAov => "新客户客单价", "new-customer AOV";
    PlanTitle => "销售目标分解（规划稿）", "sales targets (plan)";
    PlanNote => "由 qbr plan 根据历史数据自上而下分解。金额单位：元。测算依据见第二个工作表。", "Decomposed top-down by qbr plan from the history. Money in yuan. How each number was derived: second sheet.";
    InitExamples => "示例（位于表头上方，不会被读取）", "Examples (above the header, never read)";
    InitInstructions => "使用说明", "Instructions";
    IncentivesTitle => "激励预览", "incentive preview";
    Restricted => "受限：含薪酬与奖金数据，仅供 HR 与管理层，请勿转发", "Restricted: salaries and payouts, for HR and management only; do not forward";
    SheetBonus => "季度奖金", "Bonus";
    SheetCommission => "提成", "Commission";
    SheetPromotion => "晋升候选", "Promotion candidates";
    BonusTier => "奖金档位", "Bonus tier";
    MonthlySalary => "月薪", "Monthly salary";
    BonusRate => "奖金比例", "Bonus rate";
    Bonus => "季度奖金", "Quarterly bonus";
    LifeNew => "新客户", "new customers";
    LifeReturning => "老客户", "returning customers";
    LifeChurned => "召回客户", "recalled customers";
    CustomerCommission => "客户类型提成", "Commission by customer type";
    ProductCommission => "产品类别提成", "Commission by product class";
    CommissionTotal => "提成合计", "Commission total";
    Estimated => "估算", "Estimated";
    OkrLabel => "OKR", "OKR";
    EvSuccessLine => "成功线", "success line";
    SheetSuggestions => "建议", "Suggestions";
    Rule => "规则", "Rule";
    NextTarget => "下季度建议目标", "Proposed next-quarter target";
    Evidence => "依据", "Evidence";
    NoSuggestions => "没有需要调整的单元", "No unit needs an adjustment";
    RuleRaiseExcellent => "上调：超额完成，目标向实际产出靠拢", "Raise: beat the target, move toward the run rate";
    RuleHoldShortBoard => "保持：首次成为短板，先找原因", "Hold: first quarter as a short board, find the cause";
    RuleLowerPersistent => "下调占比：连续短板，占比向实际结构靠拢一半", "Lower the share: short two quarters running, halfway to the sales mix";
    RuleLeverTraining => "培训与辅导：线索充足但转化率低", "Training and coaching: enough leads, low conversion";
    RuleLeverMarketing => "市场支持：线索不足", "Marketing support: too few leads";
    RuleLeverCoaching => "个人辅导：一人拖累小组", "Individual coaching: one person drags the group down";
    RuleLeverProduct => "产品与定价：该品类在所有区域都落后，不是销售团队的问题", "Product and pricing: the class lags in every region, not a sales-team problem";
    RuleShareMismatch => "占比与实际销售结构不符", "Share no longer matches the sales mix";
    EvCompletion => "完成率", "completion";
    EvPreviousCompletion => "上季度完成率", "last quarter's completion";
    EvPreviousProxy => "上季度完成率（按公司增长折算）", "last quarter's completion (estimated at the company's growth)";
    EvPlanShare => "计划占比", "planned share";
    EvActualShare => "实际占比", "actual share";
    EvLeads => "线索量", "leads";
    EvLeadsDensity => "每万元目标线索", "leads per 10,000 of target";
    EvLevelAverage => "同级平均", "level average";
    EvConversion => "成交转化率", "conversion";
    EvLevelConversion => "同级转化率", "level conversion";
    EvGroup => "小组", "group";
    EvGroupCompletion => "小组完成率", "group completion";
    EvShareOfShortfall => "占小组缺口", "share of the group's shortfall";
    EvShareByRegion => "各区域占比", "share by region";
    ShowingTop => "仅列出前若干项", "Showing the first entries";
    RuleShiftBudget => "调配预算：从低回报行动移向高回报行动", "Shift budget from a low-return action to a high-return one";
    EvAction => "行动", "action";
    EvReturnIndex => "回报指数", "return index";
    EvToAction => "移至", "move to";
    EvToReturnIndex => "其回报指数", "its return index";
    EvShiftAmount => "调配金额", "amount";
    EvBuysHere => "该金额在此可带来", "buys here";
    EvBuysThere => "在彼处可带来", "buys there";
    SheetResources => "资源", "Resources";
    Resources => "资源投入与回报", "Resources and return";
    Action => "行动", "Action";
    Serves => "服务目标", "Serves";
    ExpectedOutput => "预期产出", "Expected output";
    ActualOutput => "实际产出", "Actual output";
    OutputSource => "产出来源", "Output from";
    Attainment => "产出达成", "Output attained";
    Budget => "预算", "Budget";
    Spent => "实际花费", "Spent";
    CostPerOutput => "单位产出成本", "Cost per unit of output";
    PlannedCostPerOutput => "计划单位成本", "Planned cost per unit";
    ReturnIndex => "回报指数", "Return index";
    OnTime => "按期完成", "On time";
    No => "否", "no";
    Running => "进行中", "running";
    OverspentShort => "超支且产出不足", "Overspent and short";
    Unplanned => "没有行动计划的目标", "Targets without a plan";
    SourceSheet => "表格填写", "the sheet";
    SourceOrders => "订单推算", "orders";
    SourceActivities => "过程指标推算", "activities";
    SourceUnit => "单元季度值", "the unit's quarter";
    SourceUnknown => "未知", "unknown";
    ProposalsHeading => "一线建议目标（自下而上）", "Bottom-up proposals";
    ProposalWeight => "一线建议权重", "weight of the proposals";
    Rationale => "理由", "rationale";
    TopDown => "自上而下", "top-down";
    Proposed => "一线建议", "proposed";
    Proposer => "提议人", "Proposer";
    Blended => "加权", "blended";
    FittedToParent => "按上级调整后", "fitted to its parent";
    ProposalNotInPlan => "规划中没有该单元，未采用", "not a unit of the plan; left out";
    // The terminal summary of `qbr review`: lines with `{0}`, `{1}` … filled by [`Lang::fill`].
    SumTitle => "qbr 复盘 {0}（数据截至 {1}，{2}）", "qbr review {0} (as of {1}, {2})";
    SumInProgress => "季度进行中，已过 {0}", "in progress, {0} of the quarter elapsed";
    SumComplete => "季度已结束", "quarter complete";
    SumTotal => "总销售额：目标 {0}，实际 {1}，完成率 {2}，差额 {3} — {4}", "Total sales: target {0}, actual {1}, completion {2}, gap {3} — {4}";
    SumUnit => "{0} 目标 {1}  实际 {2}  {3}  {4}", "{0} target {1}  actual {2}  {3}  {4}";
    SumUnassigned => "未归属：{0} 行，{1}", "unassigned: {0} line(s), {1}";
    SumShortBoards => "短板（缺口金额从大到小；* = 帕累托 80% 集合）", "Short boards (money left on the table first; * = Pareto 80% set)";
    SumShortBoard => "{0}（{1} · {2}）完成率 {3}", "{0} ({1} · {2}): {3}";
    SumShortfall => "，缺口 {0}", ", {0} short";
    SumMore => "…… 另有 {0} 项，见 summary.json", "… {0} more in summary.json";
    SumRanking => "{0}：优秀：{1}；待改进：{2}", "{0}: excellent: {1}; needs improvement: {2}";
    SumNone => "无", "none";
    SumNotAvailable => "无", "n/a";
    SumCustomers => "客户：新客户 {0}，老客户 {1}，召回客户 {2}", "Customers: {0} new, {1} returning, {2} recalled";
    SumNoHistory => "（本期之前没有订单历史：所有客户都计为新客户）", " (no order history before the period: every customer counts as new)";
    SumRates => "复购率 {0}（此前活跃 {1} 家）；召回率 {2}（期初流失 {3} 家）；新客户转化率 {4}", "repurchase rate {0} of {1} active before; recall rate {2} of {3} churned; new-customer conversion {4}";
    SumBehindPace => "落后进度（此时应完成 {0}）", "Behind pace (expected {0} by now)";
    SumPaceUnit => "{0}（{1}）完成率 {2}", "{0} ({1}): {2}";
    SumBuiltFrom => "数据来源：{0} 个工作簿；{2} 订单 {1} 行，金额 {3}；重复 {4} 行只计一次（{5}）；被拒绝 {6} 行；历史订单 {7} 行", "Built from {0} workbook(s): {1} order line(s) in {2}, {3}; {4} duplicate line(s) counted once ({5}); {6} row(s) rejected; {7} history line(s)";
    SumDataIssues => "数据问题：{0} 个错误，{1} 个警告，详见报告的「数据问题」部分", "Data issues: {0} error(s), {1} warning(s); see the reports' Data issues section";
    SumWrote => "已写入 {0}", "Wrote {0}";
    SumWroteSplits => "已写入 {0} 套分单元报告，位于 {1}", "Wrote {0} per-unit report set(s) under {1}";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_both_languages() {
        for k in Key::ALL {
            let (zh, en) = k.text();
            assert!(!zh.is_empty() && !en.is_empty(), "{k:?}");
            assert!(
                zh.chars().any(is_cjk) || zh == en,
                "{k:?} zh is not Chinese"
            );
        }
    }

    /// Every placeholder of a key is in both languages, so no argument is
    /// dropped in one of them.
    #[test]
    fn both_languages_use_the_same_placeholders() {
        let placeholders = |t: &str| {
            let mut p: Vec<usize> = (0..10)
                .filter(|i| t.contains(&format!("{{{i}}}")))
                .collect();
            p.sort_unstable();
            p
        };
        for k in Key::ALL {
            let (zh, en) = k.text();
            assert_eq!(placeholders(zh), placeholders(en), "{k:?}");
        }
    }

    #[test]
    fn fill_replaces_placeholders_in_the_language_order() {
        let args = ["3", "100", "2026Q3", "9.00", "1", "2.00", "0", "50"];
        assert_eq!(
            Lang::Zh.fill(Key::SumBuiltFrom, &args),
            "数据来源：3 个工作簿；2026Q3 订单 100 行，金额 9.00；重复 1 行只计一次（2.00）；被拒绝 0 行；历史订单 50 行"
        );
        assert_eq!(
            Lang::En.fill(Key::SumBuiltFrom, &args),
            "Built from 3 workbook(s): 100 order line(s) in 2026Q3, 9.00; 1 duplicate line(s) counted once (2.00); 0 row(s) rejected; 50 history line(s)"
        );
        // Braces that are not a placeholder of a given argument stay as they are.
        assert_eq!(Lang::En.fill(Key::SumWrote, &[]), "Wrote {0}");
    }

    #[test]
    fn measure_names() {
        assert_eq!(Lang::En.measure(&Measure::NewCustomers), "New customers");
        assert_eq!(Lang::Zh.measure(&Measure::NewCustomers), "新客户数");
    }
}
