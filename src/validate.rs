//! The decomposition and data rules behind `qbr check`.
//!
//! In: a [`Context`] (the dataset, the chosen period's [`TargetTree`], the
//! [`Ledger`] and the [`Config`]). Out: diagnostics. Each rule is a `check_*`
//! function with the same signature, listed once in [`RULES`]; docs/rules.md
//! describes each one.

use crate::analyze::Tier;
use crate::calendar::{Period, parse_month};
use crate::config::Config;
use crate::diag::{Code, Diagnostic, Diagnostics, Location, Words};
use crate::i18n::{Key, Lang};
use crate::ledger::{Ledger, LifecycleIssue};
use crate::money::{format_money, round_rate};
use crate::recognize::Field;
use crate::records::{Dataset, Dimension, Measure, RowRef, TargetRow};
use crate::tree::{Node, ParentRef, TargetTree};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// Everything a rule may read.
pub struct Context<'a> {
    pub dataset: &'a Dataset,
    pub tree: &'a TargetTree,
    pub ledger: &'a Ledger,
    pub config: &'a Config,
    pub period: Period,
    /// `--as-of`: the day the review is as of, when one was given.
    pub as_of: Option<chrono::NaiveDate>,
    /// Every node's actual in the quarter before, computed once by the first
    /// rule that asks (the growth and fair-share rules share one pass).
    pub last_quarter: std::sync::OnceLock<Vec<Option<Decimal>>>,
}

/// A validation rule.
pub type Rule = fn(&Context, &mut Diagnostics);

/// Every rule, in the order findings are produced.
pub const RULES: &[Rule] = &[
    check_dimensions,
    check_measures,
    check_duplicate_units,
    check_parents,
    check_cycles,
    check_months,
    check_total,
    check_sums,
    check_shares,
    check_owners,
    check_positive,
    check_tiers,
    check_growth,
    check_new_customer_formula,
    check_fair_share,
    check_duplicate_lines,
    check_salespeople,
    check_products,
    check_customer_types,
    check_outside_period,
    check_after_as_of,
    check_custom_dimensions,
    check_actions,
    check_proposals,
];

/// Runs every rule, in parallel; findings come out in rule order.
pub fn validate(ctx: &Context, diags: &mut Diagnostics) {
    use rayon::prelude::*;
    let found: Vec<Diagnostics> = RULES
        .par_iter()
        .map(|rule| {
            let mut d = Diagnostics::default();
            rule(ctx, &mut d);
            d
        })
        .collect();
    for d in found {
        diags.extend(d);
    }
}

impl Context<'_> {
    fn row(&self, node: &Node) -> &TargetRow {
        &self.dataset.targets[node.row]
    }

    /// The cell of a node's field, or the row's first cell.
    fn at(&self, node: &Node, field: Field) -> Location {
        self.cell(self.row(node).origin, field)
    }

    fn cell(&self, origin: RowRef, field: Field) -> Location {
        self.dataset
            .cell(origin, field)
            .unwrap_or_else(|| {
                let t = &self.dataset.tables[origin.table.0 as usize];
                origin.cell(t.columns.first().map(|c| c.col).unwrap_or(0))
            })
            .into()
    }

    fn target(&self, i: usize) -> Decimal {
        self.row(&self.tree.nodes[i]).target
    }

    /// The total's target for a measure: its row, or for sales the sum of the
    /// first dimension whose top-level units cover it.
    fn total_target(&self, measure: &Measure) -> Option<(Decimal, Option<usize>)> {
        if let Some(t) = self.tree.total(measure) {
            return Some((self.target(t), Some(t)));
        }
        if *measure != Measure::Sales {
            return None;
        }
        derived_total(self).map(|(v, _)| (v, None))
    }

    fn label(&self, node: &Node) -> String {
        format!(
            "{} ({} / {})",
            node.unit,
            dimension_label(&node.dimension),
            measure_label(&node.measure)
        )
    }

    /// `key` filled with the node's name in each language (`华东 (区域 /
    /// region / 销售额 / sales)`, `华东（区域 · 销售额）`), then `args`.
    fn about(&self, node: &Node, key: Key, args: &[&str]) -> Words {
        self.about_each(node, key, args, args)
    }

    /// [`Self::about`] with the other arguments differing by language too.
    fn about_each(&self, node: &Node, key: Key, en: &[&str], zh: &[&str]) -> Words {
        let zh_label = format!(
            "{}（{} · {}）",
            node.unit,
            Lang::Zh.dimension(&node.dimension),
            Lang::Zh.measure(&node.measure)
        );
        Words::naming_each(key, (&self.label(node), en), (&zh_label, zh))
    }
}

/// The dimensions whose top-level units can stand in for a missing total, in order.
const DERIVE_ORDER: &[Dimension] = &[
    Dimension::Region,
    Dimension::Product,
    Dimension::Customer,
    Dimension::Month,
    Dimension::Group,
    Dimension::Person,
];

fn derived_total(ctx: &Context) -> Option<(Decimal, &'static Dimension)> {
    DERIVE_ORDER.iter().find_map(|d| {
        let top = ctx.tree.top_level(d, &Measure::Sales);
        (!top.is_empty()).then(|| (top.iter().map(|&i| ctx.target(i)).sum(), d))
    })
}

