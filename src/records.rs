//! Turns recognised tables into typed records that remember their cells.
//!
//! In: [`Table`]s over [`SheetGrid`]s. Out: a [`Dataset`] of target rows, order
//! lines, master data and activities, each with the row it came from, plus
//! per-table counts. A cell that cannot be read (a text amount, an empty
//! required cell, a cached `#DIV/0!`, a date that is not a date) rejects its row
//! with an error diagnostic at that cell: never read as zero, never dropped
//! silently. Subtotal rows (合计, Total) inside order tables are left out with a
//! note.

use crate::calendar::{
    Period, date_from_serial, date_of_excel, parse_date, parse_period, parse_week,
};
use crate::diag::{CellRef, Code, Diagnostic, Diagnostics, FileId, SheetId, Words};
use crate::i18n::Key;
use crate::money::{NumberError, OptDecimal, decimal_from_f64, parse_amount_parts};
use crate::read::{SheetGrid, cell_str};
use crate::recognize::{ColumnMap, Field, Role, Table};
use crate::text::{PackedTexts, clean, match_key};
use calamine::DataRef;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thin_vec::ThinVec;

/// Index of a table in [`Dataset::tables`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TableId(pub u32);

/// The row a record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RowRef {
    pub table: TableId,
    pub file: FileId,
    pub sheet: SheetId,
    /// Absolute 0-based row.
    pub row: u32,
}

impl RowRef {
    /// The cell of this row in a given 0-based column.
    pub fn cell(&self, col: u32) -> CellRef {
        CellRef {
            file: self.file,
            sheet: self.sheet,
            row: self.row,
            col: col.min(u32::from(u16::MAX)) as u16,
        }
    }
}

/// A dimension of the target tree (维度).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Dimension {
    Total,
    Customer,
    Product,
    Region,
    Group,
    Person,
    Month,
    /// Declared in `qbr.toml` (`[dimensions.industry] column = "行业"`).
    Custom(CustomDimension),
    /// Neither built in nor declared: as written.
    Other(String),
}

/// A dimension declared in `qbr.toml`: its key and its names in both languages.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CustomDimension {
    /// The `[dimensions.<key>]` name; what summary.json calls it.
    pub key: String,
    /// The Chinese name (`zh`, else the key).
    pub zh: String,
    /// The English name (`en`, else the key).
    pub en: String,
}

impl Dimension {
    /// Reads a dimension name in Chinese or English.
    ///
    /// ```
    /// use qbr::records::Dimension;
    /// assert_eq!(Dimension::parse("个人"), Some(Dimension::Person));
    /// assert_eq!(Dimension::parse("Region"), Some(Dimension::Region));
    /// assert_eq!(Dimension::parse("行业"), Some(Dimension::Other("行业".into())));
    /// assert_eq!(Dimension::parse(" "), None);
    /// ```
    pub fn parse(text: &str) -> Option<Dimension> {
        let key = match_key(text);
        if key.is_empty() {
            return None;
        }
        Some(match key.as_str() {
            "total" | "总计" | "合计" | "总目标" | "公司" | "company" => Dimension::Total,
            "customer" | "客户" | "客户类型" | "customers" => Dimension::Customer,
            "product" | "产品" | "产品结构" | "产品类别" | "products" => {
                Dimension::Product
            }
            "region" | "区域" | "regions" => Dimension::Region,
            "group" | "小组" | "团队" | "groups" | "team" => Dimension::Group,
            "person" | "个人" | "人员" | "销售" | "销售员" | "people" | "salesperson" => {
                Dimension::Person
            }
            "month" | "月份" | "月度" | "月" | "months" => Dimension::Month,
            _ => Dimension::Other(clean(text).to_string()),
        })
    }

    /// The stable key: `total`, `customer`, `product`, `region`, `group`,
    /// `person`, `month`, or a declared dimension's key.
    pub fn key(&self) -> &str {
        match self {
            Dimension::Total => "total",
            Dimension::Customer => "customer",
            Dimension::Product => "product",
            Dimension::Region => "region",
            Dimension::Group => "group",
            Dimension::Person => "person",
            Dimension::Month => "month",
            Dimension::Custom(c) => &c.key,
            Dimension::Other(_) => "other",
        }
    }
}

/// A measure from the catalogue (指标), contract §2.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Measure {
    Sales,
    NewCustomers,
    RepurchaseRate,
    Aov,
    RecallRate,
    Units,
    ConversionRate,
    Collections,
    Visits,
    Leads,
    Opportunities,
    Demos,
    /// Outside the catalogue: as written.
    Other(String),
}

