//! `qbr check`: one minimal failing fixture per rule, asserting the code, the
//! severity and the exact cell; the sample data checks clean; the human output
//! is a snapshot.

use crate::support::{check_inbox, inbox, sample_data};
use qbr::diag::Severity;
use qbr::sample::sheet::{Cell, SheetSpec};

const TARGET_HEADERS: &[&str] = &[
    "期间",
    "维度",
    "单元",
    "上级",
    "指标",
    "目标",
    "占比",
    "冲刺目标",
    "挑战目标",
    "负责人",
    "备注",
];

/// A target row: (dimension, unit, parent, measure, target, share, owner).
type T<'a> = (&'a str, &'a str, &'a str, &'a str, i64, &'a str, &'a str);

fn targets(rows: &[T]) -> SheetSpec {
    let mut s = SheetSpec::new("目标", TARGET_HEADERS);
    for (dim, unit, parent, measure, target, share, owner) in rows {
        let opt = |v: &str| {
            if v.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(v.to_string())
            }
        };
        s.row(vec![
            "2026Q3".into(),
            (*dim).into(),
            (*unit).into(),
            opt(parent),
            opt(measure),
            (*target).into(),
            opt(share),
            Cell::Empty,
            Cell::Empty,
            opt(owner),
            Cell::Empty,
        ]);
    }
    s
}

/// The smallest clean tree: a total and two regions.
fn base() -> Vec<T<'static>> {
    vec![
        ("总计", "公司", "", "销售额", 1000, "", "王总"),
        ("区域", "华东", "", "销售额", 600, "60%", "钱"),
        ("区域", "华南", "", "销售额", 400, "40%", "孔"),
    ]
}

const ORDER_HEADERS: &[&str] = &["订单号", "行号", "日期", "客户", "产品", "金额", "销售员"];

fn orders(rows: &[(&str, &str, &str, &str, &str, i64, &str)]) -> SheetSpec {
    let mut s = SheetSpec::new("明细", ORDER_HEADERS);
    for (id, line, date, customer, product, amount, rep) in rows {
        s.row(vec![
            (*id).into(),
            (*line).into(),
            (*date).into(),
            (*customer).into(),
            (*product).into(),
            (*amount).into(),
            if rep.is_empty() {
                Cell::Empty
            } else {
                (*rep).into()
            },
        ]);
    }
    s
}

fn people() -> SheetSpec {
    let mut s = SheetSpec::new("人员", &["销售员", "小组", "区域", "职级"]);
    s.row(vec![
        "张伟".into(),
        "一组".into(),
        "华东".into(),
        "top".into(),
    ]);
    s.row(vec![
        "李娜".into(),
        "一组".into(),
        "华东".into(),
        "new".into(),
    ]);
    s.row(vec![
        "王芳".into(),
        "二组".into(),
        "华南".into(),
        "new".into(),
    ]);
    s
}

/// Runs check on an inbox of the given workbooks and returns (code, severity, location).
fn run(files: &[(&str, Vec<SheetSpec>)]) -> Vec<(String, Severity, Option<String>)> {
    let dir = inbox(files);
    let checked = check_inbox(dir.path(), None);
    let l = &checked.loaded;
    l.diagnostics
        .items()
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .map(|d| {
            (
                d.code.as_str().to_string(),
                d.severity,
                d.location.map(|x| l.sources.locate(x)),
            )
        })
        .collect()
}

fn only(found: Vec<(String, Severity, Option<String>)>, code: &str, sev: Severity, loc: &str) {
    assert_eq!(
        found,
        vec![(code.to_string(), sev, Some(loc.to_string()))],
        "expected exactly one {code}"
    );
}

