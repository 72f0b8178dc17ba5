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