impl Measure {
    /// The catalogue with keys and Chinese names.
    pub const CATALOGUE: &'static [(Measure, &'static str, &'static str)] = &[
        (Measure::Sales, "sales", "销售额"),
        (Measure::NewCustomers, "new_customers", "新客户数"),
        (Measure::RepurchaseRate, "repurchase_rate", "复购率"),
        (Measure::Aov, "aov", "客单价"),
        (Measure::RecallRate, "recall_rate", "召回率"),
        (Measure::Units, "units", "销量"),
        (Measure::ConversionRate, "conversion_rate", "转化率"),
        (Measure::Collections, "collections", "回款额"),
        (Measure::Visits, "visits", "拜访量"),
        (Measure::Leads, "leads", "线索量"),
        (Measure::Opportunities, "opportunities", "商机数"),
        (Measure::Demos, "demos", "方案演示"),
    ];

    /// Reads a measure by key or Chinese name; blank means `sales`.
    ///
    /// ```
    /// use qbr::records::Measure;
    /// assert_eq!(Measure::parse("复购率"), Measure::RepurchaseRate);
    /// assert_eq!(Measure::parse(""), Measure::Sales);
    /// assert_eq!(Measure::parse("New Customers"), Measure::NewCustomers);
    /// ```
    pub fn parse(text: &str) -> Measure {
        let key = match_key(text);
        if key.is_empty() {
            return Measure::Sales;
        }
        for (m, k, zh) in Self::CATALOGUE {
            if key == match_key(k) || key == match_key(zh) {
                return m.clone();
            }
        }
        match key.as_str() {
            "销售" | "销售收入" | "revenue" | "营收" => Measure::Sales,
            "新客数" | "新客户" => Measure::NewCustomers,
            "数量" | "销售量" => Measure::Units,
            "回款" => Measure::Collections,
            "拜访" => Measure::Visits,
            "线索" => Measure::Leads,
            "商机" => Measure::Opportunities,
            "演示" | "demo" => Measure::Demos,
            _ => Measure::Other(clean(text).to_string()),
        }
    }

    /// The stable key, e.g. `repurchase_rate`; `other` outside the catalogue.
    pub fn key(&self) -> &'static str {
        Self::CATALOGUE
            .iter()
            .find(|(m, ..)| m == self)
            .map(|(_, k, _)| *k)
            .unwrap_or("other")
    }

    /// Measures in money, scaled by a `万元` header.
    pub fn is_money(&self) -> bool {
        matches!(self, Measure::Sales | Measure::Aov | Measure::Collections)
    }

    /// Measures that are ratios (0.30 = 30%).
    pub fn is_rate(&self) -> bool {
        matches!(
            self,
            Measure::RepurchaseRate | Measure::RecallRate | Measure::ConversionRate
        )
    }

    /// Measures whose children add up to their parent.
    pub fn is_additive(&self) -> bool {
        !self.is_rate() && !matches!(self, Measure::Aov | Measure::Other(_))
    }
}

/// One node of the target tree (目标分解 row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetRow {
    pub origin: RowRef,
    pub period: Option<Period>,
    pub dimension: Dimension,
    pub unit: String,
    pub parent: Option<String>,
    pub measure: Measure,
    /// In base units: yuan for money measures, a count, or a ratio.
    pub target: Decimal,
    pub share: Option<Decimal>,
    pub stretch: Option<Decimal>,
    pub challenge: Option<Decimal>,
    pub owner: Option<String>,
    pub note: Option<String>,
    /// Marked as an objective with key results (Type column `OKR`).
    pub okr: bool,
}

/// A shared text of the master tables' custom dimension values: one
/// allocation per distinct value, handed to every row that has it. (Order
/// lines refer to their texts by [`TextId`] instead.)
pub type Text = arcstr::ArcStr;

/// A text of an order line: which of its table's distinct texts it is (see
/// [`Dataset::text`]). Four bytes where a pointer took eight, and the
/// ledger finds a text's symbol by this index instead of hashing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextId(std::num::NonZeroU32);

impl TextId {
    /// The id of the table's text at `index`.
    pub fn at(index: usize) -> TextId {
        TextId(
            u32::try_from(index + 1)
                .ok()
                .and_then(std::num::NonZeroU32::new)
                .expect("fewer than 2^32 distinct texts in a table"),
        )
    }

    /// The text's index among its table's texts.
    pub fn index(self) -> usize {
        self.0.get() as usize - 1
    }

    /// The id as one number, 0 for none (the parse cache's form).
    fn number(id: Option<TextId>) -> u32 {
        id.map_or(0, |t| t.0.get())
    }

    /// [`Self::number`] back to an id.
    fn from_number(n: u32) -> Option<TextId> {
        std::num::NonZeroU32::new(n).map(TextId)
    }
}

/// One order line (订单明细 row): the actuals. Its texts are ids into its
/// table's texts: read them with [`Dataset::text`].
#[derive(Debug, Clone, PartialEq)]
pub struct OrderLine {
    pub origin: RowRef,
    pub order_id: Option<TextId>,
    pub line_id: Option<TextId>,
    pub date: NaiveDate,
    pub customer: TextId,
    pub product: TextId,
    /// Exact, in yuan, unrounded.
    pub amount: Decimal,
    pub quantity: OptDecimal,
    pub salesperson: Option<TextId>,
    pub customer_type: Option<TextId>,
    pub product_class: Option<TextId>,
    pub region: Option<TextId>,
    pub group: Option<TextId>,
    pub collected: OptDecimal,
    /// Values of the custom dimensions read from the orders, by index into
    /// `Config::custom_dimensions` (empty when none is declared): one
    /// pointer, and no allocation when empty.
    pub custom: ThinVec<Option<TextId>>,
}

#[cfg(test)]
impl OrderLine {
    /// A line for tests: row `row` of the first table, text 0 (the
    /// product) sold to text 1 (the customer) on 2026-07-01 for 1, every
    /// optional field empty; tests set what they need, with texts from
    /// [`Dataset::sample_text`].
    pub(crate) fn sample(row: u32) -> OrderLine {
        OrderLine {
            origin: RowRef {
                table: TableId(0),
                file: FileId(0),
                sheet: SheetId(0),
                row,
            },
            order_id: None,
            line_id: None,
            date: NaiveDate::from_ymd_opt(2026, 7, 1).expect("a date"),
            customer: TextId::at(1),
            product: TextId::at(0),
            amount: Decimal::ONE,
            quantity: OptDecimal::NONE,
            salesperson: None,
            customer_type: None,
            product_class: None,
            region: None,
            group: None,
            collected: OptDecimal::NONE,
            custom: ThinVec::new(),
        }
    }
}

#[cfg(test)]
impl Dataset {
    /// For tests: adds `text` to the texts of table 0 (where
    /// [`OrderLine::sample`] lines are), returning its id. The table's first
    /// two texts are the sample line's product and customer.
    pub(crate) fn push_text(&mut self, text: &str) -> TextId {
        if self.order_texts.is_empty() {
            let mut sample = TableTexts::default();
            sample.push("门锁");
            sample.push("客户");
            self.order_texts.push(sample);
        }
        self.order_texts[0].push(text)
    }

