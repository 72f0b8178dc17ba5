//! The review workbook `review-<period>.xlsx`, in the report language.
//!
//! Sheets: Overview (headline figures, status counts, top short boards, a
//! completion chart, what the review was built from), one sheet per dimension
//! (the team hierarchy region → group → person on one sheet with outline
//! grouping), Short boards, Team ranking, Monthly trend, Pace (while the
//! quarter is in progress) and Data issues. Money cells are numbers with
//! thousands separators (displayed in 万元 or 千元 with `--money-unit`, the
//! values unchanged), rates are percentages, negative gaps are red. Every text
//! from the inputs is written as a string, never as a formula. The creation
//! time is fixed, so the same inputs give the same bytes.

use crate::analyze::{DimensionReview, Review, Status, UnitReview};
use crate::error::Error;
use crate::i18n::{Key, Lang};
use crate::money::{round_money, round_rate};
use crate::records::{Dimension, Measure};
use crate::render::diagnostics::DiagnosticView;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Chart, ChartType, Color, ConditionalFormatDataBar, DocProperties, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Sparkline, SparklineType, Workbook, Worksheet, XlsxError,
};

/// How money is displayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum MoneyUnit {
    /// 元: 1,234,567.89
    #[default]
    #[value(name = "元", alias = "yuan", alias = "cny")]
    Yuan,
    /// 千元: 1,234.6 (thousands)
    #[value(name = "千元", alias = "k")]
    Thousand,
    /// 万元: 1234.6万 (ten thousands)
    #[value(name = "万元", alias = "wan")]
    TenThousand,
}

impl MoneyUnit {
    fn num_format(self) -> &'static str {
        match self {
            MoneyUnit::Yuan => "#,##0.00;[Red]-#,##0.00",
            MoneyUnit::Thousand => "#,##0.0,;[Red]-#,##0.0,",
            // The value divided by 1,000 (trailing comma), with a literal point
            // before its last digit: 12,345,678 shows as 1234.6万.
            MoneyUnit::TenThousand => "0\\.0,\"万\";[Red]-0\\.0,\"万\"",
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (MoneyUnit::Yuan, _) => lang.t(Key::Yuan),
            (MoneyUnit::Thousand, Lang::Zh) => "千元",
            (MoneyUnit::Thousand, Lang::En) => "thousand CNY",
            (MoneyUnit::TenThousand, Lang::Zh) => "万元",
            (MoneyUnit::TenThousand, Lang::En) => "ten thousand CNY (万)",
        }
    }
}

/// What to render.
#[derive(Debug, Clone, Copy)]
pub struct WorkbookOptions {
    pub lang: Lang,
    pub money_unit: MoneyUnit,
}

struct Formats {
    title: Format,
    header: Format,
    label: Format,
    money: Format,
    /// Per-customer amounts (average order value) stay in 元 whatever the money unit.
    money_yuan: Format,
    money_big: Format,
    pct: Format,
    pct_big: Format,
    count: Format,
    count_dec: Format,
    /// Four decimals: a cost per yuan of sales.
    ratio: Format,
    text: Format,
    indent: [Format; 3],
    bad: Format,
}

impl Formats {
    fn new(unit: MoneyUnit) -> Self {
        let money = unit.num_format();
        Formats {
            title: Format::new().set_bold().set_font_size(16),
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDE4EE))
                .set_border_bottom(FormatBorder::Thin)
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter),
            label: Format::new().set_bold(),
            money: Format::new().set_num_format(money),
            money_yuan: Format::new().set_num_format(MoneyUnit::Yuan.num_format()),
            money_big: Format::new()
                .set_num_format(money)
                .set_bold()
                .set_font_size(14),
            pct: Format::new().set_num_format("0.00%"),
            pct_big: Format::new()
                .set_num_format("0.00%")
                .set_bold()
                .set_font_size(14),
            count: Format::new().set_num_format("#,##0;[Red]-#,##0"),
            count_dec: Format::new().set_num_format("#,##0.00;[Red]-#,##0.00"),
            ratio: Format::new().set_num_format("0.0000"),
            text: Format::new(),
            indent: [
                Format::new().set_bold(),
                Format::new().set_indent(1),
                Format::new().set_indent(2),
            ],
            bad: Format::new()
                .set_font_color(Color::RGB(0xC00000))
                .set_bold(),
        }
    }

    /// The format of a value of a measure.
    fn value(&self, measure: &Measure, v: Decimal) -> &Format {
        if measure.is_rate() {
            &self.pct
        } else if *measure == Measure::Aov {
            &self.money_yuan
        } else if measure.is_money() {
            &self.money
        } else if v.fract().is_zero() {
            &self.count
        } else {
            &self.count_dec
        }
    }
}

fn f64_of(v: Decimal) -> f64 {
    v.to_f64().unwrap_or(f64::NAN)
}

/// The value written for a measure, rounded as in summary.json: money to
/// cents, rates to 4 decimals, counts as they are.
fn cell_value(measure: &Measure, v: Decimal) -> f64 {
    if measure.is_money() {
        f64_of(round_money(v))
    } else if measure.is_rate() {
        f64_of(round_rate(v))
    } else {
        f64_of(v)
    }
}

fn xerr(e: XlsxError) -> Error {
    Error::Workbook {
        path: "review workbook".into(),
        message: e.to_string(),
    }
}

