//! Bottom-up proposals (一线建议目标) against the top-down targets.
//!
//! In: the Bottom-up proposals rows and a target tree (the period's, for
//! `qbr check`) or a planned tree (for `qbr plan --proposals`). Out: per
//! proposed unit the top-down target beside the proposal, the gap and the
//! proposer's rationale ([`reconcile`]); and a blended tree ([`blend`]):
//! each proposed unit moves to `weight × proposal + (1 − weight) × top-down`,
//! then every sibling set is fitted to its parent's blended target by largest
//! remainder, so the tree still adds up exactly to whole yuan or units.

use crate::calendar::Period;
use crate::i18n::{Key, Lang};
use crate::ledger::unit_key;
use crate::money::{allocate, format_money, format_percent};
use crate::records::{Dataset, Dimension, Measure, ProposalRec};
use crate::tree::{TargetLine, TargetTree};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// One proposal beside the top-down target it meets.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalGap {
    /// Index into [`Dataset::proposals`].
    pub proposal: usize,
    /// The top-down node, when the tree has the unit.
    pub node: Option<usize>,
    pub dimension: Dimension,
    pub measure: Measure,
    pub unit: String,
    pub top_down: Option<Decimal>,
    pub proposed: Decimal,
    /// proposed − top-down.
    pub gap: Option<Decimal>,
    /// gap ÷ top-down.
    pub gap_ratio: Option<Decimal>,
    pub proposer: String,
    pub rationale: Option<String>,
}

/// The proposals of `period` (or undated), each beside its top-down target, in sheet order.
pub fn reconcile(ds: &Dataset, tree: &TargetTree, period: Period) -> Vec<ProposalGap> {
    ds.proposals
        .iter()
        .enumerate()
        .filter(|(_, p)| p.row.period.is_none_or(|q| q == period))
        .map(|(i, p)| {
            let r = &p.row;
            let node = tree.find(&r.dimension, &r.measure, &unit_key(&r.dimension, &r.unit));
            let top_down = node.map(|n| ds.targets[tree.nodes[n].row].target);
            let gap = top_down.map(|t| r.target - t);
            ProposalGap {
                proposal: i,
                node,
                dimension: r.dimension.clone(),
                measure: r.measure.clone(),
                unit: r.unit.clone(),
                top_down,
                proposed: r.target,
                gap,
                gap_ratio: top_down
                    .zip(gap)
                    .filter(|(t, _)| !t.is_zero())
                    .map(|(t, g)| g / t),
                proposer: p.proposer.clone(),
                rationale: p.rationale.clone(),
            }
        })
        .collect()
}

