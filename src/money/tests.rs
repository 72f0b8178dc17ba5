use super::*;
use proptest::prelude::*;
use rstest::rstest;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

#[rstest]
#[case("1200", "1200")]
#[case("1,200", "1200")]
#[case("1,234,567.89", "1234567.89")]
#[case("¥1,200.50", "1200.50")]
#[case("￥1,200.50", "1200.50")]
#[case("RMB 88", "88")]
#[case("1200万", "12000000")]
#[case("12.5万元", "125000")]
#[case("3亿", "300000000")]
#[case("12K", "12000")]
#[case("1,200元", "1200")]
#[case("(1,200)", "-1200")]
#[case("-3.5", "-3.5")]
#[case("¥-20", "-20")]
#[case("12.5%", "0.125")]
#[case("35%", "0.35")]
#[case("１，２００．５", "1200.5")]
#[case("  42  ", "42")]
#[case("+7", "7")]
#[case("0.5", "0.5")]
#[case(".5", "0.5")]
fn parses_amounts(#[case] input: &str, #[case] expected: &str) {
    assert_eq!(parse_amount(input).unwrap(), d(expected), "input {input:?}");
}

#[rstest]
#[case("abc")]
#[case("12abc")]
#[case("1,20")]
#[case("1,2,3")]
#[case("1.2.3")]
#[case("万")]
#[case("--5")]
#[case(".")]
#[case("N/A")]
#[case("12 34")]
fn rejects_non_numbers(#[case] input: &str) {
    assert!(
        matches!(parse_amount(input), Err(NumberError::NotANumber(_))),
        "{input:?} should be rejected, got {:?}",
        parse_amount(input)
    );
}

#[test]
fn blank_is_empty_not_zero() {
    assert_eq!(parse_amount(""), Err(NumberError::Empty));
    assert_eq!(parse_amount("  \u{3000}"), Err(NumberError::Empty));
}

#[rstest]
#[case(33.6, "33.6")]
#[case(957.5775, "957.5775")]
#[case(1e-7, "0.0000001")]
#[case(12000000.0, "12000000")]
#[case(-0.444, "-0.444")]
#[case(22638.48, "22638.48")]
fn doubles_become_shortest_decimals(#[case] v: f64, #[case] expected: &str) {
    assert_eq!(decimal_from_f64(v).unwrap(), d(expected));
}

#[test]
fn non_finite_doubles_are_rejected() {
    assert!(decimal_from_f64(f64::NAN).is_err());
    assert!(decimal_from_f64(f64::INFINITY).is_err());
    assert!(decimal_from_f64(1e300).is_err());
}

#[rstest]
#[case("0.005", "0.01")]
#[case("0.004999", "0.00")]
#[case("-2.345", "-2.35")]
#[case("1.1", "1.10")]
fn money_rounds_half_up(#[case] v: &str, #[case] expected: &str) {
    assert_eq!(round_money(d(v)).to_string(), expected);
}

#[rstest]
#[case("0.91665", "0.9167")]
#[case("0.91664999", "0.9166")]
#[case("1", "1.0000")]
fn rates_round_half_up(#[case] v: &str, #[case] expected: &str) {
    assert_eq!(round_rate(d(v)).to_string(), expected);
}

#[test]
fn allocate_hand_computed() {
    let w = |v: &[i64]| v.iter().map(|x| Decimal::from(*x)).collect::<Vec<_>>();
    // 1,500,000 over weights 1.2, 1.2, 1.0 (x10): 529,411.76… → whole yuan.
    let parts = allocate(Decimal::from(1_500_000), &w(&[12, 12, 10]), 0).unwrap();
    assert_eq!(parts, w(&[529_412, 529_412, 441_176]));
    assert_eq!(allocate(Decimal::new(105, 1), &w(&[1]), 0), None);
    assert_eq!(
        allocate(Decimal::from(7), &w(&[0, 0]), 0).unwrap(),
        w(&[0, 0])
    );
}