/// Sheet names: Excel allows 31 characters and none of `[]:*?/\`.
fn sheet_name(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    cleaned
}

struct Table<'a> {
    ws: &'a mut Worksheet,
    f: &'a Formats,
}

impl Table<'_> {
    fn header(&mut self, row: u32, cols: &[&str]) -> Result<(), Error> {
        for (c, h) in cols.iter().enumerate() {
            self.ws
                .write_string_with_format(row, c as u16, *h, &self.f.header)
                .map_err(xerr)?;
        }
        Ok(())
    }

    fn text(&mut self, row: u32, col: u16, s: &str) -> Result<(), Error> {
        self.ws
            .write_string_with_format(row, col, s, &self.f.text)
            .map_err(xerr)?;
        Ok(())
    }

    fn num(&mut self, row: u32, col: u16, v: f64, f: &Format) -> Result<(), Error> {
        self.ws
            .write_number_with_format(row, col, v, f)
            .map_err(xerr)?;
        Ok(())
    }

    fn finish(&mut self, last_row: u32, cols: u16, widths: &[f64]) -> Result<(), Error> {
        self.ws.set_freeze_panes(1, 0).map_err(xerr)?;
        if last_row > 0 {
            self.ws
                .autofilter(0, 0, last_row, cols.saturating_sub(1))
                .map_err(xerr)?;
        }
        for (c, w) in widths.iter().enumerate() {
            self.ws.set_column_width(c as u16, *w).map_err(xerr)?;
        }
        print_setup(self.ws)
    }
}

fn print_setup(ws: &mut Worksheet) -> Result<(), Error> {
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0).map_err(xerr)?;
    Ok(())
}

/// A unit row of a dimension or team sheet.
struct UnitRow<'a> {
    level: usize,
    dimension: &'a Dimension,
    measure: &'a Measure,
    unit: &'a UnitReview,
}

/// Builds the review workbook in memory.
///
/// # Errors
/// [`Error::Workbook`] when rust_xlsxwriter refuses a value.
pub fn review_workbook(
    r: &Review,
    diagnostics: &[DiagnosticView],
    opts: WorkbookOptions,
) -> Result<Vec<u8>, Error> {
    let lang = opts.lang;
    let f = Formats::new(opts.money_unit);
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2026, 1, 1).map_err(xerr)?;
    let title = format!("{} {}", r.period, lang.t(Key::ReviewTitle));
    wb.set_properties(
        &DocProperties::new()
            .set_title(&title)
            .set_subject(r.period.to_string())
            .set_author("qbr")
            .set_creation_datetime(&created),
    );
    overview(&mut wb, r, &f, opts, &title)?;
    let team_dims = [Dimension::Region, Dimension::Group, Dimension::Person];
    for d in [Dimension::Customer, Dimension::Product, Dimension::Month] {
        let dims: Vec<&DimensionReview> =
            r.dimensions.iter().filter(|x| x.dimension == d).collect();
        if !dims.is_empty() {
            dimension_sheet(&mut wb, &lang.dimension(&d), &dims, &f, opts, false)?;
        }
    }
    let team: Vec<&DimensionReview> = r
        .dimensions
        .iter()
        .filter(|x| team_dims.contains(&x.dimension))
        .collect();
    if !team.is_empty() {
        dimension_sheet(&mut wb, lang.t(Key::SheetTeam), &team, &f, opts, true)?;
    }
    for d in crate::analyze::report_dimensions(r)
        .into_iter()
        .filter(|d| matches!(d, Dimension::Custom(_)))
    {
        let dims: Vec<&DimensionReview> =
            r.dimensions.iter().filter(|x| x.dimension == d).collect();
        // A declared name may equal a sheet qbr writes anyway: then it carries its key.
        let mut name = lang.dimension(&d);
        if wb.worksheet_from_name(&sheet_name(&name)).is_ok() {
            name = format!("{name} ({})", d.key());
        }
        dimension_sheet(&mut wb, &name, &dims, &f, opts, false)?;
    }
    short_boards_sheet(&mut wb, r, &f, lang)?;
    ranking_sheet(&mut wb, r, &f, lang)?;
    suggestions_sheet(&mut wb, r, &f, lang)?;
    if let Some(res) = &r.resources {
        resources_sheet(&mut wb, res, &f, lang)?;
    }
    trend_sheet(&mut wb, r, &f, lang)?;
    if r.in_progress {
        pace_sheet(&mut wb, r, &f, lang)?;
    }
    issues_sheet(&mut wb, diagnostics, &f, lang)?;
    wb.save_to_buffer().map_err(xerr)
}