/// Blends the proposals of `period` into a planned tree, in place, and
/// returns the explanation rows: per proposed unit, both sources, the blend
/// and the figure after fitting to its parent.
pub fn blend(
    lines: &mut [TargetLine],
    proposals: &[ProposalRec],
    period: Period,
    weight: Decimal,
    lang: Lang,
) -> Vec<(String, String)> {
    let weight = weight.clamp(Decimal::ZERO, Decimal::ONE);
    let key = |d: &Dimension, m: &Measure, unit: &str| (d.clone(), m.clone(), unit_key(d, unit));
    let mut proposed: BTreeMap<(Dimension, Measure, String), &ProposalRec> = BTreeMap::new();
    for p in proposals
        .iter()
        .filter(|p| p.row.period.is_none_or(|q| q == period))
    {
        proposed
            .entry(key(&p.row.dimension, &p.row.measure, &p.row.unit))
            .or_insert(p);
    }
    let matched: Vec<Option<&ProposalRec>> = lines
        .iter()
        .map(|l| {
            proposed
                .get(&key(&l.dimension, &l.measure, &l.unit))
                .copied()
        })
        .collect();
    let top_down: Vec<Decimal> = lines.iter().map(|l| l.target).collect();
    let desired: Vec<Decimal> = lines
        .iter()
        .zip(&matched)
        .map(|(l, p)| match p {
            Some(p) => weight * p.row.target + (Decimal::ONE - weight) * l.target,
            None => l.target,
        })
        .collect();
    let dp = |m: &Measure| if m.is_rate() { 4 } else { 0 };
    let mut fitted: Vec<Option<Decimal>> = vec![None; lines.len()];
    // Totals, and every measure that does not add up, take their blend as is.
    for (i, l) in lines.iter().enumerate() {
        if l.dimension == Dimension::Total || !l.measure.is_additive() {
            fitted[i] = Some(desired[i].round_dp(dp(&l.measure)));
        }
    }
    // Sibling sets: (parent, measure, dimension) → members.
    let mut sets: BTreeMap<(Option<usize>, Measure, Dimension), Vec<usize>> = BTreeMap::new();
    for (i, l) in lines.iter().enumerate() {
        if l.dimension != Dimension::Total && l.measure.is_additive() {
            sets.entry((l.parent, l.measure.clone(), l.dimension.clone()))
                .or_default()
                .push(i);
        }
    }
    let total_of = |m: &Measure| {
        lines
            .iter()
            .position(|l| l.dimension == Dimension::Total && l.measure == *m)
    };
    let mut pending: Vec<_> = sets.into_iter().collect();
    for _ in 0..=lines.len() {
        pending.retain(|((parent, measure, _), members)| {
            let parent_index = parent.or_else(|| total_of(measure));
            let target = match parent_index {
                Some(p) => match fitted[p] {
                    Some(t) => Some(t),
                    None => return true,
                },
                None => None,
            };
            let weights: Vec<Decimal> = members.iter().map(|&i| desired[i]).collect();
            let parts = target.and_then(|t| allocate(t, &weights, 0));
            for (k, &i) in members.iter().enumerate() {
                fitted[i] = Some(match &parts {
                    Some(parts) => parts[k],
                    None => desired[i].round_dp(0),
                });
            }
            false
        });
        if pending.is_empty() {
            break;
        }
    }
    let mut why = vec![(
        lang.t(Key::ProposalsHeading).to_string(),
        format!("{} {}", lang.t(Key::ProposalWeight), weight.normalize()),
    )];
    for (i, l) in lines.iter_mut().enumerate() {
        let Some(t) = fitted[i] else { continue };
        l.target = t;
        if let Some(p) = matched[i] {
            let value = |v: Decimal| {
                if l.measure.is_money() {
                    format_money(v)
                } else if l.measure.is_rate() {
                    format_percent(v)
                } else {
                    v.normalize().to_string()
                }
            };
            let rationale = p
                .rationale
                .as_deref()
                .map(|r| format!(" ({}: {r})", lang.t(Key::Rationale)))
                .unwrap_or_default();
            why.push((
                format!("{} · {}", lang.dimension(&l.dimension), l.unit),
                format!(
                    "{} {} · {} {} ({}){rationale} · {} {} · {} {}",
                    lang.t(Key::TopDown),
                    value(top_down[i]),
                    lang.t(Key::Proposed),
                    value(p.row.target),
                    p.proposer,
                    lang.t(Key::Blended),
                    value(desired[i]),
                    lang.t(Key::FittedToParent),
                    value(t),
                ),
            ));
            l.note = format!(
                "{} {} ({}) · {} {}",
                lang.t(Key::Proposed),
                value(p.row.target),
                p.proposer,
                lang.t(Key::TopDown),
                value(top_down[i])
            );
        }
    }
    for p in proposed.values() {
        let k = key(&p.row.dimension, &p.row.measure, &p.row.unit);
        if !lines
            .iter()
            .any(|l| key(&l.dimension, &l.measure, &l.unit) == k)
        {
            why.push((
                format!("{} · {}", lang.dimension(&p.row.dimension), p.row.unit),
                lang.t(Key::ProposalNotInPlan).to_string(),
            ));
        }
    }
    why
}
