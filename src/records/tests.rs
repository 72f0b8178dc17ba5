use super::*;
use crate::config::Config;
use crate::diag::Location;
use crate::recognize::{HeaderDictionary, recognize_sheet};
use crate::records::keys::Keys;
use crate::testgrid::grid;
use chrono::Datelike;
use std::str::FromStr;

fn read(g: &SheetGrid) -> (Dataset, Diagnostics) {
    let mut diags = Diagnostics::default();
    let t = recognize_sheet(g, &HeaderDictionary::new(&Config::default()), &mut diags)
        .expect("recognised");
    let mut ds = Dataset::default();
    ds.read_table(t, g, &mut diags);
    (ds, diags)
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn at(diag: &Diagnostic) -> String {
    match diag.location {
        Some(Location::Cell(c)) => c.a1(),
        other => format!("{other:?}"),
    }
}

const ORDER_HEADER: &[&str] = &["订单号", "日期", "客户", "产品", "金额（元）", "数量"];

#[test]
fn order_values_of_every_shape() {
    let g = grid(
        "明细",
        0,
        0,
        &[
            ORDER_HEADER,
            &["SO1", "2026-07-01", "甲", "门锁", "n:957.5775", "n:3"],
            &["SO2", "2026/7/2", "乙", "门锁", "¥1,200.50", ""],
            &["SO3", "2026年7月3日", "丙", "门锁", "1200万", ""],
            &["SO4", "d:46207", "丁", "门锁", "(1,200)", ""],
            &["n:10005", "n:46208", "戊", "门锁", "n:33.6", ""],
        ],
    );
    let (ds, diags) = read(&g);
    assert!(diags.items().is_empty(), "{:?}", diags.items());
    let amounts: Vec<Decimal> = ds.orders.iter().map(|o| o.amount).collect();
    assert_eq!(
        amounts,
        [
            d("957.5775"),
            d("1200.50"),
            d("12000000"),
            d("-1200"),
            d("33.6")
        ]
    );
    let days: Vec<u32> = ds.orders.iter().map(|o| o.date.day()).collect();
    assert_eq!(days, [1, 2, 3, 4, 5]);
    assert_eq!(
        ds.opt_text(&ds.orders[4], ds.orders[4].order_id),
        Some("10005")
    );
    assert_eq!(ds.orders[0].quantity.get(), Some(d("3")));
    assert_eq!(ds.stats[0].rows_read, 5);
}

#[test]
fn bad_cells_reject_rows_with_their_cell() {
    let g = grid(
        "明细",
        0,
        0,
        &[
            ORDER_HEADER,
            &["SO1", "2026-07-01", "甲", "门锁", "", ""],
            &["SO2", "2026-07-01", "乙", "门锁", "一千", ""],
            &["SO3", "2026-07-01", "丙", "门锁", "#DIV/0!", ""],
            &["SO4", "昨天", "丁", "门锁", "n:5", ""],
            &["SO5", "2026-07-01", "", "门锁", "n:5", ""],
            &["SO6", "2026-07-01", "己", "门锁", "n:5", "three"],
            &["SO7", "2026-07-01", "庚", "门锁", "n:5", ""],
        ],
    );
    let (ds, diags) = read(&g);
    assert_eq!(ds.orders.len(), 1);
    assert_eq!(
        ds.opt_text(&ds.orders[0], ds.orders[0].order_id),
        Some("SO7")
    );
    assert_eq!(ds.stats[0].rows_rejected, 6);
    let found: Vec<(Code, String)> = diags.items().iter().map(|x| (x.code, at(x))).collect();
    assert_eq!(
        found,
        [
            (Code::RowRequiredEmpty, "E2".to_string()),
            (Code::RowNumberInvalid, "E3".to_string()),
            (Code::RowFormulaError, "E4".to_string()),
            (Code::RowDateInvalid, "B5".to_string()),
            (Code::RowRequiredEmpty, "C6".to_string()),
            (Code::RowNumberInvalid, "F7".to_string()),
        ]
    );
    assert!(diags.items()[1].message.contains("`一千`"));
    assert!(diags.items()[2].message.contains("#DIV/0!"));
}

#[test]
fn locations_are_absolute_after_offsets_and_blank_rows() {
    // The used range starts at D10; a blank row sits between two data rows.
    let g = grid(
        "明细",
        9,
        3,
        &[
            ORDER_HEADER,
            &["SO1", "2026-07-01", "甲", "门锁", "n:5", ""],
            &["", "", "", "", "", ""],
            &["SO3", "2026-07-01", "丙", "门锁", "x", ""],
        ],
    );
    let (ds, diags) = read(&g);
    assert_eq!(ds.orders[0].origin.row, 10);
    assert_eq!(ds.stats[0].rows_blank, 1);
    assert_eq!(at(&diags.items()[0]), "H13");
}

#[test]
fn empty_order_id_warns_and_counts() {
    let g = grid(
        "明细",
        0,
        0,
        &[ORDER_HEADER, &["", "2026-07-01", "甲", "门锁", "n:5", ""]],
    );
    let (ds, diags) = read(&g);
    assert_eq!(ds.orders.len(), 1);
    assert_eq!(diags.items()[0].code, Code::OrderIdEmpty);
    assert_eq!(diags.items()[0].severity, crate::diag::Severity::Warning);
}

#[test]
fn subtotal_rows_are_left_out_with_a_note() {
    let g = grid(
        "明细",
        0,
        0,
        &[
            ORDER_HEADER,
            &["SO1", "2026-07-01", "甲", "门锁", "n:5", ""],
            &["合计", "", "", "", "n:5", ""],
        ],
    );
    let (ds, diags) = read(&g);
    assert_eq!(ds.orders.len(), 1);
    assert_eq!(ds.stats[0].rows_summary, 1);
    assert_eq!(diags.items()[0].code, Code::RowSummarySkipped);
}

#[test]
fn target_scale_applies_to_money_measures_only() {
    let g = grid(
        "目标",
        0,
        0,
        &[
            &["期间", "维度", "单元", "指标", "目标（万元）", "占比"],
            &["2026Q3", "总计", "公司", "销售额", "n:1200", "100%"],
            &["2026-Q3", "客户", "新客户", "新客户数", "n:1000", ""],
            &["2026年第3季度", "客户", "新客户", "客单价", "n:0.48", ""],
            &["Q3 2026", "客户", "老客户", "复购率", "70%", ""],
            &["2026Q3", "产品", "新品", "", "n:360", "n:0.3"],
        ],
    );
    let (ds, diags) = read(&g);
    assert!(diags.items().is_empty(), "{:?}", diags.items());
    let t: Vec<(Measure, Decimal)> = ds
        .targets
        .iter()
        .map(|t| (t.measure.clone(), t.target))
        .collect();
    assert_eq!(
        t,
        [
            (Measure::Sales, d("12000000")),
            (Measure::NewCustomers, d("1000")),
            (Measure::Aov, d("4800")),
            (Measure::RepurchaseRate, d("0.70")),
            (Measure::Sales, d("3600000")),
        ]
    );
    assert_eq!(ds.targets[0].share, Some(d("1")));
    assert_eq!(ds.targets[4].share, Some(d("0.3")));
    assert!(
        ds.targets
            .iter()
            .all(|t| t.period.map(|p| p.to_string()).as_deref() == Some("2026Q3"))
    );
    assert_eq!(ds.targets[1].dimension, Dimension::Customer);
}

#[test]
fn bad_period_and_empty_target_are_errors() {
    let g = grid(
        "目标",
        0,
        0,
        &[
            &["期间", "维度", "单元", "目标"],
            &["2026Q5", "总计", "公司", "n:1"],
            &["2026Q3", "总计", "公司", ""],
        ],
    );
    let (ds, diags) = read(&g);
    assert!(ds.targets.is_empty());
    let found: Vec<(Code, String)> = diags.items().iter().map(|x| (x.code, at(x))).collect();
    assert_eq!(
        found,
        [
            (Code::RowPeriodInvalid, "A2".to_string()),
            (Code::RowRequiredEmpty, "D3".to_string())
        ]
    );
}

#[test]
fn masters_and_activities() {
    let (ds, _) = read(&grid(
        "p",
        0,
        0,
        &[
            &["销售员", "小组", "区域", "月薪"],
            &["张伟", "明星小组", "一线城市", "18,000"],
        ],
    ));
    assert_eq!(ds.people[0].salary, Some(d("18000")));
    let (ds, diags) = read(&grid(
        "a",
        0,
        0,
        &[
            &["销售员", "周", "拜访", "线索"],
            &["张伟", "2026-W28", "n:20", "n:9"],
            &["李娜", "d:46210", "n:18", ""],
        ],
    ));
    assert!(diags.items().is_empty(), "{:?}", diags.items());
    assert_eq!(ds.activities[0].date.to_string(), "2026-07-06");
    assert_eq!(ds.activities[1].date.to_string(), "2026-07-07");
    assert_eq!(ds.activities[1].leads, None);
}

#[test]
fn shared_strings_are_cleaned_once_and_stored_once() {
    use crate::diag::{FileId, SheetId};
    use calamine::{DataRef, Range};
    // A workbook's shared-string table: one customer written with spaces, one blank salesperson.
    let strings: Vec<String> = [
        "订单号",
        "日期",
        "客户",
        "产品",
        "金额",
        "销售员",
        " 甲公司 ",
        "门锁",
        "  ",
    ]
    .map(String::from)
    .to_vec();
    let shared = |i: usize| DataRef::SharedString(strings[i].as_str());
    let mut range: Range<DataRef> = Range::new((0, 0), (2, 5));
    for c in 0..6 {
        range.set_value((0, c), shared(c as usize));
    }
    for r in 1..3 {
        range.set_value((r, 0), DataRef::String(format!("SO{r}")));
        range.set_value((r, 1), DataRef::String(format!("2026-07-0{r}")));
        range.set_value((r, 2), shared(6));
        range.set_value((r, 3), shared(7));
        range.set_value((r, 4), DataRef::Float(10.5));
        range.set_value((r, 5), shared(8));
    }
    let g = SheetGrid::new(FileId(0), SheetId(0), "明细", range);
    let (ds, diags) = read(&g);
    assert!(!diags.has_errors(), "{diags:?}");
    let [a, b] = [&ds.orders[0], &ds.orders[1]];
    assert_eq!(ds.text(a, a.customer), "甲公司");
    assert_eq!((a.customer, a.product), (b.customer, b.product));
    assert_eq!((&a.salesperson, &b.salesperson), (&None, &None));
    // Each distinct text once: the two order ids, 甲公司 and 门锁.
    assert_eq!(ds.order_texts[0].len(), 4);
    assert_eq!(a.amount + b.amount, d("21.0"));
}

/// A million order lines are held in memory at once: their size is part of
/// the speed (docs/performance.md). Nine texts of a 4-byte id each, two
/// optional numbers of 16 bytes, custom values behind one pointer.
#[test]
fn order_lines_stay_compact() {
    assert_eq!(std::mem::size_of::<Option<TextId>>(), 4);
    assert_eq!(std::mem::size_of::<crate::money::OptDecimal>(), 16);
    assert!(
        std::mem::size_of::<OrderLine>() <= 112,
        "an order line takes {} bytes",
        std::mem::size_of::<OrderLine>()
    );
}

/// A table's texts end to end, each found by its id.
#[test]
fn table_texts_are_found_by_id() {
    let mut texts = TableTexts::default();
    let ids = ["甲公司", "", "SO-1"].map(|t| texts.push(t));
    assert_eq!(ids.map(|id| texts.get(id)), ["甲公司", "", "SO-1"]);
    assert_eq!(texts.len(), 3);
    assert!(texts.holds());
}

/// Lines through the cache's columns with the tables' `keys`, read back as
/// file 7 (their identity hashes play no part here).
fn through_columns(ds: &Dataset, keys: &[keys::TableKeys]) -> Option<Lines> {
    let hashes = vec![0; ds.orders.len()];
    columns::OrderColumns::of(&ds.orders, &hashes).lines(FileId(7), &ds.order_texts, keys)
}

/// A cache entry's lines hold when every text id names a text of its
/// table that the table's keys fold; an id past them, a text the keys do
/// not fold, or a line of a table with no texts, does not.
#[test]
fn cached_lines_hold_only_inside_their_table() {
    let mut ds = Dataset::default();
    let customer = ds.push_text("甲公司");
    ds.orders.push(OrderLine {
        customer,
        ..OrderLine::sample(1)
    });
    let keys = ds.table_keys().into_owned();
    let back = through_columns(&ds, &keys).expect("lines that hold");
    let relocated = OrderLine {
        origin: RowRef {
            file: FileId(7),
            ..ds.orders[0].origin
        },
        ..ds.orders[0].clone()
    };
    assert_eq!(back.iter().collect::<Vec<_>>(), [&relocated]);
    ds.orders.push(OrderLine {
        salesperson: Some(TextId::at(ds.order_texts[0].len())),
        ..OrderLine::sample(2)
    });
    assert!(through_columns(&ds, &keys).is_none());
    ds.orders.pop();
    // A text of the table, but one the keys were not folded for.
    let region = ds.push_text("华东");
    ds.orders.push(OrderLine {
        region: Some(region),
        ..OrderLine::sample(2)
    });
    assert!(through_columns(&ds, &keys).is_none());
    assert!(through_columns(&ds, &ds.table_keys()).is_some());
    ds.orders.pop();
    let mut other = OrderLine::sample(3);
    other.origin.table = TableId(1);
    ds.orders.push(other);
    assert!(through_columns(&ds, &keys).is_none());
}

/// Everyday amounts take eight bytes in the cache; a column with one
/// amount past 64 bits takes sixteen for each, and every one comes back.
#[test]
fn cached_amounts_take_eight_bytes_unless_one_needs_sixteen() {
    let mut ds = Dataset::default();
    ds.push_text("甲公司");
    let amounts = [Decimal::new(192_050, 2), Decimal::new(-7, 0)];
    for (row, amount) in amounts.into_iter().enumerate() {
        ds.orders.push(OrderLine {
            amount,
            ..OrderLine::sample(row as u32)
        });
    }
    let size = |ds: &Dataset| {
        postcard::to_allocvec(&columns::OrderColumns::of(&ds.orders, &ds.line_hashes()))
            .unwrap()
            .len()
    };
    let everyday = size(&ds);
    let mut big = ds.orders.pop().unwrap();
    big.amount = Decimal::MAX;
    ds.orders.push(big);
    assert_eq!(size(&ds), everyday + 16);
    let back = through_columns(&ds, &ds.table_keys()).unwrap();
    assert_eq!(back[0].amount, amounts[0]);
    assert_eq!(back[1].amount, Decimal::MAX);
}

/// A customers master through the cache's columns: every field back, the
/// file set, and a broken column refused.
#[test]
fn cached_customers_come_back() {
    let row = |row: u32, first: Option<(i32, u32, u32)>, tier: Option<&str>| CustomerRec {
        origin: RowRef {
            table: TableId(2),
            file: FileId(0),
            sheet: SheetId(1),
            row,
        },
        first_order_date: first.map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap()),
        tier: tier.map(Text::from),
        customer_type: (row == 2).then(|| Text::from("老客户")),
        custom: vec![None, Some(Text::from("华东"))].into_boxed_slice(),
    };
    let rows = vec![
        row(1, Some((2024, 2, 29)), Some("A")),
        row(2, None, None),
        row(5, Some((1900, 1, 1)), Some("A")),
    ];
    let mut names = Keys::default();
    for name in ["甲公司", "", "zetagmbh"] {
        names.push(name);
    }
    let columns = columns::CustomerColumns::of(&rows, &names);
    let bytes = postcard::to_allocvec(&columns).unwrap();
    let back = postcard::from_bytes::<columns::CustomerColumns>(&bytes)
        .unwrap()
        .rows(FileId(4))
        .unwrap();
    let expected: Vec<CustomerRec> = rows
        .iter()
        .map(|r| CustomerRec {
            origin: RowRef {
                file: FileId(4),
                ..r.origin
            },
            ..r.clone()
        })
        .collect();
    assert_eq!(back, (expected, names));
    // One byte short in the last column: refused, never misread.
    let cut = postcard::from_bytes::<columns::CustomerColumns>(&bytes[..bytes.len() - 1]);
    assert!(cut.is_err() || cut.unwrap().rows(FileId(4)).is_none());
}

