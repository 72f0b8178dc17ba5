//! Closing the loop: suggestions and next quarter's target tree.
//!
//! In: the reviewed quarter's target tree, its [`Review`], the order history
//! and the configuration. Out: [`NextQuarter`] — the suggestions (each with a
//! stable rule id, its unit, the proposed next-quarter target and its evidence
//! in numbers) and the next quarter's tree, in which every sibling set adds up
//! exactly to its parent (largest-remainder rounding to whole yuan or units).
//!
//! The model, step by step (docs/next-quarter.md):
//! 1. The next total of each additive measure grows by the strategy's
//!    `annual_growth`, compounded per quarter, from this quarter's target
//!    (`--next-total` sets the sales total instead).
//! 2. Each sibling set shares its parent's next target by weights: the unit's
//!    planned share this quarter, raised to its actual share for units that
//!    finished at or above `excellent_at` (or at 100% two quarters running),
//!    and moved halfway toward the actual share for a short board whose
//!    shortfall persists. Share thus moves from persistent short boards to
//!    persistent over-performers while the parent's total stays on strategy.
//! 3. Months take the seasonality of the same quarter a year earlier when the
//!    history holds it, else this quarter's month shares.
//! 4. Rates and average order values carry over; the new-customer count is
//!    derived from the new-customer sales and the average order value.

use crate::analyze::{Review, Status, UnitReview};
use crate::calendar::{Month, Period};
use crate::config::Config;
use crate::ledger::Ledger;
use crate::money::{ExactSum, allocate, format_percent};
use crate::records::{Dataset, Dimension, Measure};
use crate::text::match_key;
use crate::tree::{ParentRef, TargetLine, TargetTree};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// A suggestion rule: stable id, used in summary.json and the reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Rule {
    /// At or above `excellent_at`, or at 100% two quarters running: raise toward the run rate.
    #[serde(rename = "raise.excellent")]
    RaiseExcellent,
    /// A short board for the first time: hold its share, find the cause.
    #[serde(rename = "hold.short_board")]
    HoldShortBoard,
    /// A short board two quarters running: lower its share halfway to its actual mix.
    #[serde(rename = "lower.persistent_short_board")]
    LowerPersistentShortBoard,
    /// Enough leads but a low conversion: training and coaching.
    #[serde(rename = "lever.training")]
    LeverTraining,
    /// Too few leads: marketing support.
    #[serde(rename = "lever.marketing")]
    LeverMarketing,
    /// One person explains most of a group's shortfall: individual coaching.
    #[serde(rename = "lever.coaching")]
    LeverCoaching,
    /// A product class lags in every region: product and pricing, not the sales team.
    #[serde(rename = "lever.product")]
    LeverProduct,
    /// The planned share no longer matches the sales mix.
    #[serde(rename = "flag.share_mismatch")]
    FlagShareMismatch,
    /// An action returned less than planned while another returned more: move budget.
    #[serde(rename = "shift.budget")]
    ShiftBudget,
}

impl Rule {
    /// The stable id (`raise.excellent`).
    pub fn id(self) -> &'static str {
        match self {
            Rule::RaiseExcellent => "raise.excellent",
            Rule::HoldShortBoard => "hold.short_board",
            Rule::LowerPersistentShortBoard => "lower.persistent_short_board",
            Rule::LeverTraining => "lever.training",
            Rule::LeverMarketing => "lever.marketing",
            Rule::LeverCoaching => "lever.coaching",
            Rule::LeverProduct => "lever.product",
            Rule::FlagShareMismatch => "flag.share_mismatch",
            Rule::ShiftBudget => "shift.budget",
        }
    }

    /// Every rule, in the order reports list them.
    pub const ALL: [Rule; 9] = [
        Rule::RaiseExcellent,
        Rule::LowerPersistentShortBoard,
        Rule::HoldShortBoard,
        Rule::LeverTraining,
        Rule::LeverMarketing,
        Rule::LeverCoaching,
        Rule::LeverProduct,
        Rule::FlagShareMismatch,
        Rule::ShiftBudget,
    ];
}

