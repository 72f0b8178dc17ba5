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

    /// The language of the system's locale: Chinese for a `zh` locale,
    /// English otherwise. On Unix the locale is read from `LANGUAGE`,
    /// `LC_ALL`, `LC_MESSAGES` and `LANG`, in that order; on Windows and
    /// macOS from the user's settings. Messages on the terminal (progress,
    /// errors that stop a run) speak it unless `--lang` chooses.
    pub fn of_system() -> Lang {
        Lang::of_locale(&sys_locale::get_locale().unwrap_or_default())
    }

    /// The language of a locale name such as `zh_CN.UTF-8`, `zh-Hans-CN` or
    /// `en-US`: Chinese for `zh`, English for anything else (`C`, `POSIX`, none).
    ///
    /// ```
    /// use qbr::i18n::Lang;
    /// assert_eq!(Lang::of_locale("zh_CN.UTF-8"), Lang::Zh);
    /// assert_eq!(Lang::of_locale("zh-Hant-TW"), Lang::Zh);
    /// assert_eq!(Lang::of_locale("C"), Lang::En);
    /// assert_eq!(Lang::of_locale("en-US"), Lang::En);
    /// ```
    pub fn of_locale(locale: &str) -> Lang {
        let language = locale.split(['_', '-', '.', '@']).next().unwrap_or("");
        if language.eq_ignore_ascii_case("zh") {
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
    /// order them differently). `{0:one|other}` is `one` when argument 0 is
    /// `1` and `other` otherwise, for English plurals: `{0} line{0:|s}`.
    ///
    /// ```
    /// use qbr::i18n::{Key, Lang};
    /// assert_eq!(Lang::En.fill(Key::SumWrote, &["out/a.html"]), "Wrote out/a.html");
    /// assert_eq!(Lang::Zh.fill(Key::SumPaceUnit, &["林燕", "个人", "60%"]), "林燕（个人）完成率 60%");
    /// assert_eq!(Lang::En.fill(Key::MsgEmailAllSent, &["1"]), "1 message sent.");
    /// assert_eq!(Lang::En.fill(Key::MsgEmailAllSent, &["2"]), "2 messages sent.");
    /// ```
    pub fn fill(self, key: Key, args: &[&str]) -> String {
        fill_template(self.t(key), args)
    }

    /// [`Lang::fill`] with owned arguments.
    pub fn fill_owned(self, key: Key, args: &[String]) -> String {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.fill(key, &args)
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
    SumUnassigned => "未归属：{0} 行，{1}", "unassigned: {0} line{0:|s}, {1}";
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
    SumBuiltFrom => "数据来源：{0} 个工作簿；{2} 订单 {1} 行，金额 {3}；重复 {4} 行只计一次（{5}）；被拒绝 {6} 行；历史订单 {7} 行", "Built from {0} workbook{0:|s}: {1} order line{1:|s} in {2}, {3}; {4} duplicate line{4:|s} counted once ({5}); {6} row{6:|s} rejected; {7} history line{7:|s}";
    SumDataIssues => "数据问题：{0} 个错误，{1} 个警告，详见报告的「数据问题」部分", "Data issues: {0} error{0:|s}, {1} warning{1:|s}; see the reports' Data issues section";
    SumWrote => "已写入 {0}", "Wrote {0}";
    SumWroteSplits => "已写入 {0} 套分单元报告，位于 {1}", "Wrote {0} per-unit report set{0:|s} under {1}";
    CheckInbox => "（收件文件夹）", "(inbox)";
    CheckSee => "另见", "see";
    CheckAndMore => "，另有 {0} 处", " and {0} more";
    CheckHelp => "建议", "help";
    CheckNoPeriod => "无期间（没有找到目标或订单）", "no period (no targets or orders found)";
    CheckSummary => "检查 {0}：{1} 个错误，{2} 个警告，{3} 条提示 — {4} 个工作簿，{5} 行目标，本期去重后订单 {6} 行", "check {0}: {1} error{1:|s}, {2} warning{2:|s}, {3} note{3:|s} — {4} workbook{4:|s}, {5} target row{5:|s}, {6} distinct order line{6:|s} in the period";
    CheckProposals => "一线建议目标与自上而下目标对比：", "bottom-up proposals against the top-down targets:";
    CheckNoTopDown => "（无自上而下目标）", "(no top-down target)";
    CheckGap => "差额 {0}", "gap {0}";
    CheckGapRatio => "差额 {0}（{1}）", "gap {0} ({1})";
    CheckProposal => "{0}：自上而下 {1}，{3} 建议 {2}；{4}{5}", "{0}: top-down {1}, proposed {2} by {3}; {4}{5}";
    // Findings (diagnostics): `message` in summary.json and on the terminal
    // is the English; the Chinese reports show the Chinese.
    SevError => "错误", "error";
    SevWarning => "警告", "warning";
    SevInfo => "提示", "info";
    FdFolded => "{0}（此列另有 {1} 处类似，行 {2}；例如 {3}）", "{0} (and {1} more like it in this column, rows {2}; e.g. {3})";
    FdSkipped => "已跳过：{0}", "skipped: {0}";
    FdSkipLockFile => "Excel 锁定文件（该工作簿正在别处打开）", "Excel lock file (the workbook is open somewhere)";
    FdSkipHidden => "隐藏的文件或文件夹", "hidden file or folder";
    FdSkipNotAWorkbook => "不是工作簿（.xlsx、.xlsm、.xls、.xlsb、.ods）或 CSV 导出文件", "not a workbook (.xlsx, .xlsm, .xls, .xlsb, .ods) or CSV export";
    FdSkipDuplicateOf => "与 {0} 逐字节相同的副本；只读取一次", "byte-identical copy of {0}; read once";
    FdSkipSymlink => "符号链接；不跟随", "symbolic link; not followed";
    FdSkipUnreadable => "无法读取：{0}", "cannot be read: {0}";
    FdSkipOutputFolder => "位于 qbr 的输出文件夹内", "inside qbr's output folder";
    FdSkipNotARegularFile => "不是普通文件（管道、套接字或设备）；未读取", "not a regular file (a pipe, socket or device); not read";
    FdSkipTooLarge => "{0} MB，超过上限 {1} MB（qbr.toml 中的 max_unpacked_mb）；未读取", "{0} MB, larger than the limit of {1} MB (max_unpacked_mb in qbr.toml); not read";
    FdReaderGaveUp => "工作簿结构已损坏，读取中途失败（{0}）", "the workbook's structure is broken and the reader gave up on it ({0})";
    FdEncrypted => "该工作簿设有密码或已加密，无法读取", "this workbook is password-protected or encrypted and cannot be read";
    FdNotAWorkbook => "文件扩展名是工作簿，但内容是{0}", "the file has a workbook extension but its content is {0}";
    FdEmptyFile => "空的（0 字节）", "empty (0 bytes)";
    FdWebExport => "XML 或 HTML 文本（网页导出后存成了 Excel 扩展名）", "XML or HTML text (a web export saved with an Excel extension)";
    FdPlainText => "纯文本（可能是存成 Excel 扩展名的 CSV）", "plain text (perhaps CSV saved with an Excel extension)";
    FdUnknownFormat => "qbr 不认识的表格格式", "not a spreadsheet format qbr knows";
    FdUnknownEncoding => "既非 UTF-8、UTF-16 也非 GBK 编码的文本", "text in neither UTF-8, UTF-16 nor GBK";
    FdCannotOpen => "无法打开工作簿：{0}", "the workbook cannot be opened: {0}";
    FdChangedWhileRead => "qbr 扫描收件文件夹之后该文件又被改动了", "the file changed after qbr scanned the inbox";
    FdBiff4 => "这是 1997 年以前的 Excel 文件（BIFF2–BIFF4），qbr 无法读取", "it is a pre-1997 Excel file (BIFF2–BIFF4), which qbr cannot read";
    FdOleDamaged => "文件容器（OLE 复合文档）已损坏：{0}", "the file's container (OLE compound file) is damaged: {0}";
    FdXlsTooBig => "某工作表声明了 {0} 行 × {1} 列，超出 .xls 的容量（65,536 × 256）；文件已损坏", "a sheet declares {0} rows × {1} columns, more than an .xls can hold (65,536 × 256); the file is damaged";
    FdNoFormat => "未知格式", "unknown format";
    FdCsvLine => "第 {0} 行：{1}", "line {0}: {1}";
    FdUnpackTooLarge => "该工作簿（磁盘上 {0} KB）解压后将达 {1} MB，超过上限 {2} MB（max_unpacked_mb）；未解压即拒绝", "the workbook ({0} KB on disk) would unpack to {1} MB, more than the limit of {2} MB (max_unpacked_mb); refused before unpacking";
    FdCsvTooLarge => "文件超过 {0} 行或 {1} 列（max_rows、max_columns）", "the file has more than {0} rows or {1} columns (max_rows, max_columns)";
    FdParquetTooLarge => "文件有 {0} 行、{1} 列；上限为 {2} 行、{3} 列（max_rows、max_columns）", "the file has {0} rows and {1} columns; the limits are {2} rows and {3} columns (max_rows, max_columns)";
    FdTooManySheets => "工作簿有 {0} 个工作表；只读取前 65,535 个", "the workbook has {0} sheets; only the first 65,535 are read";
    FdNotAWorksheet => "不是普通工作表（图表、对话框或宏表）；已跳过", "not a worksheet (a chart, dialog or macro sheet); skipped";
    FdHiddenSheet => "隐藏的工作表；已跳过", "hidden sheet; skipped";
    FdSheetTooLarge => "工作表有 {0} 行 × {1} 列，超过上限 {2} × {3}（max_rows、max_columns）；未读取", "the sheet spans {0} rows × {1} columns, more than the limit of {2} × {3} (max_rows, max_columns); not read";
    FdSheetUnreadable => "无法读取该工作表：{0}", "the sheet cannot be read: {0}";
    FdNoHeaderRow => "前 {0} 行中没有包含任何一类表格必需列的表头行；最接近的是第 {2} 行的{1}，缺少 {3}", "no header row with a role's required columns in the first {0} rows; closest: {1} at row {2}, missing {3}";
    FdNoKnownHeaders => "前 {0} 行中没有可识别的列标题；未读取该工作表", "no known column headers in the first {0} rows; the sheet is not read";
    FdHeaderTwice => "表头「{0}」是又一个{1}列；使用 {2} 列，忽略此列", "header `{0}` is a second {1} column; column {2} is used and this one is ignored";
    FdHeaderUnit => "表头「{0}」的单位「{1}」无法识别；该列按元读取", "header `{0}` has the unit `{1}`, which qbr does not know; the column is read as plain 元 (CNY)";
    FdSummaryRow => "第 {0} 行像是「{1}」行（没有日期）；已略过，以免重复计算", "row {0} looks like a `{1}` row (no date); left out so it is not counted twice";
    FdFormulaError => "{0}单元格是公式错误 {1}；应为数值", "{0} cell holds the formula error {1}; expected a value";
    FdTextEmpty => "{0}单元格为空；每行都必须填写", "{0} cell is empty; every row needs one";
    FdAmountInvalid => "{0}单元格的内容是「{1}」；应为金额，如 1,200 或 ¥1,200.50", "{0} cell holds `{1}`; expected an amount such as 1,200 or ¥1,200.50";
    FdNumberInvalid => "{0}单元格的内容是「{1}」；应为数字，如 1,200 或 ¥1,200.50", "{0} cell holds `{1}`; expected a number such as 1,200 or ¥1,200.50";
    FdNumberEmpty => "{0}单元格为空；每行都必须有值（空单元格不会当作 0）", "{0} cell is empty; every row needs a value (an empty cell is never read as 0)";
    FdDateEmpty => "{0}单元格为空；每行都必须有日期", "{0} cell is empty; every row needs a date";
    FdDateInvalid => "{0}单元格的内容是「{1}」；应为日期，如 2026-07-01、2026/7/1 或 2026年7月1日", "{0} cell holds `{1}`; expected a date such as 2026-07-01, 2026/7/1 or 2026年7月1日";
    FdPeriodInvalid => "期间单元格的内容是「{0}」；应为季度，如 2026Q3、2026-Q3、2026年第3季度 或 Q3 2026", "period cell holds `{0}`; expected a quarter such as 2026Q3, 2026-Q3, 2026年第3季度 or Q3 2026";
    FdOrderIdEmpty => "订单号单元格为空；该行仍计入，但无法按订单识别重复", "order ID cell is empty; the line is still counted, but it cannot be matched as a duplicate by order";
    FdPeriodsAmbiguous => "目标涵盖多个期间（{0}）；已检查最近的 {1}", "the targets cover several periods ({0}); checked {1}, the latest";
    FdDimensionUnknown => "维度「{0}」无法识别；应为 总计、客户、产品、区域、小组、个人 或 月份{1}", "dimension `{0}` is not one qbr knows; expected total, customer, product, region, group, person or month (总计, 客户, 产品, 区域, 小组, 个人, 月份){1}";
    FdOrDeclared => "，或 qbr.toml 中声明的维度：{0}", ", or one declared in qbr.toml: {0}";
    FdMeasureUnknown => "指标「{0}」不在指标目录中，qbr 无法计算其实际值；可用的指标：{1}", "measure `{0}` is outside the catalogue, so qbr cannot compute its actuals; known: {1}";
    FdUnitTwice => "{0}出现了两次；每个单元的每项指标只能有一个目标", "{0} appears twice; each unit has one target per measure";
    FdGroupParentRule => "；小组的上级必须是区域", "; a group's parent must be a region";
    FdPersonParentRule => "；个人的上级必须是小组", "; a person's parent must be a group";
    FdParentMissing => "{1}的上级「{0}」不是{2}单元{3}", "parent `{0}` of {1} is not a {2} unit{3}";
    FdParentWrongDimension => "{1}的上级「{0}」是{2}单元，应为{3}单元{4}", "parent `{0}` of {1} is a {2} unit, expected a {3} unit{4}";
    FdParentsLoop => "上级关系形成循环：{0}", "the parents loop: {0}";
    FdMonthInvalid => "月份单元「{0}」不是月份；应为 2026-07、2026/7 或 2026年7月", "month unit `{0}` is not a month; expected 2026-07, 2026/7 or 2026年7月";
    FdMonthOutside => "月份 {0} 不在 {1} 内；该季度的月份是 {2}", "month {0} lies outside {1}; its months are {2}";
    FdTotalMissing => "没有销售额的总计行；总目标 {0} 由各{1}单元汇总得出", "no total row for sales; the total {0} is derived from the {1} units";
    FdSumMismatch => "{0}：目标为 {1}，下级单元合计 {2}，相差 {3}", "{0}: asserted {1}, the units below add up to {2}, difference {3}";
    FdHasBelow => "{0}下有 {1} 个单元", "{0} has {1} unit{1:|s} below it";
    FdTotalAgainst => "{0}总目标（对比其下 {1} 个{2}单元）", "the total {0} against its {1} {2} unit{1:|s}";
    FdShareSum => "{0} 个同级单元（{1}）的占比合计 {2}，应为 100%", "the shares of {0} sibling units ({1}) add up to {2}, expected 100%";
    FdShareMismatch => "{0}：占比 {1} × 上级目标 {2} = {3}，但目标是 {4}", "{0}: share {1} of {2} is {3}, but the target is {4}";
    FdOwnerMissing => "{0}没有负责人；SMART 目标要写明由谁负责", "{0} has no owner; a SMART target names who is accountable";
    FdNonPositive => "{0}的目标是 {1}；目标必须大于零", "{0} has the target {1}; a target must be above zero";
    FdTierBelow => "{0}：{1} {2} 低于{3} {4}；各档目标必须逐级升高", "{0}: the {1} tier {2} is below the {3} target {4}; tiers must rise";
    FdGrowthTooHigh => "{0}：目标 {1} 比 {3} 的实际 {4} 高 {2}；超过 +{5} 难以实现", "{0}: the target {1} is {2} above {3}'s actual {4}; more than +{5} is not achievable";
    FdGrowthNegative => "{0}：目标 {1} 比 {3} 的实际 {4} 低 {2}，且没有备注说明原因", "{0}: the target {1} is {2} below {3}'s actual {4}, with no note saying why";
    FdNewCustomerFormula => "{0}：新客户 {1} 家，但新客户销售额 {2} ÷ 客单价 {3} = {4}；偏差超过 {5}", "{0}: {1} new customers, but new-customer sales {2} ÷ average order value {3} = {4}; off by more than {5}";
    FdFairShare => "{0}：目标 {1} 比公平分配模型的 {4} {3} {2}（{5}；所在小组 {6} 的目标 {7}）", "{0}: the target {1} is {2} {3} the fair-share model's {4} ({5}, within {6} target {7})";
    FdAbove => "高", "above";
    FdBelow => "低", "below";
    FdBasisHistory => "职级权重 {0} 与上季度实际 {1} 各占一半", "half level weight {0}, half last quarter's actual {1}";
    FdBasisLevel => "职级权重 {0}", "level weight {0}";
    FdSameIds => "订单号「{0}」和行号「{1}」与前面某行相同", "same order ID `{0}` and line ID `{1}` as an earlier line";
    FdEqualLine => "各列都与前面某行相同", "equal in every column to an earlier line";
    FdDuplicate => "重复的订单行（{0}），金额 {1}；只计一次", "duplicate order line ({0}), amount {1}; counted once";
    FdSalespersonUnmapped => "销售员「{0}」不在人员主数据中：{2} 的 {1} 行（{3}）在小组和区域维度中未归属", "salesperson `{0}` is not in the people master: {1} line{1:|s} of {2}, {3}, {1:is|are} unassigned in the group and region dimensions";
    FdSalespersonMissing => "此表中 {1} 的 {0} 行（{2}）没有销售员，在区域、小组和个人维度中未归属", "{0} line{0:|s} of {1} in this sheet, {2}, {0:has|have} no salesperson and {0:is|are} unassigned in the region, group and person dimensions";
    FdProductUnmapped => "产品「{0}」没有产品类别（不在产品主数据中）：{2} 的 {1} 行（{3}）在产品维度中未归属", "product `{0}` has no product class (not in the products master): {1} line{1:|s} of {2}, {3}, {1:is|are} unassigned in the product dimension";
    FdCustomerTypeUnknown => "客户类型「{0}」不是 新客户、老客户 或 流失客户：{1} 行（{2}）在客户维度中未归属", "customer type `{0}` is not 新客户/new, 老客户/returning or 流失客户/churned: {1} line{1:|s}, {2}, {1:is|are} unassigned in the customer dimension";
    FdOutsidePeriod => "{0} 行（{1}）的日期晚于复盘期间 {2}，不计入", "{0} line{0:|s}, {1}, {0:is|are} dated after {2}, the period under review, and {0:is|are} not counted";
    FdAfterAsOf => "{0} 行（{1}）的日期晚于 --as-of {2}；它们计入 {3} 的实际，而进度只按截至 {2} 应完成的部分计算", "{0} line{0:|s}, {1}, {0:is|are} dated after --as-of {2}; {0:it is|they are} counted in {3}'s actuals, while pace expects only what was due by {2}";
    FdDimensionColumnMissing => "没有任何{0}表含有「{1}」列，因此所有行在{2}维度中都未归属", "no {0} sheet has a `{1}` column, so every line is unassigned in the {2} dimension";
    FdCustomerNoValue => "客户「{0}」在客户主数据中没有{1}", "customer `{0}` has no {1} in the customers master";
    FdProductNoValue => "产品「{0}」在产品主数据中没有{1}", "product `{0}` has no {1} in the products master";
    FdPersonNoValue => "销售员「{0}」在人员主数据中没有{1}", "salesperson `{0}` has no {1} in the people master";
    FdCellsEmpty => "此表的「{0}」单元格为空", "`{0}` cells are empty in this sheet";
    FdNoColumn => "此表没有「{0}」列", "this sheet has no `{0}` column";
    FdDimensionUnmapped => "{0}：{2} 的 {1} 行（{3}）在{4}维度中未归属", "{0}: {1} line{1:|s} of {2}, {3}, {1:is|are} unassigned in the {4} dimension";
    FdActionReversed => "行动「{0}」的结束日期 {1} 早于开始日期 {2}", "action `{0}` ends on {1}, before it starts on {2}";
    FdActionServes => "行动「{0}」服务于「{1}」，但它不是 {2} 的目标单元；无法推算其产出", "action `{0}` serves `{1}`, which is no target unit of {2}; its output cannot be derived";
    FdProposalUnmatched => "{0}为{2}（{3} · {4}）建议目标 {1}，但 {5} 自上而下的目标中没有这个单元", "{0} proposes {1} for {2} ({3} / {4}), which the top-down targets of {5} do not have";
    FhSaveNewCopy => "用 Excel 或 LibreOffice 打开后另存为新文件", "open it in Excel or LibreOffice and save a new copy";
    FhRemovePassword => "另存一份不带密码的副本放入收件文件夹", "save a copy without a password and put that in the inbox";
    FhCheckSource => "核实文件来源；如确为正常导出，请调大 qbr.toml 中的 max_unpacked_mb", "check where the file came from; if it is a real export, raise max_unpacked_mb in qbr.toml";
    FhExportAgain => "从源系统重新导出为 .xlsx", "export it again from the source system as .xlsx";
    FhRunAgain => "等文件写完、不再改动后再运行一次 qbr", "run qbr again once the file is complete and no longer changing";
    FhUnhide => "如果其中的行应计入复盘，请取消隐藏该工作表", "unhide the sheet if its rows belong in the review";
    FhSplitExport => "拆分导出文件；如确有这么大，请调大 qbr.toml 中的 max_rows / max_columns", "split the export, or raise max_rows / max_columns in qbr.toml if the size is real";
    FhRenameHeaders => "把表头改成 docs/input.md 中列出的名称之一，或在 qbr.toml 的 [headers] 下添加同义词", "rename the header cells to one of the names in docs/input.md, or add a synonym under [headers] in qbr.toml";
    FhRenameOrDelete => "重命名或删除两列中的一列", "rename or delete one of the two columns";
    FhKnownUnits => "括号中请使用 元、千元、万元、亿（或 CNY、K）", "use 元, 千元, 万元, 亿 (or CNY, K) in the brackets";
    FhFixFormula => "在源工作簿中修正公式，或粘贴为数值", "fix the formula in the source workbook, or paste the values";
    FhEnterZero => "填入数值；如果确实为零，请填 0", "enter the value, or 0 if it really is zero";
    FhChoosePeriod => "用 --period 选择一个，或在 qbr.toml 中写 period = \"2026Q3\"", "choose one with --period, or period = \"2026Q3\" in qbr.toml";
    FhDeclareDimension => "更正维度名称，或在 qbr.toml 中声明：[dimensions.<key>] column = \"<表头>\"（见 docs/config.md）", "correct the dimension name, or declare it in qbr.toml: [dimensions.<key>] column = \"<header>\" (see docs/config.md)";
    FhMergeRows => "删除其中一行，或合并两行", "delete one of the two rows, or merge them";
    FhFixParent => "更正上级名称、为上级添加一行，或留空表示直接从总目标拆分", "correct the parent's name, add the parent's own row, or leave it blank to split from the total";
    FhBreakLoop => "其中一个单元必须从循环之外的单元或总目标拆分", "one of these units must be split from a unit outside the loop, or from the total";
    FhAddTotal => "添加一行：维度 总计，单元 公司整体，指标 销售额，填入本季度目标", "add a row: dimension 总计, unit 公司整体, measure 销售额, with the quarter's target";
    FhFixSplit => "修正目标使拆分相加一致，或在 qbr.toml 中设置 sum_tolerance", "correct the targets so the split adds up, or set sum_tolerance in qbr.toml";
    FhSplitWholeTotal => "每个维度都必须拆分完整的总目标：补上缺少的单元或修正目标", "every dimension must split the whole total: add the missing units or correct the targets";
    FhFixShare => "修正占比或目标；占比 = 目标 ÷ 上级目标", "correct the share or the target; the share is target ÷ parent's target";
    FhFillOwner => "填写「负责人」列", "fill the 负责人 / Owner column";
    FhLowerTarget => "调低目标，或在「备注」列说明增长原因并调高 max_growth", "lower the target, or explain the jump in the 备注 / Note column and raise max_growth";
    FhWriteReason => "在「备注」列写明原因", "write the reason in the 备注 / Note column";
    FhCheckGroupSplit => "检查小组内的拆分，或在 qbr.toml 中设置 fair_share_tolerance", "check the split within the group, or set fair_share_tolerance in qbr.toml";
    FhRemoveRepeat => "从导出中删除重复的行或文件", "remove the repeated line or file from the export";
    FhAddPerson => "把此人加入人员主数据（销售员、小组、区域），或更正姓名", "add the person to the people master (销售员, 小组, 区域), or correct the name";
    FhAddSalespersonColumn => "在导出中添加「销售员」列", "add a 销售员 / Salesperson column to the export";
    FhAddProduct => "把该产品加入产品主数据（产品、产品类别）", "add the product to the products master (产品, 产品类别)";
    FhCheckDates => "检查日期，或用 --period 复盘更晚的期间", "check the dates, or review a later period with --period";
    FhDropAsOf => "去掉 --as-of，按最新订单日期复盘", "leave out --as-of to review as of the latest order date";
    FhAddDimensionColumn => "添加该列，或更正 qbr.toml 中 [dimensions.{0}] 下的 column = …", "add the column, or correct column = … under [dimensions.{0}] in qbr.toml";
    FhFillValue => "填入取值，或把缺少的行加入主数据", "fill in the value, or add the missing rows to the master";
    FhServeATarget => "填写目标中的单元，或写成 维度/单元，如 区域/华东", "write a unit of the targets, or dimension/unit such as 区域/华东";
    FhFixProposalUnit => "更正单元名称，或把该单元加入目标", "correct the unit's name, or add the unit to the targets";
    // Why a file could not be read or written (std::io::ErrorKind), in Chinese; English shows the system's text.
    IoNotFound => "找不到该文件或文件夹", "no such file or folder";
    IoPermissionDenied => "没有访问权限", "permission denied";
    IoAlreadyExists => "已存在同名的文件", "a file of that name exists";
    IoIsADirectory => "这是文件夹，不是文件", "a folder, not a file";
    IoNotADirectory => "路径中有一段是文件，不是文件夹", "part of the path is a file, not a folder";
    IoDirectoryNotEmpty => "文件夹不是空的", "the folder is not empty";
    IoStorageFull => "磁盘空间或配额已满", "the disk or quota is full";
    IoReadOnly => "文件系统是只读的", "the file system is read-only";
    IoFileTooLarge => "文件太大", "the file is too large";
    IoInvalidFilename => "文件名无效或太长", "the file name is invalid or too long";
    IoBusy => "文件正被其他程序占用", "the file is in use by another program";
    IoTimedOut => "操作超时", "the operation timed out";
    IoNetwork => "网络共享不可用", "the network share is unavailable";
    IoUnexpectedEof => "文件意外结束（可能仍在复制中）", "the file ended early (it may still be copying)";
    IoWithCode => "{0}（系统错误 {1}）", "{0} (os error {1})";
    IoOther => "系统错误：{0}", "system error: {0}";
    ErInboxMissing => "无法打开收件文件夹 {0}：{1}", "cannot open the inbox {0}: {1}";
    ErInboxNotAFolder => "收件文件夹 {0} 不是文件夹；请给出存放工作簿的文件夹", "the inbox {0} is not a folder; give the folder that holds the workbooks";
    // Values an option of the command line refuses ({0}: the value given).
    ArgNotADate => "`{0}` 不是日期，应如 2026-08-15", "`{0}` is not a date such as 2026-08-15";
    ArgNotAWeight => "`{0}` 不是数字，应为 0.5 这样的权重", "`{0}` is not a number; expected a weight such as 0.5";
    ArgWeightOutsideUnit => "{0} 不在 0 到 1 之间", "{0} is outside 0 to 1";
    ArgNotAnAmount => "`{0}` 不是正的金额，应如 12000000 或 1200万", "`{0}` is not a positive amount such as 12000000 or 1200万";
    ArgNotAQuarter => "`{0}` 不是季度，应如 2026Q3、2026-Q3 或 2026年第3季度", "`{0}` is not a quarter such as 2026Q3, 2026-Q3 or 2026年第3季度";
    ArgScaleOutOfRange => "`{0}` 不是 1 到 1000 之间的整数", "`{0}` is not a whole number from 1 to 1000";
    ErConfig => "无法使用配置文件 {0}：{1}", "cannot use the configuration {0}: {1}";
    CfgNotText => "文件不是文本（UTF-8 或 GBK）；请用 UTF-8 编码保存", "the file is not text (UTF-8 or GBK); save it as UTF-8";
    CfgToml => "TOML 格式有误：{0}", "{0}";
    // A TOML mistake at a place ({0} line, {1} column, {2} what); the line with the spot marked follows.
    CfgTomlAt => "TOML 格式有误，第 {0} 行第 {1} 列：{2}", "TOML parse error at line {0}, column {1}: {2}";
    CfgTomlUnknownFieldKnown => "没有 {0} 这个设置项；可用的设置项：{1}", "unknown field {0}; known fields: {1}";
    CfgTomlUnknownField => "没有 {0} 这个设置项", "unknown field {0}";
    CfgTomlUnknownValue => "{0} 不是可选的值；可选：{1}", "{0} is not one of the values {1}";
    CfgTomlWrongType => "这里是{0}，应为{1}", "found {0}, expected {1}";
    CfgTomlWrongValue => "取值不对：这里是{0}，应为{1}", "invalid value: found {0}, expected {1}";
    CfgTomlMissingField => "缺少设置项 {0}", "missing field {0}";
    CfgTomlDuplicateKey => "同一个键写了两次", "a key given twice";
    CfgTomlNotANumber => "应为数字，如 0.05 或 \"5%\"", "expected a number such as 0.05 or \"5%\"";
    CfgTomlNotNames => "应为列名或列名的列表，如 \"行业\" 或 [\"行业\", \"Industry\"]", "expected a column name or a list of names such as \"行业\" or [\"行业\", \"Industry\"]";
    CfgTomlSyntax => "语法有误（{0}）", "{0}";
    CfgDimensionNoName => "[dimensions.\"\"] 表需要一个名称", "a [dimensions.\"\"] table needs a name";
    CfgDimensionBuiltIn => "[dimensions.{0}] 是内置维度，只能设置 `okr`", "[dimensions.{0}] is built in; only `okr` may be set for it";
    CfgDimensionNoColumn => "[dimensions.{0}] 不是内置维度；请声明它的列，例如 column = \"行业\"（该列在客户主数据中时再加 master = \"customers\"）", "[dimensions.{0}] names no built-in dimension; declare its column, e.g. column = \"行业\" (and master = \"customers\" when the column is in the customers master)";
    CfgDimensionBuiltInColumn => "[dimensions.{0}] 是内置维度，不能映射到列；请换一个名称", "[dimensions.{0}] is a built-in dimension and cannot be mapped to a column; choose another name";
    CfgDimensionColumnEmpty => "[dimensions.{0}] 的 column 为空", "[dimensions.{0}] column is empty";
    CfgDimensionMaster => "[dimensions.{0}] 的 master = \"{1}\"；应为 orders、customers、products 或 people", "[dimensions.{0}] master = \"{1}\"; expected orders, customers, products or people";
    CfgDimensionSharedName => "[dimensions.{0}] 与 [dimensions.{1}] 重名", "[dimensions.{0}] shares a name with [dimensions.{1}]";
    CfgUnknownField => "[headers] 中的字段 `{0}` 不存在；可用的字段：{1}", "[headers] names the unknown field `{0}`; known fields: {1}";
    CfgPeriod => "`period` = \"{0}\" 不是季度，应如 2026Q3", "`period` = \"{0}\" is not a quarter such as 2026Q3";
    CfgChurnQuarters => "`churn_quarters` 至少为 1", "`churn_quarters` must be at least 1";
    CfgNegative => "`{0}` 不能为负数", "`{0}` must not be negative";
    CfgNotANumber => "`{0}` = \"{1}\" 不是数字", "`{0}` = \"{1}\" is not a number";
    CfgThresholds => "`short_board_below` 不能大于 `excellent_at`", "`short_board_below` must not be above `excellent_at`";
    CfgProposalWeight => "`proposal_weight` 必须在 0 到 1 之间", "`proposal_weight` must be between 0 and 1";
    CfgCommissionType => "[incentives] customer_commission 中的 `{0}` 不是客户类型；请用 new、returning 或 churned", "[incentives] customer_commission names `{0}`; use new, returning or churned";
    CfgSmtpUnencrypted => "[email] smtp_security = \"none\" 会把报告以明文发往 {0}；它只允许用于本机的中继（localhost、127.0.0.1）；请改用 \"starttls\" 或 \"tls\"", "[email] smtp_security = \"none\" would send the reports unencrypted to {0}; it is allowed only for a relay on this machine (localhost, 127.0.0.1); use \"starttls\" or \"tls\"";
    CfgSmtpNoHost => "[email] 设置了 SMTP 选项，但没有 `smtp_host`", "[email] sets SMTP options but no `smtp_host`";
    CfgDomain => "`allowed_domains` 中的 \"{0}\" 不是域名，应如 example.com", "`allowed_domains` holds \"{0}\", which is not a domain such as example.com";
    ErWrite => "无法写入 {0}：{1}", "cannot write {0}: {1}";
    ErReconcile => "内部核对失败：{0} 维度中，末级单元 {1} + 未归属 {2} ≠ 订单金额 {3}；未写出任何报告（请报告此问题）", "internal check failed: in the {0} dimension, leaf units {1} + unassigned {2} ≠ order amount {3}; no report was written (please report this)";
    ErNothingToReview => "没有可复盘的内容：收件文件夹中既没有目标也没有订单行", "nothing to review: the inbox holds no targets and no order lines";
    ErDataErrors => "数据中有 {0} 个错误（见上方）；请修正，或加 --allow-errors 仍然写出复盘", "{0} error{0:|s} in the data (listed above); {0:fix it|fix them}, or pass --allow-errors to write the review anyway";
    ErTemplate => "无法渲染报告模板：{0}（请报告此问题）", "cannot render a report template: {0} (please report this)";
    ErOutputInsideInbox => "输出文件夹 {0} 位于收件文件夹 {1} 之内，报告会混在大家放入的输入文件中。请换一个文件夹；确有此意时加 --out-in-inbox", "the output folder {0} lies inside the inbox {1}; reports there would sit among the inputs people drop files into. Choose another folder, or pass --out-in-inbox if that is what you want";
    ErUndelivered => "{1} 封邮件中有 {0} 封未能送达（见上方）", "{0} of {1} message{1:|s} could not be delivered (listed above)";
    ErWorkbook => "无法生成工作簿 {0}：{1}", "cannot build the workbook {0}: {1}";
    EmNotAReviewFolder => "无法读取 {0} 中的 {1}：{2}；请给出 `qbr review` 写出的文件夹，例如 out/2026Q3", "{0} holds no {1}: give the folder `qbr review` wrote, such as out/2026Q3 ({2})";
    EmBadRecipients => "{0} 不是此版本 qbr 的收件人文件：{1}", "{0} is not a recipients file of this qbr version: {1}";
    EmMissingReport => "无法读取复盘中列出的 {0}：{1}", "cannot read {0}, which the review lists: {1}";
    EmNoSender => "没有发件人：请在 qbr.toml 的 [email] 下设置 from，例如 from = \"Sales Ops <ops@example.com>\"", "no sender: set `from` under [email] in qbr.toml, such as from = \"Sales Ops <ops@example.com>\"";
    EmBadSender => "[email] from = \"{0}\" 不是电子邮件地址", "[email] from = \"{0}\" is not an email address";
    EmNoRelay => "没有 SMTP 中继：请在 qbr.toml 的 [email] 下设置 smtp_host，或使用 --dry-run", "no SMTP relay: set `smtp_host` under [email] in qbr.toml, or use --dry-run";
    EmNoPassword => "未设置 SMTP 密码：请 export {0}=…（qbr 从不从 qbr.toml 读取密码）", "the SMTP password is not set: export {0}=… (qbr never reads passwords from qbr.toml)";
    EmRefused => "{0} 个地址被拒收，未发送任何邮件：\n{1}", "refused {0} address(es), nothing was sent:\n{1}";
    EmBuild => "无法生成发给 {0} 的邮件：{1}", "cannot build the message to {0}: {1}";
    EmRelay => "无法建立到 {0} 的 SMTP 连接：{1}", "cannot set up the SMTP connection to {0}: {1}";
    MsgError => "qbr：错误：{0}", "qbr: error: {0}";
    MsgPeriodError => "qbr：{0}：错误：{1}", "qbr: {0}: error: {1}";
    MsgReadingBar => "读取工作簿", "reading workbooks";
    MsgReadOf => "qbr：已读取 {0}/{1} 个工作簿", "qbr: read {0} of {1} workbooks";
    MsgReadAll => "qbr：已读取 {0} 个工作簿，用时 {1} 秒", "qbr: read {0} workbook{0:|s} in {1} s";
    MsgStage => "qbr：{0}，用时 {1} 秒", "qbr: {0} in {1} s";
    MsgReadChecked => "已读取并检查收件文件夹{0}", "read and checked the inbox{0}";
    MsgFromCache => "（{0} 个工作簿来自缓存，{1} 个重新解析{2}）", " ({0} workbook{0:|s} from the cache, {1} parsed{2})";
    MsgNotCached => "，{0} 个无法写入缓存", ", {0} could not be cached";
    MsgComputed => "已计算并写出 {0}", "computed and wrote {0}";
    MsgCheckSteps => "qbr：  其中查找文件并计算校验值 {0} 秒{5}，{1} {2} 秒，订单台账 {3} 秒，规则检查 {4} 秒", "qbr:   of which finding and hashing files {0} s{5}, {1} {2} s, the order ledger {3} s, the rules {4} s";
    MsgScanUnread => "（{0} 个自上次运行未变，未重新读取）", " ({0} unchanged since the last run, not read again)";
    MsgStepParse => "解析工作簿", "parsing the workbooks";
    MsgStepParseCached => "解析工作簿或读取缓存", "parsing or taking them from the cache";
    MsgReviewSteps => "qbr：  其中计算复盘 {0} 秒，生成报告 {1} 秒，写出文件 {2} 秒", "qbr:   of which computing the review {0} s, rendering the reports {1} s, writing the files {2} s";
    MsgWatching => "正在监视 {0}（防抖 {1} 毫秒），输出到 {2}", "watching {0} (debounce {1} ms); output to {2}";
    MsgWatchStart => "启动", "start";
    MsgSampleWrote => "已写出 {0} 个文件，订单 {1} 行", "wrote {0} file{0:|s} with {1} order line{1:|s}";
    MsgSamplePeriod => "  {0}：{1} 行，{2}", "  {0}: {1} line{1:|s}, {2}";
    MsgRunOk => "第 {0} 次运行（{1}）：成功 — {2}", "run {0} ({1}): ok — {2}";
    MsgRunFailed => "第 {0} 次运行（{1}）：失败 — {2}", "run {0} ({1}): failed — {2}";
    MsgWatchDataErrors => "数据中有 {0} 个错误，未写出任何文件：{1}", "{0} error{0:|s} in the data, nothing written: {1}";
    MsgWatchWritten => "{0} 复盘已写入 {1}（本期订单 {2} 行，完成率 {3}）", "review {0} written to {1} ({2} order lines in the period, completion {3})";
    MsgPlanWritten => "qbr plan {0}：{1} 行目标，合计 {2}，已写入 {3}", "qbr plan {0}: {1} target rows adding up to {2} written to {3}";
    MsgInitWrote => "qbr init：已在 {1} 中写入 {0} 个文件：", "qbr init: wrote {0} file{0:|s} into {1}:";
    MsgInitNext => "在各表头下方填写数据行，然后运行：qbr check {0}", "Fill in the rows below each header, then run: qbr check {0}";
    MsgEmailPlan => "qbr email {0}：{1} 封邮件，发给 {2} 位收件人", "qbr email {0}: {1} message{1:|s} to {2} recipient{2:|s}";
    MsgEmailSubject => "主题", "subject";
    MsgEmailUnmatched => "警告：[recipients] \"{0}\" 与本次复盘的任何报告都不对应（请核对单元名称，或用 --split-by 按该层级复盘）", "warning: [recipients] \"{0}\" matches no report of this review (check the unit's name, or review with --split-by at its level)";
    MsgEmailNoRecipient => "没有收件人：{0}（请在 qbr.toml 的 [recipients] 下添加地址，或在人员主数据中填写邮箱）", "no recipient: {0} (add an address under [recipients] in qbr.toml, or an Email in the People master)";
    MsgEmailDryRun => "试运行：{0} 封邮件已写入 {1}；未发送任何邮件。", "Dry run: {0} message{0:|s} written to {1}; nothing was sent.";
    MsgEmailSent => "已发送", "sent";
    MsgEmailFailed => "失败", "FAILED";
    MsgEmailAllSent => "已发送 {0} 封邮件。", "{0} message{0:|s} sent.";
    InsHeader => "qbr inspect {0} — 读取 {1} 个工作簿，{2} 个无法读取，跳过 {3} 个文件", "qbr inspect {0} — {1} workbook{1:|s} read, {2} unreadable, {3} file{3:|s} skipped";
    InsHelp => "建议", "help";
    InsSkipped => "已跳过", "Skipped";
    InsRead => "读取：目标 {0} 行，订单 {1} 行，合计 {2}；产品 {3} 个，人员 {4} 名，客户 {5} 个，过程指标 {6} 行；拒绝 {7} 行", "Read: {0} target row{0:|s}, {1} order line{1:|s} totalling {2}, {3} product{3:|s}, {4} {4:person|people}, {5} customer{5:|s}, {6} activity row{6:|s}; {7} row{7:|s} rejected";
    InsFindings => "发现：{0} 个错误，{1} 个警告，{2} 条提示", "Diagnostics: {0} error{0:|s}, {1} warning{1:|s}, {2} note{2:|s}";
    InsSheet => "工作表 {0}：{1}，表头在第 {2} 行{3}", "sheet {0}: {1}, header row {2}{3}";
    InsImplicitDimension => "（维度「{0}」取自工作表名）", " (dimension `{0}` from the sheet name)";
    InsColumns => "列：{0}", "columns: {0}";
    InsRows => "行：读取 {0}，拒绝 {1}{2}", "rows: {0} read, {1} rejected{2}";
    InsSubtotals => "，略过小计 {0} 行", ", {0} subtotal row{0:|s} left out";
    InsClosest => "未识别；最接近的角色是{0}，缺少 {1}", "not recognised; closest role {0}, missing {1}";
    InsNoHeaders => "未识别：没有可识别的列标题", "not recognised: no known column headers";
    InsSheetWhy => "工作表 {0}：{1}", "sheet {0}: {1}";
    InsMore => "… 此表另有 {0} 条（--format json 列出全部）", "… and {0} more in this sheet (all of them with --format json)";
}

/// [`Lang::fill`] on any template: `{N}` is argument N, `{N:one|other}`
/// picks a form by whether argument N is `1`; anything else is kept as written.
pub(crate) fn fill_template(template: &str, args: &[&str]) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let filled = after.find('}').and_then(|close| {
            let inner = &after[..close];
            let (index, forms) = inner.split_once(':').unwrap_or((inner, ""));
            let value = args.get(index.parse::<usize>().ok()?)?;
            let text = match forms.split_once('|') {
                Some((one, other)) => match *value {
                    "1" => one,
                    _ => other,
                },
                None if forms.is_empty() => value,
                None => return None,
            };
            Some((text, close))
        });
        match filled {
            Some((text, close)) => {
                out.push_str(text);
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
            "Built from 3 workbooks: 100 order lines in 2026Q3, 9.00; 1 duplicate line counted once (2.00); 0 rows rejected; 50 history lines"
        );
        // Braces that are not a placeholder of a given argument stay as they are.
        assert_eq!(Lang::En.fill(Key::SumWrote, &[]), "Wrote {0}");
    }

    #[test]
    fn plural_forms_follow_their_count() {
        let one = Lang::En.fill(Key::FdOutsidePeriod, &["1", "5.00", "2026Q3"]);
        assert_eq!(
            one,
            "1 line, 5.00, is dated after 2026Q3, the period under review, and is not counted"
        );
        let many = Lang::En.fill(Key::FdOutsidePeriod, &["1,200", "5.00", "2026Q3"]);
        assert!(
            many.starts_with("1,200 lines, 5.00, are dated after"),
            "{many}"
        );
        assert_eq!(
            Lang::En.fill(Key::SumUnassigned, &["0", "0.00"]),
            "unassigned: 0 lines, 0.00"
        );
        // Chinese has no plural: its text is the same for any count.
        assert_eq!(
            Lang::Zh.fill(Key::SumUnassigned, &["1", "5.00"]),
            "未归属：1 行，5.00"
        );
        // A selector without two forms, or of a missing argument, stays as written.
        assert_eq!(fill_template("{0:s} {1:|s}", &["1"]), "{0:s} {1:|s}");
        assert_eq!(fill_template("{0} person{0:|s}", &["1"]), "1 person");
    }

    #[test]
    fn measure_names() {
        assert_eq!(Lang::En.measure(&Measure::NewCustomers), "New customers");
        assert_eq!(Lang::Zh.measure(&Measure::NewCustomers), "新客户数");
    }
}
