//! Finds each sheet's header row and decides its role from the headers alone.
//!
//! In: [`SheetGrid`]s and the header synonyms of [`Config`]. Out: a [`Table`] per
//! recognised sheet (role, header row, which column holds which field and at
//! what scale), and [`Unrecognized`] entries naming the closest role and its
//! missing columns, so a user can fix a header. File names are never used.
//!
//! Header rule (contract §1): the header row is the first row within the first
//! 20 rows of a sheet that holds at least the required columns of a role.
//! Headers match case-insensitively, ignoring spaces, full-width/half-width
//! differences and a trailing unit in brackets (`目标（万元）`, `Target (CNY)`).

use crate::config::Config;
use crate::diag::{Code, Diagnostic, Diagnostics, FileId, Location, SheetId, Words};
use crate::i18n::{Key, Lang};
use crate::money::unit_scale;
use crate::read::{SheetGrid, cell_str};
use crate::text::{fold_width, match_key};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;

/// How many rows from the top of a sheet are searched for the header row.
pub const HEADER_SEARCH_ROWS: u32 = 20;

macro_rules! fields {
    ($( $(#[$doc:meta])* $variant:ident = $key:literal, $zh:literal, $en:literal, [$($syn:literal),* $(,)?]; )*) => {
        /// A column qbr understands. The key is what `qbr.toml` `[headers]` and messages use.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Field { $( $(#[$doc])* $variant, )* }

        impl Field {
            /// Every field.
            pub const ALL: &'static [Field] = &[ $( Field::$variant, )* ];
            /// The stable key, e.g. `order_date`.
            pub fn key(self) -> &'static str { match self { $( Field::$variant => $key, )* } }
            /// The Chinese column name shown to users.
            pub fn zh(self) -> &'static str { match self { $( Field::$variant => $zh, )* } }
            /// The English column name shown to users.
            pub fn en(self) -> &'static str { match self { $( Field::$variant => $en, )* } }
            /// Built-in header synonyms (Chinese and English).
            pub fn synonyms(self) -> &'static [&'static str] {
                match self { $( Field::$variant => &[$zh, $en, $($syn),*], )* }
            }
            /// The field with this key.
            pub fn from_key(key: &str) -> Option<Field> {
                match key { $( $key => Some(Field::$variant), )* _ => None }
            }
        }
    };
}

fields! {
    Period = "period", "期间", "Period", ["季度", "周期", "Quarter"];
    Dimension = "dimension", "维度", "Dimension", [];
    Unit = "unit", "单元", "Unit", ["名称", "项目", "目标单元", "Name", "Item"];
    Parent = "parent", "上级", "Parent", ["上级单元", "父级"];
    Measure = "measure", "指标", "Measure", ["KPI", "Metric"];
    Target = "target", "目标", "Target", ["目标值", "目标额", "基础目标", "Base Target"];
    Share = "share", "占比", "Share", ["比例"];
    Stretch = "stretch", "冲刺目标", "Stretch", ["Stretch Target"];
    Challenge = "challenge", "挑战目标", "Challenge", ["Challenge Target"];
    Owner = "owner", "负责人", "Owner", [];
    /// A free-text note on a target row (备注).
    Note = "note", "备注", "Note", ["说明", "Notes", "Comment"];
    /// Targets: the kind of target; `OKR` marks an objective with key results (success at 70%).
    Kind = "kind", "类型", "Type", ["目标类型", "Target Type", "Kind"];
    OrderId = "order_id", "订单号", "Order ID", ["单号", "订单编号", "Order No", "Order Number"];
    LineId = "line_id", "行号", "Line ID", ["明细行号", "Row ID", "Line No"];
    OrderDate = "order_date", "下单日期", "Order Date", ["日期", "成交日期", "订单日期", "Date"];
    Customer = "customer", "客户", "Customer", ["客户名称", "Customer Name"];
    Product = "product", "产品", "Product", ["产品名称", "商品", "商品名称", "Product Name"];
    Amount = "amount", "金额", "Amount", ["销售额", "成交金额", "销售金额", "Sales", "Revenue"];
    Quantity = "quantity", "数量", "Quantity", ["销量", "Qty"];
    Salesperson = "salesperson", "销售员", "Salesperson", ["销售", "销售人员", "业务员", "销售代表", "负责人", "姓名", "Rep", "Sales Rep"];
    CustomerType = "customer_type", "客户类型", "Customer Type", [];
    ProductClass = "product_class", "产品类别", "Product Class", ["产品线", "类别", "产品分类", "Product Line", "Category"];
    Region = "region", "区域", "Region", ["大区"];
    Group = "group", "小组", "Group", ["组别", "团队", "Team"];
    Collected = "collected", "回款", "Collected", ["回款金额", "回款额", "Collections"];
    /// People master: seniority such as `top` or `new` (职级).
    Level = "level", "职级", "Level", ["级别"];
    /// People master: monthly salary (月薪).
    Salary = "salary", "月薪", "Monthly Salary", ["Salary"];
    /// People master: email address (邮箱).
    Email = "email", "邮箱", "Email", ["电子邮箱", "E-mail", "Mail"];
    /// Customers master: date of the customer's first order ever (首单日期).
    FirstOrderDate = "first_order_date", "首单日期", "First Order Date", [];
    /// Customers master: tier (等级).
    Tier = "tier", "等级", "Tier", ["客户等级"];
    /// Activities: the week an activity row covers (周).
    Week = "week", "周", "Week", ["周次"];
    /// Activities: the day an activity row covers (日期).
    Date = "date", "日期", "Date", [];
    Visits = "visits", "拜访", "Visits", ["拜访量", "拜访次数"];
    Leads = "leads", "线索", "Leads", ["线索量", "线索数"];
    Opportunities = "opportunities", "商机", "Opportunities", ["商机数"];
    Demos = "demos", "演示", "Demos", ["方案演示", "演示次数"];
    Deals = "deals", "成交", "Deals", ["成交数", "成交单数"];
    /// Action plans: the action (行动).
    Action = "action", "行动", "Action", ["行动计划", "举措", "Initiative"];
    /// Action plans: first day (开始).
    Start = "start", "开始", "Start", ["开始日期", "Start Date"];
    /// Action plans: last day (结束).
    End = "end", "结束", "End", ["结束日期", "截止日期", "End Date"];
    /// Action plans: the target the action serves: a unit, or `dimension/unit` (服务目标).
    Serves = "serves", "服务目标", "Serves", ["对应目标", "Serves Target"];
    /// Action plans: the output the action should bring (预期产出).
    Expected = "expected", "预期产出", "Expected", ["预期", "Expected Output"];
    /// Action plans: the output it brought (实际产出); derived when absent.
    Output = "output", "实际产出", "Actual", ["Actual Output", "Output"];
    /// Action plans: the budget (预算).
    Budget = "budget", "预算", "Budget", ["预算金额"];
    /// Action plans: the money spent (实际花费).
    Spent = "spent", "实际花费", "Spent", ["花费", "实际支出", "Spend"];
    /// Action plans: the day the action finished (完成日期).
    Completed = "completed", "完成日期", "Completed", ["Finished", "Done"];
    /// Bottom-up proposals: who proposes (提议人).
    Proposer = "proposer", "提议人", "Proposer", ["建议人", "Proposed By"];
    /// Bottom-up proposals: why (理由).
    Rationale = "rationale", "理由", "Rationale", ["原因", "Reason"];
}

impl Field {
    /// Fields that hold money, scaled by a unit in their header (`金额（万元）`).
    pub fn is_money(self) -> bool {
        matches!(
            self,
            Field::Target
                | Field::Stretch
                | Field::Challenge
                | Field::Amount
                | Field::Collected
                | Field::Salary
                | Field::Budget
                | Field::Spent
        )
    }

    /// Both names, for messages: `金额 / Amount`.
    pub fn label(self) -> String {
        format!("{} / {}", self.zh(), self.en())
    }
}

impl Serialize for Field {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl<'de> serde::Deserialize<'de> for Field {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Field::from_key(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown field `{s}`")))
    }
}

/// What a sheet is for (contract §2).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 目标分解: one row per node of the target tree.
    Targets,
    /// 订单明细: one row per order line (the actuals).
    Orders,
    /// Products master: product → product class.
    Products,
    /// People master: salesperson → group → region.
    People,
    /// Customers master: first order date, tier.
    Customers,
    /// 过程指标: visits, leads, opportunities, demos, deals per person and week.
    Activities,
    /// 行动计划: actions that serve a target, with budget and expected output.
    ActionPlans,
    /// 一线建议目标: targets proposed bottom-up, with proposer and rationale.
    Proposals,
}

impl Role {
    /// Every role, in the order used to break ties.
    pub const ALL: &'static [Role] = &[
        Role::Targets,
        Role::Orders,
        Role::Products,
        Role::People,
        Role::Customers,
        Role::Activities,
        Role::ActionPlans,
        Role::Proposals,
    ];

    /// The stable key, as summary.json and manifest.json write it: `orders`, `action_plans`.
    pub fn key(self) -> &'static str {
        match self {
            Role::Targets => "targets",
            Role::Orders => "orders",
            Role::Products => "products",
            Role::People => "people",
            Role::Customers => "customers",
            Role::Activities => "activities",
            Role::ActionPlans => "action_plans",
            Role::Proposals => "proposals",
        }
    }

    /// The role's names for people: `订单明细 / Orders`.
    pub fn label(self) -> &'static str {
        match self {
            Role::Targets => "目标分解 / Targets",
            Role::Orders => "订单明细 / Orders",
            Role::Products => "产品主数据 / Products",
            Role::People => "人员主数据 / People",
            Role::Customers => "客户主数据 / Customers",
            Role::Activities => "过程指标 / Activities",
            Role::ActionPlans => "行动计划 / Action plans",
            Role::Proposals => "一线建议目标 / Bottom-up proposals",
        }
    }

    /// The Chinese half of [`Self::label`].
    pub fn zh(self) -> &'static str {
        let label = self.label();
        label.split(" / ").next().unwrap_or(label)
    }

    /// Requirements: every inner list needs at least one of its fields.
    fn requirements(self, implicit_dimension: bool) -> Vec<&'static [Field]> {
        use Field::*;
        match self {
            Role::Targets => {
                let mut r: Vec<&'static [Field]> = vec![&[Unit], &[Target]];
                if !implicit_dimension {
                    r.insert(0, &[Dimension]);
                }
                r
            }
            Role::Orders => vec![&[OrderId], &[OrderDate], &[Customer], &[Product], &[Amount]],
            Role::Products => vec![&[Product], &[ProductClass]],
            Role::People => vec![&[Salesperson], &[Group], &[Region]],
            Role::Customers => vec![&[Customer], &[FirstOrderDate, Tier, CustomerType]],
            Role::Activities => vec![
                &[Salesperson],
                &[Week, Date],
                &[Visits, Leads, Opportunities, Demos, Deals],
            ],
            Role::ActionPlans => vec![&[Action], &[Serves], &[Expected]],
            Role::Proposals => {
                let mut r = Role::Targets.requirements(implicit_dimension);
                r.push(&[Proposer]);
                r
            }
        }
    }

    /// The fields a sheet of this role may carry.
    pub fn fields(self) -> &'static [Field] {
        use Field::*;
        match self {
            Role::Targets => &[
                Period, Dimension, Unit, Parent, Measure, Target, Share, Stretch, Challenge, Owner,
                Note, Kind,
            ],
            Role::Orders => &[
                OrderId,
                LineId,
                OrderDate,
                Customer,
                Product,
                Amount,
                Quantity,
                Salesperson,
                CustomerType,
                ProductClass,
                Region,
                Group,
                Collected,
            ],
            Role::Products => &[Product, ProductClass],
            Role::People => &[Salesperson, Group, Region, Level, Salary, Email],
            Role::Customers => &[Customer, FirstOrderDate, Tier, CustomerType],
            Role::Activities => &[
                Salesperson,
                Week,
                Date,
                Visits,
                Leads,
                Opportunities,
                Demos,
                Deals,
            ],
            Role::ActionPlans => &[
                Action, Owner, Start, End, Serves, Measure, Expected, Output, Budget, Spent,
                Completed,
            ],
            Role::Proposals => &[
                Period, Dimension, Unit, Parent, Measure, Target, Share, Stretch, Challenge, Owner,
                Note, Kind, Proposer, Rationale,
            ],
        }
    }
}