/// One suggestion: a rule that fired for a unit, with its numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub rule: Rule,
    pub dimension: Dimension,
    pub measure: Measure,
    pub unit: String,
    /// The unit's proposed next-quarter target.
    pub next_target: Option<Decimal>,
    /// The evidence: named figures, already formatted (`completion` → `80.69%`).
    pub evidence: Vec<(&'static str, String)>,
}

impl Suggestion {
    /// The evidence as one line: `completion 80.69%, previous 78.10%, …`.
    pub fn evidence_text(&self) -> String {
        self.evidence
            .iter()
            .map(|(k, v)| format!("{} {v}", k.replace('_', " ")))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One row of next quarter's target tree and the rules that shaped it.
#[derive(Debug, Clone, PartialEq)]
pub struct NextRow {
    /// The row; its note is left empty for the report's language to fill.
    pub line: TargetLine,
    pub rules: Vec<Rule>,
}

/// Next quarter: its tree and the suggestions that shaped it.
#[derive(Debug, Clone, PartialEq)]
pub struct NextQuarter {
    pub period: Period,
    /// The growth factor applied to this quarter's totals (1.0466 for 20% a year).
    pub growth: Decimal,
    pub rows: Vec<NextRow>,
    pub suggestions: Vec<Suggestion>,
}

/// `(1 + annual)^(1/4)` by Newton's method in decimals, to 8 places.
///
/// ```
/// use rust_decimal::Decimal;
/// assert_eq!(qbr::next::quarterly_growth(Decimal::new(20, 2)).to_string(), "1.04663514");
/// assert_eq!(qbr::next::quarterly_growth(Decimal::ZERO), Decimal::ONE);
/// ```
pub fn quarterly_growth(annual: Decimal) -> Decimal {
    let a = Decimal::ONE + annual;
    if a <= Decimal::ZERO {
        return Decimal::ONE;
    }
    let mut x = Decimal::ONE;
    for _ in 0..60 {
        let x3 = x * x * x;
        let next = x - (x3 * x - a) / (Decimal::from(4) * x3);
        if (next - x).abs() < Decimal::new(1, 20) {
            x = next;
            break;
        }
        x = next;
    }
    x.round_dp(8)
}

/// What the rules decided for one unit of a sibling set.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Weighting {
    Plan,
    Raise,
    Lower,
}

/// Inputs the computation reads, gathered once.
pub struct Inputs<'a> {
    pub dataset: &'a Dataset,
    pub ledger: &'a Ledger,
    pub tree: &'a TargetTree,
    pub review: &'a Review,
    pub config: &'a Config,
    /// Overrides next quarter's sales total.
    pub next_total: Option<Decimal>,
}

