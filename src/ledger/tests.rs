use super::*;
use crate::calendar::parse_period;
use chrono::NaiveDate;

fn q(s: &str) -> Period {
    parse_period(s).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn set(qs: &[&str]) -> Vec<Period> {
    qs.iter().map(|s| q(s)).collect()
}

/// Derives the lifecycle in `period` from the quarters a customer ordered in.
fn derive_from(
    period: Period,
    churn: i32,
    quarters: Option<&Vec<Period>>,
    first_seen: Option<NaiveDate>,
    master_first: Option<NaiveDate>,
    history_start: Option<NaiveDate>,
) -> Lifecycle {
    let qs = quarters.cloned().unwrap_or_default();
    let window = period.offset(-churn);
    derive_lifecycle(
        period,
        churn,
        qs.iter().any(|p| *p >= window && *p < period),
        qs.iter().any(|p| *p < period),
        first_seen,
        master_first,
        history_start,
    )
}

#[test]
fn first_order_on_the_periods_first_day_is_new() {
    let qs = set(&["2026Q3"]);
    let lc = derive_from(
        q("2026Q3"),
        2,
        Some(&qs),
        Some(day(2026, 7, 1)),
        None,
        Some(day(2025, 7, 1)),
    );
    assert_eq!(lc, Lifecycle::New);
}

#[test]
fn ordered_within_the_window_is_returning() {
    let qs = set(&["2026Q1", "2026Q3"]);
    let lc = derive_from(
        q("2026Q3"),
        2,
        Some(&qs),
        Some(day(2026, 3, 31)),
        None,
        Some(day(2025, 7, 1)),
    );
    assert_eq!(lc, Lifecycle::Returning);
}

#[test]
fn back_after_exactly_churn_quarters_is_churned() {
    // Last order in 2025Q4; 2026Q1 and Q2 are silent; back in 2026Q3.
    let qs = set(&["2025Q4", "2026Q3"]);
    let lc = derive_from(
        q("2026Q3"),
        2,
        Some(&qs),
        Some(day(2025, 12, 31)),
        None,
        Some(day(2025, 7, 1)),
    );
    assert_eq!(lc, Lifecycle::Churned);
    // With a three-quarter window the same customer is returning.
    let lc = derive_from(
        q("2026Q3"),
        3,
        Some(&qs),
        Some(day(2025, 12, 31)),
        None,
        Some(day(2025, 7, 1)),
    );
    assert_eq!(lc, Lifecycle::Returning);
}

#[test]
fn master_first_order_date_decides_without_order_history() {
    let qs = set(&["2026Q3"]);
    let p = q("2026Q3");
    // Master says 2026-02: inside the window.
    assert_eq!(
        derive_from(
            p,
            2,
            Some(&qs),
            Some(day(2026, 7, 5)),
            Some(day(2026, 2, 1)),
            Some(day(2026, 7, 1))
        ),
        Lifecycle::Returning
    );
    // Master says 2024, history covers the window: churned.
    assert_eq!(
        derive_from(
            p,
            2,
            Some(&qs),
            Some(day(2026, 7, 5)),
            Some(day(2024, 5, 1)),
            Some(day(2025, 1, 1))
        ),
        Lifecycle::Churned
    );
    // Master says 2024, no history: cannot tell, returning.
    assert_eq!(
        derive_from(
            p,
            2,
            Some(&qs),
            Some(day(2026, 7, 5)),
            Some(day(2024, 5, 1)),
            Some(day(2026, 7, 1))
        ),
        Lifecycle::Returning
    );
}

#[test]
fn without_history_everyone_is_new() {
    let qs = set(&["2026Q3"]);
    assert_eq!(
        derive_from(
            q("2026Q3"),
            2,
            Some(&qs),
            Some(day(2026, 8, 1)),
            None,
            Some(day(2026, 7, 1))
        ),
        Lifecycle::New
    );
}

#[test]
fn unit_keys_match_across_languages() {
    assert_eq!(unit_key(&Dimension::Customer, "老客户"), "returning");
    assert_eq!(unit_key(&Dimension::Product, "新品"), "new");
    assert_eq!(unit_key(&Dimension::Month, "2026年7月"), "2026-07");
    assert_eq!(unit_key(&Dimension::Person, " 张伟 "), "张伟");
}

mod duplicates {
    use super::*;
    use crate::diag::{FileId, SheetId};
    use crate::records::{OrderLine, RowRef, TableId};
    use proptest::prelude::*;

    fn line(i: usize, id: Option<u8>, line_id: Option<u8>, customer: u8, amount: u8) -> OrderLine {
        OrderLine {
            origin: RowRef {
                table: TableId(0),
                file: FileId(0),
                sheet: SheetId(0),
                row: i as u32,
            },
            order_id: id.map(|v| format!("SO{v}").into()),
            line_id: line_id.map(|v| v.to_string().into()),
            date: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
            customer: format!("客户{customer}").into(),
            product: "门锁".into(),
            amount: rust_decimal::Decimal::from(amount),
            quantity: None,
            salesperson: None,
            customer_type: None,
            product_class: None,
            region: None,
            group: None,
            collected: None,
        }
    }

    proptest! {
        /// The hashed finder marks exactly the lines a pairwise comparison marks,
        /// each against the first equal line before it.
        #[test]
        fn hashed_finder_agrees_with_pairwise(rows in proptest::collection::vec(
            (proptest::option::of(0u8..4), proptest::option::of(0u8..3), 0u8..3, 0u8..3), 0..40)) {
            let mut ds = Dataset::default();
            for (i, (id, l, c, a)) in rows.iter().enumerate() {
                ds.orders.push(line(i, *id, *l, *c, *a));
            }
            let (distinct, dups) = find_duplicates(&ds);
            let mut expected = Vec::new();
            for j in 0..ds.orders.len() {
                let kj = line_key(&ds.orders[j]);
                if let Some(k) = (0..j).find(|&k| line_key(&ds.orders[k]) == kj) {
                    expected.push((k, j));
                }
            }
            let got: Vec<(usize, usize)> = dups.iter().map(|d| (d.kept, d.dropped)).collect();
            prop_assert_eq!(got, expected.clone());
            prop_assert_eq!(distinct.len() + expected.len(), ds.orders.len());
        }
    }
}
