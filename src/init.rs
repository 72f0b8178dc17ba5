//! `qbr init DIR`: blank workbooks for teams that do not keep them yet.
//!
//! Targets, Orders, the master data (Products, People, Customers) and
//! Activities, each with the headers qbr recognises in the user's language,
//! drop-down lists where a column takes known values, example rows in grey
//! above the header (marked as examples, never read), an instruction sheet,
//! and a `qbr.toml` listing every setting with its default, commented out.
//! `qbr check` accepts the folder as written (it holds no data yet) and once
//! the rows are filled in.

use crate::analyze::DIMENSION_ORDER;
use crate::error::Error;
use crate::i18n::{Key, Lang};
use crate::recognize::{Field, Role};
use crate::records::Measure as M;
use crate::render::targets::{dimension_cell, measure_cell};
use crate::sample::sheet::{Cell, SheetSpec, write_workbook};
use chrono::NaiveDate;
use std::path::Path;

fn header(f: Field, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => f.zh(),
        Lang::En => f.en(),
    }
}

fn sheet(name: &str, fields: &[Field], lang: Lang) -> SheetSpec {
    let headers: Vec<&str> = fields.iter().map(|f| header(*f, lang)).collect();
    let mut s = SheetSpec::new(name, &headers);
    s.examples_label = lang.t(Key::InitExamples).to_string();
    s
}

fn col(fields: &[Field], f: Field) -> u16 {
    fields.iter().position(|x| *x == f).unwrap_or(0) as u16
}

fn date(y: i32, m: u32, d: u32) -> Cell {
    Cell::Date(NaiveDate::from_ymd_opt(y, m, d).expect("a valid example date"))
}