fn overview(
    wb: &mut Workbook,
    r: &Review,
    f: &Formats,
    opts: WorkbookOptions,
    title: &str,
) -> Result<(), Error> {
    let lang = opts.lang;
    let name = sheet_name(lang.t(Key::SheetOverview));
    let ws = wb.add_worksheet();
    ws.set_name(&name).map_err(xerr)?;
    ws.write_string_with_format(0, 0, title, &f.title)
        .map_err(xerr)?;
    let mut t = Table { ws, f };
    let state = if r.in_progress {
        Key::InProgress
    } else {
        Key::Complete
    };
    t.text(
        1,
        0,
        &format!("{}: {} · {}", lang.t(Key::AsOf), r.as_of, lang.t(state)),
    )?;
    t.text(
        2,
        0,
        &format!(
            "{}: {}",
            lang.t(Key::MoneyUnit),
            opts.money_unit.label(lang)
        ),
    )?;
    let mut row = 4;
    if let Some(total) = &r.total {
        let labels = [
            Key::Target,
            Key::Actual,
            Key::Completion,
            Key::Gap,
            Key::Status,
        ];
        for (i, k) in labels.iter().enumerate() {
            t.ws.write_string_with_format(row, i as u16, lang.t(*k), &f.label)
                .map_err(xerr)?;
        }
        let m = &Measure::Sales;
        t.num(row + 1, 0, cell_value(m, total.target), &f.money_big)?;
        if let Some(a) = total.actual {
            t.num(row + 1, 1, cell_value(m, a), &f.money_big)?;
        }
        if let Some(c) = total.completion {
            t.num(row + 1, 2, f64_of(round_rate(c)), &f.pct_big)?;
        }
        if let Some(g) = total.gap {
            t.num(row + 1, 3, cell_value(m, g), &f.money_big)?;
        }
        if let Some(s) = total.status {
            let fmt = if s == Status::ShortBoard {
                &f.bad
            } else {
                &f.label
            };
            t.ws.write_string_with_format(row + 1, 4, lang.status(s), fmt)
                .map_err(xerr)?;
        }
        t.ws.set_row_height(row + 1, 24).map_err(xerr)?;
        row += 3;
    }
    // The company's other targets: collections, leading indicators.
    let company: Vec<(&Measure, &UnitReview)> = r
        .dimensions
        .iter()
        .filter(|d| d.dimension == Dimension::Total && d.measure != Measure::Sales)
        .flat_map(|d| d.units.iter().map(move |u| (&d.measure, u)))
        .collect();
    if !company.is_empty() {
        t.ws.write_string_with_format(row, 0, lang.t(Key::CompanyTargets), &f.label)
            .map_err(xerr)?;
        row += 1;
        t.header(
            row,
            &[
                lang.t(Key::Measure),
                lang.t(Key::Target),
                lang.t(Key::Actual),
                lang.t(Key::Completion),
                lang.t(Key::Status),
            ],
        )?;
        for (m, u) in company {
            row += 1;
            t.text(row, 0, &lang.measure(m))?;
            t.num(row, 1, cell_value(m, u.target), f.value(m, u.target))?;
            if let Some(a) = u.actual {
                t.num(row, 2, cell_value(m, a), f.value(m, a))?;
            }
            if let Some(c) = u.completion {
                t.num(row, 3, f64_of(round_rate(c)), &f.pct)?;
            }
            if let Some(s) = u.status {
                let fmt = if s == Status::ShortBoard {
                    &f.bad
                } else {
                    &f.text
                };
                t.ws.write_string_with_format(row, 4, lang.status(s), fmt)
                    .map_err(xerr)?;
            }
        }
        row += 2;
    }
    // Units per status, over every unit with a completion.
    t.ws.write_string_with_format(row, 0, lang.t(Key::StatusCounts), &f.label)
        .map_err(xerr)?;
    row += 1;
    t.header(row, &[lang.t(Key::Status), lang.t(Key::Count)])?;
    for s in [Status::ShortBoard, Status::OnTrack, Status::Excellent] {
        row += 1;
        let n = r
            .dimensions
            .iter()
            .filter(|d| d.dimension != Dimension::Total)
            .flat_map(|d| &d.units)
            .filter(|u| u.status == Some(s))
            .count();
        t.text(row, 0, lang.status(s))?;
        t.num(row, 1, n as f64, &f.count)?;
    }
    row += 2;
    t.ws.write_string_with_format(row, 0, lang.t(Key::TopShortBoards), &f.label)
        .map_err(xerr)?;
    row += 1;
    t.header(
        row,
        &[
            lang.t(Key::Unit),
            lang.t(Key::Dimension),
            lang.t(Key::Measure),
            lang.t(Key::Completion),
            lang.t(Key::Shortfall),
        ],
    )?;
    for s in r.short_boards.iter().take(5) {
        row += 1;
        t.text(row, 0, &s.unit)?;
        t.text(row, 1, &lang.dimension(&s.dimension))?;
        t.text(row, 2, &lang.measure(&s.measure))?;
        t.num(row, 3, f64_of(round_rate(s.completion)), &f.pct)?;
        if let Some(v) = s.shortfall {
            t.num(row, 4, f64_of(round_money(v)), &f.money)?;
        }
    }
    row += 2;
    // Completion of every sales unit of the smaller dimensions, for the chart.
    t.ws.write_string_with_format(row, 0, lang.t(Key::CompletionByUnit), &f.label)
        .map_err(xerr)?;
    row += 1;
    t.header(row, &[lang.t(Key::Unit), lang.t(Key::Completion)])?;
    let first = row + 1;
    for d in r.dimensions.iter().filter(|d| {
        d.measure == Measure::Sales && !matches!(d.dimension, Dimension::Total | Dimension::Person)
    }) {
        for u in d.units.iter().filter(|u| u.completion.is_some()) {
            row += 1;
            t.text(
                row,
                0,
                &format!("{} · {}", lang.dimension(&d.dimension), u.unit),
            )?;
            t.num(
                row,
                1,
                f64_of(round_rate(u.completion.unwrap_or_default())),
                &f.pct,
            )?;
        }
    }
    if row >= first {
        let mut chart = Chart::new(ChartType::Bar);
        chart
            .add_series()
            .set_name(lang.t(Key::Completion))
            .set_categories((name.as_str(), first, 0, row, 0))
            .set_values((name.as_str(), first, 1, row, 1));
        chart.title().set_name(lang.t(Key::CompletionByUnit));
        chart.x_axis().set_num_format("0%");
        chart.y_axis().set_reverse();
        chart.legend().set_hidden();
        t.ws.insert_chart(4, 7, &chart).map_err(xerr)?;
    }
    row += 2;
    t.ws.write_string_with_format(row, 0, lang.t(Key::Inputs), &f.label)
        .map_err(xerr)?;
    let i = &r.inputs;
    let facts: [(Key, f64, &Format); 6] = [
        (Key::Workbooks, i.files as f64, &f.count),
        (Key::OrderLines, i.order_lines as f64, &f.count),
        (
            Key::OrderAmount,
            f64_of(round_money(i.order_amount)),
            &f.money,
        ),
        (Key::Duplicates, i.duplicate_lines as f64, &f.count),
        (Key::Rejected, i.rejected_rows as f64, &f.count),
        (Key::HistoryLines, i.history_lines as f64, &f.count),
    ];
    for (k, v, fmt) in facts {
        row += 1;
        t.text(row, 0, lang.t(k))?;
        t.num(row, 1, v, fmt)?;
    }
    t.ws.set_column_width(0, 28).map_err(xerr)?;
    for c in 1..4 {
        t.ws.set_column_width(c, 18).map_err(xerr)?;
    }
    // Wide enough for the short boards' "Money left on the table" on one line.
    t.ws.set_column_width(4, 24).map_err(xerr)?;
    print_setup(t.ws)
}

