//! `qbr review`: hand-computed figures on a small inbox, the sample data's
//! summary.json as a snapshot, and shuffling inputs leaves it unchanged.

use crate::support::{check_inbox, inbox, sample_data, write_review};
use proptest::prelude::*;
use qbr::sample::sheet::{Cell, SheetSpec};
use serde_json::Value;

fn summary(dir: &std::path::Path) -> Value {
    let checked = check_inbox(dir, None);
    let (_out, _, written) = write_review(&checked, &Default::default());
    let text = std::fs::read_to_string(written.join("summary.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn target_sheet() -> SheetSpec {
    let mut t = SheetSpec::new(
        "目标",
        &["期间", "维度", "单元", "上级", "指标", "目标", "负责人"],
    );
    let rows: &[(&str, &str, &str, &str, i64)] = &[
        ("总计", "公司", "", "销售额", 3000),
        ("产品", "核心产品", "", "销售额", 2000),
        ("产品", "新品", "", "销售额", 1000),
        ("区域", "R1", "", "销售额", 2000),
        ("区域", "R2", "", "销售额", 1000),
        ("小组", "G1", "R1", "销售额", 2000),
        ("小组", "G2", "R2", "销售额", 1000),
        ("个人", "A", "G1", "销售额", 1200),
        ("个人", "B", "G1", "销售额", 800),
        ("个人", "C", "G2", "销售额", 1000),
        ("客户", "新客户", "", "销售额", 1000),
        ("客户", "老客户", "", "销售额", 2000),
        ("客户", "新客户", "", "新客户数", 3),
        ("月份", "2026-07", "", "销售额", 1500),
        ("月份", "2026-08", "", "销售额", 1500),
    ];
    for (dim, unit, parent, measure, target) in rows {
        t.row(vec![
            "2026Q3".into(),
            (*dim).into(),
            (*unit).into(),
            if parent.is_empty() {
                Cell::Empty
            } else {
                (*parent).into()
            },
            (*measure).into(),
            (*target).into(),
            "owner".into(),
        ]);
    }
    t
}

const ORDER_HEADERS: &[&str] = &[
    "订单号",
    "行号",
    "日期",
    "客户",
    "产品",
    "金额",
    "数量",
    "销售员",
    "回款",
];

/// (order ID, line ID, date, customer, product, amount, quantity, salesperson, collected)
type OrderRow<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    i64,
    &'a str,
    &'a str,
);

fn order_sheet(name: &str, rows: &[OrderRow]) -> SheetSpec {
    let mut s = SheetSpec::new(name, ORDER_HEADERS);
    for (id, line, date, cust, prod, amount, qty, rep, collected) in rows {
        s.row(vec![
            (*id).into(),
            (*line).into(),
            (*date).into(),
            (*cust).into(),
            (*prod).into(),
            Cell::Number(amount.parse().unwrap()),
            (*qty).into(),
            (*rep).into(),
            Cell::Number(collected.parse().unwrap()),
        ]);
    }
    s
}

fn masters() -> Vec<SheetSpec> {
    let mut people = SheetSpec::new("人员", &["销售员", "小组", "区域", "职级"]);
    for (p, g, r) in [("A", "G1", "R1"), ("B", "G1", "R1"), ("C", "G2", "R2")] {
        people.row(vec![p.into(), g.into(), r.into(), "regular".into()]);
    }
    let mut products = SheetSpec::new("产品", &["产品", "产品类别"]);
    products.row(vec!["P1".into(), "核心产品".into()]);
    products.row(vec!["P2".into(), "新品".into()]);
    vec![people, products]
}

/// The hand-computed inbox (see the expectations in the test).
fn small_inbox() -> tempfile::TempDir {
    let history = order_sheet(
        "历史",
        &[
            ("H1", "1", "2026-05-10", "X", "P1", "100", 1, "A", "100"),
            ("H2", "1", "2026-06-10", "Y", "P1", "50", 1, "C", "50"),
            ("H3", "1", "2025-11-10", "Z", "P2", "30", 1, "B", "30"),
        ],
    );
    let q3 = order_sheet(
        "7-8月",
        &[
            ("S1", "1", "2026-07-01", "X", "P1", "1000", 2, "A", "1000"),
            ("S2", "1", "2026-07-15", "N", "P2", "500.5", 1, "A", "0"),
            ("S3", "1", "2026-08-01", "Z", "P1", "200", 1, "B", "200"),
            ("S4", "1", "2026-08-02", "M", "P3", "300", 3, "C", "150"),
            ("S5", "1", "2026-07-01", "M", "P1", "99.99", 1, "C", "99.99"),
        ],
    );
    let again = order_sheet(
        "补录",
        &[("S1", "1", "2026-07-01", "X", "P1", "1000", 2, "A", "1000")],
    );
    inbox(&[
        ("目标.xlsx", vec![target_sheet()]),
        ("订单/历史.xlsx", vec![history]),
        ("订单/Q3.xlsx", vec![q3]),
        ("订单/补录.xlsx", vec![again]),
        ("主数据.xlsx", masters()),
    ])
}

fn unit<'a>(v: &'a Value, dim: &str, measure: &str, name: &str) -> &'a Value {
    v["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["dimension"] == dim && d["measure"] == measure)
        .unwrap_or_else(|| panic!("no {dim}/{measure}"))["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

fn unassigned<'a>(v: &'a Value, dim: &str) -> &'a Value {
    &v["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["dimension"] == dim && d["measure"] == "sales")
        .unwrap()["unassigned"]
}

#[test]
fn hand_computed_figures() {
    let dir = small_inbox();
    let v = summary(dir.path());
    // Q3 distinct lines: 1000 + 500.5 + 200 + 300 + 99.99 = 2,100.49; S1 repeated once.
    assert_eq!(v["inputs"]["order_lines"], 5);
    assert_eq!(v["inputs"]["order_amount"], "2100.49");
    assert_eq!(v["inputs"]["duplicates"]["lines"], 1);
    assert_eq!(v["inputs"]["duplicates"]["amount"], "1000.00");
    assert_eq!(v["inputs"]["history_lines"], 3);
    // 2,100.49 / 3,000 = 0.70016…
    assert_eq!(v["total"]["actual"], "2100.49");
    assert_eq!(v["total"]["completion"], "0.7002");
    assert_eq!(v["total"]["status"], "short_board");
    // Product: core = S1 + S3 + S5 = 1,299.99; new = S2; P3 is in no class.
    assert_eq!(
        unit(&v, "product", "sales", "核心产品")["actual"],
        "1299.99"
    );
    assert_eq!(
        unit(&v, "product", "sales", "核心产品")["completion"],
        "0.6500"
    );
    assert_eq!(unit(&v, "product", "sales", "新品")["completion"], "0.5005");
    assert_eq!(
        unassigned(&v, "product"),
        &serde_json::json!({"lines": 1, "amount": "300.00"})
    );
    // Team: R1 = A + B = 1,700.50 of 2,000 = 0.85025 → on track (the line is 0.85).
    assert_eq!(unit(&v, "region", "sales", "R1")["actual"], "1700.50");
    assert_eq!(unit(&v, "region", "sales", "R1")["completion"], "0.8503");
    assert_eq!(unit(&v, "region", "sales", "R1")["status"], "on_track");
    assert_eq!(unit(&v, "group", "sales", "G2")["actual"], "399.99");
    // A: 1,500.50 / 1,200 = 1.25041… → excellent; B: 200 / 800.
    assert_eq!(unit(&v, "person", "sales", "A")["completion"], "1.2504");
    assert_eq!(unit(&v, "person", "sales", "A")["status"], "excellent");
    assert_eq!(unit(&v, "person", "sales", "B")["completion"], "0.2500");
    // Lifecycle: X returning (2026Q2), N and M new (M's first order on the period's
    // first day), Z churned (last order 2025Q4, silent for two quarters): recalled.
    assert_eq!(unit(&v, "customer", "sales", "新客户")["actual"], "900.49");
    assert_eq!(unit(&v, "customer", "sales", "老客户")["actual"], "1000.00");
    assert_eq!(
        unassigned(&v, "customer"),
        &serde_json::json!({"lines": 1, "amount": "200.00"})
    );
    assert_eq!(
        unit(&v, "customer", "new_customers", "新客户")["actual"],
        "2"
    );
    assert_eq!(
        unit(&v, "customer", "new_customers", "新客户")["completion"],
        "0.6667"
    );
    assert_eq!(v["customers"]["active_before"], 2);
    assert_eq!(v["customers"]["repurchase_rate"], "0.5000");
    assert_eq!(v["customers"]["churned_at_start"], 1);
    assert_eq!(v["customers"]["recall_rate"], "1.0000");
    // Months: July = S1 + S2 + S5 = 1,600.49.
    assert_eq!(
        unit(&v, "month", "sales", "2026-07")["completion"],
        "1.0670"
    );
    // Pace as of the latest order, 2026-08-02: July's 1,500 plus 2/31 of August's 1,500, of 3,000.
    assert_eq!(v["as_of"], "2026-08-02");
    assert_eq!(v["in_progress"], true);
    let pace = v["pace"].as_array().unwrap();
    assert_eq!(pace[0]["expected"], "0.5323");
    // Short boards, most money left on the table first: August (1,000.00 short) leads;
    // in the product dimension core (700.01) and new (499.50) together make its Pareto set.
    let sb = v["short_boards"].as_array().unwrap();
    assert_eq!(sb[0]["unit"], "2026-08");
    assert_eq!(sb[0]["shortfall"], "1000.00");
    let core = sb.iter().find(|s| s["unit"] == "核心产品").unwrap();
    assert_eq!(core["shortfall"], "700.01");
    assert_eq!(core["pareto"], true);
    assert_eq!(
        sb.iter().find(|s| s["unit"] == "新品").unwrap()["pareto"],
        true
    );
    // Trend: 核心产品 had 100 + 50 in 2026Q2.
    let trend = v["trend"].as_array().unwrap();
    let core = trend
        .iter()
        .find(|t| t["unit"] == "核心产品" && t["measure"] == "sales")
        .unwrap();
    assert_eq!(
        core["quarters"][2],
        serde_json::json!({"period": "2026Q2", "actual": "150.00"})
    );
}

#[test]
fn every_dimension_reconciles_to_the_cent() {
    let v = summary(small_inbox().path());
    let amount: rust_decimal::Decimal = v["inputs"]["order_amount"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    for d in v["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["measure"] == "sales")
    {
        let leaves: rust_decimal::Decimal = d["units"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["leaf"] == true)
            .map(|u| {
                u["actual"]
                    .as_str()
                    .unwrap()
                    .parse::<rust_decimal::Decimal>()
                    .unwrap()
            })
            .sum();
        let un: rust_decimal::Decimal =
            d["unassigned"]["amount"].as_str().unwrap().parse().unwrap();
        assert_eq!(leaves + un, amount, "{}", d["dimension"]);
    }
}

#[test]
fn sample_data_summary_snapshot() {
    let v = summary(&sample_data());
    assert_eq!(v["total"]["completion"], "0.9184");
    insta::assert_snapshot!(
        "sample_data_summary",
        serde_json::to_string_pretty(&v).unwrap()
    );
}

/// A random order line: (product, person, cents, day offset, quarter back).
fn line_strategy() -> impl Strategy<Value = (usize, usize, i64, i64, bool)> {
    (
        0usize..3,
        0usize..4,
        1i64..1_000_000,
        0i64..90,
        any::<bool>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, .. ProptestConfig::default() })]

    /// Splitting the same lines over files in another order, and shuffling the
    /// rows, leaves summary.json unchanged (diagnostics aside, whose cells move).
    #[test]
    fn shuffling_files_and_rows_leaves_the_summary_unchanged(
        lines in proptest::collection::vec(line_strategy(), 1..40),
        seed in any::<u64>(),
    ) {
        let products = ["P1", "P2", "P3"];
        let people = ["A", "B", "C", "D"];
        let rows: Vec<_> = lines
            .iter()
            .enumerate()
            .map(|(i, (p, s, cents, day, earlier))| {
                let start = if *earlier { chrono::NaiveDate::from_ymd_opt(2026, 4, 1) } else { chrono::NaiveDate::from_ymd_opt(2026, 7, 1) };
                let date = start.unwrap() + chrono::Duration::days(*day);
                (format!("S{i}"), date.to_string(), format!("客户{}", i % 7), products[*p].to_string(),
                 rust_decimal::Decimal::new(*cents, 2).to_string(), people[*s].to_string())
            })
            .collect();
        let as_tuple = |r: &(String, String, String, String, String, String)| {
            (r.0.clone(), "1".to_string(), r.1.clone(), r.2.clone(), r.3.clone(), r.4.clone(), 1i64, r.5.clone(), "0".to_string())
        };
        let make = |order: &[usize], split: usize| {
            let mut files: Vec<(String, Vec<SheetSpec>)> = vec![
                ("目标.xlsx".into(), vec![target_sheet()]),
                ("主数据.xlsx".into(), masters()),
            ];
            for (k, chunk) in order.chunks(split.max(1)).enumerate() {
                let owned: Vec<_> = chunk.iter().map(|&i| as_tuple(&rows[i])).collect();
                let refs: Vec<OrderRow> = owned
                    .iter()
                    .map(|t| (t.0.as_str(), t.1.as_str(), t.2.as_str(), t.3.as_str(), t.4.as_str(), t.5.as_str(), t.6, t.7.as_str(), t.8.as_str()))
                    .collect();
                files.push((format!("订单/{k:02}.xlsx"), vec![order_sheet("明细", &refs)]));
            }
            let refs: Vec<(&str, Vec<SheetSpec>)> = files.iter().map(|(n, s)| (n.as_str(), s.clone())).collect();
            inbox(&refs)
        };
        let canonical: Vec<usize> = (0..rows.len()).collect();
        let mut shuffled = canonical.clone();
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let mut a = summary(make(&canonical, rows.len()).path());
        let mut b = summary(make(&shuffled, 1 + (seed % 5) as usize).path());
        a.as_object_mut().unwrap().remove("diagnostics");
        b.as_object_mut().unwrap().remove("diagnostics");
        a["inputs"].as_object_mut().unwrap().remove("files");
        b["inputs"].as_object_mut().unwrap().remove("files");
        prop_assert_eq!(a, b);
    }
}

#[test]
fn manifest_traces_every_input_and_output_by_sha256() {
    use sha2::{Digest, Sha256};
    let hex = |b: &[u8]| qbr::inbox::hex(&Sha256::digest(b));
    let checked = check_inbox(&sample_data(), None);
    let (_out, _, written) = write_review(&checked, &Default::default());
    let m: Value =
        serde_json::from_str(&std::fs::read_to_string(written.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(m["schema"], "qbr.manifest/1");
    assert_eq!(m["qbr_version"], env!("CARGO_PKG_VERSION"));
    let inputs = m["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 20);
    for i in inputs {
        let bytes = std::fs::read(sample_data().join(i["path"].as_str().unwrap())).unwrap();
        assert_eq!(i["sha256"], hex(&bytes), "{}", i["path"]);
        assert_eq!(i["size"], bytes.len());
    }
    let roles: Vec<&Value> = inputs
        .iter()
        .flat_map(|i| i["roles"].as_array().unwrap())
        .collect();
    for role in [
        "targets",
        "orders",
        "products",
        "people",
        "customers",
        "activities",
    ] {
        assert!(roles.iter().any(|r| *r == role), "{role}");
    }
    let outputs = m["outputs"].as_array().unwrap();
    assert_eq!(
        outputs.len(),
        8,
        "summary, two HTML files, the plain-text email, the workbook, next quarter's targets, the incentive preview, recipients.json"
    );
    for o in outputs {
        let bytes = std::fs::read(written.join(o["path"].as_str().unwrap())).unwrap();
        assert_eq!(o["sha256"], hex(&bytes), "{}", o["path"]);
    }
}