/// Every template: (path relative to the folder, its sheets).
pub fn templates(lang: Lang) -> Vec<(String, Vec<SheetSpec>)> {
    use Field::*;
    let zh = lang == Lang::Zh;
    let t = |zh_text: &'static str, en_text: &'static str| if zh { zh_text } else { en_text };
    let text = |s: &str| Cell::Text(s.to_string());

    // Targets.
    let fields = Role::Targets.fields();
    let mut targets = sheet(lang.t(Key::TargetsSheet), fields, lang).with_title(&[
        t("目标分解表：每行是目标树的一个节点", "Target decomposition: one row per node of the target tree"),
        t("金额单位：元；子单元之和等于上级；上级留空表示从总计拆分", "Money in yuan; children add up to their parent; a blank parent means split from the total"),
    ]);
    let d = |dim: &crate::records::Dimension| text(&dimension_cell(dim, lang));
    let m = |measure: &M| text(&measure_cell(measure, lang));
    use crate::records::Dimension as D;
    targets.examples = vec![
        vec![
            text("2026Q4"),
            d(&D::Total),
            text(t("公司", "Company")),
            Cell::Empty,
            m(&M::Sales),
            12_000_000.into(),
            Cell::Empty,
            13_200_000.into(),
            14_400_000.into(),
            text(t("王总", "CEO")),
            Cell::Empty,
        ],
        vec![
            text("2026Q4"),
            d(&D::Customer),
            text(t("新客户", "new")),
            Cell::Empty,
            m(&M::Sales),
            4_800_000.into(),
            text("40%"),
            Cell::Empty,
            Cell::Empty,
            text(t("市场部", "Marketing")),
            Cell::Empty,
        ],
        vec![
            text("2026Q4"),
            d(&D::Region),
            text(t("华东", "East")),
            Cell::Empty,
            m(&M::Sales),
            7_200_000.into(),
            text("60%"),
            Cell::Empty,
            Cell::Empty,
            text(t("李经理", "Regional manager")),
            Cell::Empty,
        ],
        vec![
            text("2026Q4"),
            d(&D::Group),
            text(t("一组", "Team 1")),
            text(t("华东", "East")),
            m(&M::Sales),
            3_600_000.into(),
            text("50%"),
            Cell::Empty,
            Cell::Empty,
            text(t("张组长", "Team lead")),
            Cell::Empty,
        ],
        vec![
            text("2026Q4"),
            d(&D::Person),
            text(t("张三", "Alice")),
            text(t("一组", "Team 1")),
            m(&M::Sales),
            1_200_000.into(),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            text(t("张三", "Alice")),
            Cell::Empty,
        ],
        vec![
            text("2026Q4"),
            d(&D::Month),
            text("2026-10"),
            Cell::Empty,
            m(&M::Sales),
            3_800_000.into(),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            text(t("王总", "CEO")),
            Cell::Empty,
        ],
    ];
    targets.lists = vec![
        (
            col(fields, Dimension),
            DIMENSION_ORDER
                .iter()
                .map(|x| dimension_cell(x, lang))
                .collect(),
        ),
        (
            col(fields, Measure),
            M::CATALOGUE
                .iter()
                .map(|(x, ..)| measure_cell(x, lang))
                .collect(),
        ),
    ];
    let instructions = SheetSpec::new(lang.t(Key::InitInstructions), &[]).with_title(&[
        t("qbr 模板使用说明", "How to use the qbr templates"),
        t("1. 目标/：填写本季度的目标分解（每行一个单元）。维度和指标可从下拉列表选择。", "1. targets/: fill in the quarter's target tree, one unit per row. Pick dimension and measure from the drop-down lists."),
        t("2. 订单/：放入 CRM/ERP 导出的订单明细，可以有多个文件；表头与模板相同或是其同义词即可。", "2. orders/: drop the CRM/ERP order exports here, as many files as you like; headers as in the template or a synonym."),
        t("3. 主数据/：产品→产品类别，销售员→小组→区域（职级、月薪、邮箱可选），客户首单日期可选。", "3. masters/: product → class, salesperson → group → region (level, salary, email optional), customers' first order dates optional."),
        t("4. 过程指标/：每周每人的拜访、线索、商机、演示、成交。", "4. activities/: visits, leads, opportunities, demos and deals per person and week."),
        t("5. 行动计划（可选，目标工作簿第三页）：每项行动服务哪个目标、预算、预期产出；实际产出可留空，由订单和过程指标推算。", "5. Action plans (optional, third sheet of the targets workbook): the target each action serves, its budget and expected output; leave Actual blank to have it derived from orders and activities."),
        t("灰色斜体的示例行位于表头上方，qbr 不会读取；请在表头下方填写。", "The grey italic example rows sit above the header and are never read; fill in below the header."),
        t("然后运行：qbr check 本文件夹，再运行 qbr review 本文件夹 --out 输出文件夹", "Then run: qbr check THIS-FOLDER, and qbr review THIS-FOLDER --out OUT"),
        t("qbr.toml 列出了全部设置及其默认值（已注释）。", "qbr.toml lists every setting with its default, commented out."),
    ]);

    // Orders.
    let fields = [
        OrderId,
        LineId,
        OrderDate,
        Customer,
        Product,
        Amount,
        Quantity,
        Salesperson,
        CustomerType,
    ];
    let mut orders = sheet(t("订单明细", "Orders"), &fields, lang);
    orders.examples = vec![
        vec![
            text("SO-2026-0001"),
            1.into(),
            date(2026, 10, 8),
            text(t("上海某科技有限公司", "Acme Ltd")),
            text(t("智能门锁", "Smart lock")),
            4_800.into(),
            2.into(),
            text(t("张三", "Alice")),
            text(t("新客户", "new")),
        ],
        vec![
            text("SO-2026-0001"),
            2.into(),
            date(2026, 10, 8),
            text(t("上海某科技有限公司", "Acme Ltd")),
            text(t("摄像头", "Camera")),
            1_200.into(),
            4.into(),
            text(t("张三", "Alice")),
            text(t("新客户", "new")),
        ],
    ];
    let lifecycle: Vec<String> = if zh {
        ["新客户", "老客户", "流失客户"].map(String::from).to_vec()
    } else {
        ["new", "returning", "churned"].map(String::from).to_vec()
    };
    orders.lists = vec![(col(&fields, CustomerType), lifecycle)];

    // Master data.
    let fields = Role::Products.fields();
    let mut products = sheet(t("产品", "Products"), fields, lang);
    products.examples = vec![vec![
        text(t("智能门锁", "Smart lock")),
        text(t("核心产品", "core")),
    ]];
    products.lists = vec![(
        col(fields, ProductClass),
        if zh {
            ["核心产品", "新品", "长尾产品"].map(String::from).to_vec()
        } else {
            ["core", "new", "long_tail"].map(String::from).to_vec()
        },
    )];
    let fields = Role::People.fields();
    let mut people = sheet(t("人员", "People"), fields, lang);
    people.examples = vec![vec![
        text(t("张三", "Alice")),
        text(t("一组", "Team 1")),
        text(t("华东", "East")),
        text("top"),
        20_000.into(),
        text("zhangsan@example.com"),
    ]];
    people.lists = vec![(
        col(fields, Level),
        ["top", "regular", "new"].map(String::from).to_vec(),
    )];
    let fields = [Customer, FirstOrderDate, Tier];
    let mut customers = sheet(t("客户", "Customers"), &fields, lang);
    customers.examples = vec![vec![
        text(t("上海某科技有限公司", "Acme Ltd")),
        date(2025, 3, 18),
        text("A"),
    ]];

    // Activities.
    let fields = [
        Salesperson,
        Date,
        Visits,
        Leads,
        Opportunities,
        Demos,
        Deals,
    ];
    let mut activities = sheet(t("过程指标", "Activities"), &fields, lang);
    activities.examples = vec![vec![
        text(t("张三", "Alice")),
        date(2026, 10, 5),
        12.into(),
        6.into(),
        3.into(),
        2.into(),
        1.into(),
    ]];

    // Action plans: what each sub-target's actions cost and should bring.
    let fields = Role::ActionPlans.fields();
    let mut actions = sheet(t("行动计划", "Action plans"), fields, lang);
    actions.examples = vec![vec![
        text(t("线上广告投放", "Online ads")),
        text(t("市场部", "Marketing")),
        date(2026, 10, 1),
        date(2026, 12, 31),
        text(t("新客户", "new")),
        text(&measure_cell(&M::NewCustomers, lang)),
        400.into(),
        Cell::Empty,
        500_000.into(),
        Cell::Empty,
        Cell::Empty,
    ]];

    let p = |zh_path: &'static str, en_path: &'static str| t(zh_path, en_path).to_string();
    vec![
        (
            p("目标/目标分解.xlsx", "targets/targets.xlsx"),
            vec![instructions, targets, actions],
        ),
        (p("订单/订单明细.xlsx", "orders/orders.xlsx"), vec![orders]),
        (
            p("主数据/主数据.xlsx", "masters/masters.xlsx"),
            vec![products, people, customers],
        ),
        (
            p("过程指标/过程指标.xlsx", "activities/activities.xlsx"),
            vec![activities],
        ),
    ]
}

