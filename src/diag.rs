//! Diagnostics: problems found in the user's data, kept as plain data.
//!
//! Every stage pushes [`Diagnostic`]s into a shared [`Diagnostics`] list instead of
//! printing or stopping; the renderers (terminal, JSON, later the workbook and HTML)
//! decide how they look. A location is a [`CellRef`] (or a whole file or sheet) that
//! indexes the [`Sources`] table, so records never clone paths.

use crate::i18n::{Key, Lang};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Index of an input file in [`Sources`].
#[derive(
    Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct FileId(pub u32);

/// Index of a sheet inside its file, in workbook order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SheetId(pub u16);

/// A cell, 0-based, at its absolute position in the sheet (A1 is row 0, col 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CellRef {
    pub file: FileId,
    pub sheet: SheetId,
    pub row: u32,
    pub col: u16,
}

impl CellRef {
    /// The A1-style name of the cell, e.g. `G17`.
    ///
    /// ```
    /// use qbr::diag::{CellRef, FileId, SheetId};
    /// let c = CellRef { file: FileId(0), sheet: SheetId(0), row: 16, col: 6 };
    /// assert_eq!(c.a1(), "G17");
    /// ```
    pub fn a1(&self) -> String {
        format!("{}{}", column_name(self.col), self.row + 1)
    }
}

/// Excel column letters for a 0-based column index: 0 → `A`, 25 → `Z`, 26 → `AA`.
///
/// ```
/// assert_eq!(qbr::diag::column_name(0), "A");
/// assert_eq!(qbr::diag::column_name(27), "AB");
/// assert_eq!(qbr::diag::column_name(16383), "XFD");
/// ```
pub fn column_name(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).expect("column letters are ASCII")
}

/// Where a diagnostic points: a whole file, a sheet, or one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Location {
    File(FileId),
    Sheet(FileId, SheetId),
    Cell(CellRef),
}

impl From<CellRef> for Location {
    fn from(c: CellRef) -> Self {
        Location::Cell(c)
    }
}

/// The table of input files and their sheet names that [`FileId`]/[`SheetId`] index.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<SourceFile>,
}

#[derive(Debug, Default, Clone)]
struct SourceFile {
    path: String,
    sheets: Vec<String>,
}

impl Sources {
    /// Registers a file by its display path (relative to the inbox) and returns its id.
    pub fn add_file(&mut self, path: impl Into<String>) -> FileId {
        self.files.push(SourceFile {
            path: path.into(),
            sheets: Vec::new(),
        });
        FileId((self.files.len() - 1) as u32)
    }

    /// Records the sheet names of a file, in workbook order.
    pub fn set_sheets(&mut self, file: FileId, sheets: Vec<String>) {
        self.files[file.0 as usize].sheets = sheets;
    }

    /// The display path of a file.
    pub fn path(&self, file: FileId) -> &str {
        &self.files[file.0 as usize].path
    }

    /// Every sheet name of a file, in workbook order.
    pub fn sheets(&self, file: FileId) -> &[String] {
        &self.files[file.0 as usize].sheets
    }

    /// The name of a sheet.
    pub fn sheet_name(&self, file: FileId, sheet: SheetId) -> &str {
        self.files[file.0 as usize]
            .sheets
            .get(sheet.0 as usize)
            .map(String::as_str)
            .unwrap_or("?")
    }

    /// Renders a location as `file!sheet!cell`, `file!sheet` or `file`; a CSV
    /// or Parquet file has no sheets, so its cells are `file!row:column`
    /// (`orders.csv!17:F`, row 1 holding the column names).
    pub fn locate(&self, loc: Location) -> String {
        let csv = |f: FileId| {
            let p = self.path(f).to_ascii_lowercase();
            p.ends_with(".csv") || p.ends_with(".parquet")
        };
        match loc {
            Location::Sheet(f, _) if csv(f) => self.path(f).to_string(),
            Location::Cell(c) if csv(c.file) => {
                format!("{}!{}:{}", self.path(c.file), c.row + 1, column_name(c.col))
            }
            Location::File(f) => self.path(f).to_string(),
            Location::Sheet(f, s) => format!("{}!{}", self.path(f), self.sheet_name(f, s)),
            Location::Cell(c) => format!(
                "{}!{}!{}",
                self.path(c.file),
                self.sheet_name(c.file, c.sheet),
                c.a1()
            ),
        }
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The data is wrong: a row was rejected or a figure cannot be trusted.
    Error,
    /// Suspicious but usable.
    Warning,
    /// Worth knowing (a skipped file, a summary row that was left out).
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $sev:ident; )*) => {
        /// A stable diagnostic code. The string form never changes once released;
        /// docs/diagnostics.md describes each one.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $(#[$doc])* $variant, )* }

        impl Code {
            /// The stable string form, e.g. `order.amount_empty`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $name, )* }
            }
            /// The default severity of this code.
            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];
        }
    };
}