fn with(extra: &[T<'static>]) -> Vec<T<'static>> {
    let mut rows = base();
    rows.extend_from_slice(extra);
    rows
}

#[test]
fn base_fixture_is_clean() {
    assert_eq!(run(&[("t.xlsx", vec![targets(&base())])]), vec![]);
}

#[test]
fn unknown_dimension() {
    let rows = with(&[("行业", "制造", "", "销售额", 1000, "", "x")]);
    only(
        run(&[("t.xlsx", vec![targets(&rows)])]),
        "target.dimension_unknown",
        Severity::Error,
        "t.xlsx!目标!B5",
    );
}

#[test]
fn unknown_measure() {
    let rows = with(&[("总计", "公司", "", "毛利", 100, "", "王总")]);
    only(
        run(&[("t.xlsx", vec![targets(&rows)])]),
        "target.measure_unknown",
        Severity::Warning,
        "t.xlsx!目标!E5",
    );
}

#[test]
fn duplicate_unit() {
    let mut rows = base();
    rows.push(("区域", "华南", "", "销售额", 400, "", "孔"));
    let found = run(&[("t.xlsx", vec![targets(&rows)])]);
    assert!(
        found.contains(&(
            "target.duplicate_unit".into(),
            Severity::Error,
            Some("t.xlsx!目标!C5".into())
        )),
        "{found:?}"
    );
}

#[test]
fn parent_missing() {
    let rows = with(&[("小组", "一组", "华北", "销售额", 1000, "", "x")]);
    only(
        run(&[("t.xlsx", vec![targets(&rows)])]),
        "target.parent_missing",
        Severity::Error,
        "t.xlsx!目标!D5",
    );
}

#[test]
fn parent_in_wrong_dimension() {
    let rows = with(&[("个人", "张伟", "华东", "销售额", 600, "", "张伟")]);
    let found = run(&[("t.xlsx", vec![targets(&rows)])]);
    assert!(
        found.contains(&(
            "target.parent_wrong_dimension".into(),
            Severity::Error,
            Some("t.xlsx!目标!D5".into())
        )),
        "{found:?}"
    );
}

#[test]
fn cycle() {
    let rows = vec![
        ("总计", "公司", "", "销售额", 100, "", "王总"),
        ("产品", "甲", "乙", "销售额", 100, "", "x"),
        ("产品", "乙", "甲", "销售额", 100, "", "x"),
    ];
    let found = run(&[("t.xlsx", vec![targets(&rows)])]);
    assert!(
        found.contains(&(
            "target.cycle".into(),
            Severity::Error,
            Some("t.xlsx!目标!D3".into())
        )),
        "{found:?}"
    );
}

#[test]
fn several_periods_without_a_choice() {
    let mut s = targets(&base());
    s.rows[2][0] = "2026Q4".into();
    let found = run(&[("t.xlsx", vec![s])]);
    assert!(
        found.contains(&("target.periods_ambiguous".into(), Severity::Error, None)),
        "{found:?}"
    );
}

#[test]
fn month_outside_period_and_invalid() {
    let rows = with(&[
        ("月份", "2026-10", "", "销量", 1, "", "x"),
        ("月份", "七月", "", "销量", 1, "", "x"),
    ]);
    let found = run(&[("t.xlsx", vec![targets(&rows)])]);
    assert_eq!(
        found,
        vec![
            (
                "target.month_outside_period".into(),
                Severity::Error,
                Some("t.xlsx!目标!C5".into())
            ),
            (
                "target.month_invalid".into(),
                Severity::Error,
                Some("t.xlsx!目标!C6".into())
            ),
        ]
    );
}

#[test]
fn missing_total_is_derived() {
    let rows = base()[1..].to_vec();
    only(
        run(&[("t.xlsx", vec![targets(&rows)])]),
        "target.total_missing",
        Severity::Warning,
        "t.xlsx!目标",
    );
}

#[test]
fn children_that_do_not_add_up() {
    let rows = with(&[
        ("小组", "一组", "华东", "销售额", 350, "", "x"),
        ("小组", "二组", "华东", "销售额", 200, "", "x"),
        ("小组", "三组", "华南", "销售额", 400, "", "x"),
    ]);
    let dir = inbox(&[("t.xlsx", vec![targets(&rows)])]);
    let checked = check_inbox(dir.path(), None);
    let l = &checked.loaded;
    let sums: Vec<_> = l
        .diagnostics
        .items()
        .iter()
        .filter(|d| d.code.as_str() == "target.sum_mismatch")
        .collect();
    assert_eq!(sums.len(), 2, "{sums:?}");
    // 华东 asserts 600, its groups add up to 550.
    assert_eq!(
        l.sources.locate(sums[0].location.unwrap()),
        "t.xlsx!目标!F2"
    );
    assert!(
        sums[1]
            .message
            .contains("asserted 600.00, the units below add up to 550.00, difference 50.00"),
        "{}",
        sums[1].message
    );
    assert_eq!(sums[1].related.len(), 2);
    // The total against its 3 group units: 1,000 vs 950.
    assert!(
        sums[0]
            .message
            .contains("asserted 1,000.00, the units below add up to 950.00, difference 50.00"),
        "{}",
        sums[0].message
    );
}

#[test]
fn sum_tolerance_from_config() {
    let rows = vec![
        ("总计", "公司", "", "销售额", 1000, "", "王总"),
        ("区域", "华东", "", "销售额", 999, "", "钱"),
    ];
    let dir = inbox(&[("t.xlsx", vec![targets(&rows)])]);
    std::fs::write(dir.path().join("qbr.toml"), "sum_tolerance = 1\n").unwrap();
    let checked = check_inbox(dir.path(), None);
    assert!(!checked.loaded.diagnostics.has_errors());
}

#[test]
fn shares_that_do_not_add_up_or_disagree() {
    let mut rows = base();
    rows[1].5 = "55%";
    let found = run(&[("t.xlsx", vec![targets(&rows)])]);
    assert_eq!(
        found,
        vec![
            (
                "target.share_sum".into(),
                Severity::Error,
                Some("t.xlsx!目标!G3".into())
            ),
            (
                "target.share_mismatch".into(),
                Severity::Error,
                Some("t.xlsx!目标!G3".into())
            ),
        ]
    );
}

#[test]
fn owner_missing_and_non_positive() {
    let rows = with(&[("产品", "新品", "", "销量", 0, "", "")]);
    let found = run(&[("t.xlsx", vec![targets(&rows)])]);
    assert_eq!(
        found,
        vec![
            (
                "target.non_positive".into(),
                Severity::Warning,
                Some("t.xlsx!目标!F5".into())
            ),
            (
                "target.owner_missing".into(),
                Severity::Warning,
                Some("t.xlsx!目标!J5".into())
            ),
        ]
    );
}

#[test]
fn tiers_below_base() {
    let mut s = targets(&base());
    s.rows[1][7] = 500.into();
    let dir = inbox(&[("t.xlsx", vec![s.clone()])]);
    only(
        run(&[("t.xlsx", vec![s])]),
        "target.tier_below_base",
        Severity::Warning,
        "t.xlsx!目标!H3",
    );
    let checked = check_inbox(dir.path(), None);
    let d = checked
        .loaded
        .diagnostics
        .items()
        .iter()
        .find(|d| d.code.as_str() == "target.tier_below_base")
        .unwrap();
    assert_eq!(
        (d.message.as_str(), d.zh.as_ref().unwrap().message.as_str()),
        (
            "华东 (区域 / region / 销售额 / sales): the stretch tier 500.00 is below the base target 600.00; tiers must rise",
            "华东（区域 · 销售额）：冲刺目标 500.00 低于基础目标 600.00；各档目标必须逐级升高"
        )
    );
}

#[test]
fn growth_too_high_and_negative_without_note() {
    let rows = vec![
        ("总计", "公司", "", "销售额", 1000, "", "王总"),
        ("区域", "华东", "", "销售额", 900, "", "钱"),
        ("区域", "华南", "", "销售额", 100, "", "孔"),
    ];
    // Last quarter: 华东 500 (target 900: +80%), 华南 200 (target 100: -50%).
    let o = orders(&[
        ("S1", "1", "2026-05-01", "甲", "门锁", 500, "张伟"),
        ("S2", "1", "2026-05-02", "乙", "门锁", 200, "王芳"),
    ]);
    let found = run(&[
        ("t.xlsx", vec![targets(&rows)]),
        ("o.xlsx", vec![o]),
        ("p.xlsx", vec![people()]),
    ]);
    assert_eq!(
        found,
        vec![
            (
                "target.growth_too_high".into(),
                Severity::Warning,
                Some("t.xlsx!目标!F3".into())
            ),
            (
                "target.growth_negative".into(),
                Severity::Warning,
                Some("t.xlsx!目标!F4".into())
            ),
        ]
    );
}

#[test]
fn new_customer_formula() {
    let rows = vec![
        ("总计", "公司", "", "销售额", 1_000_000, "", "王总"),
        ("客户", "新客户", "", "销售额", 480_000, "", "许"),
        ("客户", "老客户", "", "销售额", 520_000, "", "许"),
        ("客户", "新客户", "", "新客户数", 80, "", "许"),
        ("客户", "新客户", "", "客单价", 4_800, "", "许"),
    ];
    only(
        run(&[("t.xlsx", vec![targets(&rows)])]),
        "target.new_customer_formula",
        Severity::Warning,
        "t.xlsx!目标!F5",
    );
}

#[test]
fn fair_share() {
    let rows = vec![
        ("总计", "公司", "", "销售额", 1000, "", "王总"),
        ("区域", "华东", "", "销售额", 1000, "", "钱"),
        ("小组", "一组", "华东", "销售额", 1000, "", "张伟"),
        // Levels top 1.4 and new 1.0: fair shares 583.33 and 416.67.
        ("个人", "张伟", "一组", "销售额", 300, "", "张伟"),
        ("个人", "李娜", "一组", "销售额", 700, "", "李娜"),
    ];
    let found = run(&[("t.xlsx", vec![targets(&rows)]), ("p.xlsx", vec![people()])]);
    assert_eq!(
        found,
        vec![
            (
                "target.fair_share".into(),
                Severity::Warning,
                Some("t.xlsx!目标!F5".into())
            ),
            (
                "target.fair_share".into(),
                Severity::Warning,
                Some("t.xlsx!目标!F6".into())
            ),
        ]
    );
}

#[test]
fn duplicate_lines_with_both_locations() {
    let o = orders(&[
        ("S1", "1", "2026-07-01", "甲", "门锁", 500, "张伟"),
        ("S1", "2", "2026-07-01", "甲", "门锁", 500, "张伟"),
        ("S1", "1", "2026-07-01", "甲", "门锁", 500, "张伟"),
    ]);
    let dir = inbox(&[
        ("t.xlsx", vec![targets(&base())]),
        ("o.xlsx", vec![o]),
        ("p.xlsx", vec![people()]),
    ]);
    let checked = check_inbox(dir.path(), None);
    let l = &checked.loaded;
    let d: Vec<_> = l
        .diagnostics
        .items()
        .iter()
        .filter(|d| d.code.as_str() == "order.duplicate")
        .collect();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].severity, Severity::Warning);
    assert_eq!(l.sources.locate(d[0].location.unwrap()), "o.xlsx!明细!A4");
    assert_eq!(l.sources.locate(d[0].related[0]), "o.xlsx!明细!A2");
    assert_eq!(checked.ledger.entries.len(), 2);
}