/// `区域 / region`
pub fn dimension_label(d: &Dimension) -> String {
    use crate::i18n::Lang;
    match d {
        Dimension::Custom(c) if c.zh == c.en => c.zh.clone(),
        Dimension::Custom(c) => format!("{} / {}", c.zh, c.en),
        Dimension::Other(s) => s.clone(),
        _ => format!("{} / {}", Lang::Zh.dimension(d), d.key()),
    }
}

/// `销售额 / sales`
pub fn measure_label(m: &Measure) -> String {
    Measure::CATALOGUE
        .iter()
        .find(|(c, ..)| c == m)
        .map(|(_, k, zh)| format!("{zh} / {k}"))
        .unwrap_or_else(|| match m {
            Measure::Other(s) => s.clone(),
            _ => m.key().to_string(),
        })
}

/// A value of a measure for messages: money with separators, rates as percents.
pub fn format_value(measure: &Measure, v: Decimal) -> String {
    if measure.is_rate() {
        format!("{}%", (v * Decimal::from(100)).round_dp(2).normalize())
    } else if measure.is_money() {
        format_money(v)
    } else {
        v.normalize().to_string()
    }
}

/// Borrows each string, to fill a translation.
fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn pct(v: Decimal) -> String {
    format!("{}%", (round_rate(v) * Decimal::from(100)).normalize())
}

fn check_dimensions(ctx: &Context, diags: &mut Diagnostics) {
    for n in &ctx.tree.nodes {
        if let Dimension::Other(name) = &n.dimension {
            let or = declared(ctx.config);
            diags.push(
                Diagnostic::worded(
                    Code::TargetDimensionUnknown,
                    Some(ctx.at(n, Field::Dimension)),
                    Words::each(Key::FdDimensionUnknown, &[name, &or.en], &[name, &or.zh]),
                )
                .advise(Key::FhDeclareDimension),
            );
        }
    }
}

/// `, or one declared in qbr.toml: industry, channel` (empty when none is).
fn declared(config: &Config) -> Words {
    if config.custom_dimensions.is_empty() {
        return Words::same("");
    }
    let names: Vec<String> = config
        .custom_dimensions
        .iter()
        .map(|c| c.dimension.key.clone())
        .collect();
    Words::each(
        Key::FdOrDeclared,
        &[&names.join(", ")],
        &[&Lang::Zh.join(&names)],
    )
}

fn check_measures(ctx: &Context, diags: &mut Diagnostics) {
    for n in &ctx.tree.nodes {
        if let Measure::Other(name) = &n.measure {
            let (known_en, known_zh): (Vec<String>, Vec<String>) = Measure::CATALOGUE
                .iter()
                .map(|(_, k, zh)| (format!("{zh} ({k})"), zh.to_string()))
                .unzip();
            diags.push(Diagnostic::worded(
                Code::TargetMeasureUnknown,
                Some(ctx.at(n, Field::Measure)),
                Words::each(
                    Key::FdMeasureUnknown,
                    &[name, &known_en.join(", ")],
                    &[name, &Lang::Zh.join(&known_zh)],
                ),
            ));
        }
    }
}

fn check_duplicate_units(ctx: &Context, diags: &mut Diagnostics) {
    let mut first: HashMap<(&Dimension, &Measure, &str), usize> = HashMap::new();
    for (i, n) in ctx.tree.nodes.iter().enumerate() {
        match first.get(&(&n.dimension, &n.measure, n.key.as_str())) {
            Some(&j) => diags.push(
                Diagnostic::worded(
                    Code::TargetDuplicateUnit,
                    Some(ctx.at(n, Field::Unit)),
                    ctx.about(n, Key::FdUnitTwice, &[]),
                )
                .with_related([ctx.at(&ctx.tree.nodes[j], Field::Unit)])
                .advise(Key::FhMergeRows),
            ),
            None => {
                first.insert((&n.dimension, &n.measure, n.key.as_str()), i);
            }
        }
    }
}

fn check_parents(ctx: &Context, diags: &mut Diagnostics) {
    for n in &ctx.tree.nodes {
        let parent = ctx.row(n).parent.clone().unwrap_or_default();
        let rule = match n.dimension {
            Dimension::Group => Words::of(Key::FdGroupParentRule, &[]),
            Dimension::Person => Words::of(Key::FdPersonParentRule, &[]),
            _ => Words::same(""),
        };
        let (code, words) = match &n.parent {
            ParentRef::Missing { expected } => (
                Code::TargetParentMissing,
                Words::each(
                    Key::FdParentMissing,
                    &[&parent, &n.unit, &dimension_label(expected), &rule.en],
                    &[&parent, &n.unit, &Lang::Zh.dimension(expected), &rule.zh],
                ),
            ),
            ParentRef::WrongDimension { expected, found } => (
                Code::TargetParentWrongDimension,
                Words::each(
                    Key::FdParentWrongDimension,
                    &[
                        &parent,
                        &n.unit,
                        &dimension_label(found),
                        &dimension_label(expected),
                        &rule.en,
                    ],
                    &[
                        &parent,
                        &n.unit,
                        &Lang::Zh.dimension(found),
                        &Lang::Zh.dimension(expected),
                        &rule.zh,
                    ],
                ),
            ),
            _ => continue,
        };
        diags.push(
            Diagnostic::worded(code, Some(ctx.at(n, Field::Parent)), words)
                .advise(Key::FhFixParent),
        );
    }
}