/// `qbr.toml` with every setting and its default, commented out.
pub fn config_template(lang: Lang) -> String {
    let c = crate::config::Config::default();
    let head = match lang {
        Lang::Zh => "# qbr 设置：去掉 # 即可生效；说明见 docs/config.md",
        Lang::En => "# qbr settings: remove the # to use one; see docs/config.md",
    };
    format!(
        "{head}\n\
         # period = \"2026Q4\"\n\
         # churn_quarters = {}\n\
         # sum_tolerance = {}\n\
         # max_growth = {}\n\
         # fair_share_tolerance = {}\n\
         # new_customer_tolerance = {}\n\
         # short_board_below = {}\n\
         # excellent_at = {}\n\
         # pace_warning = {}\n\
         # annual_growth = {}\n\
         # share_mismatch = {}\n\
         # lever_ratio = {}\n\
         # drag_share = {}\n\
         # okr_success = {}\n\
         # proposal_weight = {}\n\
         # allowed_domains = [\"example.com\"]\n\
         #\n\
         # [level_weights]\n\
         # top = 1.4\n\
         # regular = 1.2\n\
         # new = 1.0\n\
         #\n\
         # [headers]\n\
         # amount = [\"Net Sales\"]\n\
         #\n\
         # [recipients]\n\
         # \"*\" = [\"ceo@example.com\"]\n\
         #\n\
         # [email]\n\
         # from = \"Sales Ops <ops@example.com>\"\n\
         # smtp_host = \"smtp.example.com\"\n\
         #\n\
         # [dimensions.industry]\n\
         # column = \"行业\"\n\
         # master = \"customers\"\n",
        c.churn_quarters,
        c.sum_tolerance,
        c.max_growth,
        c.fair_share_tolerance,
        c.new_customer_tolerance,
        c.short_board_below,
        c.excellent_at,
        c.pace_warning,
        c.annual_growth,
        c.share_mismatch,
        c.lever_ratio,
        c.drag_share,
        c.okr_success,
        c.proposal_weight,
    )
}

/// Writes the templates and `qbr.toml` into `dir` (created; must be empty or
/// absent, so nothing of the user's is overwritten). Returns the files written.
///
/// # Errors
/// [`Error::Write`] when `dir` holds files or cannot be written.
pub fn write_templates(dir: &Path, lang: Lang) -> Result<Vec<String>, Error> {
    crate::output::ensure_empty_or_absent(dir, "a template set")?;
    let mut written = Vec::new();
    for (rel, sheets) in templates(lang) {
        write_workbook(&dir.join(&rel), &sheets, &rel)?;
        written.push(rel);
    }
    let toml = dir.join("qbr.toml");
    std::fs::write(&toml, config_template(lang)).map_err(|source| Error::Write {
        path: toml.clone(),
        source,
    })?;
    written.push("qbr.toml".into());
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_template_parses_with_every_line_uncommented_but_tables() {
        let text: String = config_template(Lang::En)
            .lines()
            .skip(1)
            .take_while(|l| !l.starts_with("# allowed"))
            .map(|l| l.trim_start_matches("# ").to_string() + "\n")
            .collect();
        assert_eq!(
            crate::config::Config::parse(&text).unwrap().excellent_at,
            crate::config::Config::default().excellent_at
        );
    }
}