#[test]
fn unmapped_salesperson_missing_salesperson_and_product() {
    let rows = with(&[("产品", "核心产品", "", "销售额", 1000, "", "韩")]);
    let o = orders(&[
        ("S1", "1", "2026-07-01", "甲", "门锁", 500, "赵六"),
        ("S2", "1", "2026-07-01", "甲", "门锁", 500, ""),
    ]);
    let mut products = SheetSpec::new("产品", &["产品名称", "产品类别"]);
    products.row(vec!["摄像头".into(), "核心产品".into()]);
    let found = run(&[
        ("t.xlsx", vec![targets(&rows)]),
        ("o.xlsx", vec![o]),
        ("p.xlsx", vec![people(), products]),
    ]);
    assert_eq!(
        found,
        vec![
            (
                "order.product_unmapped".into(),
                Severity::Warning,
                Some("o.xlsx!明细!E2".into())
            ),
            (
                "order.salesperson_unmapped".into(),
                Severity::Warning,
                Some("o.xlsx!明细!G2".into())
            ),
            (
                "order.salesperson_missing".into(),
                Severity::Warning,
                Some("o.xlsx!明细!G3".into())
            ),
        ]
    );
}

#[test]
fn unknown_customer_type() {
    let mut o = SheetSpec::new(
        "明细",
        &["订单号", "日期", "客户", "产品", "金额", "客户类型"],
    );
    o.row(vec![
        "S1".into(),
        "2026-07-01".into(),
        "甲".into(),
        "门锁".into(),
        5.into(),
        "VIP".into(),
    ]);
    only(
        run(&[("t.xlsx", vec![targets(&base()[..1])]), ("o.xlsx", vec![o])]),
        "order.customer_type_unknown",
        Severity::Warning,
        "o.xlsx!明细!F2",
    );
}