codes! {
    /// A file in the inbox that is not a workbook qbr reads.
    InboxSkippedFile = "inbox.skipped_file", Info;
    /// A workbook whose bytes equal another workbook's in the inbox; read once.
    InboxDuplicateFile = "inbox.duplicate_file", Warning;
    /// A file or folder that could not be listed or read (permissions, a broken link).
    InboxUnreadable = "inbox.unreadable", Error;
    /// A workbook that could not be opened: corrupt, truncated, or not what its extension says.
    WorkbookUnreadable = "workbook.unreadable", Error;
    /// A workbook that is encrypted or password-protected.
    WorkbookEncrypted = "workbook.encrypted", Error;
    /// A sheet that could not be read although the workbook opened.
    SheetUnreadable = "sheet.unreadable", Error;
    /// A sheet spanning more rows or columns than `max_rows` / `max_columns`; not read.
    SheetTooLarge = "sheet.too_large", Error;
    /// A workbook that would unpack to more than `max_unpacked_mb` (a zip bomb, or an unusually large export); refused before inflating.
    WorkbookTooLarge = "workbook.too_large", Error;
    /// A hidden sheet or a chart sheet, left out.
    SheetSkipped = "sheet.skipped", Info;
    /// A sheet whose header row matches no role; the closest role and its missing columns are named.
    SheetUnrecognized = "sheet.unrecognized", Warning;
    /// Two columns of one header row map to the same field; the first is used.
    HeaderDuplicateField = "header.duplicate_field", Warning;
    /// A header's unit in brackets is not one qbr knows; the column is read unscaled.
    HeaderUnknownUnit = "header.unknown_unit", Warning;
    /// A required cell of a data row is empty.
    RowRequiredEmpty = "row.required_empty", Error;
    /// An amount or number cell holds text that is not a number.
    RowNumberInvalid = "row.number_invalid", Error;
    /// A date cell holds something that is not a date.
    RowDateInvalid = "row.date_invalid", Error;
    /// A period cell holds something that is not a quarter.
    RowPeriodInvalid = "row.period_invalid", Error;
    /// A formula cell whose cached value is an error such as `#DIV/0!`.
    RowFormulaError = "row.formula_error", Error;
    /// An order line without an order ID: still counted.
    OrderIdEmpty = "order.id_empty", Warning;
    /// A subtotal or total row inside a data table (合计, Total), left out.
    RowSummarySkipped = "row.summary_skipped", Info;
    /// A dimension that is not one of total, customer, product, region, group, person, month.
    TargetDimensionUnknown = "target.dimension_unknown", Error;
    /// A measure outside the catalogue; qbr cannot compute its actuals.
    TargetMeasureUnknown = "target.measure_unknown", Warning;
    /// The same unit twice in one dimension and measure.
    TargetDuplicateUnit = "target.duplicate_unit", Error;
    /// A parent that is no unit of the dimension it must be in.
    TargetParentMissing = "target.parent_missing", Error;
    /// A parent that names a unit of the wrong dimension (the team hierarchy is region → group → person).
    TargetParentWrongDimension = "target.parent_wrong_dimension", Error;
    /// Parents that lead back to the unit itself.
    TargetCycle = "target.cycle", Error;
    /// Targets of several periods and no `--period` to choose one.
    TargetPeriodsAmbiguous = "target.periods_ambiguous", Error;
    /// A month unit that is not a month such as 2026-07.
    TargetMonthInvalid = "target.month_invalid", Error;
    /// A month unit outside the period.
    TargetMonthOutsidePeriod = "target.month_outside_period", Error;
    /// No total row for sales; the total is derived from a complete dimension.
    TargetTotalMissing = "target.total_missing", Warning;
    /// Children that do not add up to their parent, or a dimension's units that do not add up to the total.
    TargetSumMismatch = "target.sum_mismatch", Error;
    /// Siblings' shares that do not add up to 100%.
    TargetShareSum = "target.share_sum", Error;
    /// A share that disagrees with the amounts (share × parent ≠ target, beyond 1 yuan).
    TargetShareMismatch = "target.share_mismatch", Error;
    /// A target without an owner (SMART: every target has someone accountable).
    TargetOwnerMissing = "target.owner_missing", Warning;
    /// A target of zero or less.
    TargetNonPositive = "target.non_positive", Warning;
    /// Growth over last quarter's actual above `max_growth` (not achievable).
    TargetGrowthTooHigh = "target.growth_too_high", Warning;
    /// A target below last quarter's actual without a note saying why.
    TargetGrowthNegative = "target.growth_negative", Warning;
    /// The new-customer count disagrees with new-customer sales ÷ average order value.
    TargetNewCustomerFormula = "target.new_customer_formula", Warning;
    /// A person's target far from the fair-share model (last quarter's actual and level weights).
    TargetFairShare = "target.fair_share", Warning;
    /// A stretch or challenge tier below the tier beneath it.
    TargetTierBelowBase = "target.tier_below_base", Warning;
    /// An order line equal to another; counted once.
    OrderDuplicate = "order.duplicate", Warning;
    /// A salesperson not in the people master: the line has no group or region.
    OrderSalespersonUnmapped = "order.salesperson_unmapped", Warning;
    /// An order line without a salesperson while the targets have team units.
    OrderSalespersonMissing = "order.salesperson_missing", Warning;
    /// A product without a product class (none on the line, none in the products master).
    OrderProductUnmapped = "order.product_unmapped", Warning;
    /// A customer type that is not new, returning or churned.
    OrderCustomerTypeUnknown = "order.customer_type_unknown", Warning;
    /// Order lines dated after the period under review.
    OrderOutsidePeriod = "order.outside_period", Warning;
    /// Order lines of the period dated after `--as-of`: counted, while pace expects only what was due by that day.
    OrderAfterAsOf = "order.after_as_of", Warning;
    /// Order lines without a value of a custom dimension (blank cell, or not in its master).
    OrderDimensionUnmapped = "order.dimension_unmapped", Warning;
    /// A custom dimension whose column no sheet of its source carries.
    DimensionColumnMissing = "config.dimension_column_missing", Warning;
    /// An action plan's Serves cell names no target of the period.
    ActionServesUnknown = "action.serves_unknown", Warning;
    /// An action plan ends before it starts.
    ActionDatesReversed = "action.dates_reversed", Error;
    /// A bottom-up proposal for a unit the top-down targets do not have.
    ProposalUnmatched = "proposal.unmatched", Warning;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown code `{s}`")))
    }
}

