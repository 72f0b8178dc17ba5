use super::*;
use crate::calendar::parse_period;
use chrono::NaiveDate;

fn q(s: &str) -> Period {
    parse_period(s).unwrap()
}

/// A date written `2026-07-01`.
fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The lifecycle in 2026Q3 of a customer who ordered in `quarters`.
fn lifecycle_in_q3(
    churn: i32,
    quarters: &[&str],
    first_seen: &str,
    master_first: Option<&str>,
    history_start: &str,
) -> Lifecycle {
    let period = q("2026Q3");
    let qs: Vec<Period> = quarters.iter().map(|s| q(s)).collect();
    let window = period.offset(-churn);
    derive_lifecycle(
        period,
        churn,
        qs.iter().any(|p| *p >= window && *p < period),
        qs.iter().any(|p| *p < period),
        Some(d(first_seen)),
        master_first.map(d),
        Some(d(history_start)),
    )
}

#[rstest::rstest]
#[case::first_order_on_the_periods_first_day_is_new(2, &["2026Q3"], "2026-07-01", None, "2025-07-01", Lifecycle::New)]
#[case::without_history_everyone_is_new(2, &["2026Q3"], "2026-08-01", None, "2026-07-01", Lifecycle::New)]
#[case::ordered_within_the_window_is_returning(2, &["2026Q1", "2026Q3"], "2026-03-31", None, "2025-07-01", Lifecycle::Returning)]
// Last order in 2025Q4; 2026Q1 and Q2 are silent; back in 2026Q3.
#[case::back_after_exactly_churn_quarters_is_churned(2, &["2025Q4", "2026Q3"], "2025-12-31", None, "2025-07-01", Lifecycle::Churned)]
#[case::a_three_quarter_window_keeps_it_returning(3, &["2025Q4", "2026Q3"], "2025-12-31", None, "2025-07-01", Lifecycle::Returning)]
// Only the customers master knows of earlier orders.
#[case::master_date_inside_the_window_is_returning(2, &["2026Q3"], "2026-07-05", Some("2026-02-01"), "2026-07-01", Lifecycle::Returning)]
#[case::master_date_before_a_covered_window_is_churned(2, &["2026Q3"], "2026-07-05", Some("2024-05-01"), "2025-01-01", Lifecycle::Churned)]
#[case::master_date_without_history_cannot_tell_so_returning(2, &["2026Q3"], "2026-07-05", Some("2024-05-01"), "2026-07-01", Lifecycle::Returning)]
fn lifecycle_cases(
    #[case] churn: i32,
    #[case] quarters: &[&str],
    #[case] first_seen: &str,
    #[case] master_first: Option<&str>,
    #[case] history_start: &str,
    #[case] expected: Lifecycle,
) {
    assert_eq!(
        lifecycle_in_q3(churn, quarters, first_seen, master_first, history_start),
        expected
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
    use crate::records::OrderLine;
    use proptest::prelude::*;

    fn line(
        ds: &mut Dataset,
        i: usize,
        id: Option<u8>,
        line_id: Option<u8>,
        customer: u8,
        amount: u8,
    ) -> OrderLine {
        OrderLine {
            order_id: id.map(|v| ds.sample_text(&format!("SO{v}"))),
            line_id: line_id.map(|v| ds.sample_text(&v.to_string())),
            customer: ds.sample_text(&format!("客户{customer}")),
            amount: rust_decimal::Decimal::from(amount),
            ..OrderLine::sample(i as u32)
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
                let line = line(&mut ds, i, *id, *l, *c, *a);
                ds.orders.push(line);
            }
            let (distinct, dups) = find_duplicates(&ds);
            let mut expected = Vec::new();
            let key = |i: usize| {
                let o = &ds.orders[i];
                line_key(&ds.order_texts[o.origin.table.0 as usize], o)
            };
            for j in 0..ds.orders.len() {
                let kj = key(j);
                if let Some(k) = (0..j).find(|&k| key(k) == kj) {
                    expected.push((k, j));
                }
            }
            let got: Vec<(usize, usize)> = dups.iter().map(|d| (d.kept, d.dropped)).collect();
            prop_assert_eq!(got, expected.clone());
            prop_assert_eq!(distinct.len() + expected.len(), ds.orders.len());
        }
    }
}

