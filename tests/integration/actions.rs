//! Action plans and their return, and bottom-up proposals: a small inbox with
//! hand-computed expectations.
//!
//! Q3 orders (history: R1, R2 in Q1, so they are returning; N1–N3 are new):
//! S1 07-05 N1 200 甲 · S2 07-20 N2 100 甲 · S3 08-10 N3 50 乙 ·
//! S4 07-15 R1 300 甲 · S5 09-01 R2 250 乙 — 900 in all; 东 = 甲 = 600, 西 = 乙 = 300.
//! Leads: 甲 30 (07-06) + 30 (08-03), 乙 10 (07-06).

use crate::support::{check_inbox, inbox, review_inbox, sheet, write_review};
use rust_decimal::Decimal;
use serde_json::Value;

const TARGETS: &[&[&str]] = &[
    &["2026Q3", "总计", "公司", "", "", "1000"],
    &["2026Q3", "客户", "新客户", "", "", "400"],
    &["2026Q3", "客户", "老客户", "", "", "600"],
    &["2026Q3", "客户", "新客户", "", "新客户数", "4"],
    &["2026Q3", "产品", "核心产品", "", "", "700"],
    &["2026Q3", "产品", "新品", "", "", "300"],
    &["2026Q3", "区域", "东", "", "", "500"],
    &["2026Q3", "区域", "西", "", "", "500"],
    &["2026Q3", "小组", "一组", "东", "", "500"],
    &["2026Q3", "小组", "二组", "西", "", "500"],
    &["2026Q3", "个人", "甲", "一组", "", "500"],
    &["2026Q3", "个人", "乙", "二组", "", "500"],
];

const ACTIONS: &[&[&str]] = &[
    &[
        "广告投放",
        "市场部",
        "2026-07-01",
        "2026-07-31",
        "新客户",
        "新客户数",
        "2",
        "",
        "5000",
        "6000",
        "",
    ],
    &[
        "展会",
        "甲",
        "2026-07-01",
        "2026-08-31",
        "区域/东",
        "线索",
        "50",
        "",
        "2000",
        "1500",
        "",
    ],
    &[
        "流失召回邮件",
        "乙",
        "2026-07-01",
        "2026-09-30",
        "老客户",
        "",
        "800",
        "",
        "1000",
        "1200",
        "",
    ],
    &[
        "客户答谢会",
        "乙",
        "2026-08-01",
        "2026-08-15",
        "西",
        "销售额",
        "400",
        "300",
        "800",
        "",
        "2026-08-20",
    ],
];

fn team_inbox(actions: &[&[&str]], proposals: &[&[&str]]) -> tempfile::TempDir {
    let mut sheets = vec![
        sheet(
            "目标",
            &["期间", "维度", "单元", "上级", "指标", "目标"],
            TARGETS,
        ),
        sheet(
            "人员",
            &["销售员", "小组", "区域"],
            &[&["甲", "一组", "东"], &["乙", "二组", "西"]],
        ),
        sheet("产品", &["产品", "产品类别"], &[&["门锁", "核心产品"]]),
        sheet(
            "过程",
            &["销售员", "日期", "线索"],
            &[
                &["甲", "2026-07-06", "30"],
                &["甲", "2026-08-03", "30"],
                &["乙", "2026-07-06", "10"],
            ],
        ),
    ];
    if !actions.is_empty() {
        sheets.push(sheet(
            "行动计划",
            &[
                "行动",
                "负责人",
                "开始",
                "结束",
                "服务目标",
                "指标",
                "预期产出",
                "实际产出",
                "预算",
                "实际花费",
                "完成日期",
            ],
            actions,
        ));
    }
    if !proposals.is_empty() {
        sheets.push(sheet(
            "一线建议",
            &["期间", "维度", "单元", "上级", "目标", "提议人", "理由"],
            proposals,
        ));
    }
    let orders = sheet(
        "明细",
        &["订单号", "日期", "客户", "产品", "金额", "销售员"],
        &[
            &["H1", "2026-03-01", "R1", "门锁", "100", "甲"],
            &["H2", "2026-03-02", "R2", "门锁", "100", "乙"],
            &["S1", "2026-07-05", "N1", "门锁", "200", "甲"],
            &["S2", "2026-07-20", "N2", "门锁", "100", "甲"],
            &["S3", "2026-08-10", "N3", "门锁", "50", "乙"],
            &["S4", "2026-07-15", "R1", "门锁", "300", "甲"],
            &["S5", "2026-09-01", "R2", "门锁", "250", "乙"],
        ],
    );
    inbox(&[("目标.xlsx", sheets), ("订单.xlsx", vec![orders])])
}

