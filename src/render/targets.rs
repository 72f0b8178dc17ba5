//! Targets workbooks that qbr writes and reads back: next quarter's adjusted
//! tree (`targets-<next>.xlsx`, from `qbr review`) and a planned tree
//! (`qbr plan`).
//!
//! The sheet is in the Targets role with the recognised headers in the
//! report's language, so `qbr check` reads it as it reads a hand-made one.
//! It is made for safe editing: drop-down lists for dimensions and measures;
//! the input cells unlocked; the share (target ÷ parent's target) and the
//! unallocated remainder of each parent are formulas in protected cells (no
//! password: protection guards against slips, not people), each with its
//! value cached so readers that do not calculate see the right number.

use crate::calendar::Period;
use crate::error::Error;
use crate::i18n::{Key, Lang};
use crate::recognize::Field;
use crate::records::{Dimension, Measure};
pub use crate::tree::TargetLine;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    DataValidation, DocProperties, ExcelDateTime, Format, FormatBorder, Formula, ProtectionOptions,
    Workbook, Worksheet, XlsxError,
};

/// What to write: the lines, their quarter, title lines, and an optional
/// explanation sheet (label, text) rows.
pub struct TargetsBook<'a> {
    pub period: Period,
    pub lang: Lang,
    pub title: String,
    pub subtitle: String,
    pub lines: &'a [TargetLine],
    pub explanation: Vec<(String, String)>,
}

fn xerr(e: XlsxError) -> Error {
    Error::Workbook {
        path: "targets workbook".into(),
        message: e.to_string(),
    }
}

/// The header of a field in the language.
fn header(f: Field, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => f.zh(),
        Lang::En => f.en(),
    }
}

/// A dimension as the Dimension column writes it (and reads back).
pub fn dimension_cell(d: &Dimension, lang: Lang) -> String {
    match lang {
        Lang::Zh => lang.dimension(d),
        Lang::En => d.key().to_string(),
    }
}

/// A measure as the Measure column writes it (and reads back).
pub fn measure_cell(m: &Measure, lang: Lang) -> String {
    match lang {
        Lang::Zh => lang.measure(m),
        Lang::En => m.key().to_string(),
    }
}

/// Rows left unlocked below the lines, for additions.
const SPARE_ROWS: u32 = 300;

/// Builds the workbook in memory.
///
/// # Errors
/// [`Error::Workbook`] when rust_xlsxwriter refuses a value.
pub fn targets_workbook(book: &TargetsBook) -> Result<Vec<u8>, Error> {
    let lang = book.lang;
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2026, 1, 1).map_err(xerr)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(&book.title)
            .set_subject(book.period.to_string())
            .set_author("qbr")
            .set_creation_datetime(&created),
    );
    let ws = wb.add_worksheet();
    ws.set_name(lang.t(Key::TargetsSheet)).map_err(xerr)?;
    write_lines(ws, book)?;
    if !book.explanation.is_empty() {
        let ws = wb.add_worksheet();
        ws.set_name(lang.t(Key::ExplanationSheet)).map_err(xerr)?;
        let bold = Format::new().set_bold();
        let wrap = Format::new().set_text_wrap();
        ws.set_column_width(0, 28).map_err(xerr)?;
        ws.set_column_width(1, 100).map_err(xerr)?;
        for (r, (label, text)) in book.explanation.iter().enumerate() {
            ws.write_string_with_format(r as u32, 0, label, &bold)
                .map_err(xerr)?;
            ws.write_string_with_format(r as u32, 1, text, &wrap)
                .map_err(xerr)?;
        }
    }
    wb.save_to_buffer().map_err(xerr)
}

