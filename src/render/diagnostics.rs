//! Diagnostics for the terminal (compiler style, grouped per file, colour on a
//! terminal only) and for JSON (the contract's shape), with repeated findings
//! folded: one code in one column of one sheet, more than [`FOLD_AFTER`]
//! times, becomes one entry with its row ranges and a few examples.

use crate::diag::{Diagnostic, Location, Severity, Sources};
use crate::i18n::{Key, Lang};
use serde::Serialize;
use std::fmt::Write;

/// More findings than this of one code in one column are folded into one.
pub const FOLD_AFTER: usize = 3;

/// A diagnostic as rendered: locations resolved, possibly standing for many.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DiagnosticView {
    pub code: &'static str,
    pub severity: Severity,
    /// `file!sheet!cell`, `file!sheet` or `file`; `null` for the whole inbox.
    pub location: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    /// How many findings this entry stands for (1 unless folded).
    pub count: usize,
    /// For folded entries: the rows, as ranges (`2-9001, 9005`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<String>,
    #[serde(skip)]
    file: Option<u32>,
    /// The message in Chinese, for the Chinese reports (`message` is English).
    #[serde(skip)]
    zh_message: Option<String>,
    #[serde(skip)]
    zh_help: Option<String>,
}

impl DiagnosticView {
    /// The message in a report language (English when it has no Chinese).
    pub fn message_in(&self, lang: Lang) -> &str {
        match (lang, &self.zh_message) {
            (Lang::Zh, Some(m)) => m,
            _ => &self.message,
        }
    }

    /// The help in a report language (English when it has no Chinese).
    pub fn help_in(&self, lang: Lang) -> Option<&str> {
        match (lang, &self.zh_help) {
            (Lang::Zh, Some(h)) => Some(h),
            _ => self.help.as_deref(),
        }
    }

    /// The severity word in a report language.
    pub fn severity_in(&self, lang: Lang) -> &'static str {
        severity_word(self.severity, lang)
    }

    /// The compiler-style line in a report language:
    /// `file!sheet!cell: error[code]: message` (`错误[code]：…` in Chinese).
    pub fn line_in(&self, lang: Lang) -> String {
        let (sev, code, message) = (self.severity_in(lang), self.code, self.message_in(lang));
        let colon = colon(lang);
        match &self.location {
            Some(l) => format!("{l}: {sev}[{code}]{colon}{message}"),
            None => format!("{sev}[{code}]{colon}{message}"),
        }
    }
}

/// The colon after a finding's code: full-width in Chinese.
fn colon(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "：",
        Lang::En => ": ",
    }
}

fn severity_word(s: Severity, lang: Lang) -> &'static str {
    lang.t(match s {
        Severity::Error => Key::SevError,
        Severity::Warning => Key::SevWarning,
        Severity::Info => Key::SevInfo,
    })
}

fn file_of(loc: Option<Location>) -> Option<u32> {
    match loc? {
        Location::File(f) | Location::Sheet(f, _) => Some(f.0),
        Location::Cell(c) => Some(c.file.0),
    }
}

/// Resolves and folds diagnostics, keeping the order of first appearance.
pub fn fold(items: &[Diagnostic], sources: &Sources) -> Vec<DiagnosticView> {
    type Key = (crate::diag::Code, u32, u16, u16);
    let mut groups: Vec<(Option<Key>, Vec<&Diagnostic>)> = Vec::new();
    let mut index: std::collections::HashMap<Key, usize> = std::collections::HashMap::new();
    for d in items {
        let key = match d.location {
            Some(Location::Cell(c)) => Some((d.code, c.file.0, c.sheet.0, c.col)),
            _ => None,
        };
        match key.and_then(|k| index.get(&k).copied()) {
            Some(g) => groups[g].1.push(d),
            None => {
                if let Some(k) = key {
                    index.insert(k, groups.len());
                }
                groups.push((key, vec![d]));
            }
        }
    }
    let mut out = Vec::new();
    for (_, members) in groups {
        if members.len() > FOLD_AFTER {
            out.push(folded(&members, sources));
        } else {
            out.extend(members.into_iter().map(|d| single(d, sources)));
        }
    }
    out
}

fn single(d: &Diagnostic, sources: &Sources) -> DiagnosticView {
    DiagnosticView {
        code: d.code.as_str(),
        severity: d.severity,
        location: d.location.map(|l| sources.locate(l)),
        message: d.message.clone(),
        help: d.help.clone(),
        related: d.related.iter().map(|l| sources.locate(*l)).collect(),
        count: 1,
        rows: None,
        file: file_of(d.location),
        zh_message: d.zh.as_ref().map(|zh| zh.message.clone()),
        zh_help: d.zh.as_ref().and_then(|zh| zh.help.clone()),
    }
}

fn folded(members: &[&Diagnostic], sources: &Sources) -> DiagnosticView {
    let first = members[0];
    let mut rows: Vec<u32> = members
        .iter()
        .filter_map(|d| match d.location {
            Some(Location::Cell(c)) => Some(c.row + 1),
            _ => None,
        })
        .collect();
    rows.sort_unstable();
    rows.dedup();
    let ranges = row_ranges(&rows);
    let examples: Vec<String> = members
        .iter()
        .skip(1)
        .take(2)
        .filter_map(|d| match d.location {
            Some(Location::Cell(c)) => Some(c.a1()),
            _ => None,
        })
        .collect();
    let mut view = single(first, sources);
    view.count = members.len();
    let more = (members.len() - 1).to_string();
    let fill = |lang: Lang, message: &str| {
        let examples = lang.join(&examples);
        lang.fill(Key::FdFolded, &[message, &more, &ranges, &examples])
    };
    view.message = fill(Lang::En, &first.message);
    view.zh_message = first.zh.as_ref().map(|zh| fill(Lang::Zh, &zh.message));
    view.rows = Some(ranges);
    view
}

