//! `summary.json` (contract §4, schema `qbr.review/1`): decimals as strings,
//! money with 2 decimals, completion and rates with 4, half-up; counts as
//! whole numbers. A documented superset of the contract's fields.

use crate::analyze::{DimensionReview, Review, Status, Tier, UnitReview};
use crate::money::{round_money, round_rate};
use crate::records::{Dimension, Measure};
use crate::render::diagnostics::DiagnosticView;
use rust_decimal::Decimal;
use serde::Serialize;

/// Formats a value of a measure: money 2 decimals, rates 4, counts as written.
pub fn value(measure: &Measure, v: Decimal) -> String {
    if measure.is_money() {
        round_money(v).to_string()
    } else if measure.is_rate() {
        round_rate(v).to_string()
    } else {
        v.normalize().to_string()
    }
}

fn rate(v: Decimal) -> String {
    round_rate(v).to_string()
}

#[derive(Serialize)]
struct Figure {
    target: String,
    actual: String,
    completion: String,
    gap: String,
    status: Status,
}

#[derive(Serialize)]
struct UnitView {
    unit: String,
    parent: Option<String>,
    owner: Option<String>,
    target: String,
    actual: Option<String>,
    completion: Option<String>,
    gap: Option<String>,
    status: Option<Status>,
    tier: Option<Tier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stretch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    challenge: Option<String>,
    leaf: bool,
    /// An OKR-style target (success line `okr_success`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    okr: bool,
}

#[derive(Serialize)]
struct UnassignedView {
    lines: usize,
    amount: String,
}

#[derive(Serialize)]
struct DimensionView {
    dimension: String,
    measure: &'static str,
    unassigned: UnassignedView,
    units: Vec<UnitView>,
}

#[derive(Serialize)]
struct ShortBoardView {
    dimension: String,
    measure: &'static str,
    unit: String,
    completion: String,
    shortfall: Option<String>,
    pareto: bool,
}

#[derive(Serialize)]
struct RankedUnit {
    unit: String,
    completion: String,
    status: Status,
}

#[derive(Serialize)]
struct RankingView {
    dimension: String,
    excellent: Vec<String>,
    needs_improvement: Vec<String>,
    units: Vec<RankedUnit>,
}

#[derive(Serialize)]
struct PaceView {
    dimension: String,
    unit: String,
    completion: String,
    expected: String,
    ratio: String,
    warning: bool,
}

#[derive(Serialize)]
struct QuarterValue {
    period: String,
    actual: String,
}

#[derive(Serialize)]
struct TrendView {
    dimension: String,
    measure: &'static str,
    unit: String,
    quarters: Vec<QuarterValue>,
}

#[derive(Serialize)]
struct CustomersView {
    no_history: bool,
    new_customers: usize,
    returning_customers: usize,
    recalled_customers: usize,
    active_before: usize,
    churned_at_start: usize,
    repurchase_rate: Option<String>,
    recall_rate: Option<String>,
    new_customer_conversion: Option<String>,
    new_customer_aov: Option<String>,
    returning_aov: Option<String>,
    returning_aov_last_quarter: Option<String>,
    returning_aov_change: Option<String>,
}

#[derive(Serialize)]
struct FunnelView {
    dimension: String,
    unit: String,
    visits: String,
    leads: String,
    opportunities: String,
    demos: String,
    deals: String,
    /// leads/visits, opportunities/leads, demos/opportunities, deals/demos
    conversions: [Option<String>; 4],
}

/// A suggestion (contract §4: rule, dimension, unit, next_target, evidence),
/// plus the measure, the rule's name and the evidence as named figures.
#[derive(Serialize)]
struct Suggestion {
    rule: &'static str,
    name: &'static str,
    dimension: String,
    measure: String,
    unit: String,
    next_target: Option<String>,
    evidence: String,
    figures: std::collections::BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
struct DuplicatesView {
    lines: usize,
    amount: String,
}

#[derive(Serialize)]
struct TallyView {
    lines: usize,
    amount: String,
}

impl From<&crate::analyze::Tally> for TallyView {
    fn from(t: &crate::analyze::Tally) -> Self {
        TallyView {
            lines: t.lines,
            amount: round_money(t.amount).to_string(),
        }
    }
}

/// Every order row accounted for; see [`crate::analyze::Accounting`].
#[derive(Serialize)]
struct AccountingView {
    read: TallyView,
    in_period: TallyView,
    history: TallyView,
    after_period: TallyView,
    duplicates: TallyView,
    rejected: TallyView,
    rejected_without_amount: usize,
    rejected_at: Vec<String>,
    summary_rows: usize,
}

#[derive(Serialize)]
struct InputsView {
    files: usize,
    order_lines: usize,
    order_amount: String,
    duplicates: DuplicatesView,
    rejected_rows: usize,
    history_lines: usize,
    accounting: AccountingView,
}

#[derive(Serialize)]
struct Summary<'a> {
    schema: &'static str,
    period: String,
    as_of: String,
    in_progress: bool,
    elapsed: String,
    total: Option<Figure>,
    dimensions: Vec<DimensionView>,
    short_boards: Vec<ShortBoardView>,
    ranking: Vec<RankingView>,
    pace: Vec<PaceView>,
    trend: Vec<TrendView>,
    customers: CustomersView,
    funnel: Vec<FunnelView>,
    /// Filled by the suggestions engine.
    suggestions: Vec<Suggestion>,
    /// The action plans and their return (absent without an Action plans sheet).
    #[serde(skip_serializing_if = "Option::is_none")]
    resources: Option<ResourcesView>,
    diagnostics: &'a [DiagnosticView],
    inputs: InputsView,
}