    /// For tests: the id of `text` in table 0, added if new.
    pub(crate) fn sample_text(&mut self, text: &str) -> TextId {
        let found = self.order_texts.first().and_then(|texts| {
            let i = (0..texts.len()).position(|i| texts.get(TextId::at(i)) == text)?;
            Some(TextId::at(i))
        });
        found.unwrap_or_else(|| self.push_text(text))
    }
}

/// The distinct texts of one order table, end to end in one buffer (a
/// million order IDs are two allocations, not a million).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableTexts(PackedTexts);

impl TableTexts {
    /// Text `id`.
    pub fn get(&self, id: TextId) -> &str {
        self.0.get(id.index())
    }

    /// How many texts there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds a text; returns its id.
    pub(crate) fn push(&mut self, s: &str) -> TextId {
        TextId::at(self.0.push(s))
    }

    /// True when the buffer holds together (a parse cache entry that does
    /// not is not used).
    pub(crate) fn holds(&self) -> bool {
        self.0.holds()
    }
}

/// Stores each distinct text of a table once, numbered in first-seen order.
#[derive(Debug, Default)]
struct Interner {
    texts: TableTexts,
    /// The texts' ids, found by the hash of the text.
    ids: hashbrown::HashTable<TextId>,
    /// Master-table texts handed out as [`Text`]: one allocation per text.
    shared_texts: rustc_hash::FxHashMap<TextId, Text>,
    /// A workbook's shared strings by address (they live as long as the
    /// table is read): the text each one cleans to, `None` when blank.
    shared: rustc_hash::FxHashMap<usize, Option<TextId>>,
    /// Number cells read as text (line numbers, codes), by value.
    numbers: rustc_hash::FxHashMap<(bool, u64), Option<TextId>>,
}

impl Interner {
    /// The text of a cell that is not a string (a number read as text: line
    /// numbers, codes); a number is formatted at its first use only.
    fn formatted(&mut self, d: &DataRef) -> Option<TextId> {
        let key = match d {
            DataRef::Int(i) => (false, *i as u64),
            DataRef::Float(f) => (true, f.to_bits()),
            other => return cell_text(other).map(|s| self.get(&s)),
        };
        if let Some(&t) = self.numbers.get(&key) {
            return t;
        }
        let t = cell_text(d).map(|s| self.get(&s));
        self.numbers.insert(key, t);
        t
    }

    /// The cleaned text of a shared string, cleaned and stored at its first use.
    fn shared(&mut self, s: &str) -> Option<TextId> {
        if let Some(&t) = self.shared.get(&(s.as_ptr() as usize)) {
            return t;
        }
        let cleaned = clean(s);
        let t = (!cleaned.is_empty()).then(|| self.get(cleaned));
        self.shared.insert(s.as_ptr() as usize, t);
        t
    }

    fn get(&mut self, s: &str) -> TextId {
        use std::hash::BuildHasher;
        let hasher = rustc_hash::FxBuildHasher;
        let texts = &self.texts;
        let hash = hasher.hash_one(s);
        if let Some(&id) = self.ids.find(hash, |&id| texts.get(id) == s) {
            return id;
        }
        let id = self.texts.push(s);
        let texts = &self.texts;
        self.ids
            .insert_unique(hash, id, |&id| hasher.hash_one(texts.get(id)));
        id
    }

    fn text(&self, id: TextId) -> &str {
        self.texts.get(id)
    }

    /// Text `id` as a [`Text`], made once per text.
    fn shared_text(&mut self, id: TextId) -> Text {
        let texts = &self.texts;
        self.shared_texts
            .entry(id)
            .or_insert_with(|| Text::from(texts.get(id)))
            .clone()
    }
}

/// A product master row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductRec {
    pub origin: RowRef,
    pub product: String,
    pub class: String,
    /// Custom dimension values from this master (see [`OrderLine::custom`]).
    pub custom: Box<[Option<Text>]>,
}

/// A people master row: salesperson → group → region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonRec {
    pub origin: RowRef,
    pub name: String,
    pub group: String,
    pub region: String,
    pub level: Option<String>,
    pub salary: Option<Decimal>,
    pub email: Option<String>,
    /// Custom dimension values from this master (see [`OrderLine::custom`]).
    pub custom: Box<[Option<Text>]>,
}

/// A customers master row. Its customer's name, folded, is in
/// [`Dataset::customer_keys`] at the row's place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerRec {
    pub origin: RowRef,
    pub first_order_date: Option<NaiveDate>,
    /// Shared by the rows with the same tier (a few distinct values).
    pub tier: Option<Text>,
    /// Shared by the rows with the same type.
    pub customer_type: Option<Text>,
    /// Custom dimension values from this master (see [`OrderLine::custom`]).
    pub custom: Box<[Option<Text>]>,
}

/// An activity row (过程指标): one person's leading indicators for a week or day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityRec {
    pub origin: RowRef,
    pub salesperson: String,
    /// The day, or the Monday of the week.
    pub date: NaiveDate,
    pub visits: Option<Decimal>,
    pub leads: Option<Decimal>,
    pub opportunities: Option<Decimal>,
    pub demos: Option<Decimal>,
    pub deals: Option<Decimal>,
}

/// An action plan row (行动计划): an action that serves a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionRec {
    pub origin: RowRef,
    pub action: String,
    pub owner: Option<String>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    /// The served target as written: a unit, or `dimension/unit`.
    pub serves: String,
    /// The output's measure; `None`: the served target's.
    pub measure: Option<Measure>,
    /// Expected output, in the measure's base unit.
    pub expected: Decimal,
    /// Actual output from the sheet; `None`: derived where the measure allows.
    pub output: Option<Decimal>,
    pub budget: Option<Decimal>,
    pub spent: Option<Decimal>,
    /// The day the action finished, when the sheet says.
    pub completed: Option<NaiveDate>,
}

