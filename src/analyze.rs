//! The quarterly review's figures: completion of every unit of every dimension,
//! short boards and their Pareto set, team ranking, pace, trend, the customer
//! KPIs and the activity funnel.
//!
//! In: the dataset, its ledger and the period's target tree. Out: a [`Review`].
//! Every money figure is an exact `Decimal` sum over the ledger's distinct
//! lines; rounding happens only in the renderers. Each line is credited to at
//! most one leaf unit per dimension (a unit that is no other unit's parent),
//! and to that leaf's ancestors; lines that reach no leaf are the dimension's
//! unassigned. [`Review::reconcile`] proves, per dimension, that leaf actuals
//! plus unassigned equal the period's order amount, to the cent and beyond.

use crate::actuals::{Sums, UnitIndex};
use crate::calendar::{Month, Period};
use crate::config::Config;
use crate::ledger::{Duplicate, Entry, Ledger, Lifecycle, Sym, SymSet, UnitMatch};
use crate::money::ExactSum;
use crate::records::{Dataset, Dimension, Measure};
use crate::text::match_key;
use crate::tree::{ParentRef, TargetTree};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashSet as HashSet;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

pub mod resources;

/// How a unit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Below `short_board_below` (短板).
    ShortBoard,
    OnTrack,
    /// At or above `excellent_at` (优秀).
    Excellent,
}

impl Status {
    /// The status of a completion figure under the configured lines.
    pub fn of(completion: Decimal, config: &Config) -> Status {
        Status::under(completion, config.short_board_below, config)
    }

    /// The status with `short_line` as the short-board line (an OKR unit's
    /// success line, 0.70).
    pub fn under(completion: Decimal, short_line: Decimal, config: &Config) -> Status {
        if completion < short_line {
            Status::ShortBoard
        } else if completion >= config.excellent_at {
            Status::Excellent
        } else {
            Status::OnTrack
        }
    }
}

/// The highest target tier an actual reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    None,
    Base,
    Stretch,
    Challenge,
}

/// One unit's figures for one measure.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitReview {
    /// Index into the tree's nodes.
    pub node: usize,
    pub unit: String,
    pub key: String,
    pub parent: Option<String>,
    pub owner: Option<String>,
    pub target: Decimal,
    pub stretch: Option<Decimal>,
    pub challenge: Option<Decimal>,
    /// `None` when qbr cannot compute this measure here (no activity sheet, say).
    pub actual: Option<Decimal>,
    pub completion: Option<Decimal>,
    /// actual − target.
    pub gap: Option<Decimal>,
    pub status: Option<Status>,
    pub tier: Option<Tier>,
    /// No other unit of this dimension and measure has it as parent.
    pub leaf: bool,
    /// An OKR-style target: its short-board line is `okr_success` (0.70).
    pub okr: bool,
}

impl UnitReview {
    /// The completion below which this unit is a short board.
    pub fn short_line(&self, config: &Config) -> Decimal {
        short_line(self.okr, config)
    }
}

/// The short-board line: `okr_success` for an OKR-style target, else `short_board_below`.
fn short_line(okr: bool, config: &Config) -> Decimal {
    if okr {
        config.okr_success
    } else {
        config.short_board_below
    }
}

/// Lines of the period that reach no leaf unit of a dimension.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unassigned {
    pub lines: usize,
    pub amount: Decimal,
}

/// One dimension and measure of the review.
#[derive(Debug, Clone, PartialEq)]
pub struct DimensionReview {
    pub dimension: Dimension,
    pub measure: Measure,
    pub unassigned: Unassigned,
    pub units: Vec<UnitReview>,
}

/// A unit below the short-board line.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortBoard {
    pub dimension: Dimension,
    pub measure: Measure,
    pub unit: String,
    pub completion: Decimal,
    /// Money left on the table (target − actual) for money measures.
    pub shortfall: Option<Decimal>,
    /// Among the fewest leaf units explaining 80% of the dimension's shortfall.
    pub pareto: bool,
}

/// Ranking of one team level by sales completion.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    pub dimension: Dimension,
    /// (unit, completion, status), best first.
    pub units: Vec<(String, Decimal, Status)>,
}

/// A unit's progress against the pace expected at `as_of`.
#[derive(Debug, Clone, PartialEq)]
pub struct PaceRow {
    pub dimension: Dimension,
    pub unit: String,
    pub completion: Decimal,
    pub expected: Decimal,
    /// completion ÷ expected.
    pub ratio: Decimal,
    pub warning: bool,
}

/// A unit's actuals over the quarters the history covers.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendRow {
    pub dimension: Dimension,
    pub measure: Measure,
    pub unit: String,
    /// Oldest first; the period under review last.
    pub quarters: Vec<(Period, Decimal)>,
}

/// The methodology's customer KPIs for the whole company.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerKpis {
    /// True when there is no order before the period: everyone is new.
    pub no_history: bool,
    pub new_customers: usize,
    pub returning_customers: usize,
    pub recalled_customers: usize,
    /// Customers active in the previous `churn_quarters` quarters.
    pub active_before: usize,
    /// Churned at the period's start: ordered before the window, not in it.
    pub churned_at_start: usize,
    /// returning who bought ÷ active before.
    pub repurchase_rate: Option<Decimal>,
    /// recalled ÷ churned at start.
    pub recall_rate: Option<Decimal>,
    /// deals ÷ leads from the activity sheets.
    pub new_customer_conversion: Option<Decimal>,
    /// Returning customers' sales ÷ returning customers.
    pub returning_aov: Option<Decimal>,
    pub returning_aov_last_quarter: Option<Decimal>,
    pub new_customer_aov: Option<Decimal>,
}

/// Leading indicators and their stage conversions for a person or a group.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelRow {
    pub dimension: Dimension,
    pub unit: String,
    /// visits, leads, opportunities, demos, deals
    pub stages: [Decimal; 5],
}

