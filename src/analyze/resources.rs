//! Resources: the action plans of the quarter and their return.
//!
//! In: the Action plans rows (行动计划), the ledger, the activities and the
//! reviewed units. Out: [`Resources`] — per action, expected against actual
//! output (from the sheet, or derived from the orders or activities inside
//! the action's dates where the measure allows), budget against spend, cost
//! per unit of output, a return index and whether it finished inside its
//! dates; the actions ranked by return; overspent-and-short actions; and the
//! sub-targets no action serves (a target without a plan).
//!
//! The return index compares the cost of a unit of output with the plan:
//! (budget ÷ expected) ÷ (spent ÷ actual) = attainment ÷ spend ratio. 1.00 is
//! as planned; 2.00 bought twice the output per yuan the plan assumed.

use super::{Ctx, DimensionReview};
use crate::calendar::Period;
use crate::records::{ActionRec, Dimension, Measure};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashSet;

/// Where an action's actual output came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputSource {
    /// The sheet's Actual (实际产出) cell.
    Sheet,
    /// Summed from the order lines of the served unit inside the action's dates.
    Orders,
    /// Summed from the activity sheets of the served unit inside the action's dates.
    Activities,
    /// A rate: the served unit's figure for the quarter.
    Unit,
    /// Not available: no Actual cell and nothing to derive it from.
    Unknown,
}

/// One action of the quarter, reviewed.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionReview {
    pub action: String,
    pub owner: Option<String>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    /// The Serves cell as written.
    pub serves: String,
    /// The served target's node, when the Serves cell names one.
    pub node: Option<usize>,
    pub dimension: Option<Dimension>,
    pub unit: Option<String>,
    pub measure: Measure,
    pub expected: Decimal,
    pub actual: Option<Decimal>,
    pub source: OutputSource,
    /// actual ÷ expected.
    pub attainment: Option<Decimal>,
    pub budget: Option<Decimal>,
    pub spent: Option<Decimal>,
    /// spent (or, without a Spent cell, the budget) ÷ actual; counts and sums only.
    pub cost_per_output: Option<Decimal>,
    /// budget ÷ expected; counts and sums only.
    pub planned_cost_per_output: Option<Decimal>,
    /// attainment ÷ spend ratio (spent ÷ budget): for counts and sums, the
    /// planned cost per output ÷ the cost per output.
    pub return_index: Option<Decimal>,
    /// Spent more than the budget and brought less than expected.
    pub overspent_and_short: bool,
    /// The day the output reached the expected figure (derived outputs), or the Completed cell.
    pub finished_on: Option<NaiveDate>,
    /// Finished inside its dates; `None` while running or when qbr cannot tell.
    pub on_time: Option<bool>,
}

impl ActionReview {
    /// Decimals a cost per unit of output is shown with: 4 when the output is
    /// money (yuan per yuan of sales, 0.0749), else 2 (yuan per lead).
    pub fn cost_decimals(&self) -> u32 {
        if self.measure.is_money() { 4 } else { 2 }
    }

    /// A cost per unit of output as text, with [`Self::cost_decimals`] places (half-up).
    pub fn cost_text(&self, v: Decimal) -> String {
        let dp = self.cost_decimals();
        let mut r =
            v.round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        r.rescale(dp);
        r.to_string()
    }
}

/// A sub-target that no action serves.
#[derive(Debug, Clone, PartialEq)]
pub struct Unplanned {
    pub node: usize,
    pub dimension: Dimension,
    pub measure: Measure,
    pub unit: String,
    pub owner: Option<String>,
    pub target: Decimal,
}

/// The quarter's action plans, reviewed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resources {
    /// Ranked by return index (best first; actions without one last).
    pub actions: Vec<ActionReview>,
    pub budget: Decimal,
    pub spent: Decimal,
    /// Sub-targets (every dimension but total and month) with no action on
    /// them, above them or below them.
    pub unplanned: Vec<Unplanned>,
}

impl Resources {
    /// The actions that spent more than their budget and brought less than expected.
    pub fn overspent_and_short(&self) -> impl Iterator<Item = &ActionReview> {
        self.actions.iter().filter(|a| a.overspent_and_short)
    }
}

/// True when the action runs at some point in the quarter (undated actions do).
pub fn in_period(a: &ActionRec, period: Period) -> bool {
    a.start.is_none_or(|s| s <= period.last_day()) && a.end.is_none_or(|e| e >= period.first_day())
}

