//! `qbr plan`: top-down decomposition of a quarter's total into a target tree,
//! from the history in the inbox, with every number explained.
//!
//! In: the loaded inbox (orders as history, the People and Products masters,
//! any earlier targets for owners), a total and a quarter. Out: [`Plan`] — the
//! rows of a Targets workbook, each sibling set adding up exactly to its parent
//! (largest remainder to whole yuan), and an explanation sheet.
//!
//! - Customer lifecycle and product classes: the mix of the most recent quarter
//!   with orders before the planned one, times the strategy weights of
//!   `[customer_weights]` / `[product_weights]` in qbr.toml.
//! - Team (region → group → person): the composite fair-share model `qbr
//!   check` applies — half the unit's share of the level weights
//!   (`[level_weights]`, top 1.4 × new), half its share of the previous
//!   quarter's sales (level weights alone without that history). The inputs
//!   carry no market-potential figure; when they do, it would enter here.
//! - Months: the seasonality of the same quarter a year earlier, else equal.
//! - New customers: the new-customer sales ÷ the recent new-customer average
//!   order value, with that AOV as its own target row.

use crate::calendar::Period;
use crate::i18n::{Key, Lang};
use crate::ledger::{Ledger, Lifecycle};
use crate::money::{allocate, format_money, format_percent};
use crate::records::{Dimension, Measure};
use crate::text::match_key;
use crate::tree::TargetLine;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// What `qbr plan` decomposes.
pub struct PlanOptions {
    pub total: Decimal,
    pub period: Period,
    pub lang: Lang,
    /// Blend the inbox's bottom-up proposals with this weight (0.5: halfway).
    pub proposals: Option<Decimal>,
}

/// Whether `qbr plan` blends the inbox's bottom-up proposals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proposals {
    /// Top-down only.
    Ignore,
    /// Blend with this weight; `None`: qbr.toml `proposal_weight` (0.5).
    Blend(Option<Decimal>),
}

/// A planned tree and how each number was derived.
pub struct Plan {
    pub period: Period,
    pub lines: Vec<TargetLine>,
    /// (label, text) rows of the explanation sheet.
    pub explanation: Vec<(String, String)>,
}

/// One unit to allocate to: its name and the weight's parts, for the explanation.
struct Weighted {
    unit: String,
    weight: Decimal,
    why: String,
}