/// Where a field sits in a recognised sheet.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ColumnMap {
    pub field: Field,
    /// Absolute 0-based column.
    pub col: u32,
    /// The header text as written.
    pub header: String,
    /// Multiplier from the header's unit (`万元` = 10,000); 1 when none.
    pub scale: Decimal,
    /// The header's unit says `%`: plain numbers are percentages.
    pub percent: bool,
}

/// A recognised sheet: its role and column map.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Table {
    pub file: FileId,
    pub sheet: SheetId,
    pub role: Role,
    /// Absolute 0-based header row.
    pub header_row: u32,
    pub columns: Vec<ColumnMap>,
    /// For Targets sheets named after a dimension (`个人`) that omit the Dimension column.
    pub implicit_dimension: Option<String>,
    /// Columns of custom dimensions (`qbr.toml` `[dimensions.<name>] column`) this sheet carries.
    pub custom_columns: Vec<CustomColumn>,
    /// How many custom dimensions are declared: the length of a record's custom values.
    pub custom_slots: usize,
}

/// Where a custom dimension's column sits in a recognised sheet.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct CustomColumn {
    /// Index into `Config::custom_dimensions`.
    pub dimension: usize,
    /// Absolute 0-based column.
    pub col: u32,
    /// The header text as written.
    pub header: String,
}

