//! `qbr inspect`: what the input layer made of each file, for people and machines.
//!
//! In: a [`Loaded`]. Out: an [`InspectReport`] (serialisable for `--format json`)
//! and its terminal rendering. For each workbook: the role of each sheet, the
//! header row, which header matched which field at what scale, rows read and
//! rejected (with `file!sheet!cell` and the reason); unrecognised sheets with the
//! closest role and its missing columns; and the files skipped, with why.

use crate::Loaded;
use crate::diag::{FileId, Location, Severity, SheetId, column_name};
use crate::i18n::{Key, Lang};
use crate::inbox::Skipped;
use crate::money::format_money;
use crate::recognize::{Field, Role};
use crate::records::TableStats;
use crate::render::diagnostics::{DiagnosticView, fold};
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt::Write;

/// How many problems per sheet the terminal form lists before summing up the rest.
pub const TEXT_PROBLEMS_PER_SHEET: usize = 20;

/// A column of a recognised sheet.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnView {
    pub column: String,
    pub header: String,
    pub field: Field,
    /// `10000` for a `万元` header; omitted when 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub percent: bool,
}

/// One sheet.
#[derive(Debug, Clone, Serialize)]
pub struct SheetView {
    pub name: String,
    /// `null` when the sheet was not recognised or skipped.
    pub role: Option<Role>,
    /// 1-based header row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_row: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<ColumnView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub implicit_dimension: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<TableStats>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closest_role: Option<Role>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<Field>,
    /// Every diagnostic located in this sheet.
    pub diagnostics: Vec<DiagnosticView>,
}

/// One workbook.
#[derive(Debug, Clone, Serialize)]
pub struct FileView {
    pub path: String,
    pub sha256: String,
    pub size: u64,
    pub opened: bool,
    pub sheets: Vec<SheetView>,
    /// Diagnostics about the whole file (unreadable, encrypted).
    pub diagnostics: Vec<DiagnosticView>,
}

/// Counts over the whole inbox.
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub files_read: usize,
    pub files_unreadable: usize,
    pub files_skipped: usize,
    pub target_rows: usize,
    pub order_lines: usize,
    /// Exact sum of every order line read, all periods, 2 decimals.
    pub order_amount: String,
    pub products: usize,
    pub people: usize,
    pub customers: usize,
    pub activity_rows: usize,
    pub rows_rejected: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

/// The whole `qbr inspect` answer.
#[derive(Debug, Clone, Serialize)]
pub struct InspectReport {
    pub schema: &'static str,
    pub inbox: String,
    pub files: Vec<FileView>,
    pub skipped: Vec<Skipped>,
    pub totals: Totals,
}

/// Builds the report from what the input layer loaded.
pub fn build_report(loaded: &Loaded) -> InspectReport {
    let sources = &loaded.sources;
    let ds = &loaded.dataset;
    let diag_in = |f: FileId, s: Option<SheetId>| -> Vec<DiagnosticView> {
        let items: Vec<_> = loaded
            .diagnostics
            .items()
            .iter()
            .filter(|d| match (d.location, s) {
                (Some(Location::File(df)), None) => df == f,
                (Some(Location::Sheet(df, ds)), Some(s)) => df == f && ds == s,
                (Some(Location::Cell(c)), Some(s)) => c.file == f && c.sheet == s,
                _ => false,
            })
            .cloned()
            .collect();
        fold(&items, sources)
    };
    let mut files = Vec::new();
    for lf in &loaded.files {
        let mut sheets = Vec::new();
        for (i, name) in sources.sheets(lf.id).iter().cloned().enumerate() {
            let sid = SheetId(i as u16);
            let table = ds
                .tables
                .iter()
                .position(|t| t.file == lf.id && t.sheet == sid);
            let unrec = loaded
                .unrecognized
                .iter()
                .find(|u| u.file == lf.id && u.sheet == sid);
            let mut view = SheetView {
                name,
                role: None,
                header_row: None,
                columns: Vec::new(),
                implicit_dimension: None,
                rows: None,
                closest_role: None,
                missing: Vec::new(),
                diagnostics: diag_in(lf.id, Some(sid)),
            };
            if let Some(ti) = table {
                let t = &ds.tables[ti];
                view.role = Some(t.role);
                view.header_row = Some(t.header_row + 1);
                view.implicit_dimension = t.implicit_dimension.clone();
                view.rows = Some(ds.stats[ti].clone());
                view.columns = t
                    .columns
                    .iter()
                    .map(|c| ColumnView {
                        column: column_name(c.col as u16),
                        header: c.header.clone(),
                        field: c.field,
                        scale: (c.scale != Decimal::ONE).then(|| c.scale.normalize().to_string()),
                        percent: c.percent,
                    })
                    .collect();
            } else if let Some(u) = unrec {
                view.closest_role = u.closest_role;
                view.missing = u.missing.clone();
            }
            sheets.push(view);
        }
        files.push(FileView {
            path: lf.display_path.clone(),
            sha256: lf.sha256.clone(),
            size: lf.size,
            opened: lf.opened,
            sheets,
            diagnostics: diag_in(lf.id, None),
        });
    }
    let amount: Decimal = ds.orders.iter().map(|o| o.amount).sum();
    let d = &loaded.diagnostics;
    InspectReport {
        schema: "qbr.inspect/1",
        inbox: loaded.root.display().to_string(),
        files,
        skipped: loaded.skipped.clone(),
        totals: Totals {
            files_read: loaded.files.iter().filter(|f| f.opened).count(),
            files_unreadable: loaded.files.iter().filter(|f| !f.opened).count(),
            files_skipped: loaded.skipped.len(),
            target_rows: ds.targets.len(),
            order_lines: ds.orders.len(),
            order_amount: crate::money::round_money(amount).to_string(),
            products: ds.products.len(),
            people: ds.people.len(),
            customers: ds.customers.len(),
            activity_rows: ds.activities.len(),
            rows_rejected: ds.stats.iter().map(|s| s.rows_rejected).sum(),
            errors: d.count(Severity::Error),
            warnings: d.count(Severity::Warning),
            notes: d.count(Severity::Info),
        },
    }
}