impl FunnelRow {
    /// Conversion between consecutive stages (leads ÷ visits, …, deals ÷ demos).
    pub fn conversions(&self) -> [Option<Decimal>; 4] {
        std::array::from_fn(|i| {
            let (a, b) = (self.stages[i], self.stages[i + 1]);
            (!a.is_zero()).then(|| b / a)
        })
    }
}

/// What the review was built from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    pub files: usize,
    /// Distinct order lines dated in the period.
    pub order_lines: usize,
    pub order_amount: Decimal,
    /// Lines of the period counted once because they repeat another.
    pub duplicate_lines: usize,
    pub duplicate_amount: Decimal,
    /// Rows rejected by the input layer (all roles, all periods).
    pub rejected_rows: usize,
    /// Distinct lines dated before the period (history).
    pub history_lines: usize,
    /// Where every order row of the inbox went.
    pub accounting: Accounting,
}

/// A number of lines and their amount.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub lines: usize,
    pub amount: Decimal,
}

/// Every order row of the inbox, accounted for: each one is read (and then
/// counted in the period, counted as history, flagged as dated after the
/// period, or set aside as a duplicate), rejected with its location, or a
/// subtotal row left out. `read` = `in_period` + `history` + `after_period` +
/// `duplicates`, in lines and to the cent; [`Review::reconcile`] checks it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accounting {
    /// Order rows turned into lines.
    pub read: Tally,
    /// Distinct lines dated in the period: what the review counts.
    pub in_period: Tally,
    /// Distinct lines dated before the period.
    pub history: Tally,
    /// Distinct lines dated after the period (flagged `order.outside_period`).
    pub after_period: Tally,
    /// Lines set aside because they repeat another (all periods).
    pub duplicates: Tally,
    /// Rejected rows, with the amount of those whose amount cell was readable.
    pub rejected: Tally,
    pub rejected_without_amount: usize,
    /// `file!sheet!row` of every rejected order row (filled by the caller that knows the file names).
    pub rejected_at: Vec<String>,
    /// Subtotal or total rows left out so they are not counted twice.
    pub summary_rows: usize,
}

/// Accounts for every order row: see [`Accounting`].
pub fn accounting(ds: &Dataset, ledger: &Ledger, period: Period) -> Accounting {
    let mut a = Accounting::default();
    let tally = |lines: usize, amounts: &mut dyn Iterator<Item = Decimal>| Tally {
        lines,
        amount: amounts.sum::<ExactSum>().total(),
    };
    let entries = |e: &[Entry]| tally(e.len(), &mut e.iter().map(|e| e.amount));
    let before = ledger.before(period);
    let during = ledger.in_period(period);
    let after = &ledger.entries[before.len() + during.len()..];
    a.read = tally(ds.orders.len(), &mut ds.orders.iter().map(|o| o.amount));
    a.history = entries(before);
    a.in_period = entries(during);
    a.after_period = entries(after);
    let dropped = |d: &Duplicate| ds.orders[d.dropped].amount;
    a.duplicates = tally(
        ledger.duplicates.len(),
        &mut ledger.duplicates.iter().map(dropped),
    );
    for (t, s) in ds.tables.iter().zip(&ds.stats) {
        if t.role != crate::recognize::Role::Orders {
            continue;
        }
        a.rejected.lines += s.rows_rejected;
        a.rejected.amount += s.rejected_amount;
        a.rejected_without_amount += s.rejected_without_amount;
        a.summary_rows += s.rows_summary;
    }
    a
}

/// The whole review.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub period: Period,
    pub as_of: NaiveDate,
    pub in_progress: bool,
    /// Share of the quarter's days elapsed at `as_of`.
    pub elapsed: Decimal,
    /// The total sales target and actual.
    pub total: Option<UnitReview>,
    pub dimensions: Vec<DimensionReview>,
    pub short_boards: Vec<ShortBoard>,
    pub ranking: Vec<Ranking>,
    pub pace: Vec<PaceRow>,
    pub trend: Vec<TrendRow>,
    pub customers: CustomerKpis,
    pub funnel: Vec<FunnelRow>,
    /// Company sales per month over every month the orders cover, oldest first.
    pub monthly: Vec<(Month, Decimal)>,
    pub inputs: Inputs,
    /// What to change next quarter, from [`crate::next`] (empty until computed).
    pub suggestions: Vec<crate::next::Suggestion>,
    /// The action plans and their return; `None` when the inbox has none.
    pub resources: Option<resources::Resources>,
}

/// The invariant that failed: the figures would not add up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconcileError {
    pub dimension: String,
    pub leaves: Decimal,
    pub unassigned: Decimal,
    pub order_amount: Decimal,
}

impl Review {
    /// Per dimension (sales), leaf actuals + unassigned = the period's order amount, exactly.
    ///
    /// # Errors
    /// The first dimension where it does not hold.
    pub fn reconcile(&self) -> Result<(), ReconcileError> {
        let a = &self.inputs.accounting;
        let parts = [&a.in_period, &a.history, &a.after_period, &a.duplicates];
        let lines: usize = parts.iter().map(|t| t.lines).sum();
        let amount: Decimal = parts.iter().map(|t| t.amount).sum();
        if lines != a.read.lines || amount != a.read.amount {
            return Err(ReconcileError {
                dimension: "accounting (read = in period + history + after period + duplicates)"
                    .into(),
                leaves: amount,
                unassigned: Decimal::ZERO,
                order_amount: a.read.amount,
            });
        }
        for d in self
            .dimensions
            .iter()
            .filter(|d| d.measure == Measure::Sales)
        {
            let leaves: Decimal = d
                .units
                .iter()
                .filter(|u| u.leaf)
                .filter_map(|u| u.actual)
                .sum();
            if leaves + d.unassigned.amount != self.inputs.order_amount {
                return Err(ReconcileError {
                    dimension: d.dimension.key().to_string(),
                    leaves,
                    unassigned: d.unassigned.amount,
                    order_amount: self.inputs.order_amount,
                });
            }
        }
        Ok(())
    }
}

