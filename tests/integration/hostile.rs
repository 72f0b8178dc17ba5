//! Hostile names — formulas and markup as region, group, person, customer and
//! product names — in every output of a review: never a formula cell, never
//! live markup.

use crate::support::{check_inbox, inbox, write_review};
use qbr::sample::sheet::SheetSpec;
use std::io::Read;

const REGION: &str = "=HYPERLINK(\"http://evil.test\",\"r\")";
const GROUP: &str = "+cmd|'/C calc'!A0";
const PERSON: &str = "<script>alert(1)</script>";
const CUSTOMER: &str = "@SUM(1+1)*cmd|' /C calc'!A0";
const PRODUCT: &str = "-2+3+cmd|' /C notepad'!'A1'";

fn hostile_inbox() -> tempfile::TempDir {
    let mut t = SheetSpec::new("目标", &["期间", "维度", "单元", "上级", "目标", "负责人"]);
    for (d, u, p, v) in [
        ("总计", "公司", "", 1000),
        ("区域", REGION, "", 1000),
        ("小组", GROUP, REGION, 1000),
        ("个人", PERSON, GROUP, 1000),
    ] {
        t.row(vec![
            "2026Q3".into(),
            d.into(),
            u.into(),
            p.into(),
            v.into(),
            PERSON.into(),
        ]);
    }
    let mut people = SheetSpec::new("人员", &["销售员", "小组", "区域", "月薪", "邮箱"]);
    people.row(vec![
        PERSON.into(),
        GROUP.into(),
        REGION.into(),
        5000.into(),
        "p@example.com".into(),
    ]);
    let mut products = SheetSpec::new("产品", &["产品", "产品类别"]);
    products.row(vec![PRODUCT.into(), "核心产品".into()]);
    let mut o = SheetSpec::new(
        "明细",
        &["订单号", "日期", "客户", "产品", "金额", "销售员"],
    );
    o.row(vec![
        "S1".into(),
        "2026-07-01".into(),
        CUSTOMER.into(),
        PRODUCT.into(),
        700.into(),
        PERSON.into(),
    ]);
    inbox(&[
        ("目标.xlsx", vec![t, people, products]),
        ("订单.xlsx", vec![o]),
    ])
}

#[test]
fn hostile_names_stay_text_in_every_output() {
    let dir = hostile_inbox();
    let checked = check_inbox(dir.path(), None);
    let (_out, _, written) = write_review(
        &checked,
        &qbr::ReviewOptions {
            split_by: Some(qbr::split::SplitBy::Person),
            ..Default::default()
        },
    );
    let escaped = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let (mut workbooks, mut pages) = (0, 0);
    for e in walkdir::WalkDir::new(&written.dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = e.path();
        let name = path.to_string_lossy().to_string();
        if name.ends_with(".xlsx") {
            workbooks += 1;
            let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
            let mut formulas = String::new();
            let mut strings = String::new();
            for i in 0..zip.len() {
                let mut f = zip.by_index(i).unwrap();
                let mut xml = String::new();
                if f.read_to_string(&mut xml).is_err() {
                    continue;
                }
                for part in xml.split("<f>").skip(1) {
                    formulas.push_str(part.split("</f>").next().unwrap_or(""));
                    formulas.push('\n');
                }
                strings.push_str(&xml);
            }
            for hostile in [REGION, GROUP, PERSON, CUSTOMER, PRODUCT] {
                let x = escaped(hostile);
                assert!(
                    !formulas.contains(hostile) && !formulas.contains(&x),
                    "{name}: {hostile} in a formula"
                );
            }
            // The names that every workbook shows are there, as text.
            assert!(
                strings.contains(&escaped(PERSON)),
                "{name} lacks the person's name"
            );
        } else if name.ends_with(".html") {
            pages += 1;
            let html = std::fs::read_to_string(path).unwrap();
            assert!(!html.contains(PERSON), "{name}: live <script>");
            assert!(
                html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
                "{name} shows the name as text"
            );
            assert!(!html.to_lowercase().contains("<script"), "{name}");
        }
    }
    // review, targets, incentives and the person's workbook; two pages each level.
    assert!(
        workbooks >= 4 && pages >= 4,
        "{workbooks} workbooks, {pages} pages"
    );
}