/// Decomposes `opts.total` over the inbox's history.
pub fn plan(loaded: &crate::Loaded, ledger: &Ledger, opts: &PlanOptions) -> Plan {
    let lang = opts.lang;
    let ds = &loaded.dataset;
    let cfg = &loaded.config;
    let period = opts.period;
    let recent = ledger.periods().filter(|p| *p < period).max();
    let amount = |order: usize| ds.orders[order].amount;
    let mut lines: Vec<TargetLine> = Vec::new();
    let mut why: Vec<(String, String)> = Vec::new();
    let owners = latest_owners(loaded);
    // Owners from the latest targets; months answer to the company's owner.
    let company_owner = owners
        .iter()
        .find(|((d, _), _)| *d == Dimension::Total)
        .map(|(_, o)| o.clone());
    let owner = |d: &Dimension, unit: &str| {
        owners
            .get(&(d.clone(), match_key(unit)))
            .cloned()
            .or_else(|| {
                (*d == Dimension::Month)
                    .then(|| company_owner.clone())
                    .flatten()
            })
    };

    // Inputs.
    why.push((lang.t(Key::PlanInputs).into(), String::new()));
    for f in loaded.files.iter().filter(|f| f.opened) {
        let mut roles: Vec<&str> = ds
            .tables
            .iter()
            .filter(|t| t.file == f.id)
            .map(|t| t.role.label())
            .collect();
        roles.dedup();
        why.push((f.display_path.clone(), roles.join(", ")));
    }
    let quarters: Vec<String> = ledger.periods().map(|p| p.to_string()).collect();
    why.push((
        lang.t(Key::HistoryLines).into(),
        format!(
            "{} ({})",
            ledger
                .periods()
                .map(|p| ledger.in_period(p).len())
                .sum::<usize>(),
            quarters.join(", ")
        ),
    ));
    why.push((String::new(), String::new()));

    // Total.
    let total_name = owners
        .keys()
        .find(|(d, _)| *d == Dimension::Total)
        .map(|(_, k)| k.clone())
        .and_then(|k| {
            ds.targets
                .iter()
                .find(|t| t.dimension == Dimension::Total && match_key(&t.unit) == k)
                .map(|t| t.unit.clone())
        })
        .unwrap_or_else(|| lang.t(Key::WholeCompany).to_string());
    lines.push(line(
        Dimension::Total,
        &total_name,
        None,
        Measure::Sales,
        opts.total,
        owner(&Dimension::Total, &total_name),
    ));
    why.push((
        lang.t(Key::DimTotal).into(),
        format!("{}: {}", total_name, format_money(opts.total)),
    ));

    // Customer lifecycle: recent mix × strategy weights.
    let mut by_life: BTreeMap<Lifecycle, Decimal> = BTreeMap::new();
    let mut new_customers = std::collections::HashSet::new();
    if let Some(q) = recent {
        for e in ledger.in_period(q) {
            if let Ok(l) = e.lifecycle {
                *by_life.entry(l).or_default() += amount(e.index());
                if l == Lifecycle::New {
                    new_customers.insert(e.customer);
                }
            }
        }
    }
    let lifecycle_name = |l: Lifecycle| match (lang, l) {
        (Lang::Zh, Lifecycle::New) => "新客户",
        (Lang::Zh, Lifecycle::Returning) => "老客户",
        (Lang::Zh, Lifecycle::Churned) => "流失客户",
        (Lang::En, l) => l.key(),
    };
    let recent_label = recent.map(|q| q.to_string()).unwrap_or_else(|| "—".into());
    let mix = |parts: Vec<(String, Decimal, Decimal)>| -> Vec<Weighted> {
        let sum: Decimal = parts.iter().map(|p| p.1).sum();
        parts
            .into_iter()
            .map(|(unit, v, w)| {
                let share = if sum.is_zero() { Decimal::ONE } else { v / sum };
                Weighted {
                    why: format!(
                        "{} {recent_label} {} × {} {}",
                        lang.t(Key::PlanRecentShare),
                        format_percent(share),
                        lang.t(Key::PlanStrategyWeight),
                        w.normalize()
                    ),
                    weight: share * w,
                    unit,
                }
            })
            .collect()
    };
    let customers: Vec<(String, Decimal, Decimal)> =
        [Lifecycle::New, Lifecycle::Returning, Lifecycle::Churned]
            .into_iter()
            .filter(|l| by_life.contains_key(l) || *l != Lifecycle::Churned)
            .map(|l| {
                (
                    lifecycle_name(l).to_string(),
                    by_life.get(&l).copied().unwrap_or_default(),
                    strategy_weight(&cfg.customer_weights, l.key()),
                )
            })
            .collect();
    let customer_rows = split(
        &mut lines,
        &mut why,
        lang,
        &Dimension::Customer,
        None,
        opts.total,
        mix(customers),
        &owner,
    );

    // New customers and their AOV, from the recent new-customer average order.
    if let (Some(&new_row), Some(new_sales)) = (customer_rows.first(), by_life.get(&Lifecycle::New))
        && !new_customers.is_empty()
    {
        let aov = (*new_sales / Decimal::from(new_customers.len() as u64)).round_dp(2);
        if !aov.is_zero() {
            let sales = lines[new_row].target;
            let count = (sales / aov).round();
            let unit = lines[new_row].unit.clone();
            lines.push(line(
                Dimension::Customer,
                &unit,
                None,
                Measure::Aov,
                aov,
                owner(&Dimension::Customer, &unit),
            ));
            lines.push(line(
                Dimension::Customer,
                &unit,
                None,
                Measure::NewCustomers,
                count,
                owner(&Dimension::Customer, &unit),
            ));
            why.push((
                format!("{} {}", unit, lang.measure(&Measure::NewCustomers)),
                format!(
                    "{} {} ÷ {} {} ({recent_label}: {} ÷ {}) = {}",
                    lang.t(Key::Sales),
                    format_money(sales),
                    lang.t(Key::PlanAov),
                    format_money(aov),
                    format_money(*new_sales),
                    new_customers.len(),
                    count
                ),
            ));
        }
    }

    // Product classes: recent mix × strategy weights.
    let mut classes: BTreeMap<String, (String, Decimal)> = BTreeMap::new();
    for p in &ds.products {
        let key = crate::ledger::product_class_key(&p.class);
        classes
            .entry(key)
            .or_insert_with(|| (p.class.clone(), Decimal::ZERO));
    }
    if let Some(q) = recent {
        for e in ledger.in_period(q) {
            if let Some(c) = e.product_class.get() {
                let key = ledger.symbols.name(c).to_string();
                let entry = classes
                    .entry(key.clone())
                    .or_insert_with(|| (key, Decimal::ZERO));
                entry.1 += amount(e.index());
            }
        }
    }
    let products: Vec<(String, Decimal, Decimal)> = classes
        .iter()
        .map(|(key, (name, v))| (name.clone(), *v, strategy_weight(&cfg.product_weights, key)))
        .collect();
    if !products.is_empty() {
        split(
            &mut lines,
            &mut why,
            lang,
            &Dimension::Product,
            None,
            opts.total,
            mix(products),
            &owner,
        );
    }

    // Team: region → group → person by the composite fair-share model.
    team(
        &mut lines, &mut why, loaded, ledger, period, opts.total, lang, &owner,
    );

    // Months: the seasonality of the same quarter a year earlier.
    let year_before = period.offset(-4);
    let mut w = [Decimal::ZERO; 3];
    for e in ledger.in_period(year_before) {
        if let Some(k) = year_before.months().iter().position(|m| *m == e.month) {
            w[k] += amount(e.index());
        }
    }
    let seasonal = !w.iter().all(|v| v.is_zero());
    let sum: Decimal = w.iter().sum();
    let months: Vec<Weighted> = period
        .months()
        .iter()
        .enumerate()
        .map(|(k, m)| Weighted {
            unit: m.to_string(),
            weight: if seasonal { w[k] } else { Decimal::ONE },
            why: if seasonal {
                format!(
                    "{} ({}) {}",
                    lang.t(Key::PlanSeasonality),
                    year_before.months()[k],
                    format_percent(w[k] / sum)
                )
            } else {
                lang.t(Key::PlanEqualMonths).to_string()
            },
        })
        .collect();
    split(
        &mut lines,
        &mut why,
        lang,
        &Dimension::Month,
        None,
        opts.total,
        months,
        &owner,
    );

    if let Some(weight) = opts.proposals {
        why.push((String::new(), String::new()));
        why.extend(crate::proposals::blend(
            &mut lines,
            &ds.proposals,
            period,
            weight,
            lang,
        ));
    }
    Plan {
        period,
        lines,
        explanation: why,
    }
}