/// The order in which dimensions appear in every report.
pub const DIMENSION_ORDER: &[Dimension] = &[
    Dimension::Total,
    Dimension::Customer,
    Dimension::Product,
    Dimension::Region,
    Dimension::Group,
    Dimension::Person,
    Dimension::Month,
];

/// The built-in dimensions in report order, then the declared ones this review has.
pub fn report_dimensions(r: &Review) -> Vec<Dimension> {
    let mut out: Vec<Dimension> = DIMENSION_ORDER.to_vec();
    for d in &r.dimensions {
        if matches!(d.dimension, Dimension::Custom(_)) && !out.contains(&d.dimension) {
            out.push(d.dimension.clone());
        }
    }
    out
}

fn dimension_rank(d: &Dimension) -> usize {
    DIMENSION_ORDER
        .iter()
        .position(|x| x == d)
        .unwrap_or(DIMENSION_ORDER.len())
}

/// Everything the computations read.
struct Ctx<'a> {
    ds: &'a Dataset,
    ledger: &'a Ledger,
    tree: &'a TargetTree,
    config: &'a Config,
    period: Period,
    /// Activity rows of the period with the group and region of their salesperson.
    activities: Vec<ActivityScope<'a>>,
}

struct ActivityScope<'a> {
    rec: &'a crate::records::ActivityRec,
    person: String,
    group: Option<String>,
    region: Option<String>,
    month: Month,
}

impl ActivityScope<'_> {
    fn belongs(&self, d: &Dimension, key: &str) -> Option<bool> {
        Some(match d {
            Dimension::Total => true,
            Dimension::Person => self.person == key,
            Dimension::Group => self.group.as_deref() == Some(key),
            Dimension::Region => self.region.as_deref() == Some(key),
            Dimension::Month => self.month.to_string() == key,
            // Activities carry no customer or product.
            _ => return None,
        })
    }

    fn stage(&self, m: &Measure) -> Option<Decimal> {
        let r = self.rec;
        match m {
            Measure::Visits => r.visits,
            Measure::Leads => r.leads,
            Measure::Opportunities => r.opportunities,
            Measure::Demos => r.demos,
            _ => None,
        }
    }
}

/// Computes the review of `period` as of `as_of` (default: the latest order date in it).
pub fn analyze(
    ds: &Dataset,
    ledger: &Ledger,
    tree: &TargetTree,
    config: &Config,
    period: Period,
    as_of: Option<NaiveDate>,
    files: usize,
) -> Review {
    let people: HashMap<String, (String, String)> = ds
        .people
        .iter()
        .map(|p| {
            (
                match_key(&p.name),
                (match_key(&p.group), match_key(&p.region)),
            )
        })
        .collect();
    let activities = ds
        .activities
        .iter()
        .filter(|a| period.contains(a.date))
        .map(|a| {
            let person = match_key(&a.salesperson);
            let m = people.get(&person);
            ActivityScope {
                rec: a,
                group: m.map(|m| m.0.clone()),
                region: m.map(|m| m.1.clone()),
                month: Month::of(a.date),
                person,
            }
        })
        .collect();
    let ctx = Ctx {
        ds,
        ledger,
        tree,
        config,
        period,
        activities,
    };
    let latest = {
        use rayon::prelude::*;
        ledger
            .in_period(period)
            .par_iter()
            .map(|e| e.line(ds).date)
            .max()
    };
    let as_of = as_of
        .or(latest)
        .unwrap_or_else(|| period.last_day())
        .clamp(period.first_day(), period.last_day());
    let days = (period.last_day() - period.first_day()).num_days() + 1;
    let elapsed_days = (as_of - period.first_day()).num_days() + 1;
    let elapsed = Decimal::from(elapsed_days) / Decimal::from(days);

    let mut groups: BTreeMap<(usize, Dimension, Measure), Vec<usize>> = BTreeMap::new();
    for (i, n) in tree.nodes.iter().enumerate() {
        if matches!(n.dimension, Dimension::Other(_)) {
            continue;
        }
        groups
            .entry((
                dimension_rank(&n.dimension),
                n.dimension.clone(),
                n.measure.clone(),
            ))
            .or_default()
            .push(i);
    }
    // The dimensions, and beside them the passes over the lines that do not need them.
    let (dimensions, (inputs, (customers, monthly))) = rayon::join(
        || {
            use rayon::prelude::*;
            groups
                .into_par_iter()
                .map(|((_, d, m), nodes)| review_dimension(&ctx, d, m, &nodes))
                .collect::<Vec<DimensionReview>>()
        },
        || {
            rayon::join(
                || inputs(&ctx, files),
                || rayon::join(|| customer_kpis(&ctx), || monthly(ledger)),
            )
        },
    );
    let total = dimensions
        .iter()
        .find(|d| d.dimension == Dimension::Total && d.measure == Measure::Sales)
        .and_then(|d| d.units.first().cloned());
    // The action plans, the trend and the pace read the dimensions, not each other.
    let (resources, (trend, pace)) = rayon::join(
        || resources::review_actions(&ctx, &dimensions, as_of),
        || {
            rayon::join(
                || trend(&ctx, &dimensions),
                || pace(&ctx, &dimensions, as_of, elapsed),
            )
        },
    );
    Review {
        resources,
        period,
        as_of,
        in_progress: as_of < period.last_day(),
        elapsed,
        short_boards: short_boards(&dimensions),
        ranking: ranking(&dimensions),
        pace,
        trend,
        customers,
        funnel: funnel(&ctx),
        monthly,
        total,
        dimensions,
        inputs,
        suggestions: Vec::new(),
    }
}

fn monthly(ledger: &Ledger) -> Vec<(Month, Decimal)> {
    let mut m: BTreeMap<Month, ExactSum> = BTreeMap::new();
    // Entries run month by month within a quarter: one lookup per run.
    for run in ledger.entries.chunk_by(|a, b| a.month == b.month) {
        m.entry(run[0].month)
            .or_default()
            .merge(run.iter().map(|e| e.amount).sum());
    }
    m.into_iter().map(|(k, v)| (k, v.total())).collect()
}

