//! Per-recipient reports: a review cut down to one team unit's subtree.
//!
//! In: the company [`Review`] and a unit of the region, group or person
//! dimension. Out: a review holding the company headline and only that unit's
//! own figures and those of the units below it (a region's groups and their
//! people; a group's people). Everything else — other units, their people,
//! company-wide customer and product figures, data issues that may name other
//! people — is left out, so nobody's report carries another unit's figures.

use crate::analyze::{CustomerKpis, DimensionReview, Review};
use crate::records::Dimension;
use crate::text::match_key;
use std::collections::HashSet;

/// The team level a split is made at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SplitBy {
    Region,
    Group,
    Person,
}

impl SplitBy {
    /// The dimension of the units split by.
    pub fn dimension(self) -> Dimension {
        match self {
            SplitBy::Region => Dimension::Region,
            SplitBy::Group => Dimension::Group,
            SplitBy::Person => Dimension::Person,
        }
    }
}

/// The units a split produces reports for: every unit of the dimension, once,
/// in the review's order.
pub fn split_units(r: &Review, by: SplitBy) -> Vec<String> {
    let d = by.dimension();
    let mut seen = HashSet::new();
    r.dimensions
        .iter()
        .filter(|x| x.dimension == d)
        .flat_map(|x| x.units.iter().map(|u| u.unit.clone()))
        .filter(|u| seen.insert(match_key(u)))
        .collect()
}

/// The names (match keys) in a unit's subtree, per team dimension.
fn subtree(r: &Review, by: SplitBy, unit: &str) -> [HashSet<String>; 3] {
    let children = |d: Dimension, parents: &HashSet<String>| -> HashSet<String> {
        r.dimensions
            .iter()
            .filter(|x| x.dimension == d)
            .flat_map(|x| &x.units)
            .filter(|u| {
                u.parent
                    .as_deref()
                    .is_some_and(|p| parents.contains(&match_key(p)))
            })
            .map(|u| match_key(&u.unit))
            .collect()
    };
    let me: HashSet<String> = [match_key(unit)].into();
    match by {
        SplitBy::Region => {
            let groups = children(Dimension::Group, &me);
            let people = children(Dimension::Person, &groups);
            [me, groups, people]
        }
        SplitBy::Group => {
            let people = children(Dimension::Person, &me);
            [HashSet::new(), me, people]
        }
        SplitBy::Person => [HashSet::new(), HashSet::new(), me],
    }
}

/// The review as one unit's recipients may see it.
pub fn scope(r: &Review, by: SplitBy, unit: &str) -> Review {
    let [regions, groups, people] = subtree(r, by, unit);
    let allowed = |d: &Dimension, name: &str| -> bool {
        let k = match_key(name);
        match d {
            Dimension::Region => regions.contains(&k),
            Dimension::Group => groups.contains(&k),
            Dimension::Person => people.contains(&k),
            _ => false,
        }
    };
    let dimensions: Vec<DimensionReview> = r
        .dimensions
        .iter()
        .filter(|d| {
            matches!(
                d.dimension,
                Dimension::Region | Dimension::Group | Dimension::Person
            )
        })
        .map(|d| DimensionReview {
            dimension: d.dimension.clone(),
            measure: d.measure.clone(),
            unassigned: Default::default(),
            units: d
                .units
                .iter()
                .filter(|u| allowed(&d.dimension, &u.unit))
                .cloned()
                .collect(),
        })
        .filter(|d| !d.units.is_empty())
        .collect();
    let mut out = r.clone();
    out.dimensions = dimensions;
    out.short_boards.retain(|s| allowed(&s.dimension, &s.unit));
    for k in &mut out.ranking {
        let d = k.dimension.clone();
        k.units.retain(|u| allowed(&d, &u.0));
    }
    out.ranking.retain(|k| !k.units.is_empty());
    out.pace.retain(|p| allowed(&p.dimension, &p.unit));
    out.trend.retain(|t| allowed(&t.dimension, &t.unit));
    out.funnel.retain(|f| allowed(&f.dimension, &f.unit));
    out.suggestions.retain(|s| allowed(&s.dimension, &s.unit));
    // The team's own actions (those serving its units, or owned by its people)
    // and its own units without a plan.
    if let Some(res) = &mut out.resources {
        res.actions.retain(|a| {
            let serves = matches!((&a.dimension, &a.unit), (Some(d), Some(u)) if allowed(d, u));
            let owns = a
                .owner
                .as_deref()
                .is_some_and(|o| allowed(&Dimension::Person, o));
            serves || owns
        });
        res.budget = res.actions.iter().filter_map(|a| a.budget).sum();
        res.spent = res.actions.iter().filter_map(|a| a.spent).sum();
        res.unplanned.retain(|u| allowed(&u.dimension, &u.unit));
    }
    // Company-wide figures that are no team unit's own.
    out.customers = CustomerKpis::default();
    out.monthly.clear();
    out
}

/// A folder name for a unit: path separators and control characters replaced.
///
/// ```
/// assert_eq!(qbr::split::folder_name("华东/上海"), "华东_上海");
/// assert_eq!(qbr::split::folder_name(".."), "_..");
/// ```
pub fn folder_name(unit: &str) -> String {
    let cleaned: String = unit
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .take(80)
        .collect();
    if cleaned.starts_with('.') || cleaned.is_empty() {
        format!("_{cleaned}")
    } else {
        cleaned
    }
}
