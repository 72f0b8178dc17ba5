//! The HTML report `review-<period>.html` (a self-contained page for the
//! browser) and the email body `email-<period>.html` (built for mail clients:
//! one 600 px table, inline styles, bars drawn with table cells, no images, no
//! scripts, no external resources).
//!
//! Both are rendered with tera from `templates/`, embedded at build time, from
//! a view model of preformatted strings; every word comes from the one
//! translation table in [`crate::i18n`]. The templates are registered under
//! `.html` names, so tera escapes every value that came from the inputs.

use crate::analyze::{Review, Status, UnitReview};
use crate::error::Error;
use crate::i18n::{Key, Lang};
use crate::money::{format_money, round_rate};
use crate::records::{Dimension, Measure};
use crate::render::diagnostics::DiagnosticView;
use crate::render::xlsx::MoneyUnit;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

const REVIEW_TEMPLATE: &str = include_str!("../../templates/review.html");
const EMAIL_TEMPLATE: &str = include_str!("../../templates/email.html");
const EMAIL_TEXT_TEMPLATE: &str = include_str!("../../templates/email.txt");

/// How many rows the email body lists before pointing at the workbook.
pub const EMAIL_ROWS: usize = 12;

/// Formats money in the chosen unit: `1,200,000.00`, `120.0万`, `1,200.0K`.
pub fn money(v: Decimal, unit: MoneyUnit) -> String {
    match unit {
        MoneyUnit::Yuan => format_money(v),
        MoneyUnit::Thousand => format!("{}K", one_decimal(v / Decimal::from(1_000))),
        MoneyUnit::TenThousand => format!("{}万", one_decimal(v / Decimal::from(10_000))),
    }
}

fn one_decimal(v: Decimal) -> String {
    let s = format_money(
        v.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
    );
    s.strip_suffix('0').unwrap_or(&s).to_string()
}

use crate::money::format_percent as pct;

fn value(m: &Measure, v: Decimal, unit: MoneyUnit) -> String {
    if m.is_rate() {
        pct(v)
    } else if *m == Measure::Aov {
        format_money(v)
    } else if m.is_money() {
        money(v, unit)
    } else {
        v.normalize().to_string()
    }
}

/// Width of the email's bar track in pixels.
const TRACK_PX: u32 = 240;

/// A completion bar: its track spans 0–150%, so 100% sits at two thirds.
#[derive(Serialize, Clone, Copy)]
struct Bar {
    /// Filled share of the track, in percent.
    pct: u32,
    /// Filled and empty widths in pixels, for table-cell bars in email.
    px: u32,
    rest: u32,
}

fn bar(c: Decimal) -> Bar {
    let w = (round_rate(c) * Decimal::from(100)).round();
    let completion = w.to_string().parse::<i64>().unwrap_or(0).clamp(0, 150) as u32;
    let pct = completion * 100 / 150;
    let px = TRACK_PX * pct / 100;
    Bar {
        pct,
        px,
        rest: TRACK_PX - px,
    }
}

fn status_class(s: Option<Status>) -> &'static str {
    match s {
        Some(Status::ShortBoard) => "short",
        Some(Status::Excellent) => "excellent",
        Some(Status::OnTrack) => "ok",
        None => "none",
    }
}

#[derive(Serialize)]
struct Headline {
    target: String,
    actual: String,
    completion: String,
    gap: String,
    gap_negative: bool,
    status: String,
    status_class: &'static str,
    bar: Bar,
}

#[derive(Serialize)]
struct UnitRow {
    unit: String,
    parent: String,
    measure: String,
    target: String,
    actual: String,
    completion: String,
    gap: String,
    gap_negative: bool,
    status: String,
    status_class: &'static str,
    tier: String,
    bar: Bar,
    level: usize,
    okr: bool,
}

#[derive(Serialize)]
struct Section {
    name: String,
    rows: Vec<UnitRow>,
}

#[derive(Serialize)]
struct ShortRow {
    rank: usize,
    unit: String,
    dimension: String,
    measure: String,
    completion: String,
    shortfall: String,
    pareto: bool,
    bar: Bar,
}

#[derive(Serialize)]
struct RankRow {
    rank: usize,
    unit: String,
    completion: String,
    status: String,
    status_class: &'static str,
    bar: Bar,
}

#[derive(Serialize)]
struct Ranking {
    dimension: String,
    excellent: String,
    needs_improvement: String,
    rows: Vec<RankRow>,
}

#[derive(Serialize)]
struct MonthRow {
    month: String,
    actual: String,
    target: String,
    bar: Bar,
}

#[derive(Serialize)]
struct PaceRow {
    dimension: String,
    unit: String,
    completion: String,
    expected: String,
    ratio: String,
}