fn inputs(ctx: &Ctx, files: usize) -> Inputs {
    let dups: Vec<_> = ctx
        .ledger
        .duplicates
        .iter()
        .filter(|d| ctx.period.contains(ctx.ds.orders[d.dropped].date))
        .collect();
    // The period's lines and amount are the accounting's: summed once.
    let accounting = accounting(ctx.ds, ctx.ledger, ctx.period);
    Inputs {
        files,
        order_lines: accounting.in_period.lines,
        order_amount: accounting.in_period.amount,
        duplicate_lines: dups.len(),
        duplicate_amount: dups.iter().map(|d| ctx.ds.orders[d.dropped].amount).sum(),
        rejected_rows: ctx.ds.stats.iter().map(|s| s.rows_rejected).sum(),
        history_lines: accounting.history.lines,
        accounting,
    }
}

/// Line-based accumulators of one unit.
#[derive(Default)]
struct Acc {
    sums: Sums,
    customers: SymSet,
    new_customers: SymSet,
}

fn review_dimension(ctx: &Ctx, d: Dimension, m: Measure, nodes: &[usize]) -> DimensionReview {
    let tree = ctx.tree;
    let local: HashMap<usize, usize> = nodes.iter().enumerate().map(|(l, &n)| (n, l)).collect();
    let parent_local: Vec<Option<usize>> = nodes
        .iter()
        .map(|&n| match tree.nodes[n].parent {
            ParentRef::Node(p) => local.get(&p).copied(),
            _ => None,
        })
        .collect();
    let mut is_leaf = vec![true; nodes.len()];
    for p in parent_local.iter().flatten() {
        is_leaf[*p] = false;
    }
    let matchers: Vec<UnitMatch> = nodes
        .iter()
        .map(|&n| ctx.ledger.resolve(&d, &tree.nodes[n].key))
        .collect();
    let index = UnitIndex::new(matchers.iter().map(|&m| (&d, m)));
    let mut accs: Vec<Acc> = (0..nodes.len()).map(|_| Acc::default()).collect();
    let mut unassigned = Unassigned::default();
    let mut unassigned_amount = ExactSum::default();
    let mut credited: Vec<usize> = Vec::with_capacity(8);
    let mut matched: Vec<usize> = Vec::with_capacity(8);
    let mut starts: Vec<usize> = Vec::with_capacity(8);
    // The customer ratios of every unit at once: one pass over the history.
    let keys: Vec<&str> = nodes.iter().map(|&n| tree.nodes[n].key.as_str()).collect();
    let ratios = match m {
        Measure::RepurchaseRate => repurchase_rates(ctx, &d, &keys),
        Measure::RecallRate => recall_rates(ctx, &d, &keys),
        _ => Vec::new(),
    };
    let needs_customers = matches!(m, Measure::NewCustomers | Measure::Aov);
    // Credits lines alike in their units (one line, or a cube cell) to every
    // unit they count in, each once.
    let mut credit = |e: &Entry, sums: &Sums| {
        credited.clear();
        index.hits(e, &mut matched);
        matched.sort_unstable();
        // The one leaf this line counts in: the first matching leaf.
        let leaf = matched.iter().copied().find(|&l| is_leaf[l]);
        starts.clear();
        starts.extend(matched.iter().copied().filter(|&l| !is_leaf[l]));
        starts.extend(leaf);
        for &s in &starts {
            let mut cur = Some(s);
            let mut guard = 0;
            while let Some(c) = cur {
                if credited.contains(&c) || guard > nodes.len() {
                    break;
                }
                credited.push(c);
                cur = parent_local[c];
                guard += 1;
            }
        }
        if leaf.is_none() {
            unassigned.lines += sums.lines;
            unassigned_amount.merge(sums.sales);
        }
        for &c in &credited {
            let a = &mut accs[c];
            a.sums.merge(sums);
            if needs_customers {
                a.customers.insert(e.customer);
                if e.lifecycle == Ok(Lifecycle::New) {
                    a.new_customers.insert(e.customer);
                }
            }
        }
    };
    if needs_customers {
        for e in ctx.ledger.in_period(ctx.period) {
            credit(e, &Sums::of_line(e, ctx.ds));
        }
    } else {
        for cell in &ctx.ledger.cube(ctx.ds, ctx.period).cells {
            credit(&cell.entry, &cell.sums);
        }
    }
    let mut units: Vec<UnitReview> = nodes
        .iter()
        .enumerate()
        .map(|(l, &n)| {
            let node = &tree.nodes[n];
            let row = &ctx.ds.targets[node.row];
            let a = &accs[l];
            let actual = match &m {
                Measure::Sales => Some(a.sums.sales.total()),
                Measure::Units => Some(a.sums.units.total()),
                Measure::Collections => Some(a.sums.collected.total()),
                Measure::NewCustomers => Some(Decimal::from(a.new_customers.len())),
                Measure::Aov => aov(&d, &node.key, a, ctx),
                Measure::RepurchaseRate | Measure::RecallRate => ratios[l],
                Measure::ConversionRate => activity_ratio(ctx, &d, &node.key),
                Measure::Visits | Measure::Leads | Measure::Opportunities | Measure::Demos => {
                    activity_sum(ctx, &d, &node.key, &m)
                }
                Measure::Other(_) => None,
            };
            let completion = actual
                .filter(|_| row.target > Decimal::ZERO)
                .map(|a| a / row.target);
            let okr = row.okr || ctx.config.okr_dimensions.contains(&d);
            let line = short_line(okr, ctx.config);
            UnitReview {
                okr,
                node: n,
                unit: node.unit.clone(),
                key: node.key.clone(),
                parent: row.parent.clone(),
                owner: row.owner.clone(),
                target: row.target,
                stretch: row.stretch,
                challenge: row.challenge,
                gap: actual.map(|a| a - row.target),
                status: completion.map(|c| Status::under(c, line, ctx.config)),
                tier: actual.map(|a| tier(a, row.target, row.stretch, row.challenge)),
                completion,
                actual,
                leaf: is_leaf[l],
            }
        })
        .collect();
    sort_units(&mut units, &d);
    unassigned.amount = unassigned_amount.total();
    DimensionReview {
        dimension: d,
        measure: m,
        unassigned,
        units,
    }
}