/// Lines read from separate files share symbols: each table's texts are
/// folded on their own, then numbered together.
mod across_tables {
    use super::*;
    use crate::diag::FileId;
    use crate::recognize::{HeaderDictionary, recognize_sheet};
    use crate::testgrid::grid;

    fn read(file: u32, rows: &[&[&str]]) -> Dataset {
        let mut g = grid("明细", 0, 0, rows);
        g.file = FileId(file);
        let mut diags = crate::diag::Diagnostics::default();
        let dict = HeaderDictionary::new(&Config::default());
        let t = recognize_sheet(&g, &dict, &mut diags).expect("recognised");
        let mut ds = Dataset::default();
        ds.read_table(t, &g, &mut diags);
        ds
    }

    #[test]
    fn a_customer_in_two_files_is_one_customer_with_one_history() {
        let header: &[&str] = &["订单号", "日期", "客户", "产品", "金额", "销售员"];
        let products = read(
            0,
            &[
                &["产品", "产品类别"],
                &["门锁", "核心产品"],
                &["门铃", "新品"],
            ],
        );
        let q2 = read(
            1,
            &[
                header,
                &["SO1", "2026-05-10", "甲公司", "门锁", "100", "张伟"],
            ],
        );
        let q3 = read(
            2,
            &[
                header,
                &["SO2", "2026-07-10", " 甲公司 ", "门锁", "250.50", "张伟"],
                &["SO3", "2026-07-11", "乙公司", "门铃", "80", "李娜"],
            ],
        );
        let ds = Dataset::concat(vec![products, q2, q3]);
        assert_eq!(ds.orders[1].origin.table, crate::records::TableId(2));
        let ledger = build_ledger(&ds, &Config::default());
        let q3_lines = ledger.in_period(q("2026Q3"));
        assert_eq!(q3_lines.len(), 2);
        let (so2, so3) = (&q3_lines[0], &q3_lines[1]);
        assert_eq!(ledger.entries[0].customer, so2.customer);
        assert_eq!(ledger.symbols.name(so2.customer), "甲公司");
        // The history in the other file makes 甲公司 returning; 乙公司 is new.
        assert_eq!(so2.lifecycle, Ok(Lifecycle::Returning));
        assert_eq!(so3.lifecycle, Ok(Lifecycle::New));
        // Classes come from the products master, a third table.
        assert_eq!(so2.product_class.get(), ledger.symbols.get("core"));
        assert_eq!(so3.product_class.get(), ledger.symbols.get("new"));
        assert_ne!(so2.person, so3.person);
        assert_eq!(ledger.entries[0].person, so2.person);
    }