fn write_lines(ws: &mut Worksheet, book: &TargetsBook) -> Result<(), Error> {
    let lang = book.lang;
    let columns = [
        Field::Period,
        Field::Dimension,
        Field::Unit,
        Field::Parent,
        Field::Measure,
        Field::Target,
        Field::Share,
        Field::Stretch,
        Field::Challenge,
        Field::Owner,
        Field::Note,
    ];
    const TARGET: u16 = 5;
    const SHARE: u16 = 6;
    const UNALLOCATED: u16 = 11;
    let col = |c: u16| -> String {
        let mut s = String::new();
        let mut n = u32::from(c) + 1;
        while n > 0 {
            s.insert(0, (b'A' + ((n - 1) % 26) as u8) as char);
            n = (n - 1) / 26;
        }
        s
    };
    let head = Format::new()
        .set_bold()
        .set_background_color("#DDE4EE")
        .set_border_bottom(FormatBorder::Thin);
    let input = Format::new().set_unlocked();
    let input_num = Format::new().set_unlocked().set_num_format("#,##0.####");
    let locked_pct = Format::new()
        .set_num_format("0.00%")
        .set_background_color("#F4F6F9");
    let locked_num = Format::new()
        .set_num_format("#,##0.####;[Red]-#,##0.####")
        .set_background_color("#F4F6F9");
    let title = Format::new().set_bold().set_font_size(14);
    ws.write_string_with_format(0, 0, &book.title, &title)
        .map_err(xerr)?;
    ws.write_string(1, 0, &book.subtitle).map_err(xerr)?;
    let header_row = 3u32;
    for (c, f) in columns.iter().enumerate() {
        ws.write_string_with_format(header_row, c as u16, header(*f, lang), &head)
            .map_err(xerr)?;
    }
    ws.write_string_with_format(header_row, UNALLOCATED, lang.t(Key::Unallocated), &head)
        .map_err(xerr)?;
    let first = header_row + 1;
    let row_of = |i: usize| first + i as u32;
    let total_row = |m: &Measure| {
        book.lines
            .iter()
            .position(|l| l.dimension == Dimension::Total && l.measure == *m)
    };
    let t = col(TARGET);
    for (i, l) in book.lines.iter().enumerate() {
        let r = row_of(i);
        let parent = l.parent.or_else(|| {
            (l.dimension != Dimension::Total)
                .then(|| total_row(&l.measure))
                .flatten()
        });
        ws.write_string_with_format(r, 0, book.period.to_string(), &input)
            .map_err(xerr)?;
        ws.write_string_with_format(r, 1, dimension_cell(&l.dimension, lang), &input)
            .map_err(xerr)?;
        ws.write_string_with_format(r, 2, &l.unit, &input)
            .map_err(xerr)?;
        let parent_name = l.parent.map(|p| book.lines[p].unit.as_str()).unwrap_or("");
        ws.write_string_with_format(r, 3, parent_name, &input)
            .map_err(xerr)?;
        ws.write_string_with_format(r, 4, measure_cell(&l.measure, lang), &input)
            .map_err(xerr)?;
        write_number(ws, r, TARGET, Some(l.target), &input_num)?;
        match parent.filter(|_| l.measure.is_additive()) {
            Some(p) => {
                let whole = book.lines[p].target;
                let share = if whole.is_zero() {
                    Decimal::ZERO
                } else {
                    l.target / whole
                };
                let f = Formula::new(format!(
                    "=IF({t}{pr}=0,0,{t}{r1}/{t}{pr})",
                    pr = row_of(p) + 1,
                    r1 = r + 1
                ))
                .set_result(number_text(share));
                ws.write_formula_with_format(r, SHARE, f, &locked_pct)
                    .map_err(xerr)?;
            }
            None => {
                ws.write_blank(r, SHARE, &locked_pct).map_err(xerr)?;
            }
        }
        write_number(ws, r, 7, l.stretch, &input_num)?;
        write_number(ws, r, 8, l.challenge, &input_num)?;
        ws.write_string_with_format(r, 9, l.owner.as_deref().unwrap_or(""), &input)
            .map_err(xerr)?;
        ws.write_string_with_format(r, 10, &l.note, &input)
            .map_err(xerr)?;
        // What the children leave unallocated: target − Σ children of the same measure.
        let children: Vec<usize> = book
            .lines
            .iter()
            .enumerate()
            .filter(|(_, c)| c.parent == Some(i) && c.measure == l.measure)
            .map(|(k, _)| k)
            .collect();
        if !children.is_empty() && l.measure.is_additive() {
            let sum: Decimal = children.iter().map(|&k| book.lines[k].target).sum();
            let refs = children
                .iter()
                .map(|&k| format!("{t}{}", row_of(k) + 1))
                .collect::<Vec<_>>()
                .join(",");
            let f = Formula::new(format!("={t}{}-SUM({refs})", r + 1))
                .set_result(number_text(l.target - sum));
            ws.write_formula_with_format(r, UNALLOCATED, f, &locked_num)
                .map_err(xerr)?;
        } else {
            ws.write_blank(r, UNALLOCATED, &locked_num).map_err(xerr)?;
        }
    }
    // Spare unlocked rows for additions, with the same drop-down lists.
    let last = row_of(book.lines.len()) + SPARE_ROWS;
    for c in 0..=10u16 {
        if c != SHARE {
            ws.set_range_format(row_of(book.lines.len()), c, last, c, &input)
                .map_err(xerr)?;
        }
    }
    let dims: Vec<String> = crate::analyze::DIMENSION_ORDER
        .iter()
        .map(|d| dimension_cell(d, lang))
        .collect();
    let measures: Vec<String> = Measure::CATALOGUE
        .iter()
        .map(|(m, ..)| measure_cell(m, lang))
        .collect();
    let list = |items: &[String], what: &str| -> Result<DataValidation, Error> {
        DataValidation::new()
            .allow_list_strings(items)
            .and_then(|v| v.set_error_title(what))
            .and_then(|v| v.set_error_message(items.join(", ")))
            .map_err(xerr)
    };
    ws.add_data_validation(
        first,
        1,
        last,
        1,
        &list(&dims, header(Field::Dimension, lang))?,
    )
    .map_err(xerr)?;
    ws.add_data_validation(
        first,
        4,
        last,
        4,
        &list(&measures, header(Field::Measure, lang))?,
    )
    .map_err(xerr)?;
    for (c, w) in [
        (0, 10),
        (1, 10),
        (2, 16),
        (3, 14),
        (4, 14),
        (5, 16),
        (6, 10),
        (7, 16),
        (8, 16),
        (9, 12),
        (10, 48),
        (11, 14),
    ] {
        ws.set_column_width(c, w).map_err(xerr)?;
    }
    ws.set_freeze_panes(first, 3).map_err(xerr)?;
    ws.autofilter(
        header_row,
        0,
        row_of(book.lines.len().max(1)) - 1,
        UNALLOCATED,
    )
    .map_err(xerr)?;
    ws.protect_with_options(&ProtectionOptions {
        insert_rows: true,
        delete_rows: true,
        format_columns: true,
        format_rows: true,
        sort: true,
        use_autofilter: true,
        ..ProtectionOptions::default()
    });
    Ok(())
}

/// A decimal as the text of a cached formula result or number cell.
fn number_text(v: Decimal) -> String {
    v.round_dp(12).normalize().to_string()
}

fn write_number(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    v: Option<Decimal>,
    fmt: &Format,
) -> Result<(), Error> {
    use rust_decimal::prelude::ToPrimitive;
    match v.and_then(|v| v.to_f64()) {
        Some(x) => ws.write_number_with_format(row, col, x, fmt).map(|_| ()),
        None => ws.write_blank(row, col, fmt).map(|_| ()),
    }
    .map_err(xerr)
}