/// A bottom-up proposal (一线建议目标): a target row proposed by the front line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposalRec {
    pub row: TargetRow,
    pub proposer: String,
    pub rationale: Option<String>,
}

/// What happened to a table's rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableStats {
    /// Rows turned into records.
    pub rows_read: usize,
    /// Rows with at least one bad cell (each reported).
    pub rows_rejected: usize,
    /// Entirely empty rows below the header.
    pub rows_blank: usize,
    /// Subtotal/total rows left out.
    pub rows_summary: usize,
    /// Order tables: the rejected rows (0-based sheet rows), for the accounting.
    pub rejected_at: Vec<u32>,
    /// Order tables: the amounts of rejected rows whose amount cell was readable.
    pub rejected_amount: Decimal,
    /// Order tables: rejected rows whose amount cell itself could not be read.
    pub rejected_without_amount: usize,
}

/// Everything read from the inbox, typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Dataset {
    pub tables: Vec<Table>,
    pub stats: Vec<TableStats>,
    pub targets: Vec<TargetRow>,
    /// Stored apart in the parse cache, as [`OrderColumns`].
    #[serde(skip)]
    pub orders: Lines,
    /// The distinct texts of each order table's lines, by table id (empty
    /// for other tables): what a line's [`TextId`]s point to.
    pub order_texts: Vec<TableTexts>,
    /// The canonical keys of each order table's texts, by table id (empty
    /// for other tables); a dataset built without reading workbooks may
    /// have none, and the ledger then folds the texts itself. Stored apart
    /// in the parse cache, as [`keys::StoredKeys`].
    #[serde(skip)]
    pub order_keys: Vec<keys::TableKeys>,
    /// Each order line's identity hash ([`crate::ledger::line_hash`]), by
    /// line, computed when its table is read; stored apart in the parse
    /// cache, with the [`OrderColumns`].
    #[serde(skip)]
    pub order_hashes: Vec<u64>,
    pub products: Vec<ProductRec>,
    pub people: Vec<PersonRec>,
    /// Stored apart in the parse cache, as [`CustomerColumns`].
    #[serde(skip)]
    pub customers: Vec<CustomerRec>,
    /// The name of each row of `customers`, in the same order, as the
    /// ledger matches it: folded by [`crate::text::match_key`] when the
    /// master is read, and kept in one buffer, so that a re-run from the
    /// parse cache neither folds nor allocates 200,000 names one by one.
    #[serde(skip)]
    pub customer_keys: keys::Keys,
    pub activities: Vec<ActivityRec>,
    pub actions: Vec<ActionRec>,
    pub proposals: Vec<ProposalRec>,
}

impl Dataset {
    /// The text `id` of order line `line`.
    pub fn text(&self, line: &OrderLine, id: TextId) -> &str {
        self.order_texts[line.origin.table.0 as usize].get(id)
    }

    /// [`Self::text`] of an optional field.
    pub fn opt_text(&self, line: &OrderLine, id: Option<TextId>) -> Option<&str> {
        id.map(|id| self.text(line, id))
    }