fn check_cycles(ctx: &Context, diags: &mut Diagnostics) {
    let nodes = &ctx.tree.nodes;
    let mut reported = vec![false; nodes.len()];
    for start in 0..nodes.len() {
        let mut path = vec![start];
        let mut cur = start;
        while let ParentRef::Node(p) = nodes[cur].parent {
            if let Some(pos) = path.iter().position(|&x| x == p) {
                let cycle = &path[pos..];
                if cycle.iter().all(|&c| !reported[c]) {
                    let first = *cycle.iter().min().expect("non-empty cycle");
                    let mut names: Vec<&str> =
                        cycle.iter().map(|&c| nodes[c].unit.as_str()).collect();
                    names.push(nodes[cycle[0]].unit.as_str());
                    diags.push(
                        Diagnostic::said(
                            Code::TargetCycle,
                            Some(ctx.at(&nodes[first], Field::Parent)),
                            Key::FdParentsLoop,
                            &[&names.join(" → ")],
                        )
                        .with_related(
                            cycle
                                .iter()
                                .filter(|&&c| c != first)
                                .map(|&c| ctx.at(&nodes[c], Field::Parent)),
                        )
                        .advise(Key::FhBreakLoop),
                    );
                    for &c in cycle {
                        reported[c] = true;
                    }
                }
                break;
            }
            path.push(p);
            cur = p;
        }
    }
}

fn check_months(ctx: &Context, diags: &mut Diagnostics) {
    for n in ctx
        .tree
        .nodes
        .iter()
        .filter(|n| n.dimension == Dimension::Month)
    {
        match parse_month(&n.unit) {
            None => diags.push(Diagnostic::said(
                Code::TargetMonthInvalid,
                Some(ctx.at(n, Field::Unit)),
                Key::FdMonthInvalid,
                &[&n.unit],
            )),
            Some(m) if m.period() != ctx.period => {
                let (m, period) = (m.to_string(), ctx.period.to_string());
                let months = ctx.period.months().map(|m| m.to_string()).to_vec();
                diags.push(Diagnostic::worded(
                    Code::TargetMonthOutsidePeriod,
                    Some(ctx.at(n, Field::Unit)),
                    Words::each(
                        Key::FdMonthOutside,
                        &[&m, &period, &months.join(", ")],
                        &[&m, &period, &Lang::Zh.join(&months)],
                    ),
                ))
            }
            Some(_) => {}
        }
    }
}

fn check_total(ctx: &Context, diags: &mut Diagnostics) {
    if ctx.tree.nodes.is_empty() || ctx.tree.total(&Measure::Sales).is_some() {
        return;
    }
    let Some((value, dim)) = derived_total(ctx) else {
        return;
    };
    let loc = ctx.tree.nodes.first().map(|n| {
        let o = ctx.row(n).origin;
        Location::Sheet(o.file, o.sheet)
    });
    diags.push(
        Diagnostic::worded(
            Code::TargetTotalMissing,
            loc,
            Words::each(
                Key::FdTotalMissing,
                &[&format_money(value), &dimension_label(dim)],
                &[&format_money(value), &Lang::Zh.dimension(dim)],
            ),
        )
        .advise(Key::FhAddTotal),
    );
}

fn sum_message(what: Words, asserted: Decimal, sum: Decimal, measure: &Measure) -> Words {
    Words::naming(
        Key::FdSumMismatch,
        &what.en,
        &what.zh,
        &[
            &format_value(measure, asserted),
            &format_value(measure, sum),
            &format_value(measure, asserted - sum),
        ],
    )
}

fn check_sums(ctx: &Context, diags: &mut Diagnostics) {
    let tol = ctx.config.sum_tolerance;
    let nodes = &ctx.tree.nodes;
    for (i, n) in nodes.iter().enumerate() {
        if !n.measure.is_additive() {
            continue;
        }
        let children: Vec<usize> = ctx
            .tree
            .children(i)
            .into_iter()
            .filter(|&c| nodes[c].measure == n.measure)
            .collect();
        if children.is_empty() {
            continue;
        }
        let sum: Decimal = children.iter().map(|&c| ctx.target(c)).sum();
        let asserted = ctx.target(i);
        if (asserted - sum).abs() > tol {
            diags.push(
                Diagnostic::worded(
                    Code::TargetSumMismatch,
                    Some(ctx.at(n, Field::Target)),
                    sum_message(
                        ctx.about(n, Key::FdHasBelow, &[&children.len().to_string()]),
                        asserted,
                        sum,
                        &n.measure,
                    ),
                )
                .with_related(children.iter().map(|&c| ctx.at(&nodes[c], Field::Target)))
                .advise(Key::FhFixSplit),
            );
        }
    }
    // Each dimension's top-level units against the total.
    let mut pairs: Vec<(Dimension, Measure)> = nodes
        .iter()
        .filter(|n| n.dimension != Dimension::Total && n.measure.is_additive())
        .map(|n| (n.dimension.clone(), n.measure.clone()))
        .collect();
    pairs.sort();
    pairs.dedup();
    for (dim, measure) in pairs {
        let Some((total, total_node)) = ctx.total_target(&measure) else {
            continue;
        };
        let top = ctx.tree.top_level(&dim, &measure);
        if top.is_empty() {
            continue;
        }
        let sum: Decimal = top.iter().map(|&i| ctx.target(i)).sum();
        if (total - sum).abs() > tol {
            let loc = total_node
                .map(|t| ctx.at(&nodes[t], Field::Target))
                .unwrap_or_else(|| ctx.at(&nodes[top[0]], Field::Target));
            diags.push(
                Diagnostic::worded(
                    Code::TargetSumMismatch,
                    Some(loc),
                    sum_message(
                        Words::each(
                            Key::FdTotalAgainst,
                            &[
                                &measure_label(&measure),
                                &top.len().to_string(),
                                &dimension_label(&dim),
                            ],
                            &[
                                &Lang::Zh.measure(&measure),
                                &top.len().to_string(),
                                &Lang::Zh.dimension(&dim),
                            ],
                        ),
                        total,
                        sum,
                        &measure,
                    ),
                )
                .with_related(top.iter().map(|&i| ctx.at(&nodes[i], Field::Target)))
                .advise(Key::FhSplitWholeTotal),
            );
        }
    }
}