impl Table {
    /// The column of a field, when the sheet has it.
    pub fn column(&self, field: Field) -> Option<&ColumnMap> {
        self.columns.iter().find(|c| c.field == field)
    }
}

/// A sheet that matches no role, with the nearest miss.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Unrecognized {
    pub file: FileId,
    pub sheet: SheetId,
    pub closest_role: Option<Role>,
    /// 1-based row of the nearest miss.
    pub closest_row: Option<u32>,
    pub missing: Vec<Field>,
}

/// Header synonyms resolved once: built-ins plus `qbr.toml` `[headers]`.
#[derive(Debug, Clone)]
pub struct HeaderDictionary {
    by_key: HashMap<String, Vec<Field>>,
    /// Custom dimension columns: header key → (dimension index, role whose sheets carry it).
    custom_columns: HashMap<String, Vec<(usize, Role)>>,
    /// Custom dimension names a Targets sheet may be named after → the name to parse.
    custom_names: HashMap<String, String>,
    custom_slots: usize,
}

impl HeaderDictionary {
    /// Builds the dictionary from the built-in synonyms and the configuration's extras.
    pub fn new(config: &Config) -> Self {
        let mut by_key: HashMap<String, Vec<Field>> = HashMap::new();
        let mut add = |name: &str, field: Field| {
            let list = by_key.entry(match_key(name)).or_default();
            if !list.contains(&field) {
                list.push(field);
            }
        };
        for &field in Field::ALL {
            for syn in field.synonyms() {
                add(syn, field);
            }
        }
        for (field, names) in &config.headers {
            for name in names {
                add(name, *field);
            }
        }
        let mut custom_columns: HashMap<String, Vec<(usize, Role)>> = HashMap::new();
        let mut custom_names = HashMap::new();
        for (i, c) in config.custom_dimensions.iter().enumerate() {
            for column in &c.columns {
                custom_columns
                    .entry(match_key(column))
                    .or_default()
                    .push((i, c.source));
            }
            for name in &c.names {
                custom_names.insert(match_key(name), c.dimension.key.clone());
            }
        }
        HeaderDictionary {
            by_key,
            custom_columns,
            custom_names,
            custom_slots: config.custom_dimensions.len(),
        }
    }