proptest::proptest! {
    /// The cache's number for a decimal gives back the very same decimal,
    /// bit for bit: sign (a negative zero too), scale and all 96 bits.
    #[test]
    fn cached_decimals_come_back_bit_for_bit(
        lo: u32, mid: u32, hi: u32, negative: bool, scale in 0u32..=28, zero: bool,
    ) {
        let d = if zero {
            // from_parts drops the sign of a zero; serialised bytes keep it.
            let mut b = [0; 16];
            b[..4].copy_from_slice(&((scale << 16) | (u32::from(negative) << 31)).to_le_bytes());
            Decimal::deserialize(b)
        } else {
            Decimal::from_parts(lo, mid, hi, negative, scale)
        };
        let back = columns::decimal(columns::exact(d)).unwrap();
        proptest::prop_assert_eq!(back.serialize(), d.serialize());
    }
}

/// Any text in a master's name or tier.
fn master_text() -> impl proptest::strategy::Strategy<Value = String> {
    proptest::string::string_regex("[a-z甲乙丙 ]{0,6}").unwrap()
}

proptest::proptest! {
    /// Order lines of any shape come back from the cache's columns as they
    /// were, but for the file they are read as: every id, date and decimal.
    #[test]
    fn cached_lines_come_back(
        lines in proptest::collection::vec(
            (
                0u32..3,
                0u32..5000,
                -1_000_000i32..3_000_000,
                proptest::array::uniform9(0u32..70_000),
                (proptest::arbitrary::any::<i64>(), 0u32..=28),
                proptest::option::of(proptest::arbitrary::any::<(u32, u32, u32, bool)>()),
                proptest::option::of(proptest::arbitrary::any::<i32>()),
                0usize..3,
            ),
            0..40,
        ),
    ) {
        let mut ds = Dataset::default();
        for t in 0..3 {
            let mut texts = TableTexts::default();
            for i in 0..70_000u32 {
                if t == 0 || i < 10 {
                    texts.push(&i.to_string());
                }
            }
            ds.order_texts.push(texts);
        }
        for (table, row, day, texts, (mantissa, scale), quantity, collected, custom) in lines {
            let cap = ds.order_texts[table as usize].len() as u32;
            let id = |n: u32| TextId::from_number(n % (cap + 1));
            ds.orders.push(OrderLine {
                origin: RowRef { table: TableId(table), file: FileId(0), sheet: SheetId(table as u16), row },
                order_id: id(texts[0]),
                line_id: id(texts[1]),
                date: NaiveDate::from_num_days_from_ce_opt(day).unwrap(),
                customer: TextId::at((texts[2] % cap) as usize),
                product: TextId::at((texts[3] % cap) as usize),
                amount: Decimal::new(mantissa, scale),
                quantity: quantity.map(|(lo, mid, hi, neg)| Decimal::from_parts(lo, mid, hi, neg, scale)).into(),
                salesperson: id(texts[4]),
                customer_type: id(texts[5]),
                product_class: id(texts[6]),
                region: id(texts[7]),
                group: id(texts[8]),
                collected: collected.map(|c| Decimal::new(i64::from(c), 2)).into(),
                custom: (0..custom).map(|k| id(texts[k])).collect(),
            });
        }
        let back = through_columns(&ds, &ds.table_keys()).expect("lines that hold");
        let expected: Vec<OrderLine> = ds
            .orders
            .iter()
            .map(|o| OrderLine { origin: RowRef { file: FileId(7), ..o.origin }, ..o.clone() })
            .collect();
        proptest::prop_assert_eq!(back.iter().cloned().collect::<Vec<_>>(), expected);
    }

    /// Customers master rows of any texts and dates come back as they were.
    #[test]
    fn cached_customers_of_any_text_come_back(
        rows in proptest::collection::vec(
            (master_text(), proptest::option::of(-700_000i32..3_000_000), proptest::option::of(master_text()), proptest::option::of(master_text())),
            0..30,
        ),
    ) {
        let mut names = Keys::default();
        let rows: Vec<CustomerRec> = rows
            .into_iter()
            .enumerate()
            .map(|(i, (name, first, tier, kind))| {
                names.push(&name);
                CustomerRec {
                    origin: RowRef { table: TableId(0), file: FileId(2), sheet: SheetId(0), row: i as u32 },
                    first_order_date: first.and_then(NaiveDate::from_num_days_from_ce_opt),
                    tier: tier.map(Text::from),
                    customer_type: kind.map(Text::from),
                    custom: Box::default(),
                }
            })
            .collect();
        let bytes = postcard::to_allocvec(&columns::CustomerColumns::of(&rows, &names)).unwrap();
        let back = postcard::from_bytes::<columns::CustomerColumns>(&bytes).unwrap().rows(FileId(2));
        proptest::prop_assert_eq!(back, Some((rows, names)));
    }
}