    /// Each order table's canonical keys: those folded when it was read or,
    /// for a dataset built without reading workbooks (tests, tools), folded
    /// now from its lines.
    pub fn table_keys(&self) -> std::borrow::Cow<'_, [keys::TableKeys]> {
        use std::borrow::Cow;
        if self.order_keys.len() == self.order_texts.len() {
            return Cow::Borrowed(&self.order_keys);
        }
        let mut lines: Vec<Vec<&OrderLine>> = vec![Vec::new(); self.order_texts.len()];
        for o in self.orders.iter() {
            lines[o.origin.table.0 as usize].push(o);
        }
        let tables = self.order_texts.iter().zip(lines);
        Cow::Owned(
            tables
                .map(|(texts, l)| keys::TableKeys::of(texts, l))
                .collect(),
        )
    }

    /// Each order line's identity hash: those computed when its table was
    /// read or, for a dataset built without reading workbooks, computed now.
    pub fn line_hashes(&self) -> std::borrow::Cow<'_, [u64]> {
        use rayon::prelude::*;
        if self.order_hashes.len() == self.orders.len() {
            return std::borrow::Cow::Borrowed(&self.order_hashes);
        }
        let hash = |i| {
            let o = &self.orders[i];
            crate::ledger::line_hash(&self.order_texts[o.origin.table.0 as usize], o)
        };
        std::borrow::Cow::Owned((0..self.orders.len()).into_par_iter().map(hash).collect())
    }

    /// The cell of a record's field, when its table has that column.
    pub fn cell(&self, origin: RowRef, field: Field) -> Option<CellRef> {
        self.tables[origin.table.0 as usize]
            .column(field)
            .map(|c| origin.cell(c.col))
    }

    /// Reads one recognised table into records, appending to this dataset.
    pub fn read_table(&mut self, table: Table, grid: &SheetGrid, diags: &mut Diagnostics) {
        let id = TableId(self.tables.len() as u32);
        let mut stats = TableStats::default();
        let is_1904 = grid.uses_1904();
        let mut interner = Interner::default();
        let columns = columns_by_field(&table);
        let first_line = self.orders.len();
        if table.role == Role::Orders {
            let rows = grid.row_end().saturating_sub(table.header_row + 1);
            self.orders.reserve(rows as usize);
        }
        for row in table.header_row + 1..grid.row_end() {
            let origin = RowRef {
                table: id,
                file: table.file,
                sheet: table.sheet,
                row,
            };
            let mut r = RowReader {
                table: &table,
                columns: &columns,
                cells: grid.row_cells(row),
                col_start: grid.col_start(),
                origin,
                is_1904,
                problems: Vec::new(),
                interner: &mut interner,
            };
            if r.is_blank() {
                stats.rows_blank += 1;
                continue;
            }
            if matches!(table.role, Role::Orders | Role::Activities)
                && let Some(word) = r.summary_word()
            {
                stats.rows_summary += 1;
                diags.push(Diagnostic::said(
                    Code::RowSummarySkipped,
                    Some(origin.cell(table.columns[0].col).into()),
                    Key::FdSummaryRow,
                    &[&(row + 1).to_string(), &word],
                ));
                continue;
            }
            let accepted = match table.role {
                Role::Targets => r.target_row().map(|t| self.targets.push(t)),
                Role::Orders => r.order_line(diags).map(|o| self.orders.push(o)),
                Role::Products => r.product().map(|p| self.products.push(p)),
                Role::People => r.person().map(|p| self.people.push(p)),
                Role::Customers => r.customer().map(|(c, name)| self.push_customer(c, &name)),
                Role::Activities => r.activity().map(|a| self.activities.push(a)),
                Role::ActionPlans => r.action().map(|a| self.actions.push(a)),
                Role::Proposals => r.proposal().map(|p| self.proposals.push(p)),
            };
            let problems = std::mem::take(&mut r.problems);
            if accepted.is_some() && problems.is_empty() {
                stats.rows_read += 1;
            } else {
                // A record pushed before a later problem was found is taken back.
                if accepted.is_some() {
                    self.pop_last(table.role);
                }
                stats.rows_rejected += 1;
                if table.role == Role::Orders {
                    stats.rejected_at.push(row);
                    match r.number(Field::Amount, true) {
                        Some(a) if r.problems.is_empty() => stats.rejected_amount += a,
                        _ => stats.rejected_without_amount += 1,
                    }
                }
                for p in problems {
                    diags.push(p);
                }
            }
        }
        if table.role == Role::Orders {
            let texts = &interner.texts;
            let lines = (first_line..self.orders.len()).map(|i| &self.orders[i]);
            self.order_keys
                .push(keys::TableKeys::of(texts, lines.clone()));
            (self.order_hashes).extend(lines.map(|o| crate::ledger::line_hash(texts, o)));
            self.order_texts.push(interner.texts);
        } else {
            self.order_keys.push(keys::TableKeys::default());
            self.order_texts.push(TableTexts::default());
        }
        self.tables.push(table);
        self.stats.push(stats);
    }

    /// Joins the datasets read from each file, in file order, renumbering
    /// their tables; the renumbering runs in parallel, then the records of
    /// each kind are moved into one vector of the right size.
    pub fn concat(mut parts: Vec<Dataset>) -> Dataset {
        use rayon::prelude::*;
        let mut offsets = Vec::with_capacity(parts.len());
        let mut next = 0u32;
        for p in &parts {
            offsets.push(next);
            next += p.tables.len() as u32;
        }
        parts
            .par_iter_mut()
            .zip(offsets)
            .for_each(|(p, offset)| p.renumber_tables(offset));
        let mut orders = Lines::default();
        for p in &mut parts {
            orders.append(&mut p.orders);
        }
        Dataset {
            tables: joined(&mut parts, |d| &mut d.tables),
            stats: joined(&mut parts, |d| &mut d.stats),
            targets: joined(&mut parts, |d| &mut d.targets),
            orders,
            order_texts: joined(&mut parts, |d| &mut d.order_texts),
            order_keys: joined(&mut parts, |d| &mut d.order_keys),
            order_hashes: joined(&mut parts, |d| &mut d.order_hashes),
            products: joined(&mut parts, |d| &mut d.products),
            people: joined(&mut parts, |d| &mut d.people),
            customers: joined(&mut parts, |d| &mut d.customers),
            customer_keys: parts.iter().fold(keys::Keys::default(), |mut all, p| {
                all.append(&p.customer_keys);
                all
            }),
            activities: joined(&mut parts, |d| &mut d.activities),
            actions: joined(&mut parts, |d| &mut d.actions),
            proposals: joined(&mut parts, |d| &mut d.proposals),
        }
    }

    /// Adds `offset` to the table id of every record (the tables of earlier files).
    fn renumber_tables(&mut self, offset: u32) {
        if offset != 0 {
            self.origins_mut().for_each(|o| o.table.0 += offset);
        }
    }

    /// Where every record was read, to renumber or relocate them.
    fn origins_mut(&mut self) -> impl Iterator<Item = &mut RowRef> {
        self.targets
            .iter_mut()
            .map(|r| &mut r.origin)
            .chain(self.orders.iter_mut().map(|r| &mut r.origin))
            .chain(self.products.iter_mut().map(|r| &mut r.origin))
            .chain(self.people.iter_mut().map(|r| &mut r.origin))
            .chain(self.customers.iter_mut().map(|r| &mut r.origin))
            .chain(self.activities.iter_mut().map(|r| &mut r.origin))
            .chain(self.actions.iter_mut().map(|r| &mut r.origin))
            .chain(self.proposals.iter_mut().map(|p| &mut p.row.origin))
    }

    /// Target rows that name a dimension declared in `qbr.toml` (by its key,
    /// Chinese or English name, or column) become that dimension.
    pub fn resolve_custom_dimensions(&mut self, config: &crate::config::Config) {
        if config.custom_dimensions.is_empty() {
            return;
        }
        let rows = self
            .targets
            .iter_mut()
            .chain(self.proposals.iter_mut().map(|p| &mut p.row));
        for t in rows {
            t.dimension =
                config.resolve_dimension(std::mem::replace(&mut t.dimension, Dimension::Total));
        }
    }

    /// Moves every table and record to file `id` (a cached parse reused in a
    /// run that numbers its files differently).
    pub fn relocate(&mut self, id: FileId) {
        for t in &mut self.tables {
            t.file = id;
        }
        self.origins_mut().for_each(|o| o.file = id);
    }

    /// Adds a customers master row named `name` (folded here, see
    /// [`Dataset::customer_keys`]).
    pub fn push_customer(&mut self, row: CustomerRec, name: &str) {
        self.customers.push(row);
        self.customer_keys
            .push_with(|key| crate::text::push_match_key(name, key));
    }

    fn pop_last(&mut self, role: Role) {
        match role {
            Role::Targets => drop(self.targets.pop()),
            Role::Orders => drop(self.orders.pop()),
            Role::Products => drop(self.products.pop()),
            Role::People => drop(self.people.pop()),
            Role::Customers => {
                self.customers.pop();
                self.customer_keys.pop();
            }
            Role::Activities => drop(self.activities.pop()),
            Role::ActionPlans => drop(self.actions.pop()),
            Role::Proposals => drop(self.proposals.pop()),
        }
    }
}