/// Months in calendar order; otherwise parents' order, then the largest target first.
fn sort_units(units: &mut [UnitReview], d: &Dimension) {
    if *d == Dimension::Month {
        units.sort_by(|a, b| a.key.cmp(&b.key));
        return;
    }
    units.sort_by(|a, b| {
        (
            a.parent.as_deref().map(match_key),
            std::cmp::Reverse(a.target),
            &a.key,
        )
            .cmp(&(
                b.parent.as_deref().map(match_key),
                std::cmp::Reverse(b.target),
                &b.key,
            ))
    });
}

fn tier(
    actual: Decimal,
    base: Decimal,
    stretch: Option<Decimal>,
    challenge: Option<Decimal>,
) -> Tier {
    if challenge.is_some_and(|c| actual >= c) {
        Tier::Challenge
    } else if stretch.is_some_and(|s| actual >= s) {
        Tier::Stretch
    } else if actual >= base {
        Tier::Base
    } else {
        Tier::None
    }
}

/// Sales per customer (客单价): for the 新客户 unit, new customers' sales per new customer.
fn aov(d: &Dimension, key: &str, a: &Acc, _ctx: &Ctx) -> Option<Decimal> {
    let n = if *d == Dimension::Customer && key == "new" {
        a.new_customers.len()
    } else {
        a.customers.len()
    };
    (n > 0).then(|| a.sums.sales.total() / Decimal::from(n))
}

/// What a line must match to be in a unit's scope for the customer ratios.
fn scope(ctx: &Ctx, d: &Dimension, key: &str) -> UnitMatch {
    if *d == Dimension::Customer || *d == Dimension::Total {
        UnitMatch::All
    } else {
        ctx.ledger.resolve(d, key)
    }
}

/// The churn window: the `churn_quarters` quarters before the period, as
/// the range `from..to`.
fn window(ctx: &Ctx) -> (Option<Period>, Period) {
    let start = ctx.period.offset(-(ctx.config.churn_quarters as i32));
    (Some(start), ctx.period)
}

/// The period alone, as the range `from..to`.
fn this_quarter(ctx: &Ctx) -> (Option<Period>, Period) {
    (Some(ctx.period), ctx.period.next())
}

/// The units of a dimension for the customer ratios, each matched against a
/// line once: a dimension with many units is one pass over the history, not
/// one per unit. Units with the same scope (every unit of the customer
/// dimension is the whole company) share a slot.
struct RatioScopes<'d> {
    index: UnitIndex<'d>,
    slots: usize,
    /// One slot, the whole company: its customers can be read from each
    /// customer's quarters instead of the lines.
    company_wide: bool,
    /// Each unit's slot, in the order the units were given.
    slot_of: Vec<usize>,
}

impl<'d> RatioScopes<'d> {
    fn new(ctx: &Ctx, d: &'d Dimension, keys: &[&str]) -> Self {
        let mut distinct: Vec<UnitMatch> = Vec::new();
        let slot_of = keys
            .iter()
            .map(|key| {
                let m = scope(ctx, d, key);
                distinct.iter().position(|&x| x == m).unwrap_or_else(|| {
                    distinct.push(m);
                    distinct.len() - 1
                })
            })
            .collect();
        RatioScopes {
            index: UnitIndex::new(distinct.iter().map(|&m| (d, m))),
            slots: distinct.len(),
            company_wide: distinct == [UnitMatch::All],
            slot_of,
        }
    }

    /// Per slot, the customers who ordered in the quarters `from..to`
    /// (`None`: from the first) that `keep` accepts.
    fn customers_between(
        &self,
        ctx: &Ctx,
        (from, to): (Option<Period>, Period),
        keep: impl Fn(usize, Sym) -> bool,
    ) -> Vec<SymSet> {
        if self.company_wide
            && let Some(all) = ctx.ledger.customers_ordering(from, to)
        {
            return vec![all.iter().filter(|&c| keep(0, c)).collect()];
        }
        self.customers(ctx.ledger.between(from, to).iter(), keep)
    }

    /// Per slot, the customers of the lines in its scope that `keep` accepts.
    fn customers<'e>(
        &self,
        lines: impl Iterator<Item = &'e Entry>,
        keep: impl Fn(usize, Sym) -> bool,
    ) -> Vec<SymSet> {
        let mut sets = vec![SymSet::default(); self.slots];
        let mut hits = Vec::new();
        for e in lines {
            self.index.hits(e, &mut hits);
            for &slot in &hits {
                if keep(slot, e.customer) {
                    sets[slot].insert(e.customer);
                }
            }
        }
        sets
    }

    /// Each unit's ratio from its slot's: `part ÷ whole`, `None` for an empty whole.
    fn ratios(&self, parts: &[SymSet], wholes: &[SymSet]) -> Vec<Option<Decimal>> {
        self.slot_of
            .iter()
            .map(|&s| {
                let (part, whole) = (parts[s].len(), wholes[s].len());
                (whole > 0).then(|| Decimal::from(part) / Decimal::from(whole))
            })
            .collect()
    }
}

/// Per slot of the units' scopes, the customers a ratio divides: those
/// counted (`parts`) among those it is out of (`wholes`).
struct RatioSets<'d> {
    scopes: RatioScopes<'d>,
    wholes: Vec<SymSet>,
    parts: Vec<SymSet>,
}

impl RatioSets<'_> {
    /// Per unit: parts ÷ wholes.
    fn ratios(&self) -> Vec<Option<Decimal>> {
        self.scopes.ratios(&self.parts, &self.wholes)
    }
}

