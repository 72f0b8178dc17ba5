//! The plain terminal summary `qbr review` prints: the headline, completion per
//! dimension, short boards with the Pareto set, team ranking, customer KPIs,
//! pace warnings and what the review was built from.

use crate::analyze::{Review, Status};
use crate::money::format_money;
use crate::records::{Dimension, Measure};
use crate::validate::{dimension_label, format_value, measure_label};
use rust_decimal::Decimal;
use std::fmt::Write;

/// Pads to a display width: CJK characters take two columns.
fn pad(s: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

use crate::money::format_percent as pct;

/// The status word, from the one translation table (the terminal speaks English).
fn status(s: Option<Status>) -> &'static str {
    s.map_or("-", |s| crate::i18n::Lang::En.status(s))
}

/// Renders the summary, ending with the files that were written.
pub fn render_summary(r: &Review, written: &crate::Written) -> String {
    let mut o = String::new();
    let state = if r.in_progress {
        format!("in progress, {} of the quarter elapsed", pct(r.elapsed))
    } else {
        "quarter complete".to_string()
    };
    let _ = writeln!(o, "qbr review {} (as of {}, {state})", r.period, r.as_of);
    if let Some(t) = &r.total
        && let (Some(a), Some(c), Some(g)) = (t.actual, t.completion, t.gap)
    {
        let _ = writeln!(
            o,
            "\nTotal sales: target {}, actual {}, completion {}, gap {} — {}",
            format_money(t.target),
            format_money(a),
            pct(c),
            format_money(g),
            status(t.status)
        );
    }
    for d in r
        .dimensions
        .iter()
        .filter(|d| d.dimension != Dimension::Total)
    {
        let _ = writeln!(
            o,
            "\n{} — {}",
            dimension_label(&d.dimension),
            measure_label(&d.measure)
        );
        for u in &d.units {
            let indent = if u.leaf { "  " } else { "  ▸ " };
            let _ = writeln!(
                o,
                "{indent}{} target {:>16}  actual {:>16}  {:>8}  {}",
                pad(&u.unit, 12),
                format_value(&d.measure, u.target),
                u.actual
                    .map(|a| format_value(&d.measure, a))
                    .unwrap_or_else(|| "n/a".into()),
                u.completion.map(pct).unwrap_or_else(|| "-".into()),
                status(u.status)
            );
        }
        if d.measure == Measure::Sales && d.unassigned.lines > 0 {
            let _ = writeln!(
                o,
                "  unassigned: {} line(s), {}",
                d.unassigned.lines,
                format_money(d.unassigned.amount)
            );
        }
    }
    if !r.short_boards.is_empty() {
        let _ = writeln!(
            o,
            "\nShort boards (money left on the table first; * = Pareto 80% set)"
        );
        for s in r.short_boards.iter().take(15) {
            let _ = writeln!(
                o,
                "  {}{} ({} / {}): {}{}",
                if s.pareto { "* " } else { "  " },
                s.unit,
                s.dimension.key(),
                s.measure.key(),
                pct(s.completion),
                s.shortfall
                    .map(|v| format!(", {} short", format_money(v)))
                    .unwrap_or_default()
            );
        }
        if r.short_boards.len() > 15 {
            let _ = writeln!(o, "  … {} more in summary.json", r.short_boards.len() - 15);
        }
    }
    for k in &r.ranking {
        let pick = |st: Status| -> Vec<String> {
            k.units
                .iter()
                .filter(|u| u.2 == st)
                .map(|u| format!("{} {}", u.0, pct(u.1)))
                .collect()
        };
        let (best, worst) = (pick(Status::Excellent), pick(Status::ShortBoard));
        let _ = writeln!(
            o,
            "\n{}: excellent: {}; needs improvement: {}",
            dimension_label(&k.dimension),
            if best.is_empty() {
                "none".into()
            } else {
                best.join(", ")
            },
            if worst.is_empty() {
                "none".into()
            } else {
                worst.join(", ")
            }
        );
    }
    let c = &r.customers;
    let _ = writeln!(
        o,
        "\nCustomers: {} new, {} returning, {} recalled{}",
        c.new_customers,
        c.returning_customers,
        c.recalled_customers,
        if c.no_history {
            " (no order history before the period: every customer counts as new)"
        } else {
            ""
        }
    );
    let opt = |v: Option<Decimal>| v.map(pct).unwrap_or_else(|| "n/a".into());
    let _ = writeln!(
        o,
        "  repurchase rate {} of {} active before; recall rate {} of {} churned; new-customer conversion {}",
        opt(c.repurchase_rate),
        c.active_before,
        opt(c.recall_rate),
        c.churned_at_start,
        opt(c.new_customer_conversion)
    );
    let warnings: Vec<_> = r.pace.iter().filter(|p| p.warning).collect();
    if r.in_progress && !warnings.is_empty() {
        let _ = writeln!(
            o,
            "\nBehind pace (expected {} by now)",
            pct(warnings[0].expected)
        );
        for p in warnings {
            let _ = writeln!(
                o,
                "  {} ({}): {}",
                p.unit,
                p.dimension.key(),
                pct(p.completion)
            );
        }
    }
    let i = &r.inputs;
    let _ = writeln!(
        o,
        "\nBuilt from {} workbook(s): {} order line(s) in {}, {}; {} duplicate line(s) counted once ({}); {} row(s) rejected; {} history line(s)",
        i.files,
        i.order_lines,
        r.period,
        format_money(i.order_amount),
        i.duplicate_lines,
        format_money(i.duplicate_amount),
        i.rejected_rows,
        i.history_lines
    );
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
                let _ = writeln!(o, "Wrote {}", written.join(name).display());
            }
        }
    }
    for (level, n) in split_sets {
        let dir = written.join(format!("split/{level}"));
        let _ = writeln!(
            o,
            "Wrote {n} per-unit report set(s) under {}",
            dir.display()
        );
    }
    o
}