/// One finding about the user's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub location: Option<Location>,
    /// One line that makes sense alone: what was found and what was expected.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// Other places involved: the first of two duplicates, the rows of a sum.
    pub related: Vec<Location>,
    /// The message and help in Chinese, for the Chinese reports (`message`
    /// and `help` are English, as summary.json and the terminal give them).
    pub zh: Option<Box<Zh>>,
}

/// A text in both report languages, before it becomes (part of) a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    pub en: String,
    pub zh: String,
}

impl Words {
    /// `key` of the translation table filled with `args` in both languages.
    pub fn of(key: Key, args: &[&str]) -> Words {
        Words::each(key, args, args)
    }

    /// `key` filled with arguments that differ by language (a field's name,
    /// a list joined in each language's way).
    pub fn each(key: Key, en: &[&str], zh: &[&str]) -> Words {
        Words {
            en: Lang::En.fill(key, en),
            zh: Lang::Zh.fill(key, zh),
        }
    }

    /// `key` filled with a first argument that differs by language (a
    /// field's or a unit's name), then `args`.
    pub fn naming(key: Key, en: &str, zh: &str, args: &[&str]) -> Words {
        Words::naming_each(key, (en, args), (zh, args))
    }

    /// [`Self::naming`] with the other arguments differing by language too:
    /// `(first, args)` for English, then for Chinese.
    pub fn naming_each(key: Key, en: (&str, &[&str]), zh: (&str, &[&str])) -> Words {
        fn with<'a>((first, args): (&'a str, &[&'a str])) -> Vec<&'a str> {
            std::iter::once(first).chain(args.iter().copied()).collect()
        }
        Words::each(key, &with(en), &with(zh))
    }

    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    /// A text that reads the same in both (a library's own error message).
    pub fn same(text: impl Into<String>) -> Words {
        let en = text.into();
        Words { zh: en.clone(), en }
    }

    /// Why a file could not be read or written. English keeps the system's
    /// own text (what a search or a log shows); Chinese names the cause for
    /// the common kinds, with the system's error number for support.
    ///
    /// ```
    /// use qbr::diag::Words;
    /// let w = Words::of_io(&std::io::Error::from_raw_os_error(13));
    /// assert_eq!(w.en, "Permission denied (os error 13)");
    /// assert_eq!(w.zh, "没有访问权限（系统错误 13）");
    /// ```
    pub fn of_io(e: &std::io::Error) -> Words {
        use std::io::ErrorKind::*;
        let key = match e.kind() {
            NotFound => Some(Key::IoNotFound),
            PermissionDenied => Some(Key::IoPermissionDenied),
            AlreadyExists => Some(Key::IoAlreadyExists),
            IsADirectory => Some(Key::IoIsADirectory),
            NotADirectory => Some(Key::IoNotADirectory),
            DirectoryNotEmpty => Some(Key::IoDirectoryNotEmpty),
            StorageFull | QuotaExceeded => Some(Key::IoStorageFull),
            ReadOnlyFilesystem => Some(Key::IoReadOnly),
            FileTooLarge => Some(Key::IoFileTooLarge),
            InvalidFilename => Some(Key::IoInvalidFilename),
            ResourceBusy | ExecutableFileBusy => Some(Key::IoBusy),
            TimedOut => Some(Key::IoTimedOut),
            StaleNetworkFileHandle
            | NetworkDown
            | NetworkUnreachable
            | HostUnreachable
            | ConnectionRefused
            | ConnectionReset
            | ConnectionAborted
            | NotConnected => Some(Key::IoNetwork),
            UnexpectedEof => Some(Key::IoUnexpectedEof),
            _ => None,
        };
        let en = e.to_string();
        let zh = match (key, e.raw_os_error()) {
            (Some(key), Some(code)) => {
                Lang::Zh.fill(Key::IoWithCode, &[Lang::Zh.t(key), &code.to_string()])
            }
            (Some(key), None) => Lang::Zh.t(key).to_string(),
            (None, _) => Lang::Zh.fill(Key::IoOther, &[&en]),
        };
        Words { en, zh }
    }
}

/// A finding's words in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Zh {
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    /// The message in a report language (English when it has no Chinese).
    pub fn message_in(&self, lang: Lang) -> &str {
        match (lang, &self.zh) {
            (Lang::Zh, Some(zh)) => &zh.message,
            _ => &self.message,
        }
    }