#[test]
fn lines_after_the_period() {
    let o = orders(&[("S1", "1", "2026-10-01", "甲", "门锁", 5, "张伟")]);
    only(
        run(&[
            ("t.xlsx", vec![targets(&base())]),
            ("o.xlsx", vec![o]),
            ("p.xlsx", vec![people()]),
        ]),
        "order.outside_period",
        Severity::Warning,
        "o.xlsx!明细!C2",
    );
}

/// `--as-of` inside the period: the lines dated after it are named, per
/// sheet, with their count and amount; as of the period's last day, none.
#[test]
fn lines_after_the_as_of_date() {
    let o = orders(&[
        ("S1", "1", "2026-08-15", "甲", "门锁", 5, "张伟"),
        ("S2", "1", "2026-08-16", "甲", "门锁", 7, "张伟"),
        ("S3", "1", "2026-09-30", "甲", "门锁", 11, "张伟"),
    ]);
    let dir = inbox(&[
        ("t.xlsx", vec![targets(&base())]),
        ("o.xlsx", vec![o]),
        ("p.xlsx", vec![people()]),
    ]);
    let check = |as_of: &str| {
        let checked = qbr::check(&qbr::LoadOptions {
            inbox: dir.path().to_path_buf(),
            as_of: Some(as_of.parse().unwrap()),
            ..Default::default()
        })
        .unwrap();
        let l = &checked.loaded;
        l.diagnostics
            .items()
            .iter()
            .filter(|d| d.code.as_str() == "order.after_as_of")
            .map(|d| {
                (
                    d.severity,
                    d.location.map(|x| l.sources.locate(x)),
                    d.message.clone(),
                    d.zh.as_ref().map(|zh| zh.message.clone()),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        check("2026-08-15"),
        vec![(
            Severity::Warning,
            Some("o.xlsx!明细!C3".to_string()),
            "2 lines, 18.00, are dated after --as-of 2026-08-15; they are counted in 2026Q3's actuals, while pace expects only what was due by 2026-08-15".to_string(),
            Some("2 行（18.00）的日期晚于 --as-of 2026-08-15；它们计入 2026Q3 的实际，而进度只按截至 2026-08-15 应完成的部分计算".to_string())
        )]
    );
    assert_eq!(check("2026-09-30"), vec![]);
    assert_eq!(check("2026-12-31"), vec![]);
}

#[test]
fn sample_data_checks_clean() {
    let checked = check_inbox(&sample_data(), None);
    let d = &checked.loaded.diagnostics;
    assert_eq!(
        checked.period.map(|p| p.to_string()).as_deref(),
        Some("2026Q3")
    );
    assert_eq!(
        (d.count(Severity::Error), d.count(Severity::Warning)),
        (0, 0),
        "{:?}",
        d.items()
    );
    assert!(checked.ledger.duplicates.is_empty());
}

#[test]
fn human_output_snapshot() {
    let rows = with(&[
        ("小组", "一组", "华东", "销售额", 350, "", "x"),
        ("小组", "二组", "华北", "销售额", 200, "", ""),
    ]);
    let mut o = SheetSpec::new("明细", &["订单号", "日期", "客户", "产品", "金额"]);
    for i in 0..6 {
        o.row(vec![
            Cell::Empty,
            "2026-07-01".into(),
            format!("客户{i}").into(),
            "门锁".into(),
            10.into(),
        ]);
    }
    o.row(vec![
        "S9".into(),
        "2026-07-01".into(),
        "甲".into(),
        "门锁".into(),
        "十元".into(),
    ]);
    let dir = inbox(&[
        ("目标.xlsx", vec![targets(&rows)]),
        ("订单/7月.xlsx", vec![o]),
    ]);
    let checked = check_inbox(dir.path(), None);
    insta::assert_snapshot!(qbr::check_report_text(&checked, false, qbr::i18n::Lang::En));
    // The inbox's headers are Chinese, so `qbr check` speaks Chinese unless
    // --lang says otherwise.
    assert_eq!(qbr::report_lang(&checked, None), qbr::i18n::Lang::Zh);
    insta::assert_snapshot!(
        "human_output_snapshot_zh",
        qbr::check_report_text(&checked, false, qbr::i18n::Lang::Zh)
    );
}