#[derive(Serialize)]
struct IssueRow {
    severity: String,
    is_error: bool,
    code: String,
    location: String,
    message: String,
    help: String,
}

#[derive(Serialize)]
struct SuggestionRow {
    rule: &'static str,
    id: &'static str,
    raise: bool,
    dimension: String,
    unit: String,
    next_target: String,
    evidence: String,
}

#[derive(Serialize)]
struct Fact {
    label: &'static str,
    value: String,
}

#[derive(Serialize)]
struct View {
    lang: &'static str,
    t: BTreeMap<String, &'static str>,
    title: String,
    period: String,
    state: String,
    money_unit: &'static str,
    headline: Option<Headline>,
    sections: Vec<Section>,
    short_boards: Vec<ShortRow>,
    more_short_boards: bool,
    suggestions: Vec<SuggestionRow>,
    resources: Option<ResourcesView>,
    rankings: Vec<Ranking>,
    months: Vec<MonthRow>,
    pace: Vec<PaceRow>,
    issues: Vec<IssueRow>,
    facts: Vec<Fact>,
}

#[derive(Serialize)]
struct ResourcesView {
    budget: String,
    spent: String,
    actions: Vec<ActionRow>,
    unplanned: Vec<UnplannedRow>,
}

#[derive(Serialize)]
struct ActionRow {
    rank: usize,
    action: String,
    owner: String,
    serves: String,
    measure: String,
    expected: String,
    actual: String,
    source: &'static str,
    attainment: String,
    short: bool,
    budget: String,
    spent: String,
    cost_per_output: String,
    return_index: String,
    on_time: &'static str,
    overspent_and_short: bool,
}

#[derive(Serialize)]
struct UnplannedRow {
    dimension: String,
    unit: String,
    measure: String,
    owner: String,
    target: String,
}

fn resources_view(
    res: &crate::analyze::resources::Resources,
    lang: Lang,
    unit: MoneyUnit,
) -> ResourcesView {
    let opt_money = |v: Option<Decimal>| v.map(|v| money(v, unit)).unwrap_or_default();
    ResourcesView {
        budget: money(res.budget, unit),
        spent: money(res.spent, unit),
        actions: res
            .actions
            .iter()
            .enumerate()
            .map(|(i, a)| ActionRow {
                rank: i + 1,
                action: a.action.clone(),
                owner: a.owner.clone().unwrap_or_default(),
                serves: lang.serves(a),
                measure: lang.measure(&a.measure),
                expected: value(&a.measure, a.expected, unit),
                actual: a
                    .actual
                    .map(|v| value(&a.measure, v, unit))
                    .unwrap_or_else(|| "—".into()),
                source: lang.output_source(a.source),
                attainment: a.attainment.map(pct).unwrap_or_else(|| "—".into()),
                short: a.attainment.is_some_and(|v| v < Decimal::ONE),
                budget: opt_money(a.budget),
                spent: opt_money(a.spent),
                // Per unit of output: in yuan, whatever the money unit.
                cost_per_output: a
                    .cost_per_output
                    .map(|v| a.cost_text(v))
                    .unwrap_or_default(),
                return_index: a
                    .return_index
                    .map(|v| format!("{}×", v.round_dp(2)))
                    .unwrap_or_else(|| "—".into()),
                on_time: lang.on_time(a.on_time),
                overspent_and_short: a.overspent_and_short,
            })
            .collect(),
        unplanned: res
            .unplanned
            .iter()
            .map(|u| UnplannedRow {
                dimension: lang.dimension(&u.dimension),
                unit: u.unit.clone(),
                measure: lang.measure(&u.measure),
                owner: u.owner.clone().unwrap_or_default(),
                target: value(&u.measure, u.target, unit),
            })
            .collect(),
    }
}

fn unit_row(m: &Measure, u: &UnitReview, level: usize, lang: Lang, unit: MoneyUnit) -> UnitRow {
    UnitRow {
        unit: u.unit.clone(),
        parent: u.parent.clone().unwrap_or_default(),
        measure: lang.measure(m),
        target: value(m, u.target, unit),
        actual: u
            .actual
            .map(|a| value(m, a, unit))
            .unwrap_or_else(|| "—".into()),
        completion: u.completion.map(pct).unwrap_or_else(|| "—".into()),
        gap: u.gap.map(|g| value(m, g, unit)).unwrap_or_default(),
        gap_negative: u.gap.is_some_and(|g| g < Decimal::ZERO),
        status: u
            .status
            .map(|s| lang.status(s).to_string())
            .unwrap_or_default(),
        status_class: status_class(u.status),
        tier: u.tier.map(|t| lang.tier(t).to_string()).unwrap_or_default(),
        bar: bar(u.completion.unwrap_or_default()),
        level,
        okr: u.okr,
    }
}