    /// A diagnostic with the code's default severity and an English message
    /// only; every finding is made through [`Self::said`] or [`Self::worded`],
    /// so the Chinese reports have its words too.
    fn new(code: Code, location: Option<Location>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            location,
            message: message.into(),
            help: None,
            related: Vec::new(),
            zh: None,
        }
    }

    /// A diagnostic whose message is `key` of the translation table, filled
    /// with `args` (the same in both languages: numbers, cell texts, names).
    pub fn said(code: Code, location: Option<Location>, key: Key, args: &[&str]) -> Self {
        Self::worded(code, location, Words::of(key, args))
    }

    /// A diagnostic with a message already in both languages.
    pub fn worded(code: Code, location: Option<Location>, words: Words) -> Self {
        let mut d = Self::new(code, location, words.en);
        d.zh = Some(Box::new(Zh {
            message: words.zh,
            help: None,
        }));
        d
    }

    /// Adds a hint from the translation table saying what to do.
    pub fn advise(self, key: Key) -> Self {
        self.advise_with(key, &[])
    }

    /// [`Self::advise`] with `args` filled in.
    pub fn advise_with(mut self, key: Key, args: &[&str]) -> Self {
        self.help = Some(Lang::En.fill(key, args));
        if let Some(zh) = &mut self.zh {
            zh.help = Some(Lang::Zh.fill(key, args));
        }
        self
    }

    /// Adds places involved besides the main location.
    pub fn with_related(mut self, related: impl IntoIterator<Item = Location>) -> Self {
        self.related.extend(related);
        self
    }
}