/// Compresses sorted row numbers into ranges: `2-5, 9`.
///
/// ```
/// assert_eq!(qbr::render::diagnostics::row_ranges(&[2, 3, 4, 9, 11, 12]), "2-4, 9, 11-12");
/// ```
pub fn row_ranges(rows: &[u32]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let start = rows[i];
        let mut end = start;
        while i + 1 < rows.len() && rows[i + 1] == end + 1 {
            i += 1;
            end = rows[i];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    parts.join(", ")
}

/// Whether to colour terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn severity(&self, s: Severity, lang: Lang) -> String {
        let word = severity_word(s, lang);
        if !self.color {
            return word.to_string();
        }
        let code = match s {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        };
        format!("\x1b[{code}m{word}\x1b[0m")
    }

    fn bold(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// Compiler-style lines in a report language, grouped per file (whole-inbox
/// findings first).
pub fn render_text(
    views: &[DiagnosticView],
    sources: &Sources,
    style: Style,
    lang: Lang,
) -> String {
    let mut out = String::new();
    let mut files: Vec<Option<u32>> = views.iter().map(|v| v.file).collect();
    files.sort();
    files.dedup();
    for file in files {
        let header = match file {
            Some(f) => sources.path(crate::diag::FileId(f)).to_string(),
            None => lang.t(Key::CheckInbox).to_string(),
        };
        let _ = writeln!(out, "{}", style.bold(&header));
        let colon = colon(lang);
        for v in views.iter().filter(|v| v.file == file) {
            let sev = style.severity(v.severity, lang);
            let message = v.message_in(lang);
            match &v.location {
                Some(l) => {
                    let _ = writeln!(out, "  {l}: {sev}[{}]{colon}{message}", v.code);
                }
                None => {
                    let _ = writeln!(out, "  {sev}[{}]{colon}{message}", v.code);
                }
            }
            if !v.related.is_empty() {
                let shown: Vec<String> = v.related.iter().take(6).cloned().collect();
                let more = if v.related.len() > 6 {
                    lang.fill(Key::CheckAndMore, &[&(v.related.len() - 6).to_string()])
                } else {
                    String::new()
                };
                let see = lang.t(Key::CheckSee);
                let _ = writeln!(out, "    = {see}{colon}{}{more}", lang.join(&shown));
            }
            if let Some(h) = v.help_in(lang) {
                let _ = writeln!(out, "    = {}{colon}{h}", lang.t(Key::CheckHelp));
            }
        }
        out.push('\n');
    }
    out
}

/// Counts per severity, counting folded entries by what they stand for.
pub fn counts(views: &[DiagnosticView]) -> (usize, usize, usize) {
    let n = |s: Severity| {
        views
            .iter()
            .filter(|v| v.severity == s)
            .map(|v| v.count)
            .sum()
    };
    (n(Severity::Error), n(Severity::Warning), n(Severity::Info))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{CellRef, Code, FileId, SheetId};

    #[test]
    fn many_findings_in_one_column_fold_into_one() {
        let mut sources = Sources::default();
        let f = sources.add_file("订单.xlsx");
        sources.set_sheets(f, vec!["明细".into()]);
        let mut items: Vec<Diagnostic> = (1..=9000)
            .map(|row| {
                let c = CellRef {
                    file: f,
                    sheet: SheetId(0),
                    row,
                    col: 0,
                };
                Diagnostic::said(Code::OrderIdEmpty, Some(c.into()), Key::FdOrderIdEmpty, &[])
            })
            .collect();
        let other = CellRef {
            file: FileId(0),
            sheet: SheetId(0),
            row: 4,
            col: 4,
        };
        items.push(Diagnostic::said(
            Code::RowRequiredEmpty,
            Some(other.into()),
            Key::FdDateEmpty,
            &["日期 / date"],
        ));
        let views = fold(&items, &sources);
        assert_eq!(views.len(), 2);
        assert_eq!(views[0].count, 9000);
        assert_eq!(views[0].rows.as_deref(), Some("2-9001"));
        assert_eq!(views[0].location.as_deref(), Some("订单.xlsx!明细!A2"));
        assert_eq!(
            views[0].message_in(Lang::En),
            "order ID cell is empty; the line is still counted, but it cannot be matched as a duplicate by order (and 8999 more like it in this column, rows 2-9001; e.g. A3, A4)"
        );
        assert_eq!(
            views[0].message_in(Lang::Zh),
            "订单号单元格为空；该行仍计入，但无法按订单识别重复（此列另有 8999 处类似，行 2-9001；例如 A3、A4）"
        );
        assert_eq!(
            (
                views[0].severity_in(Lang::Zh),
                views[1].severity_in(Lang::En)
            ),
            ("警告", "error")
        );
        assert_eq!(counts(&views), (1, 9000, 0));
    }

    #[test]
    fn three_findings_stay_apart() {
        let mut sources = Sources::default();
        let f = sources.add_file("a.xlsx");
        sources.set_sheets(f, vec!["s".into()]);
        let items: Vec<Diagnostic> = (1..=3)
            .map(|row| {
                let c = CellRef {
                    file: f,
                    sheet: SheetId(0),
                    row,
                    col: 0,
                };
                Diagnostic::said(Code::OrderIdEmpty, Some(c.into()), Key::FdOrderIdEmpty, &[])
            })
            .collect();
        assert_eq!(fold(&items, &sources).len(), 3);
    }
}
