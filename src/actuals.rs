//! Actual figures of target units in a quarter, from the ledger.
//!
//! The additive measures (sales, units, collections, new-customer count) are
//! exact sums or counts over the ledger's distinct lines; the review's trend
//! and `qbr check`'s growth rules are built on the same function. Sums are
//! read from the quarter's [`Cube`], where lines that belong to the same
//! units are already added up; new-customer counts from the lines, in one
//! pass over the quarter split across cores.

use crate::calendar::Period;
use crate::ledger::{Entry, Ledger, Lifecycle, Sym, SymSet, UnitMatch};
use crate::money::ExactSum;
use crate::records::{Dataset, Dimension, Measure};
use rust_decimal::Decimal;

/// The exact sums of some lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sums {
    pub lines: usize,
    pub sales: ExactSum,
    pub units: ExactSum,
    pub collected: ExactSum,
}

impl Sums {
    /// The sums of one line (its entry and its order line).
    pub fn of_line(e: &Entry, ds: &Dataset) -> Sums {
        let mut s = Sums::default();
        s.add_line(e, ds);
        s
    }

    /// Adds one line.
    pub fn add_line(&mut self, e: &Entry, ds: &Dataset) {
        let o = e.line(ds);
        self.lines += 1;
        self.sales.add(e.amount);
        if let Some(q) = o.quantity.get() {
            self.units.add(q);
        }
        if let Some(c) = o.collected.get() {
            self.collected.add(c);
        }
    }

    /// Adds other lines' sums.
    pub fn merge(&mut self, other: &Sums) {
        self.lines += other.lines;
        self.sales.merge(other.sales);
        self.units.merge(other.units);
        self.collected.merge(other.collected);
    }

    /// The sum of an additive money or quantity measure; `None` for others.
    pub fn of(&self, measure: &Measure) -> Option<&ExactSum> {
        match measure {
            Measure::Sales => Some(&self.sales),
            Measure::Units => Some(&self.units),
            Measure::Collections => Some(&self.collected),
            _ => None,
        }
    }
}

/// One cell of a [`Cube`]: lines alike in everything a unit is matched by.
#[derive(Debug, Clone)]
pub struct Cell {
    /// The cell's first line: every line of the cell belongs to its units
    /// (its amount, customer and order are that line's own).
    pub entry: Entry,
    pub sums: Sums,
}

/// A quarter's lines summed per cell: lines with the same product, product
/// class, region, group, person, lifecycle, month and custom values belong
/// to the same units, so a sum per unit adds up cells, not lines (a quarter
/// of 200,000 lines has a few thousand cells).
#[derive(Debug, Clone, Default)]
pub struct Cube {
    pub cells: Vec<Cell>,
}

/// What a line is matched by, as one hash: every field [`Entry::matches`]
/// and [`UnitIndex::hits`] read, and only those.
fn cell_hash(e: &Entry) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    (e.product, e.product_class, e.region, e.group, e.person).hash(&mut h);
    (e.lifecycle, e.month, &e.custom).hash(&mut h);
    h.finish()
}

fn same_cell(a: &Entry, b: &Entry) -> bool {
    (a.product, a.product_class, a.region, a.group, a.person)
        == (b.product, b.product_class, b.region, b.group, b.person)
        && (a.lifecycle, a.month) == (b.lifecycle, b.month)
        && a.custom == b.custom
}

/// Cells being filled, found by hash.
#[derive(Default)]
struct CubeBuilder {
    cells: Vec<Cell>,
    /// Each cell's [`cell_hash`], by cell number.
    hashes: Vec<u64>,
    /// Cell numbers, found by hash and compared with [`same_cell`].
    by_hash: hashbrown::HashTable<u32>,
}