fn check_shares(ctx: &Context, diags: &mut Diagnostics) {
    let nodes = &ctx.tree.nodes;
    let siblings = ctx.tree.sibling_sets();
    let one_yuan = Decimal::ONE;
    for ((parent, measure, _), members) in siblings {
        let with_share: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| ctx.row(&nodes[i]).share.is_some())
            .collect();
        if with_share.is_empty() {
            continue;
        }
        let parent_target = match parent {
            Some(p) => Some(ctx.target(p)),
            None => ctx.total_target(&measure).map(|t| t.0),
        };
        if with_share.len() == members.len() {
            let sum: Decimal = with_share
                .iter()
                .filter_map(|&i| ctx.row(&nodes[i]).share)
                .sum();
            if (sum - Decimal::ONE).abs() > Decimal::new(1, 4) {
                let first = &nodes[with_share[0]];
                let units: Vec<String> = members.iter().map(|&i| nodes[i].unit.clone()).collect();
                let (count, sum) = (members.len().to_string(), pct(sum));
                diags.push(
                    Diagnostic::worded(
                        Code::TargetShareSum,
                        Some(ctx.at(first, Field::Share)),
                        Words::each(
                            Key::FdShareSum,
                            &[&count, &units.join(", "), &sum],
                            &[&count, &Lang::Zh.join(&units), &sum],
                        ),
                    )
                    .with_related(
                        with_share[1..]
                            .iter()
                            .map(|&i| ctx.at(&nodes[i], Field::Share)),
                    ),
                );
            }
        }
        let Some(parent_target) = parent_target else {
            continue;
        };
        if !measure.is_additive() {
            continue;
        }
        for &i in &with_share {
            let n = &nodes[i];
            let share = ctx.row(n).share.unwrap_or_default();
            let implied = share * parent_target;
            let target = ctx.row(n).target;
            if (implied - target).abs() > one_yuan {
                diags.push(
                    Diagnostic::said(
                        Code::TargetShareMismatch,
                        Some(ctx.at(n, Field::Share)),
                        Key::FdShareMismatch,
                        &[
                            &n.unit,
                            &pct(share),
                            &format_value(&measure, parent_target),
                            &format_value(&measure, implied),
                            &format_value(&measure, target),
                        ],
                    )
                    .advise(Key::FhFixShare),
                );
            }
        }
    }
}

fn check_owners(ctx: &Context, diags: &mut Diagnostics) {
    for n in &ctx.tree.nodes {
        if ctx.row(n).owner.is_none() {
            diags.push(
                Diagnostic::worded(
                    Code::TargetOwnerMissing,
                    Some(ctx.at(n, Field::Owner)),
                    ctx.about(n, Key::FdOwnerMissing, &[]),
                )
                .advise(Key::FhFillOwner),
            );
        }
    }
}

fn check_positive(ctx: &Context, diags: &mut Diagnostics) {
    for n in &ctx.tree.nodes {
        let t = ctx.row(n).target;
        if t <= Decimal::ZERO {
            diags.push(Diagnostic::worded(
                Code::TargetNonPositive,
                Some(ctx.at(n, Field::Target)),
                ctx.about(n, Key::FdNonPositive, &[&format_value(&n.measure, t)]),
            ));
        }
    }
}

fn check_tiers(ctx: &Context, diags: &mut Diagnostics) {
    for n in &ctx.tree.nodes {
        let r = ctx.row(n);
        let tiers = [
            (
                Field::Stretch,
                Tier::Stretch,
                r.stretch,
                Tier::Base,
                Some(r.target),
            ),
            (
                Field::Challenge,
                Tier::Challenge,
                r.challenge,
                Tier::Stretch,
                r.stretch.or(Some(r.target)),
            ),
        ];
        for (field, tier, value, below_tier, below) in tiers {
            if let (Some(v), Some(b)) = (value, below)
                && v < b
            {
                let (v, b) = (format_value(&n.measure, v), format_value(&n.measure, b));
                let args = |lang: Lang| [lang.tier(tier), &v, lang.tier(below_tier), &b];
                diags.push(Diagnostic::worded(
                    Code::TargetTierBelowBase,
                    Some(ctx.at(n, field)),
                    ctx.about_each(n, Key::FdTierBelow, &args(Lang::En), &args(Lang::Zh)),
                ));
            }
        }
    }
}