    /// The custom dimensions whose column a header of a `role` sheet is.
    fn custom_columns(&self, header: &str, role: Role) -> impl Iterator<Item = usize> + '_ {
        let (base, _) = split_unit(header);
        self.custom_columns
            .get(&match_key(&base))
            .into_iter()
            .flatten()
            .filter(move |(_, r)| *r == role)
            .map(|(i, _)| *i)
    }

    /// The declared dimension a sheet name names, for Targets sheets that omit the Dimension column.
    fn custom_dimension_named(&self, sheet: &str) -> Option<String> {
        self.custom_names.get(&match_key(sheet)).cloned()
    }

    /// The fields a header text may mean, and the unit in its trailing brackets.
    pub fn lookup(&self, header: &str) -> (Vec<Field>, Option<String>) {
        let (base, unit) = split_unit(header);
        let fields = self
            .by_key
            .get(&match_key(&base))
            .cloned()
            .unwrap_or_default();
        if fields.is_empty() && unit.is_some() {
            // A header whose brackets are part of its name.
            let whole = self
                .by_key
                .get(&match_key(header))
                .cloned()
                .unwrap_or_default();
            if !whole.is_empty() {
                return (whole, None);
            }
        }
        (fields, unit)
    }
}

/// Splits `目标（万元）` into (`目标`, `万元`) and `Target [CNY]` into (`Target`, `CNY`).
///
/// ```
/// use qbr::recognize::split_unit;
/// assert_eq!(split_unit("目标（万元）"), ("目标".to_string(), Some("万元".to_string())));
/// assert_eq!(split_unit("Amount"), ("Amount".to_string(), None));
/// ```
pub fn split_unit(header: &str) -> (String, Option<String>) {
    let folded = fold_width(header);
    let t = folded.trim();
    for (open, close) in [('(', ')'), ('[', ']'), ('【', '】')] {
        if t.ends_with(close)
            && let Some(i) = t.rfind(open)
        {
            let base = t[..i].trim();
            let unit = t[i + open.len_utf8()..t.len() - close.len_utf8()].trim();
            if !base.is_empty() {
                return (base.to_string(), Some(unit.to_string()));
            }
        }
    }
    (t.to_string(), None)
}