proptest::proptest! {
    /// A damaged cache entry is refused or read as some lines, never a
    /// panic: any byte of stored columns changed to any value.
    #[test]
    fn damaged_columns_never_panic(at in 0usize..10_000, value: u8, customers: bool) {
        let mut ds = Dataset::default();
        let customer = ds.push_text("甲公司");
        for row in 0..5 {
            ds.orders.push(OrderLine {
                customer,
                quantity: Some(Decimal::new(3, 1)).into(),
                custom: thin_vec::thin_vec![None, Some(customer)],
                ..OrderLine::sample(row)
            });
        }
        let mut bytes = if customers {
            let mut names = Keys::default();
            let rows: Vec<CustomerRec> = (0..5)
                .map(|row| CustomerRec {
                    origin: OrderLine::sample(row).origin,
                    first_order_date: NaiveDate::from_ymd_opt(2025, 1, 1 + row),
                    tier: Some("A".into()),
                    customer_type: None,
                    custom: Box::default(),
                })
                .collect();
            for row in 0..5 {
                names.push(&format!("客户{row}"));
            }
            postcard::to_allocvec(&columns::CustomerColumns::of(&rows, &names)).unwrap()
        } else {
            postcard::to_allocvec(&columns::OrderColumns::of(&ds.orders, &ds.line_hashes())).unwrap()
        };
        let i = at % bytes.len();
        bytes[i] = value;
        if customers {
            if let Ok(c) = postcard::from_bytes::<columns::CustomerColumns>(&bytes) {
                let _ = c.rows(FileId(1));
            }
        } else if let Ok(c) = postcard::from_bytes::<columns::OrderColumns>(&bytes) {
            let _ = c.lines(FileId(1), &ds.order_texts, &ds.table_keys());
        }
    }
}