fn line(
    dimension: Dimension,
    unit: &str,
    parent: Option<usize>,
    measure: Measure,
    target: Decimal,
    owner: Option<String>,
) -> TargetLine {
    TargetLine {
        dimension,
        unit: unit.to_string(),
        parent,
        measure,
        target,
        stretch: None,
        challenge: None,
        owner,
        note: String::new(),
    }
}

fn strategy_weight(weights: &BTreeMap<String, Decimal>, key: &str) -> Decimal {
    weights
        .iter()
        .find(|(k, _)| match_key(k) == match_key(key) || crate::ledger::product_class_key(k) == key)
        .map(|(_, w)| *w)
        .unwrap_or(Decimal::ONE)
}

/// Allocates `whole` over `parts` (sales, whole yuan), appends the rows and
/// their explanation, and returns the new rows' indices.
#[allow(clippy::too_many_arguments)]
fn split(
    lines: &mut Vec<TargetLine>,
    why: &mut Vec<(String, String)>,
    lang: Lang,
    dimension: &Dimension,
    parent: Option<usize>,
    whole: Decimal,
    parts: Vec<Weighted>,
    owner: &dyn Fn(&Dimension, &str) -> Option<String>,
) -> Vec<usize> {
    let weights: Vec<Decimal> = parts.iter().map(|p| p.weight).collect();
    let sum: Decimal = weights.iter().sum();
    let amounts = allocate(whole, &weights, 0).unwrap_or_else(|| vec![Decimal::ZERO; parts.len()]);
    if parent.is_none() {
        why.push((String::new(), String::new()));
        why.push((lang.dimension(dimension), String::new()));
    }
    let mut rows = Vec::new();
    for (p, a) in parts.iter().zip(amounts) {
        let share = if sum.is_zero() {
            Decimal::ZERO
        } else {
            p.weight / sum
        };
        let label = match parent {
            Some(_) => format!("{} {}", lang.dimension(dimension), p.unit),
            None => p.unit.clone(),
        };
        why.push((
            label,
            format!(
                "{} → {} {} × {} = {}",
                p.why,
                lang.t(Key::PlanShareOfParent),
                format_percent(share),
                format_money(whole),
                format_money(a)
            ),
        ));
        rows.push(lines.len());
        lines.push(line(
            dimension.clone(),
            &p.unit,
            parent,
            Measure::Sales,
            a,
            owner(dimension, &p.unit),
        ));
    }
    rows
}