/// Count units that carry no scale and need no warning.
fn is_count_unit(unit: &str) -> bool {
    matches!(
        unit.to_lowercase().as_str(),
        "个" | "件" | "次" | "人" | "家" | "单" | "台" | "套" | "pcs" | "units" | "count" | "#"
    )
}

/// The built-in names of each dimension, for Targets sheets named after one.
pub fn dimension_from_sheet_name(name: &str) -> Option<String> {
    let key = match_key(name);
    crate::records::Dimension::parse(&key)
        .filter(|d| !matches!(d, crate::records::Dimension::Other(_)))
        .map(|d| d.key().to_string())
}

/// One candidate header row's matches.
struct RowMatch {
    /// (field, col, header text, unit)
    cells: Vec<(Vec<Field>, u32, String, Option<String>)>,
    /// Roles whose custom dimension column is in the row.
    custom_roles: Vec<Role>,
}

fn row_match(grid: &SheetGrid, row: u32, dict: &HeaderDictionary) -> RowMatch {
    let mut cells = Vec::new();
    let mut custom_roles = Vec::new();
    for col in grid.col_start()..grid.col_end() {
        if let Some(s) = cell_str(grid.cell(row, col)) {
            let (fields, unit) = dict.lookup(s);
            if !fields.is_empty() {
                cells.push((fields, col, s.trim().to_string(), unit));
            }
            for role in [Role::Customers, Role::Products] {
                if dict.custom_columns(s, role).next().is_some() {
                    custom_roles.push(role);
                }
            }
        }
    }
    RowMatch {
        cells,
        custom_roles,
    }
}