impl CubeBuilder {
    /// The cell of lines like `e`, made empty if new.
    fn cell(&mut self, e: &Entry) -> &mut Sums {
        let h = cell_hash(e);
        let cells = &self.cells;
        let found = (self.by_hash).find(h, |&i| same_cell(&cells[i as usize].entry, e));
        let i = match found {
            Some(&i) => i as usize,
            None => {
                let i = self.cells.len();
                self.cells.push(Cell {
                    entry: e.clone(),
                    sums: Sums::default(),
                });
                self.hashes.push(h);
                let hashes = &self.hashes;
                (self.by_hash).insert_unique(h, i as u32, |&j| hashes[j as usize]);
                i
            }
        };
        &mut self.cells[i].sums
    }

    /// Adds one line.
    fn add_line(&mut self, e: &Entry, ds: &Dataset) {
        self.cell(e).add_line(e, ds);
    }

    /// Adds the cells of a later share of the lines, keeping first-seen order.
    fn merge(mut self, other: CubeBuilder) -> CubeBuilder {
        for c in other.cells {
            self.cell(&c.entry).merge(&c.sums);
        }
        self
    }
}

impl Cube {
    /// The cube of a quarter's entries (`ds`: their order lines), built in
    /// parallel shares merged in order.
    pub fn of(entries: &[Entry], ds: &Dataset) -> Cube {
        use rayon::prelude::*;
        let built = entries
            .par_chunks(1 << 14)
            .map(|chunk| {
                let mut b = CubeBuilder::default();
                for e in chunk {
                    b.add_line(e, ds);
                }
                b
            })
            .reduce(CubeBuilder::default, CubeBuilder::merge);
        Cube { cells: built.cells }
    }
}

/// One unit's figure to compute: a target unit of a dimension and a measure.
#[derive(Debug, Clone, Copy)]
pub struct UnitQuery<'a> {
    pub dimension: &'a Dimension,
    /// The unit's canonical key (see [`crate::ledger::unit_key`]).
    pub key: &'a str,
    pub measure: &'a Measure,
}

/// True for the measures [`additive_actuals`] computes.
pub fn is_additive(measure: &Measure) -> bool {
    matches!(
        measure,
        Measure::Sales | Measure::Units | Measure::Collections | Measure::NewCustomers
    )
}

/// The actual of a unit for an additive measure in a quarter; `None` for
/// measures this function does not compute (rates, leading indicators).
pub fn additive_actual(
    ledger: &Ledger,
    ds: &Dataset,
    period: Period,
    dimension: &Dimension,
    key: &str,
    measure: &Measure,
) -> Option<Decimal> {
    additive_actuals(
        ledger,
        ds,
        period,
        &[UnitQuery {
            dimension,
            key,
            measure,
        }],
    )
    .pop()
    .flatten()
}

/// [`additive_actual`] for many units at once, in the order asked. Sums
/// add up the quarter's cube cells; new-customer counts take one pass over
/// the quarter's lines, in parallel chunks whose customer sets are merged.
pub fn additive_actuals(
    ledger: &Ledger,
    ds: &Dataset,
    period: Period,
    queries: &[UnitQuery],
) -> Vec<Option<Decimal>> {
    use rayon::prelude::*;
    // Each index holds the queries of its kind; the others never hit.
    let index_of = |wanted: fn(&Measure) -> bool| {
        UnitIndex::new(queries.iter().map(|q| {
            let m = if wanted(q.measure) {
                ledger.resolve(q.dimension, q.key)
            } else {
                UnitMatch::Nothing
            };
            (q.dimension, m)
        }))
    };
    let summed = index_of(|m| is_additive(m) && *m != Measure::NewCustomers);
    let counted = index_of(|m| *m == Measure::NewCustomers);
    let mut sums = vec![Sums::default(); queries.len()];
    let mut hits = Vec::new();
    if !summed.is_empty() {
        for cell in &ledger.cube(ds, period).cells {
            summed.hits(&cell.entry, &mut hits);
            for &i in &hits {
                sums[i].merge(&cell.sums);
            }
        }
    }
    let new_customers: Vec<SymSet> = if counted.is_empty() {
        vec![SymSet::default(); queries.len()]
    } else {
        let sets = || vec![SymSet::default(); queries.len()];
        ledger
            .in_period(period)
            .par_chunks(1 << 14)
            .map(|chunk| {
                let mut found: Vec<SymSet> = sets();
                let mut hits = Vec::new();
                for e in chunk.iter().filter(|e| e.lifecycle == Ok(Lifecycle::New)) {
                    counted.hits(e, &mut hits);
                    for &i in &hits {
                        found[i].insert(e.customer);
                    }
                }
                found
            })
            .reduce(sets, |mut a, b| {
                for (a, b) in a.iter_mut().zip(&b) {
                    a.union_with(b);
                }
                a
            })
    };
    queries
        .iter()
        .enumerate()
        .map(|(i, q)| match q.measure {
            Measure::NewCustomers => Some(Decimal::from(new_customers[i].len())),
            m => sums[i].of(m).map(ExactSum::total),
        })
        .collect()
}