fn team_order<'a>(dims: &[&'a DimensionReview]) -> Vec<UnitRow<'a>> {
    let mut rows = Vec::new();
    let mut placed = std::collections::HashSet::new();
    let find = |d: &Dimension, m: &Measure| {
        dims.iter()
            .find(|x| &x.dimension == d && &x.measure == m)
            .copied()
    };
    let measures: Vec<&Measure> = {
        let mut ms: Vec<&Measure> = dims.iter().map(|d| &d.measure).collect();
        ms.sort();
        ms.dedup();
        ms
    };
    for m in measures {
        let regions = find(&Dimension::Region, m);
        let groups = find(&Dimension::Group, m);
        let people = find(&Dimension::Person, m);
        let children = |parent: &str,
                        d: Option<&'a DimensionReview>|
         -> Vec<(&'a DimensionReview, &'a UnitReview)> {
            d.map(|d| {
                d.units
                    .iter()
                    .filter(|u| {
                        u.parent.as_deref().map(crate::text::match_key).as_deref()
                            == Some(&crate::text::match_key(parent))
                    })
                    .map(|u| (d, u))
                    .collect()
            })
            .unwrap_or_default()
        };
        if let Some(rd) = regions {
            for region in &rd.units {
                rows.push(UnitRow {
                    level: 0,
                    dimension: &rd.dimension,
                    measure: &rd.measure,
                    unit: region,
                });
                placed.insert((rd.dimension.clone(), m.clone(), region.node));
                for (gd, group) in children(&region.unit, groups) {
                    rows.push(UnitRow {
                        level: 1,
                        dimension: &gd.dimension,
                        measure: &gd.measure,
                        unit: group,
                    });
                    placed.insert((gd.dimension.clone(), m.clone(), group.node));
                    for (pd, person) in children(&group.unit, people) {
                        rows.push(UnitRow {
                            level: 2,
                            dimension: &pd.dimension,
                            measure: &pd.measure,
                            unit: person,
                        });
                        placed.insert((pd.dimension.clone(), m.clone(), person.node));
                    }
                }
            }
        }
        // Whatever the hierarchy did not place, flat, in dimension order.
        for d in [groups, people].into_iter().flatten() {
            for u in &d.units {
                if !placed.contains(&(d.dimension.clone(), m.clone(), u.node)) {
                    rows.push(UnitRow {
                        level: 0,
                        dimension: &d.dimension,
                        measure: &d.measure,
                        unit: u,
                    });
                }
            }
        }
    }
    rows
}

