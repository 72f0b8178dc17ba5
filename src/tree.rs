//! The target tree of one quarter: target rows as nodes with resolved parents.
//!
//! In: the [`Dataset`]'s target rows and the chosen [`Period`]. Out: a
//! [`TargetTree`] whose nodes know their canonical unit key and their parent.
//! The team hierarchy spans three dimensions (a group's parent is a region, a
//! person's parent a group); elsewhere a parent is a unit of the same dimension.
//! Problems are not reported here but by the rules in `validate`, which read
//! [`ParentRef`].

use crate::calendar::Period;
use crate::config::Config;
use crate::diag::{Code, Diagnostic, Diagnostics, Words};
use crate::i18n::{Key, Lang};
use crate::records::{Dataset, Dimension, Measure};
use crate::text::match_key;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What a node's Parent cell points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParentRef {
    /// Blank: split directly from the total.
    Total,
    /// Another node (index into [`TargetTree::nodes`]).
    Node(usize),
    /// No unit of that name in the dimension it must be in.
    Missing { expected: Dimension },
    /// The name exists, but in the wrong dimension.
    WrongDimension {
        expected: Dimension,
        found: Dimension,
    },
}

/// One target row of the chosen quarter.
#[derive(Debug, Clone)]
pub struct Node {
    /// Index into [`Dataset::targets`].
    pub row: usize,
    pub dimension: Dimension,
    pub measure: Measure,
    pub unit: String,
    /// Canonical key, as order lines are matched ([`crate::ledger::unit_key`]).
    pub key: String,
    pub parent: ParentRef,
}

/// A node of a target tree that qbr writes (next quarter's, a plan): what
/// one row of a Targets workbook holds.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetLine {
    pub dimension: Dimension,
    pub unit: String,
    /// Index of the parent line; `None`: split from the total.
    pub parent: Option<usize>,
    pub measure: Measure,
    pub target: Decimal,
    pub stretch: Option<Decimal>,
    pub challenge: Option<Decimal>,
    pub owner: Option<String>,
    pub note: String,
}

/// The nodes of one quarter's target tree.
#[derive(Debug, Clone, Default)]
pub struct TargetTree {
    pub nodes: Vec<Node>,
}

/// The dimension a parent must be in.
pub fn parent_dimension(d: &Dimension) -> Dimension {
    match d {
        Dimension::Group => Dimension::Region,
        Dimension::Person => Dimension::Group,
        other => other.clone(),
    }
}

impl TargetTree {
    /// The sibling sets of the tree: every non-total node with a resolved
    /// parent, grouped by (parent, measure, the members' dimension); `None`
    /// as parent means split from the total. Sets and members in tree order.
    pub fn sibling_sets(&self) -> BTreeMap<(Option<usize>, Measure, Dimension), Vec<usize>> {
        let mut sets: BTreeMap<(Option<usize>, Measure, Dimension), Vec<usize>> = BTreeMap::new();
        for (i, n) in self.nodes.iter().enumerate() {
            if n.dimension == Dimension::Total {
                continue;
            }
            let parent = match n.parent {
                ParentRef::Node(p) => Some(p),
                ParentRef::Total => None,
                _ => continue,
            };
            sets.entry((parent, n.measure.clone(), n.dimension.clone()))
                .or_default()
                .push(i);
        }
        sets
    }