fn view(
    r: &Review,
    diagnostics: &[DiagnosticView],
    lang: Lang,
    unit: MoneyUnit,
    limit: Option<usize>,
) -> View {
    let take = |n: usize| limit.map_or(n, |l| n.min(l));
    let title = format!("{} {}", r.period, lang.t(Key::ReviewTitle));
    let state = format!(
        "{}: {} · {}",
        lang.t(Key::AsOf),
        r.as_of,
        lang.t(if r.in_progress {
            Key::InProgress
        } else {
            Key::Complete
        })
    );
    let headline = r.total.as_ref().and_then(|t| {
        Some(Headline {
            target: money(t.target, unit),
            actual: money(t.actual?, unit),
            completion: pct(t.completion?),
            gap: money(t.gap?, unit),
            gap_negative: t.gap? < Decimal::ZERO,
            status: lang.status(t.status?).to_string(),
            status_class: status_class(t.status),
            bar: bar(t.completion?),
        })
    });
    // One section per dimension; the email keeps only the sales measure.
    let mut sections = Vec::new();
    for d in crate::analyze::report_dimensions(r) {
        let rows: Vec<UnitRow> = r
            .dimensions
            .iter()
            .filter(|x| x.dimension == d && (limit.is_none() || x.measure == Measure::Sales))
            .filter(|x| !(d == Dimension::Total && x.measure == Measure::Sales))
            .flat_map(|x| {
                x.units.iter().map(move |u| {
                    unit_row(
                        &x.measure,
                        u,
                        usize::from(
                            u.parent.is_some()
                                && !matches!(x.dimension, Dimension::Group | Dimension::Person),
                        ),
                        lang,
                        unit,
                    )
                })
            })
            .collect();
        // The email lists people only when they fit (a team's own report);
        // the company's full list travels in the workbook.
        if rows.is_empty() || limit.is_some_and(|l| d == Dimension::Person && rows.len() > l) {
            continue;
        }
        let name = if d == Dimension::Total {
            lang.t(Key::CompanyTargets).to_string()
        } else {
            lang.dimension(&d)
        };
        let n = take(rows.len());
        sections.push(Section {
            name,
            rows: rows.into_iter().take(n).collect(),
        });
    }
    let short_boards: Vec<ShortRow> = r
        .short_boards
        .iter()
        .take(take(r.short_boards.len()))
        .enumerate()
        .map(|(i, s)| ShortRow {
            rank: i + 1,
            unit: s.unit.clone(),
            dimension: lang.dimension(&s.dimension),
            measure: lang.measure(&s.measure),
            completion: pct(s.completion),
            shortfall: s.shortfall.map(|v| money(v, unit)).unwrap_or_default(),
            pareto: s.pareto,
            bar: bar(s.completion),
        })
        .collect();
    let rankings = r
        .ranking
        .iter()
        .map(|k| {
            let names = |st: Status| {
                let v: Vec<String> = k
                    .units
                    .iter()
                    .filter(|u| u.2 == st)
                    .map(|u| format!("{} {}", u.0, pct(u.1)))
                    .collect();
                if v.is_empty() {
                    "—".to_string()
                } else {
                    v.join("，")
                }
            };
            Ranking {
                dimension: lang.dimension(&k.dimension),
                excellent: names(Status::Excellent),
                needs_improvement: names(Status::ShortBoard),
                rows: k
                    .units
                    .iter()
                    .take(take(k.units.len()))
                    .enumerate()
                    .map(|(i, u)| RankRow {
                        rank: i + 1,
                        unit: u.0.clone(),
                        completion: pct(u.1),
                        status: lang.status(u.2).to_string(),
                        status_class: status_class(Some(u.2)),
                        bar: bar(u.1),
                    })
                    .collect(),
            }
        })
        .collect();
    let month_targets: BTreeMap<String, Decimal> = r
        .dimensions
        .iter()
        .filter(|d| d.dimension == Dimension::Month && d.measure == Measure::Sales)
        .flat_map(|d| d.units.iter().map(|u| (u.key.clone(), u.target)))
        .collect();
    let peak = r
        .monthly
        .iter()
        .map(|m| m.1)
        .max()
        .unwrap_or(Decimal::ONE)
        .max(Decimal::ONE);
    let months = r
        .monthly
        .iter()
        .rev()
        .take(take(r.monthly.len()))
        .rev()
        .map(|(m, v)| MonthRow {
            month: m.to_string(),
            actual: money(*v, unit),
            target: month_targets
                .get(&m.to_string())
                .map(|t| money(*t, unit))
                .unwrap_or_default(),
            bar: bar(*v / peak),
        })
        .collect();
    let pace = r
        .pace
        .iter()
        .filter(|p| r.in_progress && p.warning)
        .map(|p| PaceRow {
            dimension: lang.dimension(&p.dimension),
            unit: p.unit.clone(),
            completion: pct(p.completion),
            expected: pct(p.expected),
            ratio: pct(p.ratio),
        })
        .collect();
    let suggestions = r
        .suggestions
        .iter()
        .take(take(r.suggestions.len()))
        .map(|s| SuggestionRow {
            rule: lang.rule(s.rule),
            id: s.rule.id(),
            raise: s.rule == crate::next::Rule::RaiseExcellent,
            dimension: lang.dimension(&s.dimension),
            unit: s.unit.clone(),
            next_target: s
                .next_target
                .map(|v| value(&s.measure, v, unit))
                .unwrap_or_default(),
            evidence: lang.evidence(s),
        })
        .collect();
    let issues = diagnostics
        .iter()
        .take(take(diagnostics.len()))
        .map(|d| IssueRow {
            severity: d.severity_in(lang).to_string(),
            is_error: d.severity == crate::diag::Severity::Error,
            code: d.code.to_string(),
            location: d.location.clone().unwrap_or_default(),
            message: d.message_in(lang).to_string(),
            help: d.help_in(lang).unwrap_or_default().to_string(),
        })
        .collect();
    let i = &r.inputs;
    let facts = vec![
        Fact {
            label: lang.t(Key::Workbooks),
            value: i.files.to_string(),
        },
        Fact {
            label: lang.t(Key::OrderLines),
            value: i.order_lines.to_string(),
        },
        Fact {
            label: lang.t(Key::OrderAmount),
            value: money(i.order_amount, unit),
        },
        Fact {
            label: lang.t(Key::Duplicates),
            value: i.duplicate_lines.to_string(),
        },
        Fact {
            label: lang.t(Key::Rejected),
            value: i.rejected_rows.to_string(),
        },
        Fact {
            label: lang.t(Key::HistoryLines),
            value: i.history_lines.to_string(),
        },
    ];
    View {
        lang: lang.code(),
        t: lang.table(),
        title,
        period: r.period.to_string(),
        state,
        money_unit: match unit {
            MoneyUnit::Yuan => lang.t(Key::Yuan),
            MoneyUnit::Thousand => "K",
            MoneyUnit::TenThousand => "万",
        },
        headline,
        sections,
        more_short_boards: limit.is_some_and(|l| r.short_boards.len() > l),
        suggestions,
        // The email stays short: the resources travel in the report and workbook.
        resources: if limit.is_none() {
            r.resources
                .as_ref()
                .map(|res| resources_view(res, lang, unit))
        } else {
            None
        },
        short_boards,
        rankings,
        months,
        pace,
        issues,
        facts,
    }
}

