use super::*;
use crate::testgrid::grid;
use rstest::rstest;

fn dict() -> HeaderDictionary {
    HeaderDictionary::new(&Config::default())
}

fn recognize(g: &SheetGrid) -> Result<Table, Unrecognized> {
    recognize_sheet(g, &dict(), &mut Diagnostics::default())
}

#[rstest]
#[case("订单号", Field::OrderId)]
#[case("Order ID", Field::OrderId)]
#[case("order_id", Field::OrderId)]
#[case("ORDER  id", Field::OrderId)]
#[case("金额（万元）", Field::Amount)]
#[case("金额(元)", Field::Amount)]
#[case("Amount (CNY)", Field::Amount)]
#[case("Sales", Field::Amount)]
#[case("Revenue", Field::Amount)]
#[case("成交金额", Field::Amount)]
#[case("客户名称", Field::Customer)]
#[case("Customer Name", Field::Customer)]
#[case("下单日期", Field::OrderDate)]
#[case("目标（万元）", Field::Target)]
#[case("Target [K]", Field::Target)]
#[case("ｔａｒｇｅｔ", Field::Target)]
#[case("产品线", Field::ProductClass)]
#[case("Category", Field::ProductClass)]
#[case("Row ID", Field::LineId)]
#[case("首单日期", Field::FirstOrderDate)]
#[case("回款金额", Field::Collected)]
fn headers_match_fields(#[case] header: &str, #[case] field: Field) {
    let (fields, _) = dict().lookup(header);
    assert!(fields.contains(&field), "{header:?} → {fields:?}");
}

#[rstest]
#[case("目标（万元）", Some("万元"))]
#[case("Target (CNY)", Some("CNY"))]
#[case("金额【千元】", Some("千元"))]
#[case("金额", None)]
fn units_split_off(#[case] header: &str, #[case] unit: Option<&str>) {
    assert_eq!(split_unit(header).1.as_deref(), unit);
}

#[test]
fn unknown_headers_match_nothing() {
    assert!(dict().lookup("Unit Price").0.is_empty());
    assert!(dict().lookup("单价").0.is_empty());
    assert!(dict().lookup("Customer ID").0.is_empty());
}

#[test]
fn config_adds_synonyms() {
    let mut cfg = Config::default();
    cfg.headers.insert(Field::Amount, vec!["Net Sales".into()]);
    let d = HeaderDictionary::new(&cfg);
    assert_eq!(d.lookup("net sales").0, [Field::Amount]);
}

#[test]
fn orders_below_title_rows_and_offset() {
    // Data starts at C3; the header is at row 5 (0-based 4) below a title and a blank row.
    let g = grid(
        "明细",
        2,
        2,
        &[
            &["一线城市 7月 订单明细", "", "", "", ""],
            &["", "", "", "", ""],
            &["订单号", "下单日期", "客户", "产品", "金额（万元）"],
            &["SO1", "2026-07-01", "甲", "门锁", "n:1.5"],
        ],
    );
    let t = recognize(&g).unwrap();
    assert_eq!(t.role, Role::Orders);
    assert_eq!(t.header_row, 4);
    let amount = t.column(Field::Amount).unwrap();
    assert_eq!(amount.col, 6);
    assert_eq!(amount.scale, Decimal::from(10_000));
}

#[test]
fn orders_win_over_masters_they_contain() {
    let g = grid(
        "s",
        0,
        0,
        &[&[
            "订单号",
            "日期",
            "客户",
            "产品",
            "金额",
            "产品类别",
            "销售员",
            "小组",
            "区域",
            "客户类型",
        ]],
    );
    assert_eq!(recognize(&g).unwrap().role, Role::Orders);
}