/// Renders the report for a terminal, in a report language.
pub fn render_text(r: &InspectReport, lang: Lang) -> String {
    let mut out = String::new();
    let t = &r.totals;
    let count = |n: usize| n.to_string();
    let _ = writeln!(
        out,
        "{}",
        lang.fill(
            Key::InsHeader,
            &[
                &r.inbox,
                &count(t.files_read),
                &count(t.files_unreadable),
                &count(t.files_skipped)
            ]
        )
    );
    let help = lang.t(Key::InsHelp);
    for f in &r.files {
        let _ = writeln!(out, "\n{}", f.path);
        for d in &f.diagnostics {
            let _ = writeln!(out, "  {}", d.line_in(lang));
            if let Some(h) = d.help_in(lang) {
                let _ = writeln!(out, "    {help}: {h}");
            }
        }
        for s in &f.sheets {
            render_sheet(&mut out, s, lang);
        }
    }
    if !r.skipped.is_empty() {
        let _ = writeln!(out, "\n{}", lang.t(Key::InsSkipped));
        for s in &r.skipped {
            let why = s.reason.words();
            let _ = writeln!(out, "  {} — {}", s.path, why.text(lang));
        }
    }
    let amount = format_money(t.order_amount.parse().unwrap_or_default());
    let _ = writeln!(
        out,
        "\n{}",
        lang.fill(
            Key::InsRead,
            &[
                &count(t.target_rows),
                &count(t.order_lines),
                &amount,
                &count(t.products),
                &count(t.people),
                &count(t.customers),
                &count(t.activity_rows),
                &count(t.rows_rejected)
            ]
        )
    );
    let _ = writeln!(
        out,
        "{}",
        lang.fill(
            Key::InsFindings,
            &[&count(t.errors), &count(t.warnings), &count(t.notes)]
        )
    );
    out
}

fn render_sheet(out: &mut String, s: &SheetView, lang: Lang) {
    // A role or field by its Chinese name in Chinese, by both names in English.
    let role_name = |role: Role| match lang {
        Lang::Zh => role.zh().to_string(),
        Lang::En => role.label().to_string(),
    };
    let field_name = |f: &Field| match lang {
        Lang::Zh => f.zh().to_string(),
        Lang::En => f.label(),
    };
    match (s.role, s.header_row) {
        (Some(role), Some(row)) => {
            let dim = s
                .implicit_dimension
                .as_deref()
                .map(|d| lang.fill(Key::InsImplicitDimension, &[d]))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}",
                lang.fill(
                    Key::InsSheet,
                    &[&s.name, &role_name(role), &row.to_string(), &dim]
                )
            );
            let cols: Vec<String> = s
                .columns
                .iter()
                .map(|c| {
                    let scale = match (&c.scale, c.percent) {
                        (Some(x), _) => format!(" ×{x}"),
                        (None, true) => " (%)".to_string(),
                        _ => String::new(),
                    };
                    format!("{} `{}` → {}{scale}", c.column, c.header, c.field.key())
                })
                .collect();
            let _ = writeln!(
                out,
                "    {}",
                lang.fill(Key::InsColumns, &[&cols.join(", ")])
            );
            if let Some(st) = &s.rows {
                let extra = if st.rows_summary > 0 {
                    lang.fill(Key::InsSubtotals, &[&st.rows_summary.to_string()])
                } else {
                    String::new()
                };
                let _ = writeln!(
                    out,
                    "    {}",
                    lang.fill(
                        Key::InsRows,
                        &[
                            &st.rows_read.to_string(),
                            &st.rows_rejected.to_string(),
                            &extra
                        ]
                    )
                );
            }
        }
        _ => {
            let why = match s.closest_role {
                Some(role) => {
                    let missing: Vec<String> = s.missing.iter().map(field_name).collect();
                    lang.fill(Key::InsClosest, &[&role_name(role), &lang.join(&missing)])
                }
                None => lang.t(Key::InsNoHeaders).to_string(),
            };
            let _ = writeln!(out, "  {}", lang.fill(Key::InsSheetWhy, &[&s.name, &why]));
        }
    }
    let shown = s
        .diagnostics
        .iter()
        .filter(|d| d.code != "sheet.unrecognized");
    let total = shown.clone().count();
    for d in shown.take(TEXT_PROBLEMS_PER_SHEET) {
        let _ = writeln!(out, "    {}", d.line_in(lang));
    }
    if total > TEXT_PROBLEMS_PER_SHEET {
        let more = (total - TEXT_PROBLEMS_PER_SHEET).to_string();
        let _ = writeln!(out, "    {}", lang.fill(Key::InsMore, &[&more]));
    }
}
