//! The plain terminal summary `qbr review` prints: the headline, completion per
//! dimension, short boards with the Pareto set, team ranking, customer KPIs,
//! pace warnings and what the review was built from.

use crate::analyze::{Review, Status};
use crate::i18n::{Key, Lang};
use crate::money::format_money;
use crate::records::{Dimension, Measure};
use crate::validate::format_value;
use rust_decimal::Decimal;
use std::fmt::Write;

/// Pads to a display width: CJK characters take two columns.
fn pad(s: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

use crate::money::format_percent as pct;

/// Renders the summary in the reports' language: the review, a count of the
/// data issues when there are any (`diagnostics`: the run's findings), then
/// the files that were written.
pub fn render_summary(
    r: &Review,
    written: &crate::Written,
    diagnostics: &crate::diag::Diagnostics,
) -> String {
    let lang = written.lang;
    let fill = |key: Key, args: &[&str]| lang.fill(key, args);
    let status = |s: Option<Status>| s.map_or("-", |s| lang.status(s));
    let mut o = String::new();
    let state = if r.in_progress {
        fill(Key::SumInProgress, &[&pct(r.elapsed)])
    } else {
        lang.t(Key::SumComplete).to_string()
    };
    let title = fill(
        Key::SumTitle,
        &[&r.period.to_string(), &r.as_of.to_string(), &state],
    );
    let _ = writeln!(o, "{title}");
    if let Some(t) = &r.total
        && let (Some(a), Some(c), Some(g)) = (t.actual, t.completion, t.gap)
    {
        let line = fill(
            Key::SumTotal,
            &[
                &format_money(t.target),
                &format_money(a),
                &pct(c),
                &format_money(g),
                status(t.status),
            ],
        );
        let _ = writeln!(o, "\n{line}");
    }
    for d in r
        .dimensions
        .iter()
        .filter(|d| d.dimension != Dimension::Total)
    {
        let _ = writeln!(
            o,
            "\n{} — {}",
            lang.dimension(&d.dimension),
            lang.measure(&d.measure)
        );
        for u in &d.units {
            let indent = if u.leaf { "  " } else { "  ▸ " };
            let actual = u
                .actual
                .map(|a| format_value(&d.measure, a))
                .unwrap_or_else(|| lang.t(Key::SumNotAvailable).into());
            let row = fill(
                Key::SumUnit,
                &[
                    &pad(&u.unit, 12),
                    &format!("{:>16}", format_value(&d.measure, u.target)),
                    &format!("{actual:>16}"),
                    &format!("{:>8}", u.completion.map(pct).unwrap_or_else(|| "-".into())),
                    status(u.status),
                ],
            );
            let _ = writeln!(o, "{indent}{row}");
        }
        if d.measure == Measure::Sales && d.unassigned.lines > 0 {
            let line = fill(
                Key::SumUnassigned,
                &[
                    &d.unassigned.lines.to_string(),
                    &format_money(d.unassigned.amount),
                ],
            );
            let _ = writeln!(o, "  {line}");
        }
    }
    short_boards(&mut o, r, lang);
    for k in &r.ranking {
        let pick = |st: Status| -> String {
            let units: Vec<String> = k
                .units
                .iter()
                .filter(|u| u.2 == st)
                .map(|u| format!("{} {}", u.0, pct(u.1)))
                .collect();
            if units.is_empty() {
                lang.t(Key::SumNone).into()
            } else {
                lang.join(&units)
            }
        };
        let line = fill(
            Key::SumRanking,
            &[
                &lang.dimension(&k.dimension),
                &pick(Status::Excellent),
                &pick(Status::ShortBoard),
            ],
        );
        let _ = writeln!(o, "\n{line}");
    }
    let c = &r.customers;
    let customers = fill(
        Key::SumCustomers,
        &[
            &c.new_customers.to_string(),
            &c.returning_customers.to_string(),
            &c.recalled_customers.to_string(),
        ],
    );
    let no_history = if c.no_history {
        lang.t(Key::SumNoHistory)
    } else {
        ""
    };
    let _ = writeln!(o, "\n{customers}{no_history}");
    let opt = |v: Option<Decimal>| {
        v.map(pct)
            .unwrap_or_else(|| lang.t(Key::SumNotAvailable).into())
    };
    let rates = fill(
        Key::SumRates,
        &[
            &opt(c.repurchase_rate),
            &c.active_before.to_string(),
            &opt(c.recall_rate),
            &c.churned_at_start.to_string(),
            &opt(c.new_customer_conversion),
        ],
    );
    let _ = writeln!(o, "  {rates}");
    let warnings: Vec<_> = r.pace.iter().filter(|p| p.warning).collect();
    if r.in_progress && !warnings.is_empty() {
        let _ = writeln!(
            o,
            "\n{}",
            fill(Key::SumBehindPace, &[&pct(warnings[0].expected)])
        );
        for p in warnings {
            let line = fill(
                Key::SumPaceUnit,
                &[&p.unit, &lang.dimension(&p.dimension), &pct(p.completion)],
            );
            let _ = writeln!(o, "  {line}");
        }
    }
    let i = &r.inputs;
    let built_from = fill(
        Key::SumBuiltFrom,
        &[
            &i.files.to_string(),
            &i.order_lines.to_string(),
            &r.period.to_string(),
            &format_money(i.order_amount),
            &i.duplicate_lines.to_string(),
            &format_money(i.duplicate_amount),
            &i.rejected_rows.to_string(),
            &i.history_lines.to_string(),
        ],
    );
    let _ = writeln!(o, "\n{built_from}");
    use crate::diag::Severity;
    let (errors, warnings) = (
        diagnostics.count(Severity::Error),
        diagnostics.count(Severity::Warning),
    );
    if errors + warnings > 0 {
        let issues = fill(
            Key::SumDataIssues,
            &[&errors.to_string(), &warnings.to_string()],
        );
        let _ = writeln!(o, "{issues}");
    }
    written_files(&mut o, written);
    o
}

/// The short boards, largest shortfall first, at most 15 of them.
fn short_boards(o: &mut String, r: &Review, lang: Lang) {
    const SHOWN: usize = 15;
    if r.short_boards.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n{}", lang.t(Key::SumShortBoards));
    for s in r.short_boards.iter().take(SHOWN) {
        let shortfall = s
            .shortfall
            .map(|v| lang.fill(Key::SumShortfall, &[&format_money(v)]))
            .unwrap_or_default();
        let line = lang.fill(
            Key::SumShortBoard,
            &[
                &s.unit,
                &lang.dimension(&s.dimension),
                &lang.measure(&s.measure),
                &pct(s.completion),
            ],
        );
        let mark = if s.pareto { "* " } else { "  " };
        let _ = writeln!(o, "  {mark}{line}{shortfall}");
    }
    if r.short_boards.len() > SHOWN {
        let more = (r.short_boards.len() - SHOWN).to_string();
        let _ = writeln!(o, "  {}", lang.fill(Key::SumMore, &[&more]));
    }
}

/// One line per written file; the per-unit report sets one line per level.
fn written_files(o: &mut String, written: &crate::Written) {
    let lang = written.lang;
    let mut split_sets: std::collections::BTreeMap<&str, usize> = Default::default();
    for name in &written.files {
        match name.strip_prefix("split/") {
            Some(rest) if rest.ends_with(".xlsx") => {
                *split_sets
                    .entry(rest.split('/').next().unwrap_or(""))
                    .or_default() += 1;
            }
            Some(_) => {}
            None => {
                let path = written.join(name).display().to_string();
                let _ = writeln!(o, "{}", lang.fill(Key::SumWrote, &[&path]));
            }
        }
    }
    for (level, n) in split_sets {
        let dir = written.join(format!("split/{level}")).display().to_string();
        let _ = writeln!(
            o,
            "{}",
            lang.fill(Key::SumWroteSplits, &[&n.to_string(), &dir])
        );
    }
}