/// Dimensions whose units last quarter's actuals can be computed for.
fn has_history_actuals(d: &Dimension) -> bool {
    matches!(
        d,
        Dimension::Total
            | Dimension::Customer
            | Dimension::Product
            | Dimension::Region
            | Dimension::Group
            | Dimension::Person
    )
}

/// Every node's actual in the quarter before (by node index), `None` where
/// it has none: one pass over that quarter's lines for the whole tree, made
/// by the first rule that asks.
fn last_quarter_actuals<'c>(ctx: &'c Context) -> &'c [Option<Decimal>] {
    ctx.last_quarter.get_or_init(|| {
        let nodes = &ctx.tree.nodes;
        let prev = ctx.period.offset(-1);
        if ctx.ledger.in_period(prev).is_empty() {
            return vec![None; nodes.len()];
        }
        let queries: Vec<crate::actuals::UnitQuery> = nodes
            .iter()
            .map(|n| crate::actuals::UnitQuery {
                dimension: &n.dimension,
                key: &n.key,
                measure: &n.measure,
            })
            .collect();
        crate::actuals::additive_actuals(ctx.ledger, ctx.dataset, prev, &queries)
            .into_iter()
            .zip(nodes)
            .map(|(v, n)| v.filter(|_| has_history_actuals(&n.dimension)))
            .collect()
    })
}

fn check_growth(ctx: &Context, diags: &mut Diagnostics) {
    let prev = ctx.period.offset(-1);
    let lasts = last_quarter_actuals(ctx);
    for (n, &last) in ctx.tree.nodes.iter().zip(lasts) {
        let Some(last) = last else {
            continue;
        };
        if last <= Decimal::ZERO {
            continue;
        }
        let r = ctx.row(n);
        let growth = r.target / last - Decimal::ONE;
        if growth > ctx.config.max_growth {
            diags.push(
                Diagnostic::worded(
                    Code::TargetGrowthTooHigh,
                    Some(ctx.at(n, Field::Target)),
                    ctx.about(
                        n,
                        Key::FdGrowthTooHigh,
                        &[
                            &format_value(&n.measure, r.target),
                            &pct(growth),
                            &prev.to_string(),
                            &format_value(&n.measure, last),
                            &pct(ctx.config.max_growth),
                        ],
                    ),
                )
                .advise(Key::FhLowerTarget),
            );
        } else if growth < Decimal::ZERO && r.note.is_none() {
            diags.push(
                Diagnostic::worded(
                    Code::TargetGrowthNegative,
                    Some(ctx.at(n, Field::Target)),
                    ctx.about(
                        n,
                        Key::FdGrowthNegative,
                        &[
                            &format_value(&n.measure, r.target),
                            &pct(-growth),
                            &prev.to_string(),
                            &format_value(&n.measure, last),
                        ],
                    ),
                )
                .advise(Key::FhWriteReason),
            );
        }
    }
}

fn check_new_customer_formula(ctx: &Context, diags: &mut Diagnostics) {
    let tree = ctx.tree;
    for n in tree
        .nodes
        .iter()
        .filter(|n| n.measure == Measure::NewCustomers)
    {
        let sales = tree.find(&n.dimension, &Measure::Sales, &n.key);
        let aov = tree
            .find(&n.dimension, &Measure::Aov, &n.key)
            .or_else(|| tree.total(&Measure::Aov));
        let (Some(sales), Some(aov)) = (sales, aov) else {
            continue;
        };
        let aov_value = ctx.target(aov);
        if aov_value <= Decimal::ZERO {
            continue;
        }
        let expected = ctx.target(sales) / aov_value;
        let count = ctx.row(n).target;
        if expected > Decimal::ZERO
            && ((count - expected) / expected).abs() > ctx.config.new_customer_tolerance
        {
            diags.push(
                Diagnostic::said(
                    Code::TargetNewCustomerFormula,
                    Some(ctx.at(n, Field::Target)),
                    Key::FdNewCustomerFormula,
                    &[
                        &n.unit,
                        &count.normalize().to_string(),
                        &format_money(ctx.target(sales)),
                        &format_money(aov_value),
                        &expected.round_dp(0).to_string(),
                        &pct(ctx.config.new_customer_tolerance),
                    ],
                )
                .with_related([
                    ctx.at(&tree.nodes[sales], Field::Target),
                    ctx.at(&tree.nodes[aov], Field::Target),
                ]),
            );
        }
    }
}