/// Computes the suggestions and next quarter's tree.
pub fn next_quarter(x: &Inputs) -> NextQuarter {
    let review = x.review;
    let period = review.period;
    let next = period.next();
    let growth = quarterly_growth(x.config.annual_growth);
    let units = unit_reviews(review);
    let previous = previous_completions(x);
    let mut suggestions = Vec::new();

    // Decide each sales unit's weighting, and the suggestions that explain it.
    let mut weighting: HashMap<usize, (Weighting, Rule)> = HashMap::new();
    let siblings = x.tree.sibling_sets();
    for members in siblings.values() {
        let m = &x.tree.nodes[members[0]].measure;
        if *m != Measure::Sales || x.tree.nodes[members[0]].dimension == Dimension::Month {
            continue;
        }
        let (plan_sum, actual_sum) = sums(members, x, &units);
        for &i in members {
            let Some(u) = units.get(&i) else { continue };
            let (Some(c), Some(actual)) = (u.completion, u.actual) else {
                continue;
            };
            let plan_share = share(u.target, plan_sum);
            let actual_share = share(actual, actual_sum);
            let prev = previous.get(&i).copied();
            let mut evidence = vec![("completion", format_percent(c))];
            if u.okr {
                evidence.push(("success_line", format_percent(u.short_line(x.config))));
            }
            if let Some((p, proxy)) = prev {
                evidence.push((
                    if proxy {
                        "previous_completion_estimated"
                    } else {
                        "previous_completion"
                    },
                    format_percent(p),
                ));
            }
            evidence.push(("plan_share", format_percent(plan_share)));
            evidence.push(("actual_share", format_percent(actual_share)));
            let node = &x.tree.nodes[i];
            let two_at_100 = c >= Decimal::ONE && prev.is_some_and(|(p, _)| p >= Decimal::ONE);
            let decision = if c >= x.config.excellent_at || two_at_100 {
                Some((Weighting::Raise, Rule::RaiseExcellent))
            } else if u.status == Some(Status::ShortBoard) {
                if prev.is_some_and(|(p, _)| p < u.short_line(x.config)) {
                    Some((Weighting::Lower, Rule::LowerPersistentShortBoard))
                } else {
                    Some((Weighting::Plan, Rule::HoldShortBoard))
                }
            } else {
                None
            };
            if let Some((w, rule)) = decision {
                weighting.insert(i, (w, rule));
                suggestions.push(Suggestion {
                    rule,
                    dimension: node.dimension.clone(),
                    measure: node.measure.clone(),
                    unit: node.unit.clone(),
                    next_target: None,
                    evidence: evidence.clone(),
                });
            }
            if (actual_share - plan_share).abs() >= x.config.share_mismatch && members.len() > 1 {
                suggestions.push(Suggestion {
                    rule: Rule::FlagShareMismatch,
                    dimension: node.dimension.clone(),
                    measure: node.measure.clone(),
                    unit: node.unit.clone(),
                    next_target: None,
                    evidence: vec![
                        ("plan_share", format_percent(plan_share)),
                        ("actual_share", format_percent(actual_share)),
                    ],
                });
            }
        }
    }
    suggestions.extend(levers(x, &units));
    suggestions.extend(shift_budget(x.review));

    let rows = build_rows(x, next, growth, &weighting, &siblings, &units);
    for s in &mut suggestions {
        s.next_target = rows
            .iter()
            .map(|r| &r.line)
            .find(|r| {
                r.dimension == s.dimension
                    && r.measure == s.measure
                    && match_key(&r.unit) == match_key(&s.unit)
            })
            .map(|r| r.target);
    }
    suggestions.sort_by_key(|s| {
        (
            Rule::ALL.iter().position(|r| *r == s.rule),
            crate::analyze::DIMENSION_ORDER
                .iter()
                .position(|d| *d == s.dimension),
        )
    });
    NextQuarter {
        period: next,
        growth,
        rows,
        suggestions,
    }
}

/// Pairs the lowest-return actions (below plan) with the highest (above it),
/// from both ends of the ranking: half the low one's budget moves to the high
/// one, with what that money bought in each.
fn shift_budget(review: &Review) -> Vec<Suggestion> {
    use crate::analyze::resources::ActionReview;
    let Some(r) = &review.resources else {
        return Vec::new();
    };
    let ranked: Vec<&ActionReview> = r
        .actions
        .iter()
        // Money buys counts and sums, not rates: a rate's action is ranked, not moved.
        .filter(|a| a.measure.is_additive())
        .filter(|a| a.return_index.is_some() && a.cost_per_output.is_some() && a.budget.is_some())
        .collect();
    let times = |v: Decimal| format!("{}×", v.round_dp(2));
    let mut out = Vec::new();
    for k in 0..ranked.len() / 2 {
        let (high, low) = (ranked[k], ranked[ranked.len() - 1 - k]);
        let (Some(hr), Some(lr)) = (high.return_index, low.return_index) else {
            break;
        };
        if hr <= Decimal::ONE || lr >= Decimal::ONE {
            break;
        }
        let (Some(hc), Some(lc), Some(budget)) =
            (high.cost_per_output, low.cost_per_output, low.budget)
        else {
            break;
        };
        // In one measure the money must also buy more there than here.
        if high.measure == low.measure && hc >= lc {
            continue;
        }
        let (Some(dimension), Some(unit)) = (low.dimension.clone(), low.unit.clone()) else {
            continue;
        };
        let amount = (budget / Decimal::TWO).round_dp(0);
        let output = |cost: Decimal, m: &Measure| {
            let v = amount / cost;
            let v = if m.is_money() {
                crate::money::format_money(v)
            } else {
                v.round_dp(1).normalize().to_string()
            };
            format!("{v} {}", m.key())
        };
        out.push(Suggestion {
            rule: Rule::ShiftBudget,
            dimension,
            measure: low.measure.clone(),
            unit,
            next_target: None,
            evidence: vec![
                ("action", low.action.clone()),
                ("return_index", times(lr)),
                ("to_action", high.action.clone()),
                ("to_return_index", times(hr)),
                ("shift_amount", crate::money::format_money(amount)),
                ("buys_here", output(lc, &low.measure)),
                ("buys_there", output(hc, &high.measure)),
            ],
        });
    }
    out
}