/// The team levels: each region, its groups and their people, weighted by
/// half the level-weight share and half the previous quarter's sales share.
#[allow(clippy::too_many_arguments)]
fn team(
    lines: &mut Vec<TargetLine>,
    why: &mut Vec<(String, String)>,
    loaded: &crate::Loaded,
    ledger: &Ledger,
    period: Period,
    total: Decimal,
    lang: Lang,
    owner: &dyn Fn(&Dimension, &str) -> Option<String>,
) {
    let ds = &loaded.dataset;
    let cfg = &loaded.config;
    if ds.people.is_empty() {
        return;
    }
    let prev = period.offset(-1);
    let mut sales: BTreeMap<String, Decimal> = BTreeMap::new();
    for e in ledger.in_period(prev) {
        if let Some(p) = e.person.get() {
            *sales.entry(ledger.symbols.name(p).to_string()).or_default() += e.amount;
        }
    }
    let history = !sales.is_empty();
    let level_weight = |level: &Option<String>| {
        level
            .as_ref()
            .and_then(|l| cfg.level_weights.get(&l.to_lowercase()))
            .copied()
            .unwrap_or(Decimal::ONE)
    };
    // (region, group, person, level weight, last quarter's sales), in master order.
    let people: Vec<(String, String, String, Decimal, Decimal)> = ds
        .people
        .iter()
        .map(|p| {
            (
                p.region.clone(),
                p.group.clone(),
                p.name.clone(),
                level_weight(&p.level),
                sales
                    .get(&crate::ledger::unit_key(&Dimension::Person, &p.name))
                    .copied()
                    .unwrap_or_default(),
            )
        })
        .collect();
    let weigh = |members: &[&(String, String, String, Decimal, Decimal)],
                 within: &[&(String, String, String, Decimal, Decimal)]|
     -> (Decimal, String) {
        let lw: Decimal = members.iter().map(|m| m.3).sum();
        let lw_all: Decimal = within.iter().map(|m| m.3).sum();
        let level_share = if lw_all.is_zero() {
            Decimal::ZERO
        } else {
            lw / lw_all
        };
        let s: Decimal = members.iter().map(|m| m.4).sum();
        let s_all: Decimal = within.iter().map(|m| m.4).sum();
        if history && !s_all.is_zero() {
            let hist = s / s_all;
            (
                (level_share + hist) / Decimal::TWO,
                format!(
                    "({} {} + {} {} {}) ÷ 2",
                    lang.t(Key::PlanLevelShare),
                    format_percent(level_share),
                    lang.t(Key::PlanHistoryShare),
                    prev,
                    format_percent(hist)
                ),
            )
        } else {
            (
                level_share,
                format!(
                    "{} {}",
                    lang.t(Key::PlanLevelShare),
                    format_percent(level_share)
                ),
            )
        }
    };
    let all: Vec<&_> = people.iter().collect();
    let distinct = |items: Vec<String>| {
        let mut seen = std::collections::HashSet::new();
        items
            .into_iter()
            .filter(|x| seen.insert(match_key(x)))
            .collect::<Vec<_>>()
    };
    let regions = distinct(people.iter().map(|p| p.0.clone()).collect());
    let region_parts: Vec<Weighted> = regions
        .iter()
        .map(|r| {
            let members: Vec<&_> = all
                .iter()
                .copied()
                .filter(|p| match_key(&p.0) == match_key(r))
                .collect();
            let (weight, why) = weigh(&members, &all);
            Weighted {
                unit: r.clone(),
                weight,
                why,
            }
        })
        .collect();
    let region_rows = split(
        lines,
        why,
        lang,
        &Dimension::Region,
        None,
        total,
        region_parts,
        owner,
    );
    for (r, &row) in regions.iter().zip(&region_rows) {
        let in_region: Vec<&_> = all
            .iter()
            .copied()
            .filter(|p| match_key(&p.0) == match_key(r))
            .collect();
        let groups = distinct(in_region.iter().map(|p| p.1.clone()).collect());
        let parts: Vec<Weighted> = groups
            .iter()
            .map(|g| {
                let members: Vec<&_> = in_region
                    .iter()
                    .copied()
                    .filter(|p| match_key(&p.1) == match_key(g))
                    .collect();
                let (weight, why) = weigh(&members, &in_region);
                Weighted {
                    unit: g.clone(),
                    weight,
                    why,
                }
            })
            .collect();
        let group_rows = split(
            lines,
            why,
            lang,
            &Dimension::Group,
            Some(row),
            lines[row].target,
            parts,
            owner,
        );
        for (g, &grow) in groups.iter().zip(&group_rows) {
            let in_group: Vec<&_> = in_region
                .iter()
                .copied()
                .filter(|p| match_key(&p.1) == match_key(g))
                .collect();
            let parts: Vec<Weighted> = in_group
                .iter()
                .map(|p| {
                    let (weight, why) = weigh(&[p], &in_group);
                    Weighted {
                        unit: p.2.clone(),
                        weight,
                        why,
                    }
                })
                .collect();
            let target = lines[grow].target;
            split(
                lines,
                why,
                lang,
                &Dimension::Person,
                Some(grow),
                target,
                parts,
                &|_, unit: &str| Some(unit.to_string()),
            );
        }
    }
}

/// Owners named by the latest targets in the inbox, by (dimension, unit key).
fn latest_owners(loaded: &crate::Loaded) -> BTreeMap<(Dimension, String), String> {
    let latest = loaded.dataset.targets.iter().filter_map(|t| t.period).max();
    loaded
        .dataset
        .targets
        .iter()
        .filter(|t| t.period == latest || t.period.is_none())
        .filter_map(|t| Some(((t.dimension.clone(), match_key(&t.unit)), t.owner.clone()?)))
        .collect()
}