/// One kind of record of every part, in order, moved out of the parts. The
/// first part that has any gives its vector whole, grown once to hold the
/// rest: records that one workbook alone holds (a customers master of
/// 200,000 rows) are not copied at all.
fn joined<T>(parts: &mut [Dataset], kind: fn(&mut Dataset) -> &mut Vec<T>) -> Vec<T> {
    let total = parts.iter_mut().map(|p| kind(p).len()).sum::<usize>();
    let mut all: Vec<T> = Vec::new();
    for p in parts.iter_mut() {
        let records = kind(p);
        if all.is_empty() {
            all = std::mem::take(records);
            all.reserve_exact(total - all.len());
        } else {
            all.append(records);
        }
    }
    all
}

/// Words that mark a subtotal or total row in a data table.
const SUMMARY_WORDS: &[&str] = &[
    "合计",
    "总计",
    "小计",
    "总合计",
    "total",
    "subtotal",
    "grandtotal",
    "sum",
];

/// How many fields there are.
const FIELDS: usize = Field::ALL.len();

/// A table's column for each field (the first, as [`Table::column`] finds
/// it), so a row reaches its cells without searching the columns.
fn columns_by_field(table: &Table) -> [Option<&ColumnMap>; FIELDS] {
    let mut by_field = [None; FIELDS];
    for c in &table.columns {
        by_field[c.field as usize].get_or_insert(c);
    }
    by_field
}

/// Reads the cells of one row, collecting every problem.
struct RowReader<'a, 'w, 'i> {
    table: &'a Table,
    columns: &'a [Option<&'a ColumnMap>; FIELDS],
    /// The row's cells, the first in column `col_start`.
    cells: &'a [DataRef<'w>],
    col_start: u32,
    origin: RowRef,
    is_1904: bool,
    problems: Vec<Diagnostic>,
    interner: &'i mut Interner,
}