    /// The tables' keys and the lines' identity hashes are computed when a
    /// table is read (and kept in the parse cache); a dataset without them
    /// has them computed by the ledger, with the same result.
    #[test]
    fn keys_and_hashes_from_reading_equal_those_the_ledger_computes() {
        let header: &[&str] = &["订单号", "日期", "客户", "产品", "金额", "产品类别", "区域"];
        let a = read(
            0,
            &[
                header,
                &[
                    "SO1",
                    "2026-07-10",
                    "甲公司",
                    "门锁",
                    "100",
                    "核心产品",
                    "华东",
                ],
                &["SO2", "2026-07-11", "乙公司", "门铃", "80", "新品", "华北"],
            ],
        );
        let b = read(
            1,
            &[
                header,
                &["SO2", "2026-07-11", "乙公司", "门铃", "80", "新品", "华北"],
                &["SO3", "2026-08-01", " 甲公司", "门锁", "40", "Core", "华东"],
            ],
        );
        let ds = Dataset::concat(vec![a, b]);
        assert_eq!((ds.order_keys.len(), ds.order_hashes.len()), (2, 4));
        assert_eq!(
            ds.order_hashes[1], ds.order_hashes[2],
            "the same line in two files"
        );
        assert_ne!(ds.order_hashes[0], ds.order_hashes[3]);
        let mut bare = ds.clone();
        (bare.order_keys, bare.order_hashes) = (Vec::new(), Vec::new());
        assert_eq!(bare.table_keys()[..], ds.order_keys[..]);
        assert_eq!(bare.line_hashes()[..], ds.order_hashes[..]);
        let (read, computed) = (
            build_ledger(&ds, &Config::default()),
            build_ledger(&bare, &Config::default()),
        );
        assert_eq!(read.entries, computed.entries);
        assert_eq!(read.duplicates, computed.duplicates);
        assert_eq!(read.duplicates.len(), 1);
        let names = |l: &Ledger| {
            (0..l.symbols.len())
                .map(|s| l.symbols.name(s as Sym).to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&read), names(&computed));
        assert_eq!(
            names(&read),
            [
                "甲公司",
                "门锁",
                "华东",
                "core",
                "乙公司",
                "门铃",
                "华北",
                "new"
            ]
        );
    }
}

mod numbering {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Numbering keys shard by shard in parallel gives the numbers one
        /// pass over the parts in order gives, and finds every key back.
        #[test]
        fn keys_are_numbered_in_first_seen_order(
            parts in prop::collection::vec(prop::collection::vec("[a-e]{1,3}", 0..40), 0..12)
        ) {
            let keys: Vec<Keys> = parts
                .iter()
                .map(|p| {
                    let mut k = Keys::default();
                    for s in p {
                        k.push(s);
                    }
                    k
                })
                .collect();
            let (symbols, syms) = Symbols::number(&keys.iter().collect::<Vec<_>>());
            let mut seen: std::collections::HashMap<&str, Sym> = Default::default();
            let mut names: Vec<&str> = Vec::new();
            for (p, part) in parts.iter().enumerate() {
                for (i, key) in part.iter().enumerate() {
                    let next = seen.len() as Sym;
                    let expected = *seen.entry(key.as_str()).or_insert_with(|| {
                        names.push(key);
                        next
                    });
                    prop_assert_eq!(syms[p][i], expected);
                    prop_assert_eq!(symbols.get(key), Some(expected));
                }
            }
            for (n, name) in names.iter().enumerate() {
                prop_assert_eq!(symbols.name(n as Sym), *name);
            }
            prop_assert_eq!(symbols.get("zzzz"), None);
        }
    }
}