/// Per unit (by canonical key): returning customers who bought ÷ customers
/// active in the previous `churn_quarters` quarters.
fn repurchase_rates(ctx: &Ctx, d: &Dimension, keys: &[&str]) -> Vec<Option<Decimal>> {
    repurchase_sets(ctx, d, keys).ratios()
}

/// The customers active in the churn window (wholes), and those of them
/// who ordered in the period (parts: bought again).
fn repurchase_sets<'d>(ctx: &Ctx, d: &'d Dimension, keys: &[&str]) -> RatioSets<'d> {
    let scopes = RatioScopes::new(ctx, d, keys);
    let active = scopes.customers_between(ctx, window(ctx), |_, _| true);
    let bought = scopes.customers_between(ctx, this_quarter(ctx), |s, c| active[s].contains(c));
    RatioSets {
        scopes,
        wholes: active,
        parts: bought,
    }
}

/// Per unit (by canonical key): recalled customers ÷ customers churned at the
/// period's start.
fn recall_rates(ctx: &Ctx, d: &Dimension, keys: &[&str]) -> Vec<Option<Decimal>> {
    churn_sets(ctx, d, keys).ratios()
}

/// The customers who ordered before the churn window but not in it
/// (wholes: churned at the period's start), and those of them who ordered
/// in the period (parts: recalled).
fn churn_sets<'d>(ctx: &Ctx, d: &'d Dimension, keys: &[&str]) -> RatioSets<'d> {
    let scopes = RatioScopes::new(ctx, d, keys);
    let window = window(ctx);
    let before = scopes.customers_between(ctx, (None, window.0.unwrap_or(ctx.period)), |_, _| true);
    let in_window = scopes.customers_between(ctx, window, |_, _| true);
    let churned: Vec<SymSet> = before
        .iter()
        .zip(&in_window)
        .map(|(b, w)| b.difference(w))
        .collect();
    let recalled = scopes.customers_between(ctx, this_quarter(ctx), |s, c| churned[s].contains(c));
    RatioSets {
        scopes,
        wholes: churned,
        parts: recalled,
    }
}

fn activity_sum(ctx: &Ctx, d: &Dimension, key: &str, m: &Measure) -> Option<Decimal> {
    let mut any = false;
    let mut sum = Decimal::ZERO;
    for a in &ctx.activities {
        if a.belongs(d, key)?
            && let Some(v) = a.stage(m)
        {
            any = true;
            sum += v;
        }
    }
    any.then_some(sum)
}

/// Deals ÷ leads (转化率) from the activity sheets; the customer dimension uses the company's.
fn activity_ratio(ctx: &Ctx, d: &Dimension, key: &str) -> Option<Decimal> {
    let (d, key) = if *d == Dimension::Customer {
        (&Dimension::Total, "")
    } else {
        (d, key)
    };
    let mut leads = Decimal::ZERO;
    let mut deals = Decimal::ZERO;
    for a in &ctx.activities {
        if a.belongs(d, key)? {
            leads += a.rec.leads.unwrap_or_default();
            deals += a.rec.deals.unwrap_or_default();
        }
    }
    (!leads.is_zero()).then(|| deals / leads)
}

fn money_dims(dims: &[DimensionReview]) -> impl Iterator<Item = &DimensionReview> {
    dims.iter()
        .filter(|d| d.dimension != Dimension::Total && d.measure == Measure::Sales)
}

fn short_boards(dims: &[DimensionReview]) -> Vec<ShortBoard> {
    let mut out = Vec::new();
    for d in dims.iter().filter(|d| d.dimension != Dimension::Total) {
        // The Pareto set: the fewest leaf units whose shortfalls explain 80% of the dimension's.
        let mut gaps: Vec<(Decimal, &str)> = d
            .units
            .iter()
            .filter(|u| u.leaf)
            .filter_map(|u| {
                u.gap
                    .filter(|g| *g < Decimal::ZERO)
                    .map(|g| (-g, u.key.as_str()))
            })
            .collect();
        gaps.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let total_short: Decimal = gaps.iter().map(|g| g.0).sum();
        let mut pareto: HashSet<&str> = HashSet::default();
        let mut covered = Decimal::ZERO;
        for (g, k) in &gaps {
            if covered >= total_short * Decimal::new(8, 1) {
                break;
            }
            covered += g;
            pareto.insert(k);
        }
        for u in &d.units {
            if u.status == Some(Status::ShortBoard) {
                out.push(ShortBoard {
                    dimension: d.dimension.clone(),
                    measure: d.measure.clone(),
                    unit: u.unit.clone(),
                    completion: u.completion.unwrap_or_default(),
                    shortfall: d.measure.is_money().then(|| -u.gap.unwrap_or_default()),
                    pareto: d.measure == Measure::Sales
                        && u.leaf
                        && pareto.contains(u.key.as_str()),
                });
            }
        }
    }
    // Money left on the table first, then the lowest completion.
    out.sort_by(|a, b| {
        b.shortfall
            .unwrap_or_default()
            .cmp(&a.shortfall.unwrap_or_default())
            .then(a.completion.cmp(&b.completion))
            .then(dimension_rank(&a.dimension).cmp(&dimension_rank(&b.dimension)))
            .then(a.unit.cmp(&b.unit))
    });
    out
}

fn ranking(dims: &[DimensionReview]) -> Vec<Ranking> {
    money_dims(dims)
        .filter(|d| {
            matches!(
                d.dimension,
                Dimension::Region | Dimension::Group | Dimension::Person
            )
        })
        .map(|d| {
            let mut units: Vec<(String, Decimal, Status)> = d
                .units
                .iter()
                .filter_map(|u| Some((u.unit.clone(), u.completion?, u.status?)))
                .collect();
            units.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            Ranking {
                dimension: d.dimension.clone(),
                units,
            }
        })
        .collect()
}