impl<'a, 'w> RowReader<'a, 'w, '_> {
    /// A cell's text, stored once per table; a shared string is looked up
    /// by its place in the workbook, without reading it again.
    fn intern(&mut self, d: &DataRef<'w>) -> Option<TextId> {
        match d {
            DataRef::SharedString(s) => self.interner.shared(s),
            DataRef::String(s) => {
                let t = clean(s);
                (!t.is_empty()).then(|| self.interner.get(t))
            }
            other => self.interner.formatted(other),
        }
    }

    fn col(&self, field: Field) -> Option<&'a ColumnMap> {
        self.columns[field as usize]
    }

    fn raw(&self, c: &ColumnMap) -> &'a DataRef<'w> {
        self.at(c.col)
    }

    /// The row's cell in absolute column `col`.
    fn at(&self, col: u32) -> &'a DataRef<'w> {
        col.checked_sub(self.col_start)
            .and_then(|i| self.cells.get(i as usize))
            .unwrap_or(&crate::read::EMPTY)
    }

    fn is_blank(&self) -> bool {
        self.table.columns.iter().all(|c| is_empty(self.raw(c)))
    }

    fn summary_word(&self) -> Option<String> {
        let date_empty = [Field::OrderDate, Field::Date, Field::Week]
            .iter()
            .filter_map(|f| self.col(*f))
            .all(|c| is_empty(self.raw(c)));
        if !date_empty {
            return None;
        }
        self.table.columns.iter().find_map(|c| {
            let s = cell_str(self.raw(c))?;
            SUMMARY_WORDS
                .contains(&match_key(s).trim_end_matches(':'))
                .then(|| clean(s).to_string())
        })
    }

    /// A problem with cell `c`: `key` filled with the field's name in each
    /// language, then `args`.
    fn problem(&mut self, code: Code, c: &ColumnMap, key: Key, args: &[&str], help: Option<Key>) {
        let mut d = Diagnostic::worded(
            code,
            Some(self.origin.cell(c.col).into()),
            Words::naming(key, &c.field.label(), c.field.zh(), args),
        );
        if let Some(help) = help {
            d = d.advise(help);
        }
        self.problems.push(d);
    }

    /// A formula error in a mapped cell is a problem for the row whatever the field.
    fn formula_error(&mut self, c: &ColumnMap) -> bool {
        if let DataRef::Error(e) = self.raw(c) {
            let e = e.to_string();
            self.problem(
                Code::RowFormulaError,
                c,
                Key::FdFormulaError,
                &[&e],
                Some(Key::FhFixFormula),
            );
            return true;
        }
        false
    }

    /// Optional text; `None` when the column is absent or the cell empty.
    fn text(&mut self, field: Field) -> Option<TextId> {
        let c = self.col(field)?;
        if self.formula_error(c) {
            return None;
        }
        self.intern(self.raw(c))
    }

    /// Required text: an empty cell is a problem.
    fn required_text(&mut self, field: Field) -> Option<TextId> {
        let c = self.col(field)?;
        if self.formula_error(c) {
            return None;
        }
        let t = self.intern(self.raw(c));
        if t.is_none() {
            self.problem(Code::RowRequiredEmpty, c, Key::FdTextEmpty, &[], None);
        }
        t
    }

    /// [`Self::text`] as an owned string, for the small tables.
    fn text_string(&mut self, field: Field) -> Option<String> {
        self.text(field).map(|t| self.interner.text(t).to_string())
    }

    /// [`Self::text`] as a [`Text`], one allocation per distinct value.
    fn shared_string(&mut self, field: Field) -> Option<Text> {
        self.text(field).map(|t| self.interner.shared_text(t))
    }

    /// [`Self::required_text`] as an owned string.
    fn required_string(&mut self, field: Field) -> Option<String> {
        self.required_text(field)
            .map(|t| self.interner.text(t).to_string())
    }

    /// An optional number, scaled by the header's unit when `money` says so.
    fn number(&mut self, field: Field, scaled: bool) -> Option<Decimal> {
        let c = self.col(field)?;
        if self.formula_error(c) {
            return None;
        }
        match read_number(self.raw(c), c, scaled) {
            Ok(v) => v,
            Err(found) => {
                let key = if field.is_money() {
                    Key::FdAmountInvalid
                } else {
                    Key::FdNumberInvalid
                };
                self.problem(Code::RowNumberInvalid, c, key, &[&found], None);
                None
            }
        }
    }

    /// A required number: empty is a problem, never zero.
    fn required_number(&mut self, field: Field, scaled: bool) -> Option<Decimal> {
        let c = self.col(field)?;
        if is_empty(self.raw(c)) {
            self.problem(
                Code::RowRequiredEmpty,
                c,
                Key::FdNumberEmpty,
                &[],
                Some(Key::FhEnterZero),
            );
            return None;
        }
        self.number(field, scaled)
    }

    fn date(&mut self, field: Field, required: bool) -> Option<NaiveDate> {
        let c = self.col(field)?;
        if self.formula_error(c) {
            return None;
        }
        let raw = self.raw(c);
        if is_empty(raw) {
            if required {
                self.problem(Code::RowRequiredEmpty, c, Key::FdDateEmpty, &[], None);
            }
            return None;
        }
        let text = match raw {
            DataRef::DateTimeIso(s) => Some(s.as_str()),
            other => cell_str(other),
        };
        let parsed = match (raw, text) {
            (DataRef::DateTime(dt), _) => date_of_excel(dt),
            (DataRef::Float(f), _) => date_from_serial(*f, self.is_1904),
            (DataRef::Int(i), _) => date_from_serial(*i as f64, self.is_1904),
            (_, Some(s)) => {
                if field == Field::Week {
                    parse_week(s).or_else(|| parse_date(s))
                } else {
                    parse_date(s)
                }
            }
            _ => None,
        };
        if parsed.is_none() {
            let found = display_raw(raw);
            self.problem(Code::RowDateInvalid, c, Key::FdDateInvalid, &[&found], None);
        }
        parsed
    }

    fn target_row(&mut self) -> Option<TargetRow> {
        let dimension = match &self.table.implicit_dimension {
            Some(d) => Dimension::parse(d),
            None => self
                .required_string(Field::Dimension)
                .and_then(|d| Dimension::parse(&d)),
        };
        let unit = self.required_string(Field::Unit);
        let measure = Measure::parse(&self.text_string(Field::Measure).unwrap_or_default());
        let money = measure.is_money();
        let target = self.required_number(Field::Target, money);
        let period = self.period();
        let share = self.number(Field::Share, false);
        let stretch = self.number(Field::Stretch, money);
        let challenge = self.number(Field::Challenge, money);
        let parent = self.text_string(Field::Parent);
        let owner = self.text_string(Field::Owner);
        let note = self.text_string(Field::Note);
        let okr = self.text_string(Field::Kind).is_some_and(|k| {
            matches!(
                crate::text::match_key(&k).as_str(),
                "okr"
                    | "objective"
                    | "kr"
                    | "keyresult"
                    | "目标与关键结果"
                    | "关键结果"
                    | "okr目标"
            )
        });
        Some(TargetRow {
            origin: self.origin,
            period,
            dimension: dimension?,
            unit: unit?,
            parent,
            measure,
            target: target?,
            share,
            stretch,
            challenge,
            owner,
            note,
            okr,
        })
    }

    fn period(&mut self) -> Option<Period> {
        let c = self.col(Field::Period)?;
        let text = self.text_string(Field::Period)?;
        let p = parse_period(&text);
        if p.is_none() {
            let d = Diagnostic::said(
                Code::RowPeriodInvalid,
                Some(self.origin.cell(c.col).into()),
                Key::FdPeriodInvalid,
                &[&text],
            );
            self.problems.push(d);
        }
        p
    }

    fn order_line(&mut self, diags: &mut Diagnostics) -> Option<OrderLine> {
        let order_id = self.text(Field::OrderId);
        let date = self.date(Field::OrderDate, true);
        let customer = self.required_text(Field::Customer);
        let product = self.required_text(Field::Product);
        let amount = self.required_number(Field::Amount, true);
        let line_id = self.text(Field::LineId);
        let quantity = self.number(Field::Quantity, false);
        let salesperson = self.text(Field::Salesperson);
        let customer_type = self.text(Field::CustomerType);
        let product_class = self.text(Field::ProductClass);
        let region = self.text(Field::Region);
        let group = self.text(Field::Group);
        let collected = self.number(Field::Collected, true);
        if order_id.is_none()
            && self.problems.is_empty()
            && let Some(c) = self.col(Field::OrderId)
        {
            diags.push(Diagnostic::said(
                Code::OrderIdEmpty,
                Some(self.origin.cell(c.col).into()),
                Key::FdOrderIdEmpty,
                &[],
            ));
        }
        Some(OrderLine {
            origin: self.origin,
            order_id,
            line_id,
            date: date?,
            customer: customer?,
            product: product?,
            amount: amount?,
            quantity: quantity.into(),
            salesperson,
            customer_type,
            product_class,
            region,
            group,
            collected: collected.into(),
            custom: self.custom_ids(),
        })
    }

    /// The custom dimension columns of this table, by dimension index.
    fn custom_ids(&mut self) -> ThinVec<Option<TextId>> {
        let t = self.table;
        if t.custom_columns.is_empty() {
            return ThinVec::new();
        }
        let mut values = thin_vec::thin_vec![None; t.custom_slots];
        for c in &t.custom_columns {
            values[c.dimension] = self.intern(self.at(c.col));
        }
        values
    }

    /// [`Self::custom_ids`] as texts, for the master tables.
    fn custom(&mut self) -> Box<[Option<Text>]> {
        let ids = self.custom_ids();
        ids.iter()
            .map(|id| id.map(|id| self.interner.shared_text(id)))
            .collect()
    }

    fn product(&mut self) -> Option<ProductRec> {
        let product = self.required_string(Field::Product);
        let class = self.required_string(Field::ProductClass);
        Some(ProductRec {
            origin: self.origin,
            product: product?,
            class: class?,
            custom: self.custom(),
        })
    }

    fn person(&mut self) -> Option<PersonRec> {
        let name = self.required_string(Field::Salesperson);
        let group = self.required_string(Field::Group);
        let region = self.required_string(Field::Region);
        let level = self.text_string(Field::Level);
        let salary = self.number(Field::Salary, true);
        let email = self.text_string(Field::Email);
        Some(PersonRec {
            origin: self.origin,
            name: name?,
            group: group?,
            region: region?,
            level,
            salary,
            email,
            custom: self.custom(),
        })
    }

    /// A customers master row and the customer's name.
    fn customer(&mut self) -> Option<(CustomerRec, String)> {
        let customer = self.required_string(Field::Customer);
        let first_order_date = self.date(Field::FirstOrderDate, false);
        let tier = self.shared_string(Field::Tier);
        let customer_type = self.shared_string(Field::CustomerType);
        let customer = customer?;
        let row = CustomerRec {
            origin: self.origin,
            first_order_date,
            tier,
            customer_type,
            custom: self.custom(),
        };
        Some((row, customer))
    }

    fn action(&mut self) -> Option<ActionRec> {
        let action = self.required_string(Field::Action);
        let serves = self.required_string(Field::Serves);
        let measure = self.text_string(Field::Measure).map(|m| Measure::parse(&m));
        let money = measure.as_ref().is_none_or(Measure::is_money);
        let expected = self.required_number(Field::Expected, money);
        let output = self.number(Field::Output, money);
        let budget = self.number(Field::Budget, true);
        let spent = self.number(Field::Spent, true);
        let owner = self.text_string(Field::Owner);
        let start = self.date(Field::Start, false);
        let end = self.date(Field::End, false);
        let completed = self.date(Field::Completed, false);
        Some(ActionRec {
            origin: self.origin,
            action: action?,
            owner,
            start,
            end,
            serves: serves?,
            measure,
            expected: expected?,
            output,
            budget,
            spent,
            completed,
        })
    }

    fn proposal(&mut self) -> Option<ProposalRec> {
        let row = self.target_row();
        let proposer = self.required_string(Field::Proposer);
        let rationale = self.text_string(Field::Rationale);
        Some(ProposalRec {
            row: row?,
            proposer: proposer?,
            rationale,
        })
    }

    fn activity(&mut self) -> Option<ActivityRec> {
        let salesperson = self.required_string(Field::Salesperson);
        let date_field = if self.col(Field::Date).is_some() {
            Field::Date
        } else {
            Field::Week
        };
        let date = self.date(date_field, true);
        let visits = self.number(Field::Visits, false);
        let leads = self.number(Field::Leads, false);
        let opportunities = self.number(Field::Opportunities, false);
        let demos = self.number(Field::Demos, false);
        let deals = self.number(Field::Deals, false);
        Some(ActivityRec {
            origin: self.origin,
            salesperson: salesperson?,
            date: date?,
            visits,
            leads,
            opportunities,
            demos,
            deals,
        })
    }
}