/// Reviews the action plans of the quarter; `None` when the inbox has none.
pub(super) fn review_actions(
    ctx: &Ctx,
    dims: &[DimensionReview],
    as_of: NaiveDate,
) -> Option<Resources> {
    if ctx.ds.actions.is_empty() {
        return None;
    }
    use rayon::prelude::*;
    // Each action may pass over the quarter's lines: they are reviewed in parallel.
    let mut actions: Vec<ActionReview> = ctx
        .ds
        .actions
        .par_iter()
        .filter(|a| in_period(a, ctx.period))
        .map(|a| review_action(ctx, dims, a, as_of))
        .collect();
    actions.sort_by(|a, b| {
        b.return_index
            .is_some()
            .cmp(&a.return_index.is_some())
            .then(b.return_index.cmp(&a.return_index))
            .then(b.attainment.cmp(&a.attainment))
            .then(a.action.cmp(&b.action))
    });
    let budget = actions.iter().filter_map(|a| a.budget).sum();
    let spent = actions.iter().filter_map(|a| a.spent).sum();
    let unplanned = unplanned(ctx, &actions);
    Some(Resources {
        actions,
        budget,
        spent,
        unplanned,
    })
}

fn review_action(
    ctx: &Ctx,
    dims: &[DimensionReview],
    a: &ActionRec,
    as_of: NaiveDate,
) -> ActionReview {
    let node = ctx
        .tree
        .resolve_serves(&a.serves, a.measure.as_ref(), ctx.config);
    let measure = a
        .measure
        .clone()
        .or_else(|| node.map(|n| ctx.tree.nodes[n].measure.clone()))
        .unwrap_or(Measure::Sales);
    let first = a
        .start
        .unwrap_or(ctx.period.first_day())
        .max(ctx.period.first_day());
    let last = a
        .end
        .unwrap_or(ctx.period.last_day())
        .min(ctx.period.last_day());
    let derived = node.and_then(|n| derive(ctx, dims, n, &measure, first, last, a.expected));
    let (actual, source, reached) = match (a.output, derived) {
        (Some(v), _) => (Some(v), OutputSource::Sheet, None),
        (None, Some((v, source, reached))) => (Some(v), source, reached),
        (None, None) => (None, OutputSource::Unknown, None),
    };
    let attainment = actual
        .filter(|_| a.expected > Decimal::ZERO)
        .map(|v| v / a.expected);
    let cost = a.spent.or(a.budget);
    // Money buys counts and sums; a rate or an average has no cost per unit.
    let per_unit = measure.is_additive();
    let cost_per_output = cost
        .zip(actual)
        .filter(|(_, v)| per_unit && *v > Decimal::ZERO)
        .map(|(c, v)| c / v);
    let planned_cost_per_output = a
        .budget
        .filter(|_| per_unit && a.expected > Decimal::ZERO)
        .map(|b| b / a.expected);
    let spend_ratio = cost
        .zip(a.budget)
        .filter(|(_, b)| *b > Decimal::ZERO)
        .map(|(c, b)| c / b);
    let return_index = attainment
        .zip(spend_ratio)
        .filter(|(_, r)| *r > Decimal::ZERO)
        .map(|(at, r)| at / r);
    let overspent_and_short = matches!((a.spent, a.budget), (Some(s), Some(b)) if s > b)
        && actual.is_some_and(|v| v < a.expected);
    let finished_on = a.completed.or(reached);
    let on_time = match (finished_on, a.end) {
        (Some(f), Some(end)) => Some(f <= end),
        (Some(_), None) => Some(true),
        // Not finished: late once its end has passed, running before.
        (None, Some(end)) if end < as_of && source != OutputSource::Sheet => Some(false),
        _ => None,
    };
    let n = node.map(|n| &ctx.tree.nodes[n]);
    ActionReview {
        action: a.action.clone(),
        owner: a.owner.clone(),
        start: a.start,
        end: a.end,
        serves: a.serves.clone(),
        node,
        dimension: n.map(|n| n.dimension.clone()),
        unit: n.map(|n| n.unit.clone()),
        measure,
        expected: a.expected,
        actual,
        source,
        attainment,
        budget: a.budget,
        spent: a.spent,
        cost_per_output,
        planned_cost_per_output,
        return_index,
        overspent_and_short,
        finished_on,
        on_time,
    }
}