/// Expected completion at `as_of`: by the month targets when the period has
/// them, otherwise by elapsed days.
fn expected_pace(
    ctx: &Ctx,
    dims: &[DimensionReview],
    as_of: NaiveDate,
    elapsed: Decimal,
) -> Decimal {
    let months = dims
        .iter()
        .find(|d| d.dimension == Dimension::Month && d.measure == Measure::Sales);
    let Some(months) = months else {
        return elapsed;
    };
    let total: Decimal = months.units.iter().map(|u| u.target).sum();
    if total.is_zero() {
        return elapsed;
    }
    let mut done = Decimal::ZERO;
    for m in ctx.period.months() {
        let Some(u) = months.units.iter().find(|u| u.key == m.to_string()) else {
            continue;
        };
        let first =
            NaiveDate::from_ymd_opt(m.year, u32::from(m.month), 1).expect("a month's first day");
        let next = ctx.period.months().into_iter().find(|x| *x > m);
        let last = next
            .and_then(|n| NaiveDate::from_ymd_opt(n.year, u32::from(n.month), 1))
            .map(|d| d.pred_opt().expect("a day before"))
            .unwrap_or_else(|| ctx.period.last_day());
        if as_of >= last {
            done += u.target;
        } else if as_of >= first {
            let days = Decimal::from((last - first).num_days() + 1);
            let gone = Decimal::from((as_of - first).num_days() + 1);
            done += u.target * gone / days;
        }
    }
    done / total
}

fn pace(ctx: &Ctx, dims: &[DimensionReview], as_of: NaiveDate, elapsed: Decimal) -> Vec<PaceRow> {
    let expected = expected_pace(ctx, dims, as_of, elapsed);
    if expected.is_zero() {
        return Vec::new();
    }
    dims.iter()
        .filter(|d| d.measure == Measure::Sales && d.dimension != Dimension::Month)
        .flat_map(|d| {
            d.units.iter().filter_map(move |u| {
                let completion = u.completion?;
                let ratio = completion / expected;
                Some(PaceRow {
                    dimension: d.dimension.clone(),
                    unit: u.unit.clone(),
                    completion,
                    expected,
                    ratio,
                    warning: ratio < ctx.config.pace_warning,
                })
            })
        })
        .collect()
}

fn trend(ctx: &Ctx, dims: &[DimensionReview]) -> Vec<TrendRow> {
    let first = ctx.ledger.periods().next();
    let Some(first) = first.filter(|f| *f < ctx.period) else {
        return Vec::new();
    };
    let mut quarters = Vec::new();
    let mut q = first;
    while q <= ctx.period {
        quarters.push(q);
        q = q.next();
    }
    let rows: Vec<(&DimensionReview, &UnitReview)> = dims
        .iter()
        .filter(|d| {
            d.dimension != Dimension::Month
                && matches!(
                    d.measure,
                    Measure::Sales | Measure::Units | Measure::Collections
                )
        })
        .flat_map(|d| d.units.iter().map(move |u| (d, u)))
        .collect();
    let queries: Vec<crate::actuals::UnitQuery> = rows
        .iter()
        .map(|(d, u)| crate::actuals::UnitQuery {
            dimension: &d.dimension,
            key: &u.key,
            measure: &d.measure,
        })
        .collect();
    // One pass over each quarter's lines answers every unit.
    let by_quarter: Vec<Vec<Option<Decimal>>> = quarters
        .iter()
        .map(|&p| crate::actuals::additive_actuals(ctx.ledger, ctx.ds, p, &queries))
        .collect();
    rows.iter()
        .enumerate()
        .map(|(i, (d, u))| TrendRow {
            dimension: d.dimension.clone(),
            measure: d.measure.clone(),
            unit: u.unit.clone(),
            quarters: quarters
                .iter()
                .zip(&by_quarter)
                .map(|(&p, values)| (p, values[i].unwrap_or_default()))
                .collect(),
        })
        .collect()
}

fn customer_kpis(ctx: &Ctx) -> CustomerKpis {
    let lines = ctx.ledger.in_period(ctx.period);
    let mut k = CustomerKpis {
        no_history: ctx.ledger.before(ctx.period).is_empty()
            && ctx.ds.customers.iter().all(|c| {
                c.first_order_date
                    .is_none_or(|d| d >= ctx.period.first_day())
            }),
        ..CustomerKpis::default()
    };
    let set = |lc: Lifecycle, lines: &[Entry]| -> (SymSet, Decimal) {
        let mut s = SymSet::default();
        let mut amount = ExactSum::default();
        for e in lines.iter().filter(|e| e.lifecycle == Ok(lc)) {
            s.insert(e.customer);
            amount.add(e.amount);
        }
        (s, amount.total())
    };
    let (new, new_amount) = set(Lifecycle::New, lines);
    let (returning, ret_amount) = set(Lifecycle::Returning, lines);
    let (recalled, _) = set(Lifecycle::Churned, lines);
    k.new_customers = new.len();
    k.returning_customers = returning.len();
    k.recalled_customers = recalled.len();
    k.new_customer_aov = (!new.is_empty()).then(|| new_amount / Decimal::from(new.len()));
    k.returning_aov = (!returning.is_empty()).then(|| ret_amount / Decimal::from(returning.len()));
    let prev = ctx.period.offset(-1);
    let (prev_ret, prev_amount) = set(Lifecycle::Returning, ctx.ledger.in_period(prev));
    k.returning_aov_last_quarter =
        (!prev_ret.is_empty()).then(|| prev_amount / Decimal::from(prev_ret.len()));
    // The company's two ratios, side by side (each from the customers'
    // quarters, or a pass over the history when those cannot tell).
    let (repurchase, recall) = rayon::join(
        || repurchase_sets(ctx, &Dimension::Total, &[""]),
        || churn_sets(ctx, &Dimension::Total, &[""]),
    );
    k.active_before = repurchase.wholes[0].len();
    k.repurchase_rate = repurchase.ratios()[0];
    k.churned_at_start = recall.wholes[0].len();
    k.recall_rate = recall.ratios()[0];
    k.new_customer_conversion = activity_ratio(ctx, &Dimension::Total, "");
    k
}