fn share(part: Decimal, whole: Decimal) -> Decimal {
    if whole.is_zero() {
        Decimal::ZERO
    } else {
        part / whole
    }
}

/// Node index → its unit review.
fn unit_reviews(review: &Review) -> HashMap<usize, &UnitReview> {
    review
        .dimensions
        .iter()
        .flat_map(|d| &d.units)
        .chain(review.total.as_ref())
        .map(|u| (u.node, u))
        .collect()
}

/// (planned, actual) sums of a sibling set.
fn sums(members: &[usize], x: &Inputs, units: &HashMap<usize, &UnitReview>) -> (Decimal, Decimal) {
    let plan = members
        .iter()
        .map(|&i| x.dataset.targets[x.tree.nodes[i].row].target)
        .sum();
    let actual = members
        .iter()
        .filter_map(|&i| units.get(&i).and_then(|u| u.actual))
        .sum();
    (plan, actual)
}

/// Each sales unit's previous-quarter completion, by node index: against the previous
/// quarter's own target when the inbox holds it (`false`), else an estimate
/// (`true`): the previous quarter's actual against this quarter's target
/// scaled back by the company's planned growth (this quarter's total target ÷
/// last quarter's total sales), so that a unit is not called short last
/// quarter merely because the plan grew.
pub fn previous_completions(x: &Inputs) -> HashMap<usize, (Decimal, bool)> {
    let prev_period = x.review.period.offset(-1);
    let company_prev: Decimal = x
        .ledger
        .in_period(prev_period)
        .iter()
        .map(|e| e.amount)
        .sum::<ExactSum>()
        .total();
    let deflator = x
        .tree
        .total(&Measure::Sales)
        .map(|t| x.dataset.targets[x.tree.nodes[t].row].target)
        .filter(|t| !t.is_zero() && !company_prev.is_zero())
        .map(|t| company_prev / t)
        .unwrap_or(Decimal::ONE);
    let prev_tree = TargetTree::build(x.dataset, prev_period);
    let has_prev_targets = x
        .dataset
        .targets
        .iter()
        .any(|t| t.period == Some(prev_period));
    let mut out = HashMap::new();
    for (i, n) in x.tree.nodes.iter().enumerate() {
        if n.measure != Measure::Sales {
            continue;
        }
        let Some(trend) = x.review.trend.iter().find(|t| {
            t.dimension == n.dimension && t.measure == n.measure && match_key(&t.unit) == n.key
        }) else {
            continue;
        };
        let Some((_, actual)) = trend.quarters.iter().find(|(p, _)| *p == prev_period) else {
            continue;
        };
        let own = has_prev_targets
            .then(|| prev_tree.find(&n.dimension, &n.measure, &n.key))
            .flatten()
            .map(|j| x.dataset.targets[prev_tree.nodes[j].row].target);
        let (target, proxy) = match own {
            Some(t) => (t, false),
            None => (x.dataset.targets[n.row].target * deflator, true),
        };
        if !target.is_zero() {
            out.insert(i, (*actual / target, proxy));
        }
    }
    out
}