fn dimension_sheet(
    wb: &mut Workbook,
    title: &str,
    dims: &[&DimensionReview],
    f: &Formats,
    opts: WorkbookOptions,
    team: bool,
) -> Result<(), Error> {
    let lang = opts.lang;
    let name = sheet_name(title);
    let ws = wb.add_worksheet();
    ws.set_name(&name).map_err(xerr)?;
    let mut t = Table { ws, f };
    let cols = [
        lang.t(Key::Dimension),
        lang.t(Key::Unit),
        lang.t(Key::Parent),
        lang.t(Key::Measure),
        lang.t(Key::Target),
        lang.t(Key::Actual),
        lang.t(Key::Completion),
        lang.t(Key::Gap),
        lang.t(Key::Status),
        lang.t(Key::Tier),
        lang.t(Key::Owner),
    ];
    t.header(0, &cols)?;
    let rows: Vec<UnitRow> = if team {
        team_order(dims)
    } else {
        // Flat dimensions indent only sub-splits.
        dims.iter()
            .flat_map(|d| {
                d.units.iter().map(move |u| UnitRow {
                    level: usize::from(u.parent.is_some()),
                    dimension: &d.dimension,
                    measure: &d.measure,
                    unit: u,
                })
            })
            .collect()
    };
    let mut row = 0u32;
    let mut sales_rows = Vec::new();
    for ur in &rows {
        row += 1;
        let u = ur.unit;
        let m = ur.measure;
        t.text(row, 0, &lang.dimension(ur.dimension))?;
        t.ws.write_string_with_format(row, 1, &u.unit, &f.indent[ur.level.min(2)])
            .map_err(xerr)?;
        if let Some(p) = &u.parent {
            t.text(row, 2, p)?;
        }
        t.text(row, 3, &lang.measure(m))?;
        t.num(row, 4, cell_value(m, u.target), f.value(m, u.target))?;
        if let Some(a) = u.actual {
            t.num(row, 5, cell_value(m, a), f.value(m, a))?;
        }
        if let Some(c) = u.completion {
            t.num(row, 6, f64_of(round_rate(c)), &f.pct)?;
        }
        if let Some(g) = u.gap {
            t.num(row, 7, cell_value(m, g), f.value(m, g))?;
        }
        if let Some(s) = u.status {
            let fmt = if s == Status::ShortBoard {
                &f.bad
            } else {
                &f.text
            };
            let word = if u.okr {
                format!("{} ({})", lang.status(s), lang.t(Key::OkrLabel))
            } else {
                lang.status(s).to_string()
            };
            t.ws.write_string_with_format(row, 8, &word, fmt)
                .map_err(xerr)?;
        }
        if let Some(tier) = u.tier {
            t.text(row, 9, lang.tier(tier))?;
        }
        if let Some(o) = &u.owner {
            t.text(row, 10, o)?;
        }
        if *m == Measure::Sales {
            sales_rows.push(row);
        }
    }
    if team {
        // Outline: groups under their region, people under their group.
        let mut i = 0;
        while i < rows.len() {
            if rows[i].level > 0 {
                let start = i;
                while i < rows.len() && rows[i].level > 0 {
                    i += 1;
                }
                t.ws.group_rows(start as u32 + 1, i as u32).map_err(xerr)?;
                let mut j = start;
                while j < i {
                    if rows[j].level > 1 {
                        let s2 = j;
                        while j < i && rows[j].level > 1 {
                            j += 1;
                        }
                        t.ws.group_rows(s2 as u32 + 1, j as u32).map_err(xerr)?;
                    } else {
                        j += 1;
                    }
                }
            } else {
                i += 1;
            }
        }
    }
    if row > 0 {
        t.ws.add_conditional_format(1, 6, row, 6, &ConditionalFormatDataBar::new())
            .map_err(xerr)?;
    }
    // Target against actual for the sales units, when they sit in one block.
    if let (Some(&a), Some(&b)) = (sales_rows.first(), sales_rows.last())
        && (b - a) as usize + 1 == sales_rows.len()
    {
        let mut chart = Chart::new(ChartType::Bar);
        for (col, key) in [(4u16, Key::Target), (5u16, Key::Actual)] {
            chart
                .add_series()
                .set_name(lang.t(key))
                .set_categories((name.as_str(), a, 1, b, 1))
                .set_values((name.as_str(), a, col, b, col));
        }
        chart.title().set_name(&format!(
            "{} · {}",
            lang.measure(&Measure::Sales),
            lang.t(Key::TargetVsActual)
        ));
        chart.y_axis().set_reverse();
        chart.x_axis().set_num_format(
            opts.money_unit
                .num_format()
                .split(';')
                .next()
                .unwrap_or("#,##0"),
        );
        t.ws.insert_chart(1, 12, &chart).map_err(xerr)?;
    }
    t.finish(
        row,
        cols.len() as u16,
        &[
            10.0, 18.0, 14.0, 12.0, 16.0, 16.0, 11.0, 16.0, 10.0, 11.0, 12.0,
        ],
    )
}

fn short_boards_sheet(wb: &mut Workbook, r: &Review, f: &Formats, lang: Lang) -> Result<(), Error> {
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(lang.t(Key::SheetShortBoards)))
        .map_err(xerr)?;
    let mut t = Table { ws, f };
    let cols = [
        lang.t(Key::Rank),
        lang.t(Key::Unit),
        lang.t(Key::Dimension),
        lang.t(Key::Measure),
        lang.t(Key::Completion),
        lang.t(Key::Shortfall),
        lang.t(Key::Pareto),
    ];
    t.header(0, &cols)?;
    let mut row = 0;
    for (i, s) in r.short_boards.iter().enumerate() {
        row += 1;
        t.num(row, 0, (i + 1) as f64, &f.count)?;
        t.text(row, 1, &s.unit)?;
        t.text(row, 2, &lang.dimension(&s.dimension))?;
        t.text(row, 3, &lang.measure(&s.measure))?;
        t.num(row, 4, f64_of(round_rate(s.completion)), &f.pct)?;
        if let Some(v) = s.shortfall {
            t.num(row, 5, f64_of(round_money(v)), &f.money)?;
        }
        if s.pareto {
            t.ws.write_string_with_format(row, 6, lang.t(Key::Yes), &f.bad)
                .map_err(xerr)?;
        }
    }
    t.finish(
        row,
        cols.len() as u16,
        &[7.0, 18.0, 10.0, 12.0, 11.0, 24.0, 12.0],
    )
}

