//! `qbr plan`: a top-down tree from a total that adds up, follows the
//! fair-share model and the strategy weights (hand-computed on a small
//! inbox), and explains itself naming its inputs.

use crate::next::{Team, assert_adds_up, round_trip_folder, team_inbox};
use crate::support::sample_data;
use calamine::Reader;
use qbr::records::{Dimension, Measure};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::Path;

fn plan(inbox: &Path, total: i64, config: Option<&Path>) -> (tempfile::TempDir, qbr::Planned) {
    let dir = tempfile::tempdir().unwrap();
    let planned = qbr::write_plan(
        &qbr::LoadOptions {
            inbox: inbox.to_path_buf(),
            config: config.map(Path::to_path_buf),
            ..Default::default()
        },
        Decimal::from(total),
        qbr::calendar::parse_period("2026Q4").unwrap(),
        None,
        qbr::plan::Proposals::Ignore,
        &dir.path().join("plan.xlsx"),
    )
    .unwrap();
    (dir, planned)
}

fn targets(p: &qbr::Planned, d: Dimension) -> BTreeMap<String, i64> {
    p.plan
        .lines
        .iter()
        .filter(|l| l.dimension == d && l.measure == Measure::Sales)
        .map(|l| (l.unit.clone(), l.target.to_string().parse().unwrap()))
        .collect()
}

#[test]
fn team_split_follows_the_fair_share_model() {
    // Equal levels; Q3 sales 甲 3,000, 乙 3,000, 丙 1,500, 丁 2,000.
    // 东: (50% + 6,000 ÷ 9,500) ÷ 2 = 56.58% of 10,000 → 5,658; 西 4,342.
    // 丙: (50% + 1,500 ÷ 3,500) ÷ 2 = 46.43% of 4,342 → 2,016; 丁 2,326.
    let inbox = team_inbox(&Team {
        q3: [3000, 3000, 1500, 2000],
        ..Default::default()
    });
    let (_dir, p) = plan(inbox.path(), 10_000, None);
    let regions = targets(&p, Dimension::Region);
    assert_eq!(regions["东"], 5658);
    assert_eq!(regions["西"], 4342);
    let people = targets(&p, Dimension::Person);
    assert_eq!(people["丙"], 2016);
    assert_eq!(people["丁"], 2326);
    assert_eq!(people["甲"] + people["乙"], 5658);
    // Months: no history a year earlier, equal thirds (largest remainder).
    let months = targets(&p, Dimension::Month);
    assert_eq!(
        months.values().copied().collect::<Vec<_>>(),
        [3334, 3333, 3333]
    );
}

#[test]
fn strategy_weights_tilt_the_product_mix() {
    // Q3: core 10,000, new products 600. With new = 2: weights 10,000 and
    // 1,200 → 8,928.57 and 1,071.43 → 8,929 and 1,071.
    let inbox = team_inbox(&Team {
        q3: [3000, 3000, 2000, 2000],
        new_product: Some([100, 100, 200, 200]),
        ..Default::default()
    });
    let cfg = inbox.path().join("strategy.toml");
    std::fs::write(&cfg, "[product_weights]\n\"新品\" = 2\n").unwrap();
    let (_dir, p) = plan(inbox.path(), 10_000, Some(&cfg));
    let products = targets(&p, Dimension::Product);
    assert_eq!(products["核心产品"], 8929);
    assert_eq!(products["新品"], 1071);
    let why: String = p
        .plan
        .explanation
        .iter()
        .map(|(a, b)| format!("{a} {b}\n"))
        .collect();
    assert!(why.contains("策略权重 2"), "{why}");
}

#[test]
fn sample_plan_adds_up_passes_check_and_names_its_inputs() {
    let (_dir, p) = plan(&sample_data(), 12_000_000, None);
    let folder = round_trip_folder(&p.path);
    let checked = assert_adds_up(folder.path());
    // The fair-share model qbr check applies is the one the plan used; owners come
    // from the latest targets, months answer to the company's owner.
    assert_eq!(
        checked
            .loaded
            .diagnostics
            .count(qbr::diag::Severity::Warning),
        0,
        "{}",
        qbr::check_report_text(&checked, false, qbr::i18n::Lang::En)
    );
    let total = checked.tree.total(&Measure::Sales).unwrap();
    assert_eq!(
        checked.loaded.dataset.targets[checked.tree.nodes[total].row].target,
        Decimal::from(12_000_000)
    );
    let mut wb = calamine::open_workbook_auto(&p.path).unwrap();
    assert_eq!(wb.sheet_names(), ["目标分解", "测算依据"]);
    let text: String = wb
        .worksheet_range("测算依据")
        .unwrap()
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string() + "\n").collect::<Vec<_>>())
        .collect();
    for input in [
        "主数据/产品与人员.xlsx",
        "订单/历史/2025Q4 订单导出.xlsx",
        "目标/2026Q3 目标分解.xlsx",
        "19861 (2025Q3, 2025Q4, 2026Q1, 2026Q2, 2026Q3)",
        "去年同季度月度占比 (2025-10)",
        "新客户客单价 4,825.44 (2026Q3: 4,082,321.65 ÷ 846)",
    ] {
        assert!(text.contains(input), "explanation lacks {input}:\n{text}");
    }
}

#[test]
fn plan_command_writes_the_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan-2026Q4.xlsx");
    let o = crate::support::qbr_command()
        .args([
            "plan",
            sample_data().to_str().unwrap(),
            "--total",
            "1200万",
            "--period",
            "2026Q4",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout.contains("adding up to 12,000,000.00"), "{stdout}");
    assert!(out.exists());
    let bad = crate::support::qbr_command()
        .args([
            "plan",
            sample_data().to_str().unwrap(),
            "--total",
            "0",
            "--period",
            "2026Q4",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a positive amount"));
}
