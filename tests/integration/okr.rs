//! OKR-style targets: success at 70% (configurable), by a Type column or for
//! a whole dimension in qbr.toml, labelled in the reports.

use crate::support::inbox;
use qbr::sample::sheet::SheetSpec;
use serde_json::Value;

fn review(config: Option<&str>) -> (Value, String, String) {
    let mut t = SheetSpec::new("目标", &["期间", "维度", "单元", "目标", "负责人", "类型"]);
    for (d, u, v, kind) in [
        ("总计", "公司", 2000, ""),
        ("产品", "核心产品", 1000, ""),
        ("产品", "新品", 1000, "OKR"),
        ("区域", "东", 1000, ""),
        ("区域", "西", 1000, ""),
    ] {
        t.row(vec![
            "2026Q3".into(),
            d.into(),
            u.into(),
            v.into(),
            "王总".into(),
            kind.into(),
        ]);
    }
    let mut products = SheetSpec::new("产品", &["产品", "产品类别"]);
    products.row(vec!["门锁".into(), "核心产品".into()]);
    products.row(vec!["摄像头".into(), "新品".into()]);
    let mut people = SheetSpec::new("人员", &["销售员", "小组", "区域"]);
    people.row(vec!["甲".into(), "一组".into(), "东".into()]);
    people.row(vec!["乙".into(), "二组".into(), "西".into()]);
    let mut o = SheetSpec::new(
        "明细",
        &["订单号", "日期", "客户", "产品", "金额", "销售员"],
    );
    // 核心产品 750 (75%), 新品 750 (75%); 东 1,000 (100%), 西 500 (50%).
    o.row(vec![
        "S1".into(),
        "2026-07-01".into(),
        "A".into(),
        "门锁".into(),
        750.into(),
        "甲".into(),
    ]);
    o.row(vec![
        "S2".into(),
        "2026-07-02".into(),
        "B".into(),
        "摄像头".into(),
        250.into(),
        "甲".into(),
    ]);
    o.row(vec![
        "S3".into(),
        "2026-07-03".into(),
        "C".into(),
        "摄像头".into(),
        500.into(),
        "乙".into(),
    ]);
    let dir = inbox(&[
        ("目标.xlsx", vec![t, products, people]),
        ("订单.xlsx", vec![o]),
    ]);
    let r = crate::support::review_inbox(dir.path(), config);
    (
        r.summary.clone(),
        r.read("review-2026Q3.html"),
        r.read("email-2026Q3.html"),
    )
}

fn unit<'a>(s: &'a Value, dim: &str, name: &str) -> &'a Value {
    s["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["dimension"] == dim && d["measure"] == "sales")
        .flat_map(|d| d["units"].as_array().unwrap())
        .find(|u| u["unit"] == name)
        .unwrap()
}

#[test]
fn an_okr_target_succeeds_at_70_percent() {
    let (s, html, email) = review(None);
    // Both products at 75%: the plain target is a short board, the OKR on track.
    assert_eq!(unit(&s, "product", "核心产品")["status"], "short_board");
    assert_eq!(unit(&s, "product", "新品")["status"], "on_track");
    assert_eq!(unit(&s, "product", "新品")["okr"], true);
    assert!(unit(&s, "product", "核心产品").get("okr").is_none());
    let boards: Vec<&str> = s["short_boards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["unit"].as_str().unwrap())
        .collect();
    assert!(
        boards.contains(&"核心产品") && !boards.contains(&"新品"),
        "{boards:?}"
    );
    assert!(
        html.contains("新品 <span class=\"tag\">OKR</span>"),
        "labelled in the report"
    );
    assert!(email.contains("(OKR)"), "labelled in the email");
    // 西 at 50% is short either way; at a 45% line as an OKR dimension it is on track.
    assert_eq!(unit(&s, "region", "西")["status"], "short_board");
    let (s, ..) = review(Some(
        "okr_success = 0.45\n[dimensions.region]\nokr = true\n",
    ));
    assert_eq!(unit(&s, "region", "西")["status"], "on_track");
    assert_eq!(unit(&s, "region", "西")["okr"], true);
    // The configured line applies to the Type column's OKR too: 75% ≥ 45%.
    assert_eq!(unit(&s, "product", "新品")["status"], "on_track");
}