fn suggestions_sheet(wb: &mut Workbook, r: &Review, f: &Formats, lang: Lang) -> Result<(), Error> {
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(lang.t(Key::SheetSuggestions)))
        .map_err(xerr)?;
    let mut t = Table { ws, f };
    let cols = [
        lang.t(Key::Rule),
        lang.t(Key::Code),
        lang.t(Key::Dimension),
        lang.t(Key::Unit),
        lang.t(Key::NextTarget),
        lang.t(Key::Evidence),
    ];
    t.header(0, &cols)?;
    let mut row = 0;
    for s in &r.suggestions {
        row += 1;
        t.text(row, 0, lang.rule(s.rule))?;
        t.text(row, 1, s.rule.id())?;
        t.text(row, 2, &lang.dimension(&s.dimension))?;
        t.text(row, 3, &s.unit)?;
        if let Some(v) = s.next_target {
            let fmt = if s.measure.is_money() {
                &f.money
            } else {
                &f.count
            };
            t.num(row, 4, f64_of(round_money(v)), fmt)?;
        }
        t.text(row, 5, &lang.evidence(s))?;
    }
    t.finish(
        row,
        cols.len() as u16,
        &[40.0, 26.0, 10.0, 16.0, 18.0, 90.0],
    )
}

/// 资源: the actions ranked by return, then the targets without a plan.
fn resources_sheet(
    wb: &mut Workbook,
    res: &crate::analyze::resources::Resources,
    f: &Formats,
    lang: Lang,
) -> Result<(), Error> {
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(lang.t(Key::SheetResources)))
        .map_err(xerr)?;
    let mut t = Table { ws, f };
    let cols = [
        lang.t(Key::Rank),
        lang.t(Key::Action),
        lang.t(Key::Owner),
        lang.t(Key::Serves),
        lang.t(Key::Measure),
        lang.t(Key::ExpectedOutput),
        lang.t(Key::ActualOutput),
        lang.t(Key::OutputSource),
        lang.t(Key::Attainment),
        lang.t(Key::Budget),
        lang.t(Key::Spent),
        lang.t(Key::PlannedCostPerOutput),
        lang.t(Key::CostPerOutput),
        lang.t(Key::ReturnIndex),
        lang.t(Key::OnTime),
        lang.t(Key::OverspentShort),
    ];
    t.header(0, &cols)?;
    let mut row = 0;
    for (i, a) in res.actions.iter().enumerate() {
        row += 1;
        let value_fmt = if a.measure.is_money() {
            &f.money
        } else {
            &f.count_dec
        };
        t.num(row, 0, (i + 1) as f64, &f.count)?;
        t.text(row, 1, &a.action)?;
        t.text(row, 2, a.owner.as_deref().unwrap_or(""))?;
        t.text(row, 3, &lang.serves(a))?;
        t.text(row, 4, &lang.measure(&a.measure))?;
        t.num(row, 5, cell_value(&a.measure, a.expected), value_fmt)?;
        if let Some(v) = a.actual {
            t.num(row, 6, cell_value(&a.measure, v), value_fmt)?;
        }
        t.text(row, 7, lang.output_source(a.source))?;
        let money = |t: &mut Table, col: u16, v: Option<Decimal>, fmt: &Format| match v {
            Some(v) => t.num(row, col, f64_of(round_money(v)), fmt),
            None => Ok(()),
        };
        if let Some(v) = a.attainment {
            let fmt = if v < Decimal::ONE { &f.bad } else { &f.pct };
            t.num(row, 8, f64_of(round_rate(v)), fmt)?;
        }
        money(&mut t, 9, a.budget, &f.money)?;
        money(&mut t, 10, a.spent, &f.money)?;
        let cost_fmt = if a.cost_decimals() == 4 {
            &f.ratio
        } else {
            &f.money_yuan
        };
        for (col, v) in [(11, a.planned_cost_per_output), (12, a.cost_per_output)] {
            if let Some(v) = v {
                t.num(row, col, f64_of(v.round_dp(a.cost_decimals())), cost_fmt)?;
            }
        }
        if let Some(v) = a.return_index {
            t.num(row, 13, f64_of(v.round_dp(2)), &f.count_dec)?;
        }
        t.text(row, 14, lang.on_time(a.on_time))?;
        if a.overspent_and_short {
            t.ws.write_string_with_format(row, 15, lang.t(Key::Yes), &f.bad)
                .map_err(xerr)?;
        }
    }
    t.finish(
        row,
        cols.len() as u16,
        &[
            6.0, 28.0, 10.0, 20.0, 12.0, 14.0, 14.0, 12.0, 12.0, 14.0, 14.0, 14.0, 14.0, 10.0,
            10.0, 12.0,
        ],
    )?;
    // The targets without a plan, below the actions.
    let mut row = row + 2;
    t.ws.write_string_with_format(row, 0, lang.t(Key::Unplanned), &f.label)
        .map_err(xerr)?;
    row += 1;
    let cols = [
        lang.t(Key::Dimension),
        lang.t(Key::Unit),
        lang.t(Key::Measure),
        lang.t(Key::Owner),
        lang.t(Key::Target),
    ];
    for (c, h) in cols.iter().enumerate() {
        t.ws.write_string_with_format(row, c as u16 + 1, *h, &f.header)
            .map_err(xerr)?;
    }
    for u in &res.unplanned {
        row += 1;
        t.text(row, 1, &lang.dimension(&u.dimension))?;
        t.text(row, 2, &u.unit)?;
        t.text(row, 3, &lang.measure(&u.measure))?;
        t.text(row, 4, u.owner.as_deref().unwrap_or(""))?;
        let fmt = if u.measure.is_money() {
            &f.money
        } else {
            &f.count_dec
        };
        t.num(row, 5, cell_value(&u.measure, u.target), fmt)?;
    }
    Ok(())
}