impl RowMatch {
    fn has(&self, role: Role, field: Field) -> bool {
        role.fields().contains(&field) && self.cells.iter().any(|(f, ..)| f.contains(&field))
    }

    /// (requirements met, requirements total, optional fields matched, missing fields)
    fn score(&self, role: Role, implicit_dimension: bool) -> (usize, usize, usize, Vec<Field>) {
        let reqs = role.requirements(implicit_dimension);
        let mut met = 0;
        let mut missing = Vec::new();
        for (i, alternatives) in reqs.iter().enumerate() {
            // A customers or products master may carry only its key and a
            // custom dimension's column (客户, 行业).
            let custom = i > 0 && self.custom_roles.contains(&role);
            if custom || alternatives.iter().any(|f| self.has(role, *f)) {
                met += 1;
            } else {
                missing.push(alternatives[0]);
            }
        }
        let matched = role.fields().iter().filter(|f| self.has(role, **f)).count();
        (met, reqs.len(), matched, missing)
    }
}

/// Recognises every sheet of a workbook. Unrecognised sheets are returned
/// separately and reported as `sheet.unrecognized` warnings when they hold data.
pub fn recognize_sheets(
    grids: &[SheetGrid],
    dict: &HeaderDictionary,
    diags: &mut Diagnostics,
) -> (Vec<Table>, Vec<Unrecognized>) {
    let mut tables = Vec::new();
    let mut unrecognized = Vec::new();
    for grid in grids {
        match recognize_sheet(grid, dict, diags) {
            Ok(t) => tables.push(t),
            Err(u) => unrecognized.push(u),
        }
    }
    (tables, unrecognized)
}

/// Recognises one sheet: its header row, role and column map.
///
/// # Errors
/// The nearest miss, when no row in the first [`HEADER_SEARCH_ROWS`] rows holds
/// a role's required columns.
pub fn recognize_sheet(
    grid: &SheetGrid,
    dict: &HeaderDictionary,
    diags: &mut Diagnostics,
) -> Result<Table, Unrecognized> {
    let implicit =
        dimension_from_sheet_name(&grid.name).or_else(|| dict.custom_dimension_named(&grid.name));
    let last = grid.row_end().min(HEADER_SEARCH_ROWS);
    // (met, total, matched, role, row, missing)
    let mut best: Option<(usize, usize, usize, Role, u32, Vec<Field>)> = None;
    for row in grid.row_start()..last {
        let m = row_match(grid, row, dict);
        if m.cells.is_empty() {
            continue;
        }
        let mut complete: Option<(usize, usize, Role)> = None;
        for &role in Role::ALL {
            let implicit_dim =
                matches!(role, Role::Targets | Role::Proposals) && implicit.is_some();
            let (met, total, matched, missing) = m.score(role, implicit_dim);
            if met == total {
                let key = (total, matched, role);
                if complete.is_none_or(|(t, mm, _)| (total, matched) > (t, mm)) {
                    complete = Some(key);
                }
            } else if met > 0 {
                let ratio_better = best.as_ref().is_none_or(|(bm, bt, bmatched, ..)| {
                    (met * *bt, matched) > (*bm * total, *bmatched)
                });
                if ratio_better {
                    best = Some((met, total, matched, role, row, missing));
                }
            }
        }
        if let Some((_, _, role)) = complete {
            let implicit_dimension = if matches!(role, Role::Targets | Role::Proposals)
                && !m.has(role, Field::Dimension)
            {
                implicit.clone()
            } else {
                None
            };
            return Ok(build_table(
                grid,
                row,
                role,
                m,
                implicit_dimension,
                dict,
                diags,
            ));
        }
    }
    let (closest_role, closest_row, missing) = match best {
        Some((_, _, _, role, row, missing)) => (Some(role), Some(row + 1), missing),
        None => (None, None, Vec::new()),
    };
    let u = Unrecognized {
        file: grid.file,
        sheet: grid.sheet,
        closest_role,
        closest_row,
        missing,
    };
    if grid.cell_count() > 0 {
        diags.push(unrecognized_diagnostic(&u));
    }
    Err(u)
}