fn check_fair_share(ctx: &Context, diags: &mut Diagnostics) {
    let nodes = &ctx.tree.nodes;
    let levels: HashMap<String, Option<String>> = ctx
        .dataset
        .people
        .iter()
        .map(|p| (crate::text::match_key(&p.name), p.level.clone()))
        .collect();
    let weight = |key: &str| -> Decimal {
        levels
            .get(key)
            .and_then(|l| l.as_ref())
            .and_then(|l| ctx.config.level_weights.get(&l.to_lowercase()))
            .copied()
            .unwrap_or(Decimal::ONE)
    };
    for (g, group) in nodes.iter().enumerate() {
        if group.dimension != Dimension::Group || group.measure != Measure::Sales {
            continue;
        }
        let members: Vec<usize> = ctx
            .tree
            .children(g)
            .into_iter()
            .filter(|&c| {
                nodes[c].dimension == Dimension::Person && nodes[c].measure == Measure::Sales
            })
            .collect();
        if members.len() < 2 {
            continue;
        }
        let weights: Vec<Decimal> = members.iter().map(|&m| weight(&nodes[m].key)).collect();
        let weight_sum: Decimal = weights.iter().sum();
        let all_lasts = last_quarter_actuals(ctx);
        let lasts: Vec<Option<Decimal>> = members.iter().map(|&m| all_lasts[m]).collect();
        let last_sum: Decimal = lasts.iter().flatten().sum();
        let use_history = lasts.iter().all(Option::is_some) && last_sum > Decimal::ZERO;
        let group_target = ctx.target(g);
        for (k, &m) in members.iter().enumerate() {
            let level_share = weights[k] / weight_sum;
            let share = if use_history {
                (level_share + lasts[k].unwrap_or_default() / last_sum) / Decimal::TWO
            } else {
                level_share
            };
            let model = group_target * share;
            if model <= Decimal::ZERO {
                continue;
            }
            let target = ctx.target(m);
            let off = (target - model) / model;
            if off.abs() > ctx.config.fair_share_tolerance {
                let weight = weights[k].normalize().to_string();
                let basis = if use_history {
                    Words::of(
                        Key::FdBasisHistory,
                        &[&weight, &format_money(lasts[k].unwrap_or_default())],
                    )
                } else {
                    Words::of(Key::FdBasisLevel, &[&weight])
                };
                let side = Words::of(
                    if off > Decimal::ZERO {
                        Key::FdAbove
                    } else {
                        Key::FdBelow
                    },
                    &[],
                );
                let (target, off, model, group_target) = (
                    format_money(target),
                    pct(off.abs()),
                    format_money(model.round_dp(2)),
                    format_money(group_target),
                );
                let args = |side: &str, basis: &str| -> Vec<String> {
                    [
                        &nodes[m].unit,
                        &target,
                        &off,
                        side,
                        &model,
                        basis,
                        &group.unit,
                        &group_target,
                    ]
                    .map(|a| a.to_string())
                    .to_vec()
                };
                let (en, zh) = (args(&side.en, &basis.en), args(&side.zh, &basis.zh));
                diags.push(
                    Diagnostic::worded(
                        Code::TargetFairShare,
                        Some(ctx.at(&nodes[m], Field::Target)),
                        Words::each(Key::FdFairShare, &strs(&en), &strs(&zh)),
                    )
                    .advise(Key::FhCheckGroupSplit),
                );
            }
        }
    }
}

fn order_cell(ctx: &Context, order: usize, field: Field) -> Location {
    ctx.cell(ctx.dataset.orders[order].origin, field)
}

fn check_duplicate_lines(ctx: &Context, diags: &mut Diagnostics) {
    for d in &ctx.ledger.duplicates {
        let o = &ctx.dataset.orders[d.dropped];
        let why = if d.by_line_id {
            Words::of(
                Key::FdSameIds,
                &[
                    ctx.dataset.opt_text(o, o.order_id).unwrap_or(""),
                    ctx.dataset.opt_text(o, o.line_id).unwrap_or(""),
                ],
            )
        } else {
            Words::of(Key::FdEqualLine, &[])
        };
        diags.push(
            Diagnostic::worded(
                Code::OrderDuplicate,
                Some(order_cell(ctx, d.dropped, Field::OrderId)),
                Words::naming(
                    Key::FdDuplicate,
                    &why.en,
                    &why.zh,
                    &[&format_money(o.amount)],
                ),
            )
            .with_related([order_cell(ctx, d.kept, Field::OrderId)])
            .advise(Key::FhRemoveRepeat),
        );
    }
}

/// Lines of the period grouped by a value, with their first line, count and amount.
fn fold_by<'a>(
    ctx: &'a Context,
    mut value: impl FnMut(&'a crate::ledger::Entry) -> Option<String>,
) -> BTreeMap<String, (usize, usize, Decimal)> {
    let mut out: BTreeMap<String, (usize, usize, Decimal)> = BTreeMap::new();
    for e in ctx.ledger.in_period(ctx.period) {
        if let Some(v) = value(e) {
            let amount = e.amount;
            let slot = out.entry(v).or_insert((e.index(), 0, Decimal::ZERO));
            slot.1 += 1;
            slot.2 += amount;
        }
    }
    out
}

fn has_dimension(ctx: &Context, dims: &[Dimension]) -> bool {
    ctx.tree.nodes.iter().any(|n| dims.contains(&n.dimension))
}

fn check_salespeople(ctx: &Context, diags: &mut Diagnostics) {
    let team = [Dimension::Region, Dimension::Group, Dimension::Person];
    if !has_dimension(ctx, &team) {
        return;
    }
    let unmapped = fold_by(ctx, |e| {
        let o = e.line(ctx.dataset);
        let team_known = e.group.get().is_some() && e.region.get().is_some();
        (e.person.get().is_some() && !team_known).then(|| {
            let name = ctx.dataset.opt_text(o, o.salesperson);
            name.unwrap_or_default().to_string()
        })
    });
    for (name, (first, lines, amount)) in unmapped {
        diags.push(
            Diagnostic::said(
                Code::OrderSalespersonUnmapped,
                Some(order_cell(ctx, first, Field::Salesperson)),
                Key::FdSalespersonUnmapped,
                &[
                    &name,
                    &lines.to_string(),
                    &ctx.period.to_string(),
                    &format_money(amount),
                ],
            )
            .advise(Key::FhAddPerson),
        );
    }
    let missing = fold_by(ctx, |e| {
        e.person.get().is_none().then(|| {
            let o = e.line(ctx.dataset).origin;
            format!("{}/{}", o.file.0, o.sheet.0)
        })
    });
    for (_, (first, lines, amount)) in missing {
        diags.push(
            Diagnostic::said(
                Code::OrderSalespersonMissing,
                Some(order_cell(ctx, first, Field::Salesperson)),
                Key::FdSalespersonMissing,
                &[
                    &lines.to_string(),
                    &ctx.period.to_string(),
                    &format_money(amount),
                ],
            )
            .advise(Key::FhAddSalespersonColumn),
        );
    }
}