fn funnel(ctx: &Ctx) -> Vec<FunnelRow> {
    let mut rows: BTreeMap<(usize, String), [Decimal; 5]> = BTreeMap::new();
    let names: HashMap<String, String> = ctx
        .ds
        .people
        .iter()
        .flat_map(|p| {
            [
                (match_key(&p.name), p.name.clone()),
                (match_key(&p.group), p.group.clone()),
            ]
        })
        .collect();
    for a in &ctx.activities {
        let r = a.rec;
        let stages =
            [r.visits, r.leads, r.opportunities, r.demos, r.deals].map(Option::unwrap_or_default);
        let mut add = |rank: usize, key: &str| {
            let name = names.get(key).cloned().unwrap_or_else(|| key.to_string());
            let slot = rows.entry((rank, name)).or_insert([Decimal::ZERO; 5]);
            for (s, v) in slot.iter_mut().zip(stages) {
                *s += v;
            }
        };
        add(1, &a.person);
        if let Some(g) = &a.group {
            add(0, g);
        }
    }
    rows.into_iter()
        .map(|((rank, unit), stages)| FunnelRow {
            dimension: if rank == 0 {
                Dimension::Group
            } else {
                Dimension::Person
            },
            unit,
            stages,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines_are_inclusive_at_excellent_and_exclusive_at_short_board() {
        let c = Config::default();
        assert_eq!(Status::of(Decimal::new(8499, 4), &c), Status::ShortBoard);
        assert_eq!(Status::of(Decimal::new(85, 2), &c), Status::OnTrack);
        assert_eq!(Status::of(Decimal::new(11999, 4), &c), Status::OnTrack);
        assert_eq!(Status::of(Decimal::new(12, 1), &c), Status::Excellent);
    }

    #[test]
    fn tiers_reached() {
        let (b, s, c) = (
            Decimal::from(100),
            Some(Decimal::from(110)),
            Some(Decimal::from(120)),
        );
        assert_eq!(tier(Decimal::from(99), b, s, c), Tier::None);
        assert_eq!(tier(Decimal::from(100), b, s, c), Tier::Base);
        assert_eq!(tier(Decimal::from(115), b, s, c), Tier::Stretch);
        assert_eq!(tier(Decimal::from(120), b, s, c), Tier::Challenge);
        assert_eq!(tier(Decimal::from(500), b, None, None), Tier::Base);
    }

    /// Person-level customer ratios, hand-computed, in 2026Q3 with a churn
    /// window of two quarters (2026Q1–Q2):
    /// - A: c1 bought before the window only, then in Q3 (churned, recalled);
    ///   c2 before and in the window, then in Q3; c3 in the window only.
    ///   Repurchase 1/2 (c2 of c2, c3), recall 1/1 (c1).
    /// - B: c1 in the window, not in Q3; c4 before the window only.
    ///   Repurchase 0/1, recall 0/1.
    /// - Z sold nothing: no ratio. The company: repurchase 2/3 (c1, c2 of
    ///   c1, c2, c3), recall 0/1 (c4 churned, not back).
    #[test]
    fn customer_ratios_per_unit_in_one_pass() {
        use crate::records::OrderLine;
        let mut ds = Dataset::default();
        let mut line = |row: u32, person: &str, customer: &str, (y, m): (i32, u32)| OrderLine {
            salesperson: Some(ds.sample_text(person)),
            customer: ds.sample_text(customer),
            date: NaiveDate::from_ymd_opt(y, m, 15).unwrap(),
            ..OrderLine::sample(row)
        };
        let mut lines = Vec::new();
        for (row, (person, customer, month)) in [
            ("A", "c1", (2025, 11)),
            ("A", "c1", (2026, 8)),
            ("A", "c2", (2025, 11)),
            ("A", "c2", (2026, 2)),
            ("A", "c2", (2026, 7)),
            ("A", "c3", (2026, 5)),
            ("B", "c1", (2026, 1)),
            ("B", "c4", (2025, 8)),
        ]
        .into_iter()
        .enumerate()
        {
            lines.push(line(row as u32 + 1, person, customer, month));
        }
        lines.into_iter().for_each(|l| ds.orders.push(l));
        let config = Config::default();
        assert_eq!(config.churn_quarters, 2);
        let ledger = crate::ledger::build_ledger(&ds, &config);
        let tree = TargetTree::default();
        let ctx = Ctx {
            ds: &ds,
            ledger: &ledger,
            tree: &tree,
            config: &config,
            period: crate::calendar::parse_period("2026Q3").unwrap(),
            activities: Vec::new(),
        };
        let keys = ["a", "b", "z"];
        let ratio = |n, d| Some(Decimal::from(n) / Decimal::from(d));
        let repurchase = repurchase_rates(&ctx, &Dimension::Person, &keys);
        assert_eq!(repurchase, vec![ratio(1, 2), ratio(0, 1), None]);
        let recall = recall_rates(&ctx, &Dimension::Person, &keys);
        assert_eq!(recall, vec![ratio(1, 1), ratio(0, 1), None]);
        // Each unit alone gives what it gives among the others.
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(
                repurchase_rates(&ctx, &Dimension::Person, &[key]),
                vec![repurchase[i]]
            );
            assert_eq!(
                recall_rates(&ctx, &Dimension::Person, &[key]),
                vec![recall[i]]
            );
        }
        assert_eq!(
            repurchase_rates(&ctx, &Dimension::Total, &[""]),
            vec![ratio(2, 3)]
        );
        // Every customer-dimension unit is the company's ratio.
        assert_eq!(
            recall_rates(&ctx, &Dimension::Customer, &["churned", "returning"]),
            vec![ratio(0, 1), ratio(0, 1)]
        );
    }

    #[test]
    fn funnel_conversions_skip_empty_stages() {
        let f = FunnelRow {
            dimension: Dimension::Person,
            unit: "张伟".into(),
            stages: [20, 10, 0, 0, 0].map(Decimal::from),
        };
        assert_eq!(
            f.conversions(),
            [Some(Decimal::new(5, 1)), Some(Decimal::ZERO), None, None]
        );
    }
}