/// The levers: training, marketing, coaching, product.
fn levers(x: &Inputs, units: &HashMap<usize, &UnitReview>) -> Vec<Suggestion> {
    let mut out = Vec::new();
    let short: Vec<(usize, &UnitReview)> = x
        .tree
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.measure == Measure::Sales)
        .filter_map(|(i, _)| units.get(&i).map(|u| (i, *u)))
        .filter(|(_, u)| u.status == Some(Status::ShortBoard))
        .collect();
    let ratio = x.config.lever_ratio;
    // Leads and conversion per team unit, against the average of its level.
    for level in [Dimension::Region, Dimension::Group, Dimension::Person] {
        let rows: Vec<_> = x
            .review
            .funnel
            .iter()
            .filter(|f| f.dimension == level)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let target_of = |unit: &str| {
            units
                .values()
                .find(|u| {
                    let n = &x.tree.nodes[u.node];
                    n.measure == Measure::Sales
                        && n.dimension == level
                        && match_key(&u.unit) == match_key(unit)
                })
                .map(|u| u.target)
        };
        // Leads per 10,000 of sales target, and deals per lead, for the level.
        let (mut leads_all, mut target_all, mut deals_all) =
            (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
        for f in &rows {
            if let Some(t) = target_of(&f.unit) {
                leads_all += f.stages[1];
                deals_all += f.stages[4];
                target_all += t;
            }
        }
        if leads_all.is_zero() || target_all.is_zero() {
            continue;
        }
        let per_10k = Decimal::from(10_000);
        let avg_density = leads_all * per_10k / target_all;
        let avg_conversion = deals_all / leads_all;
        for (i, u) in &short {
            let node = &x.tree.nodes[*i];
            if node.dimension != level {
                continue;
            }
            let Some(f) = rows.iter().find(|f| match_key(&f.unit) == node.key) else {
                continue;
            };
            let (leads, deals) = (f.stages[1], f.stages[4]);
            let density = leads * per_10k / u.target;
            let fmt2 = |d: Decimal| d.round_dp(2).normalize().to_string();
            let evidence = vec![
                ("leads", leads.normalize().to_string()),
                ("leads_per_10k_target", fmt2(density)),
                ("level_average", fmt2(avg_density)),
                (
                    "conversion",
                    if leads.is_zero() {
                        "—".into()
                    } else {
                        format_percent(deals / leads)
                    },
                ),
                ("level_conversion", format_percent(avg_conversion)),
            ];
            let rule = if density < avg_density * ratio {
                Some(Rule::LeverMarketing)
            } else if !leads.is_zero() && deals / leads < avg_conversion * ratio {
                Some(Rule::LeverTraining)
            } else {
                None
            };
            if let Some(rule) = rule {
                out.push(Suggestion {
                    rule,
                    dimension: level.clone(),
                    measure: Measure::Sales,
                    unit: node.unit.clone(),
                    next_target: None,
                    evidence,
                });
            }
        }
    }
    // One person explaining most of a short-board group's shortfall.
    for (gi, g) in short
        .iter()
        .filter(|(i, _)| x.tree.nodes[*i].dimension == Dimension::Group)
    {
        let people: Vec<&UnitReview> = x
            .tree
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.parent == ParentRef::Node(*gi) && n.measure == Measure::Sales)
            .filter_map(|(i, _)| units.get(&i).copied())
            .collect();
        let gaps: Vec<(&UnitReview, Decimal)> = people
            .iter()
            .filter_map(|p| Some((*p, (p.target - p.actual?).max(Decimal::ZERO))))
            .collect();
        let total: Decimal = gaps.iter().map(|(_, g)| *g).sum();
        if total.is_zero() || people.len() < 2 {
            continue;
        }
        if let Some((p, gap)) = gaps.iter().max_by_key(|(_, g)| *g)
            && *gap / total > x.config.drag_share
        {
            out.push(Suggestion {
                rule: Rule::LeverCoaching,
                dimension: Dimension::Person,
                measure: Measure::Sales,
                unit: p.unit.clone(),
                next_target: None,
                evidence: vec![
                    ("group", g.unit.clone()),
                    (
                        "group_completion",
                        g.completion.map(format_percent).unwrap_or_default(),
                    ),
                    (
                        "completion",
                        p.completion.map(format_percent).unwrap_or_default(),
                    ),
                    ("share_of_group_shortfall", format_percent(*gap / total)),
                ],
            });
        }
    }
    out.extend(product_levers(x, &short));
    out
}