#[derive(Serialize)]
struct ResourcesView {
    budget: String,
    spent: String,
    /// Ranked by return index, best first.
    actions: Vec<ActionView>,
    /// Action names that spent over budget and brought less than expected.
    overspent_and_short: Vec<String>,
    /// Sub-targets no action serves, above or below.
    without_plan: Vec<UnplannedView>,
}

#[derive(Serialize)]
struct ActionView {
    rank: usize,
    action: String,
    owner: Option<String>,
    start: Option<String>,
    end: Option<String>,
    serves: String,
    dimension: Option<String>,
    unit: Option<String>,
    measure: String,
    expected: String,
    actual: Option<String>,
    source: crate::analyze::resources::OutputSource,
    attainment: Option<String>,
    budget: Option<String>,
    spent: Option<String>,
    cost_per_output: Option<String>,
    planned_cost_per_output: Option<String>,
    return_index: Option<String>,
    overspent_and_short: bool,
    finished_on: Option<String>,
    on_time: Option<bool>,
}

#[derive(Serialize)]
struct UnplannedView {
    dimension: String,
    measure: String,
    unit: String,
    owner: Option<String>,
    target: String,
}

fn resources_view(r: &crate::analyze::resources::Resources) -> ResourcesView {
    let money = |v: Decimal| round_money(v).to_string();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
    ResourcesView {
        budget: money(r.budget),
        spent: money(r.spent),
        actions: r
            .actions
            .iter()
            .enumerate()
            .map(|(i, a)| ActionView {
                rank: i + 1,
                action: a.action.clone(),
                owner: a.owner.clone(),
                start: date(a.start),
                end: date(a.end),
                serves: a.serves.clone(),
                dimension: a.dimension.as_ref().map(key),
                unit: a.unit.clone(),
                measure: a.measure.key().to_string(),
                expected: value(&a.measure, a.expected),
                actual: a.actual.map(|v| value(&a.measure, v)),
                source: a.source,
                attainment: a.attainment.map(rate),
                budget: a.budget.map(money),
                spent: a.spent.map(money),
                cost_per_output: a.cost_per_output.map(|v| a.cost_text(v)),
                planned_cost_per_output: a.planned_cost_per_output.map(|v| a.cost_text(v)),
                return_index: a.return_index.map(rate),
                overspent_and_short: a.overspent_and_short,
                finished_on: date(a.finished_on),
                on_time: a.on_time,
            })
            .collect(),
        overspent_and_short: r.overspent_and_short().map(|a| a.action.clone()).collect(),
        without_plan: r
            .unplanned
            .iter()
            .map(|u| UnplannedView {
                dimension: key(&u.dimension),
                measure: u.measure.key().to_string(),
                unit: u.unit.clone(),
                owner: u.owner.clone(),
                target: value(&u.measure, u.target),
            })
            .collect(),
    }
}

fn unit_view(m: &Measure, u: &UnitReview) -> UnitView {
    UnitView {
        unit: u.unit.clone(),
        parent: u.parent.clone(),
        owner: u.owner.clone(),
        target: value(m, u.target),
        actual: u.actual.map(|a| value(m, a)),
        completion: u.completion.map(rate),
        gap: u.gap.map(|g| value(m, g)),
        status: u.status,
        tier: u.tier,
        stretch: u.stretch.map(|v| value(m, v)),
        challenge: u.challenge.map(|v| value(m, v)),
        leaf: u.leaf,
        okr: u.okr,
    }
}

fn dimension_view(d: &DimensionReview) -> DimensionView {
    DimensionView {
        dimension: key(&d.dimension),
        measure: d.measure.key(),
        unassigned: UnassignedView {
            lines: d.unassigned.lines,
            amount: round_money(d.unassigned.amount).to_string(),
        },
        units: d.units.iter().map(|u| unit_view(&d.measure, u)).collect(),
    }
}

fn key(d: &Dimension) -> String {
    d.key().to_string()
}