/// The output of a served unit inside `first..=last`, where its measure
/// allows, with its source and the day it reached `expected`.
fn derive(
    ctx: &Ctx,
    dims: &[DimensionReview],
    node: usize,
    measure: &Measure,
    first: NaiveDate,
    last: NaiveDate,
    expected: Decimal,
) -> Option<(Decimal, OutputSource, Option<NaiveDate>)> {
    let n = &ctx.tree.nodes[node];
    let mut events: Vec<(NaiveDate, Decimal)> = Vec::new();
    let source = match measure {
        Measure::Sales | Measure::Units | Measure::Collections | Measure::NewCustomers => {
            let matchers: Vec<_> = ctx
                .tree
                .subtree(node)
                .into_iter()
                .map(|i| ctx.ledger.resolve(&n.dimension, &ctx.tree.nodes[i].key))
                .collect();
            let mut seen = HashSet::new();
            for e in ctx.ledger.in_period(ctx.period) {
                let o = e.line(ctx.ds);
                if o.date < first
                    || o.date > last
                    || !matchers.iter().any(|m| e.matches(&n.dimension, *m))
                {
                    continue;
                }
                let v = match measure {
                    Measure::Sales => o.amount,
                    Measure::Units => o.quantity.get().unwrap_or_default(),
                    Measure::Collections => o.collected.get().unwrap_or_default(),
                    _ if e.lifecycle == Ok(crate::ledger::Lifecycle::New)
                        && seen.insert(e.customer) =>
                    {
                        Decimal::ONE
                    }
                    _ => continue,
                };
                events.push((o.date, v));
            }
            OutputSource::Orders
        }
        Measure::Visits | Measure::Leads | Measure::Opportunities | Measure::Demos => {
            let mut any = false;
            for a in &ctx.activities {
                if a.rec.date < first || a.rec.date > last || !a.belongs(&n.dimension, &n.key)? {
                    continue;
                }
                if let Some(v) = a.stage(measure) {
                    any = true;
                    events.push((a.rec.date, v));
                }
            }
            if !any {
                return None;
            }
            OutputSource::Activities
        }
        _ => {
            let unit = dims
                .iter()
                .flat_map(|d| &d.units)
                .find(|u| u.node == node)?;
            let v = if *measure == n.measure {
                unit.actual?
            } else {
                return None;
            };
            return Some((v, OutputSource::Unit, None));
        }
    };
    events.sort_by_key(|(d, _)| *d);
    let mut total = Decimal::ZERO;
    let mut reached = None;
    for (date, v) in events {
        total += v;
        if reached.is_none() && expected > Decimal::ZERO && total >= expected {
            reached = Some(date);
        }
    }
    Some((total, source, reached))
}

/// Sub-targets without an action on them, on an ancestor or on a descendant.
fn unplanned(ctx: &Ctx, actions: &[ActionReview]) -> Vec<Unplanned> {
    let nodes = &ctx.tree.nodes;
    let mut covered = vec![false; nodes.len()];
    for a in actions {
        let Some(start) = a.node else { continue };
        // Down: the unit and everything split from it.
        let mut stack = vec![start];
        while let Some(i) = stack.pop() {
            if !covered[i] {
                covered[i] = true;
                stack.extend(ctx.tree.children(i));
            }
        }
        // Up: the units it is split from (a loop in the parents stops the walk).
        let mut cur = start;
        for _ in 0..nodes.len() {
            match nodes[cur].parent {
                crate::tree::ParentRef::Node(p) if p != cur => {
                    covered[p] = true;
                    cur = p;
                }
                _ => break,
            }
        }
    }
    // A unit covered under one measure is covered under every measure.
    let covered_units: HashSet<(&Dimension, &str)> = nodes
        .iter()
        .zip(&covered)
        .filter(|(_, c)| **c)
        .map(|(n, _)| (&n.dimension, n.key.as_str()))
        .collect();
    nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| {
            !covered_units.contains(&(&n.dimension, n.key.as_str()))
                && !matches!(n.dimension, Dimension::Total | Dimension::Month)
        })
        .map(|(i, n)| {
            let row = &ctx.ds.targets[n.row];
            Unplanned {
                node: i,
                dimension: n.dimension.clone(),
                measure: n.measure.clone(),
                unit: n.unit.clone(),
                owner: row.owner.clone(),
                target: row.target,
            }
        })
        .collect()
}