/// A short-board product class whose share of sales falls short of its
/// planned share (scaled by the short-board line) in every region.
fn product_levers(x: &Inputs, short: &[(usize, &UnitReview)]) -> Vec<Suggestion> {
    let entries = x.ledger.in_period(x.review.period);
    let regions: Vec<_> = x
        .tree
        .nodes
        .iter()
        .filter(|n| n.dimension == Dimension::Region && n.measure == Measure::Sales)
        .collect();
    if regions.len() < 2 {
        return Vec::new();
    }
    let total_target = x
        .tree
        .total(&Measure::Sales)
        .map(|t| x.dataset.targets[x.tree.nodes[t].row].target);
    let mut out = Vec::new();
    for (i, u) in short {
        let node = &x.tree.nodes[*i];
        if node.dimension != Dimension::Product {
            continue;
        }
        let Some(plan) = total_target.filter(|t| !t.is_zero()).map(|t| u.target / t) else {
            continue;
        };
        let class = x.ledger.resolve(&Dimension::Product, &node.key);
        let mut lagging = Vec::new();
        for r in &regions {
            let region = x.ledger.resolve(&Dimension::Region, &r.key);
            let (mut in_region, mut of_class) = (Decimal::ZERO, Decimal::ZERO);
            for e in entries
                .iter()
                .filter(|e| e.matches(&Dimension::Region, region))
            {
                let amount = e.amount;
                in_region += amount;
                if e.matches(&Dimension::Product, class) {
                    of_class += amount;
                }
            }
            let s = share(of_class, in_region);
            lagging.push((r.unit.clone(), s, s < plan * x.config.short_board_below));
        }
        if lagging.iter().all(|(_, _, lag)| *lag) {
            let mut evidence = vec![
                (
                    "completion",
                    u.completion.map(format_percent).unwrap_or_default(),
                ),
                ("plan_share", format_percent(plan)),
            ];
            let per_region = lagging
                .iter()
                .map(|(r, s, _)| format!("{r} {}", format_percent(*s)))
                .collect::<Vec<_>>()
                .join(" / ");
            evidence.push(("share_by_region", per_region));
            out.push(Suggestion {
                rule: Rule::LeverProduct,
                dimension: Dimension::Product,
                measure: Measure::Sales,
                unit: node.unit.clone(),
                next_target: None,
                evidence,
            });
        }
    }
    out
}

/// Builds next quarter's rows top-down: totals first, then each sibling set
/// once its parent's next target is known.
fn build_rows(
    x: &Inputs,
    next: Period,
    growth: Decimal,
    weighting: &HashMap<usize, (Weighting, Rule)>,
    siblings: &BTreeMap<(Option<usize>, Measure, Dimension), Vec<usize>>,
    units: &HashMap<usize, &UnitReview>,
) -> Vec<NextRow> {
    let nodes = &x.tree.nodes;
    let target = |i: usize| x.dataset.targets[nodes[i].row].target;
    let mut next_target: HashMap<usize, Decimal> = HashMap::new();
    let mut rules: HashMap<usize, Vec<Rule>> = HashMap::new();
    // 1. Totals.
    for (i, n) in nodes.iter().enumerate() {
        if n.dimension != Dimension::Total {
            continue;
        }
        let t = if n.measure.is_additive() {
            match (&n.measure, x.next_total) {
                (Measure::Sales, Some(total)) => total.round_dp(0),
                _ => (target(i) * growth).round_dp(0),
            }
        } else {
            target(i)
        };
        next_target.insert(i, t);
    }
    let month_weights = month_weights(x, next);
    // 2. Sibling sets, repeated until every parent is resolved (depth ≤ 3).
    let mut pending: Vec<_> = siblings.iter().collect();
    for _ in 0..8 {
        pending.retain(|((parent, _, _), members)| {
            let measure = &nodes[members[0]].measure;
            let dimension = &nodes[members[0]].dimension;
            if !measure.is_additive() {
                for &i in members.iter() {
                    next_target.insert(i, target(i));
                }
                return false;
            }
            let parent_next = match parent {
                Some(p) => match next_target.get(p) {
                    Some(t) => *t,
                    None => return true,
                },
                None => match x.tree.total(measure).and_then(|t| next_target.get(&t)) {
                    Some(t) => *t,
                    None => {
                        (members.iter().map(|&i| target(i)).sum::<Decimal>() * growth).round_dp(0)
                    }
                },
            };
            let (plan_sum, actual_sum) = sums(members, x, units);
            let weights: Vec<Decimal> = members
                .iter()
                .map(|&i| {
                    let plan = share(target(i), plan_sum);
                    if *dimension == Dimension::Month {
                        return month_weights
                            .as_ref()
                            .and_then(|w| month_position(&nodes[i].unit).map(|k| w[k]))
                            .unwrap_or(plan);
                    }
                    let actual = units
                        .get(&i)
                        .and_then(|u| u.actual)
                        .map(|a| share(a, actual_sum));
                    match (weighting.get(&i), actual) {
                        (Some((Weighting::Raise, _)), Some(a)) => plan.max(a),
                        (Some((Weighting::Lower, _)), Some(a)) => (plan + a) / Decimal::TWO,
                        _ => plan,
                    }
                })
                .collect();
            let parts = allocate(parent_next, &weights, 0)
                .unwrap_or_else(|| members.iter().map(|&i| target(i)).collect());
            for (&i, part) in members.iter().zip(parts) {
                next_target.insert(i, part);
                if let Some((_, rule)) = weighting.get(&i) {
                    rules.entry(i).or_default().push(*rule);
                }
            }
            false
        });
        if pending.is_empty() {
            break;
        }
    }
    derive_new_customers(x, &mut next_target);
    // 3. Rows, in the tree's order, with months moved to the next quarter.
    let index: HashMap<usize, usize> = nodes
        .iter()
        .enumerate()
        .filter(|(i, _)| next_target.contains_key(i))
        .enumerate()
        .map(|(row, (i, _))| (i, row))
        .collect();
    nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| {
            let t = *next_target.get(&i)?;
            let row = &x.dataset.targets[n.row];
            let tier = |v: Option<Decimal>| {
                v.filter(|_| !row.target.is_zero())
                    .map(|v| (t * v / row.target).round_dp(if n.measure.is_rate() { 4 } else { 0 }))
            };
            let unit = if n.dimension == Dimension::Month {
                month_position(&n.unit)
                    .map(|k| next.months()[k].to_string())
                    .unwrap_or_else(|| n.unit.clone())
            } else {
                n.unit.clone()
            };
            Some(NextRow {
                line: TargetLine {
                    dimension: n.dimension.clone(),
                    unit,
                    parent: match n.parent {
                        ParentRef::Node(p) => index.get(&p).copied(),
                        _ => None,
                    },
                    measure: n.measure.clone(),
                    target: t,
                    stretch: tier(row.stretch),
                    challenge: tier(row.challenge),
                    owner: row.owner.clone(),
                    note: String::new(),
                },
                rules: rules.remove(&i).unwrap_or_default(),
            })
        })
        .collect()
}