/// Which symbol of a line a unit is matched by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Probe {
    ProductClass,
    Product,
    Region,
    Group,
    Person,
}

/// Units resolved against the ledger, found for a line by its symbols rather
/// than by trying every unit on every line: a line hits the same units as
/// [`Entry::matches`] says, each once. The review's dimensions and
/// [`additive_actuals`] both find a line's units through it.
pub(crate) struct UnitIndex<'q> {
    by_symbol: rustc_hash::FxHashMap<(Probe, Sym), Vec<usize>>,
    probes: Vec<Probe>,
    /// Units matched otherwise (the total, lifecycle, month, custom values).
    others: Vec<(usize, &'q Dimension, UnitMatch)>,
}

impl<'q> UnitIndex<'q> {
    /// Indexes units by their position; a unit matching [`UnitMatch::Nothing`] is left out.
    pub(crate) fn new(units: impl IntoIterator<Item = (&'q Dimension, UnitMatch)>) -> Self {
        let mut index = UnitIndex {
            by_symbol: Default::default(),
            probes: Vec::new(),
            others: Vec::new(),
        };
        for (i, (dimension, m)) in units.into_iter().enumerate() {
            if m == UnitMatch::Nothing {
                continue;
            }
            let probes: &[Probe] = match (dimension, m) {
                (Dimension::Product, UnitMatch::Sym(_)) => &[Probe::ProductClass, Probe::Product],
                (Dimension::Region, UnitMatch::Sym(_)) => &[Probe::Region],
                (Dimension::Group, UnitMatch::Sym(_)) => &[Probe::Group],
                (Dimension::Person, UnitMatch::Sym(_)) => &[Probe::Person],
                _ => &[],
            };
            match m {
                UnitMatch::Sym(s) if !probes.is_empty() => {
                    for &p in probes {
                        index.by_symbol.entry((p, s)).or_default().push(i);
                        if !index.probes.contains(&p) {
                            index.probes.push(p);
                        }
                    }
                }
                _ => index.others.push((i, dimension, m)),
            }
        }
        index
    }

    fn is_empty(&self) -> bool {
        self.by_symbol.is_empty() && self.others.is_empty()
    }

    /// The units a line belongs to, each once, in no particular order.
    pub(crate) fn hits(&self, e: &Entry, hits: &mut Vec<usize>) {
        hits.clear();
        for &p in &self.probes {
            let sym = match p {
                Probe::ProductClass => e.product_class.get(),
                // A product named like its class is one unit, not two.
                Probe::Product if e.product_class.get() == Some(e.product) => None,
                Probe::Product => Some(e.product),
                Probe::Region => e.region.get(),
                Probe::Group => e.group.get(),
                Probe::Person => e.person.get(),
            };
            if let Some(found) = sym.and_then(|s| self.by_symbol.get(&(p, s))) {
                hits.extend_from_slice(found);
            }
        }
        hits.extend(
            self.others
                .iter()
                .filter(|(_, d, m)| e.matches(d, *m))
                .map(|(i, ..)| *i),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::records::OrderLine;
    use chrono::NaiveDate;

    /// 40,000 lines (more than two of the parallel chunks): line `i` sells
    /// `i % 100 + 1` cents to customer `i % 1000` in July 2026.
    fn many_lines() -> Dataset {
        let mut ds = Dataset::default();
        let customers: Vec<_> = (0..1000).map(|c| ds.push_text(&format!("C{c}"))).collect();
        for i in 0..40_000u32 {
            let order_id = ds.push_text(&format!("SO{i}"));
            ds.orders.push(OrderLine {
                order_id: Some(order_id),
                date: NaiveDate::from_ymd_opt(2026, 7, 1 + i % 31).unwrap(),
                customer: customers[i as usize % 1000],
                amount: Decimal::new(i64::from(i % 100 + 1), 2),
                quantity: Some(Decimal::TWO).into(),
                collected: (i % 2 == 0).then_some(Decimal::ONE).into(),
                ..OrderLine::sample(i + 1)
            });
        }
        ds
    }

    #[test]
    fn many_units_in_one_pass_add_up_exactly_across_chunks() {
        let ds = many_lines();
        let ledger = crate::ledger::build_ledger(&ds, &Config::default());
        let q3 = crate::calendar::parse_period("2026Q3").unwrap();
        let ask = |dimension, key, measure| UnitQuery {
            dimension,
            key,
            measure,
        };
        let got = additive_actuals(
            &ledger,
            &ds,
            q3,
            &[
                ask(&Dimension::Total, "", &Measure::Sales),
                ask(&Dimension::Total, "", &Measure::Units),
                ask(&Dimension::Total, "", &Measure::Collections),
                ask(&Dimension::Total, "", &Measure::NewCustomers),
                ask(&Dimension::Customer, "new", &Measure::Sales),
                ask(&Dimension::Region, "东", &Measure::Sales),
                ask(&Dimension::Product, "门锁", &Measure::Units),
                ask(&Dimension::Total, "", &Measure::Aov),
            ],
        );
        // 400 rounds of 1 + 2 + … + 100 cents.
        let expected = [
            Some(Decimal::new(2_020_000, 2)),
            Some(Decimal::from(80_000)),
            Some(Decimal::from(20_000)),
            Some(Decimal::from(1_000)),
            Some(Decimal::new(2_020_000, 2)),
            Some(Decimal::ZERO),
            Some(Decimal::from(80_000)),
            None,
        ];
        assert_eq!(got, expected);
        // The one-unit form agrees, and an empty quarter is zero.
        let sales = additive_actual(&ledger, &ds, q3, &Dimension::Total, "", &Measure::Sales);
        assert_eq!(sales, expected[0]);
        let q2 = q3.offset(-1);
        let none = additive_actual(&ledger, &ds, q2, &Dimension::Total, "", &Measure::Sales);
        assert_eq!(none, Some(Decimal::ZERO));
    }

    mod index {
        use super::super::UnitIndex;
        use crate::calendar::Month;
        use crate::ledger::{Entry, Lifecycle, Sym, UnitMatch};
        use crate::records::Dimension;
        use proptest::prelude::*;

        /// Every built-in dimension.
        const DIMENSIONS: &[Dimension] = crate::analyze::DIMENSION_ORDER;

        /// A unit: any dimension, any kind of match, over a few symbols so that they collide.
        fn unit() -> impl Strategy<Value = (usize, UnitMatch)> {
            let m = prop_oneof![
                Just(UnitMatch::All),
                Just(UnitMatch::Nothing),
                Just(UnitMatch::Lifecycle(Lifecycle::New)),
                Just(UnitMatch::Lifecycle(Lifecycle::Returning)),
                (7u8..=9).prop_map(|month| UnitMatch::Month(Month { year: 2026, month })),
                (0u32..4).prop_map(UnitMatch::Sym),
                (0usize..2, 0u32..4).prop_map(|(d, s)| UnitMatch::Custom(d, s)),
            ];
            (0..DIMENSIONS.len(), m)
        }

        fn sym() -> impl Strategy<Value = Option<Sym>> {
            proptest::option::of(0u32..4)
        }

        prop_compose! {
            fn entry()(product in 0u32..4, class in sym(), region in sym(), group in sym(),
                       person in sym(), month in 7u8..=9, new in any::<bool>(),
                       custom in proptest::collection::vec(sym(), 0..3)) -> Entry {
                Entry {
                    order: 0,
                    amount: rust_decimal::Decimal::ONE,
                    month: Month { year: 2026, month },
                    customer: 0,
                    product,
                    lifecycle: Ok(if new { Lifecycle::New } else { Lifecycle::Returning }),
                    product_class: class.into(),
                    person: person.into(),
                    group: group.into(),
                    region: region.into(),
                    custom: custom.into(),
                }
            }
        }

        proptest! {
            /// The index finds, each once, exactly the units `Entry::matches` accepts.
            #[test]
            fn hits_are_the_units_a_line_matches(
                units in proptest::collection::vec(unit(), 0..12),
                entries in proptest::collection::vec(entry(), 1..8),
            ) {
                let index = UnitIndex::new(units.iter().map(|&(d, m)| (&DIMENSIONS[d], m)));
                let mut hits = Vec::new();
                for e in &entries {
                    index.hits(e, &mut hits);
                    hits.sort_unstable();
                    let expected: Vec<usize> = (0..units.len())
                        .filter(|&i| e.matches(&DIMENSIONS[units[i].0], units[i].1))
                        .collect();
                    prop_assert_eq!(&hits, &expected);
                }
            }

            /// A unit's sums over the cube's cells are its lines' sums, value
            /// and scale; cells built in two shares and merged are the cells
            /// built in one, in the same order.
            #[test]
            fn cube_cells_add_up_to_their_lines(
                units in proptest::collection::vec(unit(), 1..8),
                lines in proptest::collection::vec(
                    (entry(), -99_999i64..99_999, 0u32..4, proptest::option::of(0i64..500)),
                    1..200,
                ),
                split in any::<prop::sample::Index>(),
            ) {
                use super::super::{Cube, CubeBuilder, Sums};
                use crate::records::{Dataset, OrderLine};
                use rust_decimal::Decimal;
                let mut ds = Dataset::default();
                let mut entries = Vec::new();
                for (i, (e, cents, scale, qty)) in lines.iter().enumerate() {
                    let amount = Decimal::new(*cents, *scale);
                    ds.orders.push(OrderLine {
                        amount,
                        quantity: qty.map(Decimal::from).into(),
                        collected: qty.map(|q| Decimal::new(q, 1)).into(),
                        ..OrderLine::sample(i as u32)
                    });
                    entries.push(Entry { order: i as u32, amount, ..e.clone() });
                }
                let cube = Cube::of(&entries, &ds);
                let shown = |s: &Sums| {
                    (s.lines, [s.sales, s.units, s.collected].map(|x| x.total().to_string()))
                };
                for &(d, m) in &units {
                    let dimension = &DIMENSIONS[d];
                    let mut by_cells = Sums::default();
                    for c in cube.cells.iter().filter(|c| c.entry.matches(dimension, m)) {
                        by_cells.merge(&c.sums);
                    }
                    let mut by_lines = Sums::default();
                    for e in entries.iter().filter(|e| e.matches(dimension, m)) {
                        by_lines.merge(&Sums::of_line(e, &ds));
                    }
                    prop_assert_eq!(shown(&by_cells), shown(&by_lines));
                }
                let k = split.index(entries.len() + 1);
                let build = |part: &[Entry]| {
                    let mut b = CubeBuilder::default();
                    for e in part {
                        b.add_line(e, &ds);
                    }
                    b
                };
                let merged = build(&entries[..k]).merge(build(&entries[k..]));
                prop_assert_eq!(merged.cells.len(), cube.cells.len());
                for (a, b) in merged.cells.iter().zip(&cube.cells) {
                    prop_assert_eq!(&a.entry, &b.entry);
                    prop_assert_eq!(shown(&a.sums), shown(&b.sums));
                }
            }
        }
    }
}