fn tera() -> Result<tera::Tera, Error> {
    let mut t = tera::Tera::default();
    t.autoescape_on([".html"]);
    t.add_raw_template("review.html", REVIEW_TEMPLATE)
        .and_then(|_| t.add_raw_template("email.html", EMAIL_TEMPLATE))
        .and_then(|_| t.add_raw_template("email.txt", EMAIL_TEXT_TEMPLATE))
        .map_err(|e| Error::Template {
            message: e.to_string(),
        })?;
    Ok(t)
}

fn render(template: &str, v: &View) -> Result<String, Error> {
    let ctx = tera::Context::from_serialize(v).map_err(|e| Error::Template {
        message: e.to_string(),
    })?;
    tera()?.render(template, &ctx).map_err(|e| Error::Template {
        message: format!("{template}: {e}"),
    })
}

/// Renders the browser report.
///
/// # Errors
/// [`Error::Template`] when a template does not render (a bug in qbr's templates).
pub fn review_html(
    r: &Review,
    diagnostics: &[DiagnosticView],
    lang: Lang,
    unit: MoneyUnit,
) -> Result<String, Error> {
    render("review.html", &view(r, diagnostics, lang, unit, None))
}

/// The email body: HTML for mail clients and its plain-text alternative.
pub struct EmailBody {
    pub html: String,
    pub text: String,
}

/// Renders the email body from one view, shortened to [`EMAIL_ROWS`] rows a
/// table: `email.html` and its plain-text alternative `email.txt` (plain text
/// is not escaped; it is never parsed as markup).
///
/// # Errors
/// [`Error::Template`] when a template does not render.
pub fn email_body(
    r: &Review,
    diagnostics: &[DiagnosticView],
    lang: Lang,
    unit: MoneyUnit,
) -> Result<EmailBody, Error> {
    let v = view(r, diagnostics, lang, unit, Some(EMAIL_ROWS));
    Ok(EmailBody {
        html: render("email.html", &v)?,
        text: render("email.txt", &v)?,
    })
}