fn check_products(ctx: &Context, diags: &mut Diagnostics) {
    if !has_dimension(ctx, &[Dimension::Product]) {
        return;
    }
    let unmapped = fold_by(ctx, |e| {
        e.product_class.get().is_none().then(|| {
            let o = e.line(ctx.dataset);
            ctx.dataset.text(o, o.product).to_string()
        })
    });
    for (product, (first, lines, amount)) in unmapped {
        diags.push(
            Diagnostic::said(
                Code::OrderProductUnmapped,
                Some(order_cell(ctx, first, Field::Product)),
                Key::FdProductUnmapped,
                &[
                    &product,
                    &lines.to_string(),
                    &ctx.period.to_string(),
                    &format_money(amount),
                ],
            )
            .advise(Key::FhAddProduct),
        );
    }
}

fn check_customer_types(ctx: &Context, diags: &mut Diagnostics) {
    let unknown = fold_by(ctx, |e| match &e.lifecycle {
        Err(LifecycleIssue::UnknownType) => {
            let o = e.line(ctx.dataset);
            ctx.dataset.opt_text(o, o.customer_type).map(str::to_string)
        }
        Ok(_) => None,
    });
    for (value, (first, lines, amount)) in unknown {
        diags.push(Diagnostic::said(
            Code::OrderCustomerTypeUnknown,
            Some(order_cell(ctx, first, Field::CustomerType)),
            Key::FdCustomerTypeUnknown,
            &[&value, &lines.to_string(), &format_money(amount)],
        ));
    }
}

/// Lines grouped by the sheet they were read from, in order of first
/// appearance: each sheet's first line, its line count and its amount.
fn per_sheet<'a>(
    ctx: &Context,
    entries: impl Iterator<Item = &'a crate::ledger::Entry>,
) -> Vec<(usize, usize, Decimal)> {
    let mut sheets: BTreeMap<(u32, u16), (usize, usize, Decimal)> = BTreeMap::new();
    for e in entries {
        let o = e.line(ctx.dataset);
        let slot = sheets
            .entry((o.origin.file.0, o.origin.sheet.0))
            .or_insert((e.index(), 0, Decimal::ZERO));
        slot.1 += 1;
        slot.2 += o.amount;
    }
    sheets.into_values().collect()
}

fn check_outside_period(ctx: &Context, diags: &mut Diagnostics) {
    let entries = ctx.ledger.entries.iter();
    let later = entries.filter(|e| e.period() > ctx.period);
    for (first, lines, amount) in per_sheet(ctx, later) {
        diags.push(
            Diagnostic::said(
                Code::OrderOutsidePeriod,
                Some(order_cell(ctx, first, Field::OrderDate)),
                Key::FdOutsidePeriod,
                &[
                    &lines.to_string(),
                    &format_money(amount),
                    &ctx.period.to_string(),
                ],
            )
            .advise(Key::FhCheckDates),
        );
    }
}

/// With `--as-of` inside the period, the period's lines dated after it: they
/// are counted, while pace expects only what was due by that day.
fn check_after_as_of(ctx: &Context, diags: &mut Diagnostics) {
    // Clamped to the period, as the review clamps it.
    let (first_day, last_day) = (ctx.period.first_day(), ctx.period.last_day());
    let Some(as_of) = ctx
        .as_of
        .map(|d| d.clamp(first_day, last_day))
        .filter(|&d| d < last_day)
    else {
        return;
    };
    let after = ctx
        .ledger
        .in_period(ctx.period)
        .iter()
        .filter(|e| e.line(ctx.dataset).date > as_of);
    for (first, lines, amount) in per_sheet(ctx, after) {
        diags.push(
            Diagnostic::said(
                Code::OrderAfterAsOf,
                Some(order_cell(ctx, first, Field::OrderDate)),
                Key::FdAfterAsOf,
                &[
                    &lines.to_string(),
                    &format_money(amount),
                    &as_of.to_string(),
                    &ctx.period.to_string(),
                ],
            )
            .advise(Key::FhDropAsOf),
        );
    }
}