/// No output depends on how symbols are numbered: every file a review of
/// the sample inbox writes is byte for byte the same with the symbols
/// numbered in reverse. (A memo of earlier quarters could then number its
/// keys apart from the current lines'.)
#[test]
fn outputs_do_not_depend_on_the_numbering() {
    let inbox = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let review = |reversed: bool| {
        REVERSED_NUMBERING.set(reversed);
        let opts = crate::LoadOptions {
            inbox: inbox.clone(),
            ..Default::default()
        };
        let checked = crate::check(&opts).expect("the sample inbox checks");
        REVERSED_NUMBERING.set(false);
        let out = tempfile::tempdir().expect("a temporary folder");
        let (_, written) = crate::write_review(&checked, out.path(), &Default::default())
            .expect("the review is written");
        let files: Vec<(String, Vec<u8>)> = (written.files.iter())
            .map(|f| {
                (
                    f.clone(),
                    std::fs::read(written.join(f)).expect("a written file"),
                )
            })
            .collect();
        (checked.ledger.symbols.name(0).to_string(), files)
    };
    let (first, files) = review(false);
    let (first_reversed, files_reversed) = review(true);
    assert_ne!(first, first_reversed, "the numbering was reversed");
    assert!(
        files.len() >= 9,
        "{:?}",
        files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((name, bytes), (name_reversed, bytes_reversed)) in files.iter().zip(&files_reversed) {
        assert_eq!(name, name_reversed);
        assert!(bytes == bytes_reversed, "{name} differs");
    }
    assert_eq!(files.len(), files_reversed.len());
}

/// Keys whose hashes are equal are told apart by their text: numbered as
/// if the hashes differed.
#[test]
fn keys_with_one_hash_get_their_own_symbols() {
    let mut a = Keys::default();
    let mut b = Keys::default();
    for k in ["甲", "乙", "甲"] {
        a.push_hashed(k, 7);
    }
    for k in ["丙", "乙", "丙"] {
        b.push_hashed(k, 7);
    }
    let (symbols, syms) = Symbols::number(&[&a, &b]);
    assert_eq!(syms, vec![vec![0, 1, 0], vec![2, 1, 2]]);
    let names: Vec<&str> = (0..3).map(|s| symbols.name(s)).collect();
    assert_eq!(names, ["甲", "乙", "丙"]);
}

mod parts {
    use super::*;

    #[test]
    fn texts_are_found_by_address_or_id_and_equal_texts_share_one_symbol() {
        let (a, b) = ("甲公司".to_string(), "甲公司".to_string());
        let empty = String::new();
        let mut masters = PartBuilder::default();
        masters.add(&a, Canon::Name);
        masters.add(&empty, Canon::Name);
        // The same text in an allocation of its own: one key, one symbol.
        masters.add(&b, Canon::Name);
        masters.add(&b, Canon::Name);
        masters.add(&empty, Canon::Name);
        assert_eq!(masters.keys.len(), 3);
        // An order table (id 1) whose texts are 乙公司 and 甲公司.
        let mut texts = crate::records::TableTexts::default();
        let (yi, jia) = (texts.push("乙公司"), texts.push("甲公司"));
        let mut line = crate::records::OrderLine::sample(1);
        (line.customer, line.product) = (yi, jia);
        let table = TableKeys::of(&texts, [&line]);
        assert_eq!(table.keys().len(), 2);
        let (map, symbols) = SymbolMap::build(masters, &[TableKeys::default(), table]);
        let m = map.masters();
        // Numbered in first-seen order over the parts: 甲公司, "", 乙公司.
        assert_eq!((m.get(&a, Canon::Name), m.get(&b, Canon::Name)), (0, 0));
        assert_eq!(m.get("", Canon::Name), 1);
        assert_eq!(map.tables[1].get(jia, Canon::Name), 0);
        assert_eq!(map.tables[1].get(yi, Canon::Name), 2);
        assert!(map.tables[0].by_id[0].is_empty());
        assert_eq!(symbols.get(&match_key("乙公司")), Some(2));
    }
}

/// The customers who ordered in a range of quarters, read from each
/// customer's quarters: the same customers the lines give, and no answer
/// for quarters the ledger no longer tells apart.
#[test]
fn customers_ordering_in_a_range_of_quarters() {
    use crate::records::OrderLine;
    let mut ds = Dataset::default();
    let mut lines = Vec::new();
    for (row, (customer, date)) in [
        ("甲", "2026-02-10"),
        ("乙", "2026-05-10"),
        ("甲", "2026-08-10"),
        ("丙", "2026-08-11"),
    ]
    .into_iter()
    .enumerate()
    {
        lines.push(OrderLine {
            customer: ds.sample_text(customer),
            date: d(date),
            ..OrderLine::sample(row as u32)
        });
    }
    lines.into_iter().for_each(|l| ds.orders.push(l));
    let ledger = build_ledger(&ds, &Config::default());
    let sym = |name: &str| ledger.symbols.get(name).expect("a customer");
    let names = |from: Option<&str>, to: &str| -> Option<Vec<Sym>> {
        let mut found: Vec<Sym> = ledger
            .customers_ordering(from.map(q), q(to))?
            .iter()
            .collect();
        found.sort_unstable();
        let mut by_lines: Vec<Sym> = ledger
            .between(from.map(q), q(to))
            .iter()
            .map(|e| e.customer)
            .collect();
        by_lines.sort_unstable();
        by_lines.dedup();
        assert_eq!(found, by_lines, "{from:?}..{to}");
        Some(found)
    };
    assert_eq!(names(Some("2026Q2"), "2026Q3"), Some(vec![sym("乙")]));
    let mut first_two = vec![sym("甲"), sym("乙")];
    first_two.sort_unstable();
    assert_eq!(names(None, "2026Q3"), Some(first_two));
    assert_eq!(names(Some("2026Q3"), "2026Q4").map(|c| c.len()), Some(2));
    // 127 quarters before the latest is the oldest told apart.
    assert_eq!(names(Some("1995Q1"), "2026Q1").map(|c| c.len()), Some(0));
    assert!(
        ledger
            .customers_ordering(Some(q("1994Q3")), q("2026Q1"))
            .is_none()
    );
}

/// Every pass of the review reads a million entries: their size is part of
/// the speed (docs/performance.md). An optional symbol takes four bytes,
/// the custom values one pointer.
#[test]
fn entries_stay_compact() {
    assert_eq!(std::mem::size_of::<OptSym>(), 4);
    assert_eq!(OptSym::from(Some(7)).get(), Some(7));
    assert_eq!(OptSym::from(None).get(), None);
    assert!(
        std::mem::size_of::<Entry>() <= 64,
        "an entry takes {} bytes",
        std::mem::size_of::<Entry>()
    );
}

proptest::proptest! {
    /// Lines grouped by quarter come out as a stable sort by quarter would
    /// put them, dates before year 0 and far apart included.
    #[test]
    fn quarter_order_is_a_stable_sort_by_quarter(
        days in proptest::collection::vec(proptest::prop_oneof![-800i32..800, 738_000i32..740_000], 0..300),
    ) {
        let dates: Vec<NaiveDate> = days
            .iter()
            .map(|&d| NaiveDate::from_num_days_from_ce_opt(d).unwrap())
            .collect();
        let mut expected: Vec<u32> = (0..dates.len() as u32).collect();
        expected.sort_by_key(|&k| Period::of(dates[k as usize]));
        proptest::prop_assert_eq!(in_quarter_order(&dates), expected);
    }
}

proptest::proptest! {
    /// Every line whose hash occurs more than once is a candidate, in hash
    /// then line order.
    #[test]
    fn lines_whose_hash_repeats_are_all_candidates(
        hashes in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::arbitrary::any::<u64>(),
                0u64..4,
                (u64::MAX - 3)..=u64::MAX,
                // Equal top bits, different hashes: one slot, no repeat.
                proptest::strategy::Strategy::prop_map(0u64..1 << 20, |low| 0x5555 << 48 | low),
            ],
            0..500,
        ),
    ) {
        use proptest::prelude::*;
        let got = may_repeat(&hashes);
        let mut expected: Vec<(u64, usize)> = (hashes.iter().enumerate())
            .filter(|&(_, h)| hashes.iter().filter(|&x| x == h).count() > 1)
            .map(|(i, &h)| (h, i))
            .collect();
        expected.sort_unstable();
        let mut sorted = got.clone();
        sorted.sort_unstable();
        prop_assert_eq!(&sorted, &got, "candidates come sorted");
        let missing: Vec<_> = expected.iter().filter(|p| !got.contains(p)).collect();
        prop_assert!(missing.is_empty(), "missing {:?}", missing);
    }
}

/// Lines with a hash of their own are candidates only when another hash
/// shares their slot.
#[test]
fn a_hash_of_its_own_is_no_candidate_unless_it_shares_a_slot() {
    // Up to four lines: 64 slots of 2^58 hashes each.
    let slot = |n: u64| n << 58;
    let hashes = [slot(1), slot(2) + 7, slot(1), slot(2)];
    let expected = [(slot(1), 0), (slot(1), 2), (slot(2), 3), (slot(2) + 7, 1)];
    assert_eq!(may_repeat(&hashes), expected);
    assert_eq!(may_repeat(&[slot(1), slot(2), slot(3)]), []);
    assert_eq!(may_repeat(&[]), []);
}