fn is_empty(d: &DataRef) -> bool {
    match d {
        DataRef::Empty => true,
        other => cell_str(other).is_some_and(|s| clean(s).is_empty()),
    }
}

/// A cell's text as people see it; numbers print without a trailing `.0`.
fn cell_text(d: &DataRef) -> Option<String> {
    let s = match d {
        DataRef::Empty | DataRef::Error(_) => return None,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            clean(s).to_string()
        }
        DataRef::SharedString(s) => clean(s).to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => decimal_from_f64(*f)
            .map(|d| d.normalize().to_string())
            .unwrap_or_else(|_| f.to_string()),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
    };
    (!s.is_empty()).then_some(s)
}

fn display_raw(d: &DataRef) -> String {
    cell_text(d).unwrap_or_default()
}

/// Reads a number cell. `Ok(None)` for an empty cell; `Err(text found)` otherwise.
fn read_number(d: &DataRef, c: &ColumnMap, scaled: bool) -> Result<Option<Decimal>, String> {
    // The column's unit and per-cent, skipped when they are 1 (most cells):
    // multiplying by 1 would give the same value at the same scale.
    let unit = |v: Decimal| {
        let v = if scaled && c.scale != Decimal::ONE {
            v * c.scale
        } else {
            v
        };
        if c.percent { v * Decimal::new(1, 2) } else { v }
    };
    let v = match (d, cell_str(d)) {
        (DataRef::Empty, _) => return Ok(None),
        (_, Some(s)) if clean(s).is_empty() => return Ok(None),
        (DataRef::Int(i), _) => unit(Decimal::from(*i)),
        (DataRef::Float(f), _) => unit(decimal_from_f64(*f).map_err(|e| e.to_string())?),
        (_, Some(s)) => match parse_amount_parts(s) {
            Ok((v, true)) => v,
            Ok((v, false)) => unit(v),
            Err(NumberError::Empty) => return Ok(None),
            Err(_) => return Err(clean(s).to_string()),
        },
        (other, None) => return Err(display_raw(other)),
    };
    Ok(Some(v))
}

mod columns;
pub mod keys;
mod lines;
pub use columns::{CustomerColumns, OrderColumns};
pub use lines::Lines;

#[cfg(test)]
mod tests;