fn action<'a>(s: &'a Value, name: &str) -> &'a Value {
    s["resources"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == name)
        .unwrap_or_else(|| panic!("no action {name}"))
}

#[test]
fn actions_are_reviewed_against_output_budget_and_dates() {
    let dir = team_inbox(ACTIONS, &[]);
    let r = review_inbox(dir.path(), None);
    let s = &r.summary;
    // Ads: two new customers in July (N1 07-05, N2 07-20), 6,000 spent of 5,000.
    let a = action(s, "广告投放");
    assert_eq!(a["actual"], "2");
    assert_eq!(a["source"], "orders");
    assert_eq!(a["dimension"], "customer");
    assert_eq!(a["measure"], "new_customers");
    assert_eq!(a["attainment"], "1.0000");
    assert_eq!(a["cost_per_output"], "3000.00");
    assert_eq!(a["planned_cost_per_output"], "2500.00");
    assert_eq!(a["return_index"], "0.8333");
    assert_eq!(a["finished_on"], "2026-07-20");
    assert_eq!(a["on_time"], true);
    assert_eq!(a["overspent_and_short"], false);
    // Trade show: 东's leads 07-01..08-31 = 60, 1,500 of 2,000 spent.
    let a = action(s, "展会");
    assert_eq!(a["actual"], "60");
    assert_eq!(a["source"], "activities");
    assert_eq!(a["cost_per_output"], "25.00");
    assert_eq!(a["return_index"], "1.6000");
    assert_eq!(a["finished_on"], "2026-08-03");
    // Recall mails: returning customers' sales 550 of 800, 1,200 of 1,000: overspent and short.
    let a = action(s, "流失召回邮件");
    assert_eq!(a["measure"], "sales");
    assert_eq!(a["actual"], "550.00");
    assert_eq!(a["attainment"], "0.6875");
    assert_eq!(a["return_index"], "0.5729");
    assert_eq!(a["overspent_and_short"], true);
    assert_eq!(a["on_time"], Value::Null, "still running on 2026-09-01");
    // Thank-you event: the sheet's 300 of 400, finished 08-20 after its end 08-15.
    let a = action(s, "客户答谢会");
    assert_eq!(a["source"], "sheet");
    assert_eq!(a["actual"], "300.00");
    assert_eq!(a["return_index"], "0.7500");
    assert_eq!(a["on_time"], false);
    // Ranked by return; totals; the overspent-and-short list.
    let ranked: Vec<&str> = s["resources"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(ranked, ["展会", "广告投放", "客户答谢会", "流失召回邮件"]);
    assert_eq!(s["resources"]["budget"], "8800.00");
    assert_eq!(s["resources"]["spent"], "8700.00");
    assert_eq!(
        s["resources"]["overspent_and_short"],
        serde_json::json!(["流失召回邮件"])
    );
}

#[test]
fn targets_without_a_plan_are_listed() {
    let dir = team_inbox(ACTIONS, &[]);
    let r = review_inbox(dir.path(), None);
    // Customers and regions (and the groups below them) have actions; products none.
    let unplanned: Vec<(&str, &str)> = r.summary["resources"]["without_plan"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["dimension"].as_str().unwrap(),
                u["unit"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        unplanned,
        [("product", "核心产品"), ("product", "新品")],
        "{unplanned:?}"
    );
    // The report's heading counts them.
    assert!(
        r.read("review-2026Q3.html")
            .contains("没有行动计划的目标 (2)")
    );
}

#[test]
fn budget_moves_from_the_lowest_return_to_the_highest_with_the_numbers() {
    let dir = team_inbox(ACTIONS, &[]);
    let r = review_inbox(dir.path(), None);
    let shifts: Vec<&Value> = r.summary["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["rule"] == "shift.budget")
        .collect();
    // Only one pair is below and above plan: recall mails (0.57×) → trade show (1.6×).
    assert_eq!(shifts.len(), 1, "{shifts:?}");
    let s = shifts[0];
    assert_eq!(s["dimension"], "customer");
    assert_eq!(s["unit"], "老客户");
    let f = &s["figures"];
    assert_eq!(f["action"], "流失召回邮件");
    assert_eq!(f["to_action"], "展会");
    assert_eq!(f["shift_amount"], "500.00");
    // 500 ÷ (1,200 ÷ 550) = 229.17 of sales here; 500 ÷ 25 = 20 leads there.
    assert_eq!(f["buys_here"], "229.17 sales");
    assert_eq!(f["buys_there"], "20 leads");
}

#[test]
fn the_workbook_and_the_report_carry_the_resources() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = team_inbox(ACTIONS, &[]);
    let r = review_inbox(dir.path(), None);
    let mut wb: Xlsx<_> = open_workbook(r.dir.join("review-2026Q3.xlsx")).unwrap();
    let sheet = wb.worksheet_range("资源").expect("a 资源 sheet");
    assert_eq!(sheet.get_value((0, 1)), Some(&Data::String("行动".into())));
    assert_eq!(sheet.get_value((1, 1)), Some(&Data::String("展会".into())));
    assert_eq!(sheet.get_value((1, 13)), Some(&Data::Float(1.6)));
    assert_eq!(
        sheet.get_value((4, 15)),
        Some(&Data::String("是".into())),
        "recall mails flagged"
    );
    let html = r.read("review-2026Q3.html");
    assert!(html.contains("资源投入与回报"));
    assert!(html.contains("流失召回邮件 <span class=\"tag short\">超支且产出不足</span>"));
    assert!(html.contains("没有行动计划的目标"));
}

#[test]
fn without_action_plans_there_is_no_resources_section() {
    let dir = team_inbox(&[], &[]);
    let r = review_inbox(dir.path(), None);
    assert!(r.summary.get("resources").is_none());
    assert!(!r.read("review-2026Q3.html").contains("资源投入与回报"));
}

#[test]
fn an_unknown_target_and_reversed_dates_are_diagnosed_at_their_cells() {
    let dir = team_inbox(
        &[&[
            "地推",
            "甲",
            "2026-08-31",
            "2026-08-01",
            "南",
            "",
            "100",
            "",
            "100",
            "",
            "",
        ]],
        &[],
    );
    let checked = check_inbox(dir.path(), None);
    let found: Vec<(String, String)> = checked
        .loaded
        .diagnostics
        .items()
        .iter()
        .filter(|d| d.code.as_str().starts_with("action."))
        .map(|d| {
            (
                d.code.as_str().to_string(),
                checked.loaded.sources.locate(d.location.unwrap()),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "action.dates_reversed".to_string(),
                "目标.xlsx!行动计划!D2".to_string()
            ),
            (
                "action.serves_unknown".to_string(),
                "目标.xlsx!行动计划!E2".to_string()
            ),
        ]
    );
}

const PROPOSALS: &[&[&str]] = &[
    &["2026Q3", "区域", "东", "", "450", "甲", "大客户流失"],
    &["2026Q3", "区域", "南", "", "100", "丙", ""],
    &["2026Q4", "区域", "东", "", "700", "甲", "新开两家经销商"],
];

#[test]
fn check_sets_each_proposal_beside_its_top_down_target() {
    let dir = team_inbox(&[], PROPOSALS);
    let checked = check_inbox(dir.path(), None);
    let text = qbr::check_report_text(&checked, false, qbr::i18n::Lang::En);
    assert!(
        text.contains("区域 / region / 销售额 / sales / 东: top-down 500.00, proposed 450.00 by 甲; gap -50.00 (-10.00%) — 大客户流失"),
        "{text}"
    );
    assert!(text.contains("南: top-down (no top-down target), proposed 100.00 by 丙"));
    assert!(!text.contains("700"), "Q4's proposal is not Q3's: {text}");
    let json: Value = serde_json::from_str(&qbr::check_report_json(&checked)).unwrap();
    let east = &json["proposals"][0];
    assert_eq!(east["top_down"], "500.00");
    assert_eq!(east["proposed"], "450.00");
    assert_eq!(east["gap"], "-50.00");
    assert_eq!(east["gap_ratio"], "-0.1000");
    assert_eq!(east["rationale"], "大客户流失");
    let unmatched = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "proposal.unmatched")
        .expect("南 is no top-down unit");
    assert_eq!(unmatched["location"], "目标.xlsx!一线建议!C3");
}

fn plan(dir: &std::path::Path, proposals: qbr::plan::Proposals) -> Vec<(String, String, i64)> {
    let out = tempfile::tempdir().unwrap();
    let planned = qbr::write_plan(
        &qbr::LoadOptions {
            inbox: dir.to_path_buf(),
            ..Default::default()
        },
        Decimal::from(1000),
        qbr::calendar::parse_period("2026Q4").unwrap(),
        None,
        proposals,
        &out.path().join("plan.xlsx"),
    )
    .unwrap();
    planned
        .plan
        .lines
        .iter()
        .filter(|l| l.measure == qbr::records::Measure::Sales)
        .map(|l| {
            (
                l.dimension.key().to_string(),
                l.unit.clone(),
                l.target.to_string().parse().unwrap(),
            )
        })
        .collect()
}

fn target(lines: &[(String, String, i64)], d: &str, u: &str) -> i64 {
    lines
        .iter()
        .find(|(dd, uu, _)| dd == d && uu == u)
        .unwrap_or_else(|| panic!("no {d} {u}"))
        .2
}

#[test]
fn plan_blends_the_proposals_and_still_adds_up() {
    let dir = team_inbox(&[], PROPOSALS);
    let top_down = plan(dir.path(), qbr::plan::Proposals::Ignore);
    // Fair share: 东 (50% + 600 ÷ 900) ÷ 2 = 58.33% → 583, 西 417.
    assert_eq!(target(&top_down, "region", "东"), 583);
    assert_eq!(target(&top_down, "region", "西"), 417);
    let blended = plan(dir.path(), qbr::plan::Proposals::Blend(None));
    // 东 halfway to 700: 641.5; 西 417; fitted to 1,000: 641.5 ÷ 1,058.5 → 606.05 → 606, 西 394.
    assert_eq!(target(&blended, "region", "东"), 606);
    assert_eq!(target(&blended, "region", "西"), 394);
    assert_eq!(
        target(&blended, "group", "一组"),
        606,
        "the group follows its region"
    );
    assert_eq!(target(&blended, "person", "甲"), 606);
    let total: i64 = blended
        .iter()
        .filter(|(d, ..)| d == "total")
        .map(|l| l.2)
        .sum();
    assert_eq!(total, 1000);
    // Weight 1: the proposal itself, fitted: 700 ÷ 1,117 → 626.68 → 627, 西 373.
    let all_in = plan(dir.path(), qbr::plan::Proposals::Blend(Some(Decimal::ONE)));
    assert_eq!(target(&all_in, "region", "东"), 627);
    assert_eq!(target(&all_in, "region", "西"), 373);
}

#[test]
fn the_blended_plan_checks_clean_and_explains_both_sources() {
    let dir = team_inbox(&[], PROPOSALS);
    let out = tempfile::tempdir().unwrap();
    let planned = qbr::write_plan(
        &qbr::LoadOptions {
            inbox: dir.path().to_path_buf(),
            ..Default::default()
        },
        Decimal::from(1000),
        qbr::calendar::parse_period("2026Q4").unwrap(),
        None,
        qbr::plan::Proposals::Blend(None),
        &out.path().join("plan.xlsx"),
    )
    .unwrap();
    let why: Vec<String> = planned
        .plan
        .explanation
        .iter()
        .map(|(a, b)| format!("{a}: {b}"))
        .collect();
    assert!(
        why.iter().any(|l| l
            == "区域 · 东: 自上而下 583.00 · 一线建议 700.00 (甲) (理由: 新开两家经销商) · 加权 641.50 · 按上级调整后 606.00"),
        "{why:#?}"
    );
    // Read back with the masters: the tree adds up.
    let again = tempfile::tempdir().unwrap();
    std::fs::copy(out.path().join("plan.xlsx"), again.path().join("plan.xlsx")).unwrap();
    crate::next::assert_adds_up(again.path());
}

#[test]
fn a_regions_own_report_holds_only_its_own_actions() {
    let dir = team_inbox(ACTIONS, &[]);
    let checked = check_inbox(dir.path(), None);
    let opts = qbr::ReviewOptions {
        split_by: Some(qbr::split::SplitBy::Region),
        ..Default::default()
    };
    let (_out, _, w) = write_review(&checked, &opts);
    let west = std::fs::read_to_string(w.join("split/region/西/review-2026Q3.html")).unwrap();
    // 西's thank-you event and 乙's recall mails; not 东's trade show or the ads.
    assert!(west.contains("客户答谢会"), "{west}");
    assert!(west.contains("流失召回邮件"), "owned by 乙 of 西");
    assert!(
        !west.contains("展会") && !west.contains("广告投放"),
        "{west}"
    );
    let east = std::fs::read_to_string(w.join("split/region/东/review-2026Q3.html")).unwrap();
    assert!(east.contains("展会") && !east.contains("客户答谢会"));
}