proptest! {
    /// Allocation always adds up exactly and stays within one step of the exact share.
    #[test]
    fn allocate_adds_up(total in 0i64..1_000_000_000i64, weights in proptest::collection::vec(0i64..1000, 1..12)) {
        let ws: Vec<Decimal> = weights.iter().map(|w| Decimal::from(*w)).collect();
        let t = Decimal::new(total, 2);
        let parts = allocate(t, &ws, 2).unwrap();
        let sum: Decimal = ws.iter().sum();
        if sum.is_zero() {
            prop_assert!(parts.iter().all(|p| p.is_zero()));
        } else {
            prop_assert_eq!(parts.iter().sum::<Decimal>(), t);
            for (p, w) in parts.iter().zip(&ws) {
                let exact = t * *w / sum;
                prop_assert!((*p - exact).abs() < Decimal::new(1, 2));
            }
        }
    }


    /// Any amount with two decimals, formatted with separators, parses back exactly.
    #[test]
    fn format_then_parse_round_trips(cents in -10_000_000_000_000i64..10_000_000_000_000i64) {
        let v = Decimal::new(cents, 2);
        let text = format_money(v);
        prop_assert_eq!(parse_amount(&text).unwrap(), v);
        let with_sign = format!("¥{text}");
        prop_assert_eq!(parse_amount(&with_sign).unwrap(), v);
    }

    /// The decimal of a double always converts back to that same double.
    #[test]
    fn f64_conversion_round_trips(v in -1e15f64..1e15f64) {
        let dec = decimal_from_f64(v).unwrap();
        let back: f64 = dec.to_string().parse().unwrap();
        prop_assert_eq!(back, v);
    }

    /// The fast path for short decimals gives the decimal of the formatted
    /// double, scale included (no trailing zeros).
    #[test]
    fn f64_fast_path_matches_the_formatted_double(units in -999_999_999_999_999i64..999_999_999_999_999i64) {
        let v = units as f64 / 1e4;
        let fast = decimal_from_f64(v).unwrap();
        let slow = Decimal::from_str(&format!("{v}")).unwrap().normalize();
        prop_assert_eq!(fast.to_string(), slow.to_string());
    }

    /// A whole double is its integer, as the formatted double reads.
    #[test]
    fn f64_whole_numbers_match_the_formatted_double(units in -999_999_999_999_999i64..999_999_999_999_999i64) {
        let v = units as f64;
        let fast = decimal_from_f64(v).unwrap();
        let slow = Decimal::from_str(&format!("{v}")).unwrap().normalize();
        prop_assert_eq!(fast.to_string(), slow.to_string());
        prop_assert_eq!(fast.scale(), 0);
    }

    /// A `万` suffix scales by exactly 10,000.
    #[test]
    fn wan_scales_exactly(cents in 0i64..1_000_000_000i64) {
        let v = Decimal::new(cents, 2);
        let scaled = parse_amount(&format!("{v}万")).unwrap();
        prop_assert_eq!(scaled, v * Decimal::from(10_000));
    }
}

fn decimal_strategy() -> impl Strategy<Value = Decimal> {
    (any::<i64>(), 0u32..8).prop_map(|(m, scale)| Decimal::new(m % 10_000_000_000_000, scale))
}

proptest! {
    /// An ExactSum is the Decimal sum of the same values: value and scale.
    #[test]
    fn exact_sum_equals_the_decimal_sum(values in prop::collection::vec(decimal_strategy(), 0..200)) {
        let decimal = values.iter().fold(Decimal::ZERO, |a, &b| a + b);
        let exact: ExactSum = values.iter().copied().sum();
        prop_assert_eq!(exact.total(), decimal);
        prop_assert_eq!(exact.total().scale(), decimal.scale());
    }

    /// Splitting the values into two partial sums and merging them changes nothing.
    #[test]
    fn merged_partial_sums_equal_one_sum(
        values in prop::collection::vec(decimal_strategy(), 0..200),
        cut in 0usize..200,
    ) {
        let cut = cut.min(values.len());
        let whole: ExactSum = values.iter().copied().sum();
        let mut left: ExactSum = values[..cut].iter().copied().sum();
        left.merge(values[cut..].iter().copied().sum());
        prop_assert_eq!(left.total(), whole.total());
        prop_assert_eq!(left.total().scale(), whole.total().scale());
    }
}

#[test]
fn exact_sum_hand_computed() {
    let mut s = ExactSum::default();
    assert_eq!(s.total(), Decimal::ZERO);
    for v in ["0.10", "0.20", "1.005", "-0.305"] {
        s.add(d(v));
    }
    // 0.10 + 0.20 + 1.005 − 0.305 = 1.000 at the largest scale, 3.
    assert_eq!(s.total().to_string(), "1.000");
}

#[test]
fn exact_sum_past_128_bits_carries_on_as_a_decimal_sum() {
    // 79,228,162,514,264,337,593,543.950335 (scale 6) is Decimal::MAX / 10^6;
    // with a value at scale 28 the common scale overflows 128 bits.
    let big = Decimal::MAX / Decimal::from(1_000_000);
    let tiny = Decimal::new(1, 28);
    let mut s = ExactSum::default();
    s.add(big);
    s.add(tiny);
    assert_eq!(s.total(), big + tiny);
}

proptest! {
    /// Every decimal, and none, comes back from an `OptDecimal` as it went
    /// in: value, scale and sign (negative zero included).
    #[test]
    fn opt_decimal_keeps_every_decimal(lo: u32, mid: u32, hi: u32, negative: bool, scale in 0u32..=28, some: bool) {
        let v = some.then(|| Decimal::from_parts(lo, mid, hi, negative, scale));
        let back = OptDecimal::from(v).get();
        prop_assert_eq!(back, v);
        prop_assert_eq!(back.map(|b| (b.scale(), b.is_sign_negative())), v.map(|v| (v.scale(), v.is_sign_negative())));
    }
}

#[test]
fn opt_decimal_none_is_not_zero() {
    assert_eq!(OptDecimal::NONE.get(), None);
    assert_eq!(
        OptDecimal::from(Some(Decimal::ZERO)).get(),
        Some(Decimal::ZERO)
    );
    assert_ne!(OptDecimal::NONE, OptDecimal::from(Some(Decimal::ZERO)));
    assert_eq!(
        OptDecimal::from(Some(d("1.0"))),
        OptDecimal::from(Some(d("1.00")))
    );
    assert_eq!(
        format!("{:?}", OptDecimal::from(Some(d("2.5")))),
        "Some(2.5)"
    );
}