fn unrecognized_diagnostic(u: &Unrecognized) -> Diagnostic {
    let loc = Some(Location::Sheet(u.file, u.sheet));
    match u.closest_role {
        Some(role) => {
            let missing_en: Vec<String> = u.missing.iter().map(|f| f.label()).collect();
            let missing_zh: Vec<String> = u.missing.iter().map(|f| f.zh().to_string()).collect();
            let (rows, at) = (
                HEADER_SEARCH_ROWS.to_string(),
                u.closest_row.unwrap_or(0).to_string(),
            );
            Diagnostic::worded(
                Code::SheetUnrecognized,
                loc,
                Words::each(
                    Key::FdNoHeaderRow,
                    &[&rows, role.label(), &at, &missing_en.join(", ")],
                    &[&rows, role.zh(), &at, &Lang::Zh.join(&missing_zh)],
                ),
            )
            .advise(Key::FhRenameHeaders)
        }
        None => {
            // Notes, instructions and pivot sheets: worth a note, not a warning.
            let mut d = Diagnostic::said(
                Code::SheetUnrecognized,
                loc,
                Key::FdNoKnownHeaders,
                &[&HEADER_SEARCH_ROWS.to_string()],
            );
            d.severity = crate::diag::Severity::Info;
            d
        }
    }
}

fn build_table(
    grid: &SheetGrid,
    row: u32,
    role: Role,
    m: RowMatch,
    implicit_dimension: Option<String>,
    dict: &HeaderDictionary,
    diags: &mut Diagnostics,
) -> Table {
    let mut custom_columns: Vec<CustomColumn> = Vec::new();
    for col in grid.col_start()..grid.col_end() {
        if let Some(s) = cell_str(grid.cell(row, col)) {
            for dimension in dict.custom_columns(s, role) {
                if !custom_columns.iter().any(|c| c.dimension == dimension) {
                    custom_columns.push(CustomColumn {
                        dimension,
                        col,
                        header: s.trim().to_string(),
                    });
                }
            }
        }
    }
    let mut columns: Vec<ColumnMap> = Vec::new();
    for (fields, col, header, unit) in m.cells {
        // A header that means several fields takes the one this role knows first.
        let Some(&field) = fields.iter().find(|f| role.fields().contains(f)) else {
            continue;
        };
        let cell = crate::diag::CellRef {
            file: grid.file,
            sheet: grid.sheet,
            row,
            col: col as u16,
        };
        if let Some(first) = columns.iter().find(|c| c.field == field) {
            diags.push({
                let used = crate::diag::column_name(first.col as u16);
                Diagnostic::worded(
                    Code::HeaderDuplicateField,
                    Some(cell.into()),
                    Words::each(
                        Key::FdHeaderTwice,
                        &[&header, &field.label(), &used],
                        &[&header, field.zh(), &used],
                    ),
                )
                .advise(Key::FhRenameOrDelete)
            });
            continue;
        }
        let (mut scale, mut percent) = (Decimal::ONE, false);
        if let Some(u) = unit.as_deref() {
            if u == "%" || u == "％" {
                percent = true;
            } else if let Some(s) = unit_scale(u) {
                scale = s;
            } else if field.is_money() && !is_count_unit(u) {
                diags.push(
                    Diagnostic::said(
                        Code::HeaderUnknownUnit,
                        Some(cell.into()),
                        Key::FdHeaderUnit,
                        &[&header, u],
                    )
                    .advise(Key::FhKnownUnits),
                );
            }
        }
        columns.push(ColumnMap {
            field,
            col,
            header,
            scale,
            percent,
        });
    }
    columns.sort_by_key(|c| c.col);
    Table {
        file: grid.file,
        sheet: grid.sheet,
        role,
        header_row: row,
        columns,
        implicit_dimension,
        custom_columns,
        custom_slots: dict.custom_slots,
    }
}

#[cfg(test)]
mod tests;