/// Renders `summary.json`.
pub fn summary_json(r: &Review, diagnostics: &[DiagnosticView]) -> String {
    let total = r.total.as_ref().and_then(|t| {
        Some(Figure {
            target: value(&Measure::Sales, t.target),
            actual: value(&Measure::Sales, t.actual?),
            completion: rate(t.completion?),
            gap: value(&Measure::Sales, t.gap?),
            status: t.status?,
        })
    });
    let c = &r.customers;
    let money = |v: Option<Decimal>| v.map(|v| round_money(v).to_string());
    let s = Summary {
        schema: "qbr.review/1",
        period: r.period.to_string(),
        as_of: r.as_of.to_string(),
        in_progress: r.in_progress,
        elapsed: rate(r.elapsed),
        total,
        dimensions: r.dimensions.iter().map(dimension_view).collect(),
        short_boards: r
            .short_boards
            .iter()
            .map(|s| ShortBoardView {
                dimension: key(&s.dimension),
                measure: s.measure.key(),
                unit: s.unit.clone(),
                completion: rate(s.completion),
                shortfall: money(s.shortfall),
                pareto: s.pareto,
            })
            .collect(),
        ranking: r
            .ranking
            .iter()
            .map(|k| RankingView {
                dimension: key(&k.dimension),
                excellent: k
                    .units
                    .iter()
                    .filter(|u| u.2 == Status::Excellent)
                    .map(|u| u.0.clone())
                    .collect(),
                needs_improvement: k
                    .units
                    .iter()
                    .filter(|u| u.2 == Status::ShortBoard)
                    .map(|u| u.0.clone())
                    .collect(),
                units: k
                    .units
                    .iter()
                    .map(|u| RankedUnit {
                        unit: u.0.clone(),
                        completion: rate(u.1),
                        status: u.2,
                    })
                    .collect(),
            })
            .collect(),
        pace: r
            .pace
            .iter()
            .map(|p| PaceView {
                dimension: key(&p.dimension),
                unit: p.unit.clone(),
                completion: rate(p.completion),
                expected: rate(p.expected),
                ratio: rate(p.ratio),
                warning: p.warning,
            })
            .collect(),
        trend: r
            .trend
            .iter()
            .map(|t| TrendView {
                dimension: key(&t.dimension),
                measure: t.measure.key(),
                unit: t.unit.clone(),
                quarters: t
                    .quarters
                    .iter()
                    .map(|(p, v)| QuarterValue {
                        period: p.to_string(),
                        actual: value(&t.measure, *v),
                    })
                    .collect(),
            })
            .collect(),
        customers: CustomersView {
            no_history: c.no_history,
            new_customers: c.new_customers,
            returning_customers: c.returning_customers,
            recalled_customers: c.recalled_customers,
            active_before: c.active_before,
            churned_at_start: c.churned_at_start,
            repurchase_rate: c.repurchase_rate.map(rate),
            recall_rate: c.recall_rate.map(rate),
            new_customer_conversion: c.new_customer_conversion.map(rate),
            new_customer_aov: money(c.new_customer_aov),
            returning_aov: money(c.returning_aov),
            returning_aov_last_quarter: money(c.returning_aov_last_quarter),
            returning_aov_change: match (c.returning_aov, c.returning_aov_last_quarter) {
                (Some(a), Some(b)) if !b.is_zero() => Some(rate(a / b - Decimal::ONE)),
                _ => None,
            },
        },
        funnel: r
            .funnel
            .iter()
            .map(|f| {
                let [visits, leads, opportunities, demos, deals] =
                    f.stages.map(|v| v.normalize().to_string());
                FunnelView {
                    dimension: key(&f.dimension),
                    unit: f.unit.clone(),
                    visits,
                    leads,
                    opportunities,
                    demos,
                    deals,
                    conversions: f.conversions().map(|c| c.map(rate)),
                }
            })
            .collect(),
        suggestions: r
            .suggestions
            .iter()
            .map(|s| Suggestion {
                rule: s.rule.id(),
                name: crate::i18n::Lang::En.rule(s.rule),
                dimension: s.dimension.key().to_string(),
                measure: s.measure.key().to_string(),
                unit: s.unit.clone(),
                next_target: s.next_target.map(|t| value(&s.measure, t)),
                evidence: crate::i18n::Lang::En.evidence(s),
                figures: s.evidence.iter().cloned().collect(),
            })
            .collect(),
        resources: r.resources.as_ref().map(resources_view),
        diagnostics,
        inputs: InputsView {
            files: r.inputs.files,
            order_lines: r.inputs.order_lines,
            order_amount: round_money(r.inputs.order_amount).to_string(),
            duplicates: DuplicatesView {
                lines: r.inputs.duplicate_lines,
                amount: round_money(r.inputs.duplicate_amount).to_string(),
            },
            rejected_rows: r.inputs.rejected_rows,
            history_lines: r.inputs.history_lines,
            accounting: {
                let a = &r.inputs.accounting;
                AccountingView {
                    read: (&a.read).into(),
                    in_period: (&a.in_period).into(),
                    history: (&a.history).into(),
                    after_period: (&a.after_period).into(),
                    duplicates: (&a.duplicates).into(),
                    rejected: (&a.rejected).into(),
                    rejected_without_amount: a.rejected_without_amount,
                    rejected_at: a.rejected_at.clone(),
                    summary_rows: a.summary_rows,
                }
            },
        },
    };
    let mut text = serde_json::to_string_pretty(&s).expect("summary serialises");
    text.push('\n');
    text
}