    /// Builds the tree of `period` from the target rows dated in it (or undated).
    pub fn build(ds: &Dataset, period: Period) -> TargetTree {
        let mut nodes: Vec<Node> = ds
            .targets
            .iter()
            .enumerate()
            .filter(|(_, t)| t.period.is_none_or(|p| p == period))
            .map(|(row, t)| Node {
                row,
                dimension: t.dimension.clone(),
                measure: t.measure.clone(),
                unit: t.unit.clone(),
                key: crate::ledger::unit_key(&t.dimension, &t.unit),
                parent: ParentRef::Total,
            })
            .collect();
        // First node per (dimension, measure, key); later duplicates are reported by a rule.
        let mut index: HashMap<(Dimension, Measure, String), usize> = HashMap::new();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, n) in nodes.iter().enumerate() {
            index
                .entry((n.dimension.clone(), n.measure.clone(), n.key.clone()))
                .or_insert(i);
            by_name.entry(match_key(&n.unit)).or_default().push(i);
        }
        for i in 0..nodes.len() {
            let Some(parent_text) = ds.targets[nodes[i].row].parent.clone() else {
                continue;
            };
            let expected = parent_dimension(&nodes[i].dimension);
            let key = crate::ledger::unit_key(&expected, &parent_text);
            let measure = nodes[i].measure.clone();
            let found = index
                .get(&(expected.clone(), measure.clone(), key))
                .copied()
                .or_else(|| {
                    // A parent with this name in the right dimension under another measure
                    // (a units target split from a sales unit) still places the node.
                    by_name
                        .get(&match_key(&parent_text))
                        .and_then(|c| c.iter().copied().find(|&j| nodes[j].dimension == expected))
                });
            nodes[i].parent = match found {
                Some(j) if j != i => ParentRef::Node(j),
                Some(_) => ParentRef::Node(i),
                None => match by_name
                    .get(&match_key(&parent_text))
                    .and_then(|c| c.first())
                {
                    Some(&j) => ParentRef::WrongDimension {
                        expected,
                        found: nodes[j].dimension.clone(),
                    },
                    None => ParentRef::Missing { expected },
                },
            };
        }
        TargetTree { nodes }
    }

    /// The node of a (dimension, measure, unit key), the first when repeated.
    pub fn find(&self, dimension: &Dimension, measure: &Measure, key: &str) -> Option<usize> {
        self.nodes
            .iter()
            .position(|n| &n.dimension == dimension && &n.measure == measure && n.key == key)
    }

    /// The node an action plan's Serves cell names: `unit` or `dimension/unit`
    /// (`区域/华东`), preferring the action's measure, then sales. A bare unit
    /// name found in several dimensions takes the first in report order.
    pub fn resolve_serves(
        &self,
        serves: &str,
        measure: Option<&Measure>,
        config: &Config,
    ) -> Option<usize> {
        let text = serves.replace('／', "/");
        let (dimension, unit) = match text.split_once('/') {
            Some((d, u)) => (Some(config.resolve_dimension(Dimension::parse(d)?)), u),
            None => (None, text.as_str()),
        };
        let candidates: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| {
                let n = &self.nodes[i];
                dimension.as_ref().is_none_or(|d| *d == n.dimension)
                    && crate::ledger::unit_key(&n.dimension, unit) == n.key
            })
            .collect();
        let rank = |i: &usize| {
            let n = &self.nodes[*i];
            let measure_rank = if Some(&n.measure) == measure {
                0
            } else if n.measure == Measure::Sales {
                1
            } else {
                2
            };
            let dimension_rank = crate::analyze::DIMENSION_ORDER
                .iter()
                .position(|d| *d == n.dimension)
                .unwrap_or(usize::MAX);
            (measure_rank, dimension_rank, *i)
        };
        candidates.into_iter().min_by_key(rank)
    }

    /// Node `i` and every node below it in its own dimension.
    pub fn subtree(&self, i: usize) -> Vec<usize> {
        let mut out = vec![i];
        let mut k = 0;
        while k < out.len() {
            let cur = out[k];
            for c in self.children(cur) {
                if self.nodes[c].dimension == self.nodes[i].dimension && !out.contains(&c) {
                    out.push(c);
                }
            }
            k += 1;
        }
        out
    }

    /// The total's node for a measure.
    pub fn total(&self, measure: &Measure) -> Option<usize> {
        self.nodes
            .iter()
            .position(|n| n.dimension == Dimension::Total && &n.measure == measure)
    }

    /// Nodes whose parent is node `i`.
    pub fn children(&self, i: usize) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&j| j != i && self.nodes[j].parent == ParentRef::Node(i))
            .collect()
    }

    /// Nodes of a dimension and measure that have no parent within their own dimension:
    /// together they should add up to the total.
    pub fn top_level(&self, dimension: &Dimension, measure: &Measure) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&j| {
                let n = &self.nodes[j];
                &n.dimension == dimension
                    && &n.measure == measure
                    && match &n.parent {
                        ParentRef::Node(p) => self.nodes[*p].dimension != n.dimension,
                        _ => true,
                    }
            })
            .collect()
    }
}

/// Chooses the quarter to check or review: `--period`/`qbr.toml` first, then
/// the targets' single period, then the latest quarter with order lines.
/// Targets of several periods without a choice are an error; the latest is used.
pub fn select_period(ds: &Dataset, config: &Config, diags: &mut Diagnostics) -> Option<Period> {
    if let Some(p) = config.period {
        return Some(p);
    }
    let periods: BTreeSet<Period> = ds.targets.iter().filter_map(|t| t.period).collect();
    if periods.len() > 1 {
        let list: Vec<String> = periods.iter().map(|p| p.to_string()).collect();
        let latest = *periods.iter().next_back().expect("non-empty");
        diags.push(
            Diagnostic::worded(
                Code::TargetPeriodsAmbiguous,
                None,
                Words::each(
                    Key::FdPeriodsAmbiguous,
                    &[&list.join(", "), &latest.to_string()],
                    &[&Lang::Zh.join(&list), &latest.to_string()],
                ),
            )
            .advise(Key::FhChoosePeriod),
        );
        return Some(latest);
    }
    periods
        .into_iter()
        .next()
        .or_else(|| ds.orders.iter().map(|o| Period::of(o.date)).max())
}