fn ranking_sheet(wb: &mut Workbook, r: &Review, f: &Formats, lang: Lang) -> Result<(), Error> {
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(lang.t(Key::SheetRanking)))
        .map_err(xerr)?;
    let mut t = Table { ws, f };
    let cols = [
        lang.t(Key::Dimension),
        lang.t(Key::Rank),
        lang.t(Key::Unit),
        lang.t(Key::Completion),
        lang.t(Key::Status),
    ];
    t.header(0, &cols)?;
    let mut row = 0;
    for k in &r.ranking {
        for (i, (unit, completion, status)) in k.units.iter().enumerate() {
            row += 1;
            t.text(row, 0, &lang.dimension(&k.dimension))?;
            t.num(row, 1, (i + 1) as f64, &f.count)?;
            t.text(row, 2, unit)?;
            t.num(row, 3, f64_of(round_rate(*completion)), &f.pct)?;
            let fmt = if *status == Status::ShortBoard {
                &f.bad
            } else {
                &f.text
            };
            t.ws.write_string_with_format(row, 4, lang.status(*status), fmt)
                .map_err(xerr)?;
        }
    }
    if row > 0 {
        t.ws.add_conditional_format(1, 3, row, 3, &ConditionalFormatDataBar::new())
            .map_err(xerr)?;
    }
    t.finish(row, cols.len() as u16, &[10.0, 7.0, 18.0, 12.0, 12.0])
}

fn trend_sheet(wb: &mut Workbook, r: &Review, f: &Formats, lang: Lang) -> Result<(), Error> {
    let name = sheet_name(lang.t(Key::SheetTrend));
    let ws = wb.add_worksheet();
    ws.set_name(&name).map_err(xerr)?;
    let mut t = Table { ws, f };
    let month_targets: Vec<(String, Decimal)> = r
        .dimensions
        .iter()
        .filter(|d| d.dimension == Dimension::Month && d.measure == Measure::Sales)
        .flat_map(|d| d.units.iter().map(|u| (u.key.clone(), u.target)))
        .collect();
    t.header(
        0,
        &[lang.t(Key::Month), lang.t(Key::Actual), lang.t(Key::Target)],
    )?;
    let mut row = 0;
    for (m, v) in &r.monthly {
        row += 1;
        t.text(row, 0, &m.to_string())?;
        t.num(row, 1, f64_of(round_money(*v)), &f.money)?;
        if let Some((_, target)) = month_targets.iter().find(|(k, _)| *k == m.to_string()) {
            t.num(row, 2, f64_of(round_money(*target)), &f.money)?;
        }
    }
    if row > 0 {
        let mut chart = Chart::new(ChartType::Line);
        for (col, key) in [(1u16, Key::Actual), (2u16, Key::Target)] {
            chart
                .add_series()
                .set_name(lang.t(key))
                .set_categories((name.as_str(), 1, 0, row, 0))
                .set_values((name.as_str(), 1, col, row, col));
        }
        chart
            .title()
            .set_name(&format!("{} · {}", lang.t(Key::Sales), lang.t(Key::Month)));
        t.ws.insert_chart(1, 4, &chart).map_err(xerr)?;
    }
    // Quarterly trend per unit, with a sparkline.
    let mut top = row + 18;
    if let Some(first) = r.trend.first() {
        t.ws.write_string_with_format(top, 0, lang.t(Key::QuarterlyTrend), &f.label)
            .map_err(xerr)?;
        top += 1;
        let mut cols: Vec<String> = vec![
            lang.t(Key::Dimension).into(),
            lang.t(Key::Unit).into(),
            lang.t(Key::Measure).into(),
        ];
        cols.extend(first.quarters.iter().map(|(p, _)| p.to_string()));
        cols.push(lang.t(Key::Trend).into());
        for (c, h) in cols.iter().enumerate() {
            t.ws.write_string_with_format(top, c as u16, h, &f.header)
                .map_err(xerr)?;
        }
        let nq = first.quarters.len() as u16;
        for tr in &r.trend {
            top += 1;
            t.text(top, 0, &lang.dimension(&tr.dimension))?;
            t.text(top, 1, &tr.unit)?;
            t.text(top, 2, &lang.measure(&tr.measure))?;
            for (i, (_, v)) in tr.quarters.iter().enumerate() {
                t.num(
                    top,
                    3 + i as u16,
                    cell_value(&tr.measure, *v),
                    f.value(&tr.measure, *v),
                )?;
            }
            let spark = Sparkline::new()
                .set_range((name.as_str(), top, 3, top, 2 + nq))
                .set_type(SparklineType::Line)
                .show_markers(true);
            t.ws.add_sparkline(top, 3 + nq, &spark).map_err(xerr)?;
        }
    }
    t.ws.set_freeze_panes(1, 0).map_err(xerr)?;
    for (c, w) in [12.0, 18.0, 12.0, 16.0, 16.0, 16.0, 16.0, 16.0, 16.0]
        .iter()
        .enumerate()
    {
        t.ws.set_column_width(c as u16, *w).map_err(xerr)?;
    }
    print_setup(t.ws)
}