/// A customers master's names are kept as the ledger matches them, folded
/// once when the master is read (a re-run from the cache does not fold them).
#[test]
fn customers_master_names_are_folded_when_read() {
    // The second row is refused for its date after its record was made:
    // its name must go with it.
    let rows: [&[&str]; 4] = [
        &["客户", "等级", "首单日期"],
        &["ＡＢＣ（北京） 有限公司", "A", "2025-03-01"],
        &["乙公司", "A", "not a date"],
        &["甲公司", "B", ""],
    ];
    let (ds, diags) = read(&grid("客户", 0, 0, &rows));
    assert_eq!(ds.stats[0].rows_rejected, 1, "{diags:?}");
    assert_eq!(ds.customers.len(), 2);
    let names: Vec<&str> = (0..ds.customers.len())
        .map(|i| ds.customer_keys.get(i))
        .collect();
    assert_eq!(names, ["abc(北京)有限公司", "甲公司"]);
    assert_eq!(names[0], crate::text::match_key("abc（北京）有限公司"));
    assert_eq!(ds.customer_keys.hashes[0], keys::hash_of(names[0]));
}

#[test]
fn concat_keeps_file_order_and_renumbers_tables() {
    let customers = |names: &[&str]| {
        let mut rows: Vec<&[&str]> = vec![&["客户", "等级"]];
        let cells: Vec<[&str; 2]> = names.iter().map(|n| [*n, "A"]).collect();
        rows.extend(cells.iter().map(|c| c.as_slice()));
        read(&grid("客户", 0, 0, &rows)).0
    };
    let orders = read(&grid(
        "明细",
        0,
        0,
        &[
            ORDER_HEADER,
            &["SO1", "2026-07-01", "甲", "门锁", "n:10", ""],
        ],
    ))
    .0;
    // Customers in the second and third parts only: the second part's
    // vector is taken whole, the third's appended to it.
    let all = Dataset::concat(vec![
        orders,
        customers(&["乙", "丙"]),
        Dataset::default(),
        customers(&["丁"]),
    ]);
    let names: Vec<&str> = (0..all.customers.len())
        .map(|i| all.customer_keys.get(i))
        .collect();
    assert_eq!(names, ["乙", "丙", "丁"]);
    assert_eq!(all.customer_keys.hashes.len(), 3);
    let tables: Vec<u32> = all.customers.iter().map(|c| c.origin.table.0).collect();
    assert_eq!(tables, [1, 1, 2]);
    assert_eq!((all.tables.len(), all.stats.len()), (3, 3));
    assert_eq!(all.orders.len(), 1);
    assert_eq!(all.orders[0].origin.table.0, 0);
}