/// Custom dimensions: the column must exist in its source, and lines without
/// a value are named (per customer, product or person for a master; per sheet
/// for the orders), with lines and money, as that dimension's unassigned.
fn check_custom_dimensions(ctx: &Context, diags: &mut Diagnostics) {
    use crate::recognize::Role;
    for (d, c) in ctx.config.custom_dimensions.iter().enumerate() {
        let dim = Dimension::Custom(c.dimension.clone());
        if !has_dimension(ctx, std::slice::from_ref(&dim)) {
            continue;
        }
        let label = dimension_label(&dim);
        let label_zh = Lang::Zh.dimension(&dim);
        let carries = |t: &crate::recognize::Table| {
            t.role == c.source && t.custom_columns.iter().any(|x| x.dimension == d)
        };
        if !ctx.dataset.tables.iter().any(carries) {
            let columns = c.columns.join("` / `");
            diags.push(
                Diagnostic::worded(
                    Code::DimensionColumnMissing,
                    None,
                    Words::each(
                        Key::FdDimensionColumnMissing,
                        &[c.source.label(), &columns, &label],
                        &[c.source.zh(), &c.columns.join("」/「"), &label_zh],
                    ),
                )
                .advise_with(Key::FhAddDimensionColumn, &[&c.dimension.key]),
            );
            continue;
        }
        let unmapped = fold_by(ctx, |e| {
            if e.custom.get(d).copied().flatten().is_some() {
                return None;
            }
            let o = e.line(ctx.dataset);
            let text = |id| ctx.dataset.opt_text(o, id).unwrap_or_default().to_string();
            Some(match c.source {
                Role::Customers => text(Some(o.customer)),
                Role::Products => text(Some(o.product)),
                Role::People => text(o.salesperson),
                _ => format!("{}/{}", o.origin.file.0, o.origin.sheet.0),
            })
        });
        for (name, (first, lines, amount)) in unmapped {
            let money = format_money(amount);
            let no_value = |key| Words::each(key, &[&name, &label], &[&name, &label_zh]);
            let (at, what) = match c.source {
                Role::Customers => (
                    order_cell(ctx, first, Field::Customer),
                    no_value(Key::FdCustomerNoValue),
                ),
                Role::Products => (
                    order_cell(ctx, first, Field::Product),
                    no_value(Key::FdProductNoValue),
                ),
                Role::People => (
                    order_cell(ctx, first, Field::Salesperson),
                    no_value(Key::FdPersonNoValue),
                ),
                _ => {
                    let o = ctx.dataset.orders[first].origin;
                    let t = &ctx.dataset.tables[o.table.0 as usize];
                    match t.custom_columns.iter().find(|x| x.dimension == d) {
                        Some(col) => (
                            o.cell(col.col).into(),
                            Words::of(Key::FdCellsEmpty, &[&col.header]),
                        ),
                        None => (
                            ctx.cell(o, Field::OrderDate),
                            Words::each(
                                Key::FdNoColumn,
                                &[&c.columns.join("` / `")],
                                &[&c.columns.join("」/「")],
                            ),
                        ),
                    }
                }
            };
            let (lines, period) = (lines.to_string(), ctx.period.to_string());
            diags.push(
                Diagnostic::worded(
                    Code::OrderDimensionUnmapped,
                    Some(at),
                    Words::each(
                        Key::FdDimensionUnmapped,
                        &[&what.en, &lines, &period, &money, &label],
                        &[&what.zh, &lines, &period, &money, &label_zh],
                    ),
                )
                .advise(Key::FhFillValue),
            );
        }
    }
}

/// Action plans of the period: the served target must exist; dates in order.
fn check_actions(ctx: &Context, diags: &mut Diagnostics) {
    for a in ctx
        .dataset
        .actions
        .iter()
        .filter(|a| crate::analyze::resources::in_period(a, ctx.period))
    {
        if let (Some(s), Some(e)) = (a.start, a.end)
            && e < s
        {
            diags.push(Diagnostic::said(
                Code::ActionDatesReversed,
                Some(ctx.cell(a.origin, Field::End)),
                Key::FdActionReversed,
                &[&a.action, &e.to_string(), &s.to_string()],
            ));
        }
        if ctx
            .tree
            .resolve_serves(&a.serves, a.measure.as_ref(), ctx.config)
            .is_none()
        {
            diags.push(
                Diagnostic::said(
                    Code::ActionServesUnknown,
                    Some(ctx.cell(a.origin, Field::Serves)),
                    Key::FdActionServes,
                    &[&a.action, &a.serves, &ctx.period.to_string()],
                )
                .advise(Key::FhServeATarget),
            );
        }
    }
}

/// Bottom-up proposals of the period: each should meet a top-down unit.
fn check_proposals(ctx: &Context, diags: &mut Diagnostics) {
    for p in crate::proposals::reconcile(ctx.dataset, ctx.tree, ctx.period) {
        if p.node.is_none() {
            let row = &ctx.dataset.proposals[p.proposal].row;
            let (target, period) = (
                format_value(&row.measure, row.target),
                ctx.period.to_string(),
            );
            diags.push(
                Diagnostic::worded(
                    Code::ProposalUnmatched,
                    Some(ctx.cell(row.origin, Field::Unit)),
                    Words::each(
                        Key::FdProposalUnmatched,
                        &[
                            &p.proposer,
                            &target,
                            &row.unit,
                            &dimension_label(&row.dimension),
                            &measure_label(&row.measure),
                            &period,
                        ],
                        &[
                            &p.proposer,
                            &target,
                            &row.unit,
                            &Lang::Zh.dimension(&row.dimension),
                            &Lang::Zh.measure(&row.measure),
                            &period,
                        ],
                    ),
                )
                .advise(Key::FhFixProposalUnit),
            );
        }
    }
}