fn pace_sheet(wb: &mut Workbook, r: &Review, f: &Formats, lang: Lang) -> Result<(), Error> {
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(lang.t(Key::SheetPace)))
        .map_err(xerr)?;
    let mut t = Table { ws, f };
    let cols = [
        lang.t(Key::Dimension),
        lang.t(Key::Unit),
        lang.t(Key::Completion),
        lang.t(Key::Expected),
        lang.t(Key::PaceRatio),
        lang.t(Key::BehindPace),
    ];
    t.header(0, &cols)?;
    let mut row = 0;
    for p in &r.pace {
        row += 1;
        t.text(row, 0, &lang.dimension(&p.dimension))?;
        t.text(row, 1, &p.unit)?;
        t.num(row, 2, f64_of(round_rate(p.completion)), &f.pct)?;
        t.num(row, 3, f64_of(round_rate(p.expected)), &f.pct)?;
        t.num(row, 4, f64_of(round_rate(p.ratio)), &f.pct)?;
        if p.warning {
            t.ws.write_string_with_format(row, 5, lang.t(Key::Yes), &f.bad)
                .map_err(xerr)?;
        }
    }
    t.finish(
        row,
        cols.len() as u16,
        &[10.0, 18.0, 12.0, 12.0, 12.0, 12.0],
    )
}

/// The data-issues sheet's column widths: severity, code, location, message,
/// help, count.
const ISSUE_WIDTHS: [f64; 6] = [9.0, 24.0, 40.0, 80.0, 50.0, 8.0];

fn issues_sheet(
    wb: &mut Workbook,
    diagnostics: &[DiagnosticView],
    f: &Formats,
    lang: Lang,
) -> Result<(), Error> {
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(lang.t(Key::SheetDataIssues)))
        .map_err(xerr)?;
    let mut t = Table { ws, f };
    let cols = [
        lang.t(Key::Severity),
        lang.t(Key::Code),
        lang.t(Key::Location),
        lang.t(Key::Message),
        lang.t(Key::Help),
        lang.t(Key::Count),
    ];
    t.header(0, &cols)?;
    // Messages and help wrap inside their columns (a long message would be
    // cut off by the help beside it); each row's cells sit at its top.
    let top = |f: &Format| f.clone().set_align(FormatAlign::Top);
    let (text, bad, count) = (top(&f.text), top(&f.bad), top(&f.count));
    let wrap = text.clone().set_text_wrap();
    let mut row = 0;
    for d in diagnostics {
        row += 1;
        let severity = if d.severity == crate::diag::Severity::Error {
            &bad
        } else {
            &text
        };
        let cells = [
            (d.severity_in(lang), severity),
            (d.code, &text),
            (d.location.as_deref().unwrap_or(""), &text),
            (d.message_in(lang), &wrap),
            (d.help_in(lang).unwrap_or(""), &wrap),
        ];
        for (col, (value, format)) in (0u16..).zip(cells) {
            if !value.is_empty() {
                t.ws.write_string_with_format(row, col, value, format)
                    .map_err(xerr)?;
            }
        }
        t.num(row, 5, d.count as f64, &count)?;
        // Spreadsheets do not grow a row for wrapped text on their own.
        let lines = wrapped_lines(cells[3].0, ISSUE_WIDTHS[3])
            .max(wrapped_lines(cells[4].0, ISSUE_WIDTHS[4]));
        if lines > 1 {
            t.ws.set_row_height(row, 15.0 * lines as f64)
                .map_err(xerr)?;
        }
    }
    if row == 0 {
        t.text(1, 0, lang.t(Key::NoIssues))?;
    }
    t.finish(row, cols.len() as u16, &ISSUE_WIDTHS)
}

/// How many lines a text takes when wrapped in a column `width` characters
/// wide: Chinese and other full-width characters count twice.
fn wrapped_lines(text: &str, width: f64) -> usize {
    let units: usize = text
        .chars()
        .map(|c| if c >= '\u{2e80}' { 2 } else { 1 })
        .sum();
    units.div_ceil(width.max(1.0) as usize).max(1)
}

#[cfg(test)]
mod tests {
    use super::wrapped_lines;

    #[test]
    fn wrapped_lines_count_full_width_characters_twice() {
        assert_eq!(wrapped_lines("", 80.0), 1);
        assert_eq!(wrapped_lines(&"a".repeat(80), 80.0), 1);
        assert_eq!(wrapped_lines(&"a".repeat(81), 80.0), 2);
        // 40 Chinese characters fill 80 units; the 41st starts a second line.
        assert_eq!(wrapped_lines(&"行".repeat(40), 80.0), 1);
        assert_eq!(wrapped_lines(&"行".repeat(41), 80.0), 2);
        // Full-width punctuation is wide too: 40 characters, 4 + 2 × 36 units.
        assert_eq!(wrapped_lines(&format!("2026{}", "，".repeat(36)), 76.0), 1);
        assert_eq!(wrapped_lines(&format!("2026{}", "，".repeat(36)), 75.0), 2);
    }
}