/// The list every stage pushes its findings into.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Adds a finding.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Moves every location to file `id` (a cached parse of one file reused).
    pub fn relocate(&mut self, id: FileId) {
        let at = |l: &mut Location| {
            *l = match *l {
                Location::File(_) => Location::File(id),
                Location::Sheet(_, s) => Location::Sheet(id, s),
                Location::Cell(c) => Location::Cell(CellRef { file: id, ..c }),
            }
        };
        for d in &mut self.items {
            d.location.iter_mut().for_each(at);
            d.related.iter_mut().for_each(at);
        }
    }

    /// All findings, in the order they were found.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// How many findings have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    /// True when any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// Sorts findings by location, then code, so output is stable.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (a.location, a.code, &a.message).cmp(&(b.location, b.code, &b.message))
        });
    }

    /// Moves another list's findings into this one.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_errors_are_named_in_chinese_and_kept_in_english() {
        use std::io::{Error, ErrorKind};
        let w = Words::of_io(&Error::from_raw_os_error(2));
        assert_eq!(w.en, "No such file or directory (os error 2)");
        assert_eq!(w.zh, "找不到该文件或文件夹（系统错误 2）");
        let w = Words::of_io(&Error::from_raw_os_error(28));
        assert_eq!(w.zh, "磁盘空间或配额已满（系统错误 28）");
        let w = Words::of_io(&Error::from(ErrorKind::UnexpectedEof));
        assert_eq!(w.zh, "文件意外结束（可能仍在复制中）");
        // A kind without a Chinese name keeps the system's text inside a Chinese frame.
        let w = Words::of_io(&Error::other("disk on fire"));
        assert_eq!(
            (w.en.as_str(), w.zh.as_str()),
            ("disk on fire", "系统错误：disk on fire")
        );
    }

    #[test]
    fn locate_renders_file_sheet_cell() {
        let mut s = Sources::default();
        let f = s.add_file("订单/7月.xlsx");
        s.set_sheets(f, vec!["说明".into(), "明细".into()]);
        let c = CellRef {
            file: f,
            sheet: SheetId(1),
            row: 16,
            col: 6,
        };
        assert_eq!(s.locate(c.into()), "订单/7月.xlsx!明细!G17");
        assert_eq!(
            s.locate(Location::Sheet(f, SheetId(0))),
            "订单/7月.xlsx!说明"
        );
        assert_eq!(s.locate(Location::File(f)), "订单/7月.xlsx");
    }

    #[test]
    fn every_code_is_documented() {
        let doc = include_str!("../docs/diagnostics.md");
        for code in Code::ALL {
            assert!(
                doc.contains(&format!("| `{code}` |")),
                "{code} is missing from docs/diagnostics.md"
            );
        }
    }

    #[test]
    fn every_rule_is_explained() {
        let doc = include_str!("../docs/rules.md");
        for code in Code::ALL.iter().filter(|c| {
            let s = c.as_str();
            (s.starts_with("target.") || s.starts_with("order.")) && s != "order.id_empty"
        }) {
            assert!(
                doc.contains(&format!("`{code}`")),
                "{code} is missing from docs/rules.md"
            );
        }
    }

    #[test]
    fn codes_are_unique_and_dotted() {
        let mut names: Vec<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert!(names.iter().all(|n| n.contains('.')));
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len());
    }
}