/// The position (0–2) of a month unit within its quarter.
fn month_position(unit: &str) -> Option<usize> {
    let m = crate::calendar::parse_month(unit)?;
    Some((usize::from(m.month) - 1) % 3)
}

/// The seasonality of `next`'s months: the same quarter a year earlier, by
/// month, as shares; `None` when the history does not hold it.
fn month_weights(x: &Inputs, next: Period) -> Option<[Decimal; 3]> {
    let year_before = next.offset(-4);
    let months: [Month; 3] = year_before.months();
    let mut w = [Decimal::ZERO; 3];
    for e in x.ledger.in_period(year_before) {
        if let Some(k) = months.iter().position(|m| *m == e.month) {
            w[k] += e.amount;
        }
    }
    let sum: Decimal = w.iter().sum();
    (!sum.is_zero()).then(|| w.map(|v| v / sum))
}

/// The new-customer count of a unit that also has sales and an average order
/// value: sales ÷ AOV, rounded half-up to whole customers.
fn derive_new_customers(x: &Inputs, next_target: &mut HashMap<usize, Decimal>) {
    let nodes = &x.tree.nodes;
    for (i, n) in nodes.iter().enumerate() {
        if n.measure != Measure::NewCustomers {
            continue;
        }
        let find = |m: Measure| x.tree.find(&n.dimension, &m, &n.key);
        if let (Some(s), Some(a)) = (find(Measure::Sales), find(Measure::Aov))
            && let (Some(sales), Some(aov)) = (next_target.get(&s), next_target.get(&a))
            && !aov.is_zero()
        {
            next_target.insert(i, (*sales / *aov).round());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarterly_growth_compounds_to_the_annual_rate() {
        let q = quarterly_growth(Decimal::new(20, 2));
        let year = q * q * q * q;
        assert!(
            (year - Decimal::new(12, 1)).abs() < Decimal::new(1, 6),
            "{year}"
        );
        assert_eq!(quarterly_growth(Decimal::new(-2, 0)), Decimal::ONE);
    }
}