#[rstest]
#[case(&["产品名称", "产品类别"], Role::Products)]
#[case(&["销售员", "小组", "区域", "邮箱"], Role::People)]
#[case(&["客户名称", "首单日期", "等级"], Role::Customers)]
#[case(&["销售员", "周", "拜访", "线索"], Role::Activities)]
#[case(&["Salesperson", "Date", "Demos"], Role::Activities)]
#[case(&["维度", "单元", "目标"], Role::Targets)]
#[case(&["Dimension", "Unit", "Parent", "Target (CNY)"], Role::Targets)]
fn roles_from_headers(#[case] headers: &[&str], #[case] role: Role) {
    let g = grid("Sheet1", 0, 0, &[headers]);
    assert_eq!(recognize(&g).unwrap().role, role);
}

#[test]
fn sheet_named_after_dimension_needs_no_dimension_column() {
    let g = grid("个人", 0, 0, &[&["单元", "上级", "目标（元）"]]);
    let t = recognize(&g).unwrap();
    assert_eq!(t.role, Role::Targets);
    assert_eq!(t.implicit_dimension.as_deref(), Some("person"));
    // The same columns on a sheet with another name are not a role.
    assert!(recognize(&grid("Sheet1", 0, 0, &[&["单元", "上级", "目标"]])).is_err());
}

#[test]
fn header_beyond_row_20_is_not_found() {
    let mut rows: Vec<&[&str]> = vec![&["说明"]; 20];
    rows.push(&["产品名称", "产品类别"]);
    assert!(recognize(&grid("s", 0, 0, &rows)).is_err());
    rows.remove(0);
    assert_eq!(recognize(&grid("s", 0, 0, &rows)).unwrap().header_row, 19);
}

#[test]
fn near_miss_names_closest_role_and_missing_columns() {
    let g = grid(
        "orders",
        0,
        0,
        &[&["订单号", "日期", "客户", "产品", "数量"]],
    );
    let mut diags = Diagnostics::default();
    let u = recognize_sheet(&g, &dict(), &mut diags).unwrap_err();
    assert_eq!(u.closest_role, Some(Role::Orders));
    assert_eq!(u.missing, [Field::Amount]);
    assert_eq!(u.closest_row, Some(1));
    let d = &diags.items()[0];
    assert_eq!(d.code, Code::SheetUnrecognized);
    assert_eq!(d.severity, crate::diag::Severity::Warning);
    assert!(d.message.contains("金额 / Amount"), "{}", d.message);
}

#[test]
fn duplicate_field_column_warns_and_uses_first() {
    let g = grid(
        "s",
        0,
        0,
        &[&["订单号", "日期", "客户", "产品", "金额", "销售额"]],
    );
    let mut diags = Diagnostics::default();
    let t = recognize_sheet(&g, &dict(), &mut diags).unwrap();
    assert_eq!(t.column(Field::Amount).unwrap().col, 4);
    assert_eq!(diags.items()[0].code, Code::HeaderDuplicateField);
    assert_eq!(
        diags.items()[0].location,
        Some(Location::Cell(crate::diag::CellRef {
            file: FileId(0),
            sheet: SheetId(0),
            row: 0,
            col: 5
        }))
    );
}

#[test]
fn unknown_money_unit_warns() {
    let g = grid("s", 0, 0, &[&["产品名称", "产品类别"], &[]]);
    assert!(recognize(&g).is_ok());
    let g = grid(
        "s",
        0,
        0,
        &[&["订单号", "日期", "客户", "产品", "金额（美元）"]],
    );
    let mut diags = Diagnostics::default();
    let t = recognize_sheet(&g, &dict(), &mut diags).unwrap();
    assert_eq!(t.column(Field::Amount).unwrap().scale, Decimal::ONE);
    assert_eq!(diags.items()[0].code, Code::HeaderUnknownUnit);
}

#[test]
fn percent_header_marks_column() {
    let g = grid("s", 0, 0, &[&["维度", "单元", "目标", "占比(%)"]]);
    let t = recognize(&g).unwrap();
    assert!(t.column(Field::Share).unwrap().percent);
}
