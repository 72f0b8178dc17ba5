//! The command line (clap derive). Each command's help carries an example.
//!
//! The doc comments here are the `--help` text, where `OUT/<period>/` is
//! meant literally, not as HTML.
#![allow(rustdoc::invalid_html_tags)]

use crate::i18n::Lang;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

mod zh;

/// qbr — quarterly business review for finance and sales operations.
///
/// Drop the workbooks you already keep (targets, order exports, master data,
/// activity sheets) into one folder; qbr recognises each sheet from its header
/// row, checks it, and builds the quarterly review.
#[derive(Debug, Parser)]
#[command(name = "qbr", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print only errors: no progress, no summary.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print each stage with its timing (to stderr).
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

impl Cli {
    /// Parses the process's arguments; `--help` and `-h` speak `lang`.
    ///
    /// # Errors
    /// clap's error for a usage mistake, or its help or version "error"
    /// (printed to stdout, exit code 0).
    pub fn try_parse_in(lang: Lang) -> Result<Cli, clap::Error> {
        let matches = Cli::command_in(lang).try_get_matches()?;
        Cli::from_arg_matches(&matches)
    }

    /// The command line's definition with its help in `lang`: the doc
    /// comments below in English, the table of `src/cli/zh.rs` in Chinese.
    pub fn command_in(lang: Lang) -> clap::Command {
        let mut command = Cli::command();
        match lang {
            Lang::En => command,
            Lang::Zh => {
                // Built first, so that clap's own help and version flags and
                // its `help` command exist and are translated too.
                command.build();
                in_chinese(command, "qbr")
            }
        }
    }

    /// The language `--help` speaks for these arguments: the value of a
    /// `--lang` among them, else the system's locale.
    pub fn help_lang(args: &[String]) -> Lang {
        let value = args.iter().enumerate().find_map(|(i, a)| {
            a.strip_prefix("--lang=")
                .map(str::to_string)
                .or_else(|| (a == "--lang").then(|| args.get(i + 1).cloned().unwrap_or_default()))
        });
        value
            .and_then(|v| <Lang as ValueEnum>::from_str(&v, false).ok())
            .unwrap_or_else(Lang::of_system)
    }
}

/// The Chinese text of an option of `command`: its own, else the shared one.
fn option_text(command: &str, id: &str) -> Option<&'static str> {
    zh::text(&format!("{command}.{id}")).or_else(|| zh::text(&format!("any.{id}")))
}

/// A word clap puts around the help texts (`usage`, `options` …), in Chinese.
fn heading(key: &str) -> &'static str {
    zh::text(&format!("heading.{key}")).unwrap_or_default()
}

/// `command` (named `name`) with every help text in Chinese.
fn in_chinese(command: clap::Command, name: &str) -> clap::Command {
    let mut command = command.subcommand_help_heading(heading("commands"));
    if let Some(about) = zh::text(name) {
        let long = zh::text(&format!("{name}.long")).unwrap_or(about);
        command = command.about(about).long_about(long);
    }
    if let Some(examples) = zh::text(&format!("{name}.examples")) {
        command = command.after_long_help(examples);
    }
    let ids: Vec<String> = command
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let Some(text) = option_text(name, &id) else {
            continue;
        };
        command = command.mut_arg(id, |arg| {
            let mut help = text.to_string();
            let defaults: Vec<String> = arg
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            let values: Vec<String> = arg
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect();
            let takes_value = arg.get_num_args().is_some_and(|n| n.takes_values());
            if !defaults.is_empty() && takes_value {
                help.push_str(&format!(
                    " [{}：{}]",
                    heading("default"),
                    Lang::Zh.join(&defaults)
                ));
            }
            if !values.is_empty() && takes_value {
                help.push_str(&format!(
                    " [{}：{}]",
                    heading("values"),
                    Lang::Zh.join(&values)
                ));
            }
            let value_names: Vec<clap::builder::Str> = arg
                .get_value_names()
                .unwrap_or_default()
                .iter()
                .map(|n| zh::text(&format!("value.{n}")).map_or_else(|| n.clone(), Into::into))
                .collect();
            let arg = if value_names.is_empty() || !takes_value {
                arg
            } else {
                arg.value_names(value_names)
            };
            let section = if arg.is_positional() {
                heading("arguments")
            } else {
                heading("options")
            };
            arg.help(help.clone())
                .long_help(help)
                .hide_default_value(true)
                .hide_possible_values(true)
                .help_heading(section)
        });
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for sub in names {
        command = command.mut_subcommand(sub.clone(), |c| in_chinese(c, &sub));
    }
    // The usage line as clap writes it, now with Chinese value names.
    let usage = command.render_usage().to_string();
    let usage = chinese_usage(usage.strip_prefix("Usage: ").unwrap_or(&usage));
    command.help_template(format!(
        "{{before-help}}{{about-with-newline}}\n{}{usage}\n\n{{all-args}}{{after-help}}",
        heading("usage")
    ))
}

/// A usage line with clap's English placeholders (`[OPTIONS]`, `<COMMAND>`)
/// in Chinese; the value names in it are already Chinese.
fn chinese_usage(usage: &str) -> String {
    usage
        .replace("[OPTIONS]", &format!("[{}]", heading("options")))
        .replace("<COMMAND>", &format!("<{}>", heading("commands")))
        .replace("[COMMAND]", &format!("[{}]", heading("commands")))
}

/// Output format of `inspect` and `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable, for a terminal.
    Text,
    /// Machine-readable JSON (`qbr.inspect/1`, `qbr.check/1`).
    Json,
}

/// When to colour terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When stdout is a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

/// A value on the command line that is not what its option takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadValue {
    /// What was given.
    pub value: String,
    pub problem: ValueProblem,
}

/// What is wrong with a [`BadValue`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueProblem {
    NotADate,
    NotAWeight,
    WeightOutsideUnit,
    NotAnAmount,
    NotAQuarter,
    ScaleOutOfRange,
}

impl ValueProblem {
    /// The problem's text in the translation table, with `{0}` for the value.
    fn key(self) -> crate::i18n::Key {
        use crate::i18n::Key::*;
        match self {
            ValueProblem::NotADate => ArgNotADate,
            ValueProblem::NotAWeight => ArgNotAWeight,
            ValueProblem::WeightOutsideUnit => ArgWeightOutsideUnit,
            ValueProblem::NotAnAmount => ArgNotAnAmount,
            ValueProblem::NotAQuarter => ArgNotAQuarter,
            ValueProblem::ScaleOutOfRange => ArgScaleOutOfRange,
        }
    }
}

impl BadValue {
    fn new(value: &str, problem: ValueProblem) -> BadValue {
        BadValue {
            value: value.to_string(),
            problem,
        }
    }

    /// The problem in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        lang.fill(self.problem.key(), &[&self.value])
    }
}

impl std::fmt::Display for BadValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl std::error::Error for BadValue {}

/// Parses `--as-of`.
fn date_arg(s: &str) -> Result<chrono::NaiveDate, BadValue> {
    crate::calendar::parse_date(s).ok_or_else(|| BadValue::new(s, ValueProblem::NotADate))
}

/// Parses a weight between 0 and 1.
fn weight_arg(s: &str) -> Result<rust_decimal::Decimal, BadValue> {
    let w: rust_decimal::Decimal = s
        .trim()
        .parse()
        .map_err(|_| BadValue::new(s, ValueProblem::NotAWeight))?;
    if w < rust_decimal::Decimal::ZERO || w > rust_decimal::Decimal::ONE {
        return Err(BadValue::new(s, ValueProblem::WeightOutsideUnit));
    }
    Ok(w)
}

/// Parses an amount such as `12000000`, `1200万` or `12,000,000`.
fn amount_arg(s: &str) -> Result<rust_decimal::Decimal, BadValue> {
    crate::money::parse_amount(s)
        .ok()
        .filter(|d| *d > rust_decimal::Decimal::ZERO)
        .map(|d| d.round_dp(0))
        .ok_or_else(|| BadValue::new(s, ValueProblem::NotAnAmount))
}

/// Parses `--period`.
fn period_arg(s: &str) -> Result<crate::calendar::Period, BadValue> {
    crate::calendar::parse_period(s).ok_or_else(|| BadValue::new(s, ValueProblem::NotAQuarter))
}

/// Parses `--scale`: 1 to 1000.
fn scale_arg(s: &str) -> Result<u32, BadValue> {
    s.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=1000).contains(n))
        .ok_or_else(|| BadValue::new(s, ValueProblem::ScaleOutOfRange))
}

/// clap's usage errors in Chinese (`qbr --lang zh --bad-option`, or under a
/// Chinese locale): what was wrong, the command's usage, and where to read
/// more, as clap's own English errors say them.
pub struct ChineseErrors;

impl clap::error::ErrorFormatter for ChineseErrors {
    fn format_error(error: &clap::error::Error<Self>) -> clap::builder::StyledStr {
        use clap::error::{ContextKind as C, ContextValue as V, ErrorKind as K};
        let get = |kind: C| -> String {
            match error.get(kind) {
                Some(V::String(s)) => s.clone(),
                Some(V::Strings(v)) => Lang::Zh.join(v),
                Some(V::StyledStr(s)) => s.to_string(),
                Some(V::StyledStrs(v)) => {
                    Lang::Zh.join(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                }
                Some(V::Number(n)) => n.to_string(),
                _ => String::new(),
            }
        };
        let say = |key: &str, args: &[String]| -> String {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            zh::fill(key, &args)
        };
        let (arg, value) = (get(C::InvalidArg), get(C::InvalidValue));
        let mut message = match error.kind() {
            K::InvalidValue if value.is_empty() => say("error.value_missing", &[arg]),
            K::InvalidValue => say("error.invalid_value", &[value, arg, get(C::ValidValue)]),
            K::ValueValidation => {
                let why = std::error::Error::source(error)
                    .map(|e| match e.downcast_ref::<BadValue>() {
                        Some(bad) => bad.text(Lang::Zh),
                        None => e.to_string(),
                    })
                    .unwrap_or_default();
                say("error.value_validation", &[value, arg, why])
            }
            K::UnknownArgument => say("error.unknown_argument", &[arg]),
            K::InvalidSubcommand => say("error.unknown_command", &[get(C::InvalidSubcommand)]),
            K::MissingRequiredArgument => say("error.missing_argument", &[arg]),
            K::MissingSubcommand | K::DisplayHelpOnMissingArgumentOrSubcommand => {
                say("error.missing_command", &[get(C::ValidSubcommand)])
            }
            K::ArgumentConflict => say("error.conflict", &[arg, get(C::PriorArg)]),
            K::TooManyValues | K::TooFewValues | K::WrongNumberOfValues | K::NoEquals => {
                say("error.values_count", &[arg])
            }
            K::InvalidUtf8 => say("error.not_utf8", &[]),
            // Kinds a user rarely meets keep clap's English description.
            other => other
                .as_str()
                .map(str::to_string)
                .or_else(|| std::error::Error::source(error).map(|e| e.to_string()))
                .unwrap_or_default(),
        };
        for kind in [C::SuggestedArg, C::SuggestedSubcommand, C::SuggestedValue] {
            let suggested = get(kind);
            if !suggested.is_empty() {
                message.push_str(&say("error.suggested", &[suggested]));
            }
        }
        let mut text = Lang::Zh.fill(crate::i18n::Key::MsgError, &[&message]);
        text.push('\n');
        let usage = get(C::Usage);
        if let Some(usage) = usage.strip_prefix("Usage:") {
            text.push_str(&format!(
                "\n{}{}\n",
                heading("usage").trim_end(),
                chinese_usage(usage)
            ));
        }
        text.push('\n');
        text.push_str(&say("error.more", &[]));
        text.push('\n');
        clap::builder::StyledStr::from(text)
    }
}

/// What `review` and `watch` share: where from, where to, and how.
#[derive(Debug, clap::Args)]
pub struct ReviewTarget {
    /// The folder holding the workbooks (searched at any depth).
    pub inbox: PathBuf,
    /// Where to write: OUT/<period>/summary.json and the reports.
    #[arg(long)]
    pub out: PathBuf,
    /// Write the review even when the data has errors.
    #[arg(long)]
    pub allow_errors: bool,
    /// Report language (default: Chinese when the inputs' headers are
    /// Chinese); also the language of progress and error lines on the terminal
    /// (default: the system's locale).
    #[arg(long, value_enum)]
    pub lang: Option<crate::i18n::Lang>,
    /// Also write one report set (HTML, email body, workbook) per region, group or
    /// person, each holding only that unit's subtree and the company headline.
    #[arg(long, value_enum)]
    pub split_by: Option<crate::split::SplitBy>,
    /// Allow --out to lie inside the inbox (it is then left out of the scan).
    #[arg(long)]
    pub out_in_inbox: bool,
    /// A qbr.toml to use instead of the one at the inbox root.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Where parsed workbooks are cached by content hash, so a re-run parses
    /// only new or changed files (default: OUT/.qbr-cache).
    #[arg(long, conflicts_with = "no_cache")]
    pub cache: Option<PathBuf>,
    /// Parse every workbook afresh and keep no cache.
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what qbr reads from an inbox folder: each sheet's role, header row and
    /// column mapping, rows read and rejected (with file!sheet!cell), and files skipped.
    ///
    /// Exit codes: 0 everything read, 1 rows were rejected, 2 the inbox or a
    /// workbook could not be read.
    #[command(
        after_long_help = "Examples:\n  qbr inspect sample-data\n  qbr inspect ~/shared/q3-inbox --format json > inspect.json"
    )]
    Inspect {
        /// The folder holding the workbooks (searched at any depth).
        inbox: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// A qbr.toml to use instead of the one at the inbox root.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Language of the text output (default: Chinese when the inputs'
        /// headers are Chinese) and of progress and error lines (default: the
        /// system's locale); --format json stays English.
        #[arg(long, value_enum)]
        lang: Option<crate::i18n::Lang>,
    },
    /// Check the target decomposition and the order data against the rules, the
    /// way a compiler checks code: every finding with its file!sheet!cell, what
    /// was found, what was expected, and a hint. Rules: docs/rules.md.
    ///
    /// Exit codes: 0 clean (warnings allowed), 1 errors found, 2 input
    /// unreadable or a usage error.
    #[command(
        after_long_help = "Examples:\n  qbr check sample-data\n  qbr check ~/shared/q3-inbox --period 2026Q3 --format json"
    )]
    Check {
        /// The folder holding the workbooks (searched at any depth).
        inbox: PathBuf,
        /// The quarter to check (default: the targets' period, else the latest orders').
        #[arg(long, value_parser = period_arg)]
        period: Option<crate::calendar::Period>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// A qbr.toml to use instead of the one at the inbox root.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Colour the terminal output.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
        /// Language of the findings on the terminal (default: Chinese when the
        /// inputs' headers are Chinese) and of progress and error lines
        /// (default: the system's locale); --format json stays English.
        #[arg(long, value_enum)]
        lang: Option<crate::i18n::Lang>,
    },
    /// Build the quarterly review: completion of every unit of every dimension,
    /// short boards and their Pareto set, team ranking, pace, trend, customer
    /// KPIs, suggestions. Runs the checks of `qbr check` first and refuses to
    /// write while the data has errors, unless --allow-errors. Writes OUT/<period>/
    /// whole or not at all: summary.json, review-<period>.xlsx, review-<period>.html,
    /// the email body (HTML and text), targets-<next>.xlsx, the restricted
    /// incentives-<period>.xlsx when salaries are known, recipients.json and
    /// manifest.json; then prints a summary.
    ///
    /// Exit codes: 0 written, 1 data errors (nothing written), 2 unreadable input
    /// or usage error, 3 qbr's own consistency check failed (nothing written).
    #[command(
        after_long_help = "Examples:\n  qbr review sample-data --out out\n  qbr review ~/shared/q3-inbox --out ~/reviews --as-of 2026-08-15"
    )]
    Review {
        #[command(flatten)]
        target: ReviewTarget,
        /// The quarter to review (default: the targets' period, else the latest orders').
        #[arg(long, value_parser = period_arg)]
        period: Option<crate::calendar::Period>,
        /// Review every quarter that has targets, each into OUT/<period>.
        #[arg(long, conflicts_with = "period")]
        all_periods: bool,
        /// The day the review is as of, for pace (default: the latest order date in the period).
        #[arg(long, value_parser = date_arg)]
        as_of: Option<chrono::NaiveDate>,
        /// Show money in the workbook in 元, 千元 or 万元 (the cells keep exact values).
        #[arg(long, value_enum, default_value = "元")]
        money_unit: crate::render::xlsx::MoneyUnit,
        /// Next quarter's sales total for targets-<next>.xlsx, in yuan (default:
        /// this quarter's target grown by `annual_growth` in qbr.toml).
        #[arg(long, value_parser = amount_arg)]
        next_total: Option<rust_decimal::Decimal>,
        /// Do not write the restricted incentive preview (incentives-<period>.xlsx,
        /// written when the People master carries monthly salaries).
        #[arg(long)]
        no_incentives: bool,
        /// Colour the terminal output.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
    },
    /// Re-run check and review whenever the inbox changes: debounced, and only
    /// once changed files have stopped growing, so a file still being copied is
    /// not read half-written. Logs each run with its trigger and outcome and
    /// keeps watching after a bad file. Stop with Ctrl-C.
    #[command(after_long_help = "Examples:\n  qbr watch ~/shared/q3-inbox --out ~/reviews")]
    Watch {
        #[command(flatten)]
        target: ReviewTarget,
        /// Quiet time after the last change before a run, in milliseconds.
        #[arg(long, default_value_t = 2000)]
        debounce_ms: u64,
    },
    /// Decompose a quarter's total into a target tree from the history in the
    /// inbox: customer and product splits from the recent mix and the strategy
    /// weights in qbr.toml, region → group → person by the fair-share model
    /// (level weights and last quarter's sales), months by seasonality. Writes a
    /// Targets workbook with the share column and a sheet saying how each
    /// number was derived; `qbr check` reads it back.
    #[command(
        after_long_help = "Examples:\n  qbr plan sample-data --total 12000000 --period 2026Q4 --out plan-2026Q4.xlsx"
    )]
    Plan {
        /// The folder holding the workbooks (history, masters).
        inbox: PathBuf,
        /// The quarter's sales total, in yuan (`12000000`, `1200万`).
        #[arg(long, value_parser = amount_arg)]
        total: rust_decimal::Decimal,
        /// The quarter to plan.
        #[arg(long, value_parser = period_arg)]
        period: crate::calendar::Period,
        /// The workbook to write.
        #[arg(long)]
        out: PathBuf,
        /// Language of the workbook (default: the inputs' headers decide) and of
        /// the messages (default: the system's locale).
        #[arg(long, value_enum)]
        lang: Option<crate::i18n::Lang>,
        /// A qbr.toml to use instead of the one at the inbox root.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Blend the inbox's bottom-up proposals (一线建议目标) into the plan:
        /// each proposed unit moves toward its proposal by the weight, then
        /// every sibling set is fitted to its parent so the tree adds up.
        #[arg(long)]
        proposals: bool,
        /// The proposals' weight in the blend, 0 to 1 (default: qbr.toml
        /// `proposal_weight`, else 0.5).
        #[arg(long, requires = "proposals", value_parser = weight_arg)]
        proposal_weight: Option<rust_decimal::Decimal>,
    },
    /// Write blank workbooks for a team that does not keep them yet: Targets,
    /// Orders, master data and Activities with the headers qbr recognises,
    /// drop-down lists, example rows (above the header, never read), an
    /// instruction sheet, and a qbr.toml listing every setting. `qbr check`
    /// accepts the folder once the rows are filled in.
    #[command(after_long_help = "Examples:\n  qbr init ~/shared/q4-inbox --lang zh")]
    Init {
        /// The folder to create (must be empty or absent).
        dir: PathBuf,
        /// Language of the headers, instructions and messages (default: the
        /// system's locale: zh for a Chinese one, such as LANG=zh_CN.UTF-8).
        #[arg(long, value_enum)]
        lang: Option<crate::i18n::Lang>,
    },
    /// Email the review written by `qbr review`: one message per recipient and
    /// report, with the email body, a plain-text alternative and the matching
    /// workbook attached. Recipients: the People master's Email (a person's own
    /// report, and the reports of units they own in the targets) and
    /// `[recipients]` in qbr.toml; `allowed_domains` refuses any other address.
    ///
    /// Exit codes: 0 all written or sent, 1 addresses refused (nothing sent) or
    /// some deliveries failed, 2 not a review folder or a configuration error.
    #[command(
        after_long_help = "Examples:\n  qbr email out/2026Q3 --dry-run\n  QBR_SMTP_PASSWORD=… qbr email out/2026Q3"
    )]
    Email {
        /// The review folder: OUT/<period> as written by `qbr review`.
        review: PathBuf,
        /// Write the messages as .eml files instead of sending them.
        #[arg(long)]
        dry_run: bool,
        /// Where --dry-run writes the .eml files (default: REVIEW/outbox).
        #[arg(long)]
        outbox: Option<PathBuf>,
        /// A qbr.toml to use instead of the one the review was built with.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Write the sample inbox: a worked-example company's targets, four quarters of
    /// order history plus 2026Q3, master data and activities, as workbooks.
    ///
    /// The output is deterministic: the same --seed and --scale give the same files.
    #[command(
        after_long_help = "Examples:\n  qbr sample-data /tmp/inbox\n  qbr sample-data /tmp/big --scale 40"
    )]
    SampleData {
        /// Folder to write into (created; must be empty or absent).
        dir: PathBuf,
        /// Multiply the number of order lines (1 = about 24,000 lines).
        #[arg(long, default_value_t = 1, value_parser = scale_arg)]
        scale: u32,
        /// Seed of the pseudo-random generator.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Format of the order exports (the masters, targets and activity
        /// sheets stay workbooks): csv and parquet write one file per sheet.
        #[arg(long, value_enum, default_value_t = crate::sample::ExportFormat::Xlsx)]
        orders: crate::sample::ExportFormat,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key a command's translation looks up, with whether it was found.
    fn lookups(command: &clap::Command, name: &str, out: &mut Vec<(String, bool)>) {
        out.push((name.to_string(), zh::text(name).is_some()));
        for arg in command.get_arguments() {
            if arg.get_num_args().is_some_and(|n| n.takes_values()) {
                for value in arg.get_value_names().unwrap_or_default() {
                    let key = format!("value.{value}");
                    out.push((key.clone(), zh::text(&key).is_some()));
                }
            }
            let id = arg.get_id().as_str();
            let own = format!("{name}.{id}");
            let key = if zh::text(&own).is_some() {
                own
            } else {
                format!("any.{id}")
            };
            out.push((key.clone(), zh::text(&key).is_some()));
        }
        for key in [format!("{name}.long"), format!("{name}.examples")] {
            if zh::text(&key).is_some() {
                out.push((key, true));
            }
        }
        for sub in command.get_subcommands() {
            lookups(sub, sub.get_name(), out);
        }
    }

    #[test]
    fn every_command_and_option_has_a_chinese_help_and_every_text_is_used() {
        let mut command = Cli::command();
        command.build();
        let mut found = Vec::new();
        lookups(&command, "qbr", &mut found);
        let missing: Vec<&str> = found
            .iter()
            .filter(|(_, ok)| !ok)
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(missing, Vec::<&str>::new(), "no Chinese help for these");
        let unused: Vec<&str> = zh::keys()
            .filter(|k| !["heading.", "error."].iter().any(|p| k.starts_with(p)))
            .filter(|k| !found.iter().any(|(f, _)| f == k))
            .collect();
        assert_eq!(unused, Vec::<&str>::new(), "Chinese help no option uses");
    }

    #[test]
    fn both_languages_give_a_valid_command_line() {
        Cli::command_in(Lang::En).debug_assert();
        Cli::command_in(Lang::Zh).debug_assert();
    }

    #[test]
    fn help_follows_a_lang_option_before_the_locale() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            Cli::help_lang(&args(&["qbr", "review", "--lang", "zh"])),
            Lang::Zh
        );
        assert_eq!(
            Cli::help_lang(&args(&["qbr", "check", "--lang=en"])),
            Lang::En
        );
        assert_eq!(Cli::help_lang(&args(&["qbr", "--lang=zh", "-h"])), Lang::Zh);
    }

    /// The Chinese error clap's parse of `args` gives.
    fn chinese_error(args: &[&str]) -> String {
        let e = Cli::command_in(Lang::Zh)
            .try_get_matches_from(args)
            .expect_err("a usage error");
        e.apply::<ChineseErrors>().to_string()
    }

    #[cfg(unix)]
    #[test]
    fn a_value_that_is_not_utf8_is_named_in_chinese() {
        use std::os::unix::ffi::OsStringExt;
        let args = ["qbr", "check", "in", "--period"]
            .map(std::ffi::OsString::from)
            .into_iter()
            .chain([std::ffi::OsString::from_vec(vec![0xff, b'Q'])]);
        let e = Cli::command_in(Lang::Zh)
            .try_get_matches_from(args)
            .expect_err("not UTF-8");
        assert!(
            e.apply::<ChineseErrors>()
                .to_string()
                .starts_with("qbr：错误：命令行参数不是有效的 UTF-8 文本\n"),
        );
    }

    #[test]
    fn usage_errors_speak_chinese_with_the_value_and_the_usage() {
        assert_eq!(
            chinese_error(&["qbr", "review", "in", "--out", "o", "--as-of", "2026-13-01"]),
            "qbr：错误：`2026-13-01` 不是 --as-of <日期> 可取的值：\
             `2026-13-01` 不是日期，应如 2026-08-15\n\n更多信息请运行 --help。\n"
        );
        assert_eq!(
            chinese_error(&["qbr", "check", "in", "--colr"]),
            "qbr：错误：无法识别的参数 `--colr`\n  提示：是不是想用 `--color`？\n\n\
             用法: qbr check --color <何时> <收件文件夹>\n\n更多信息请运行 --help。\n"
        );
        assert!(
            chinese_error(&["qbr", "check", "in", "--format", "xml"])
                .starts_with("qbr：错误：`xml` 不是 --format <格式> 可取的值；可选：text、json\n")
        );
        assert!(chinese_error(&["qbr", "review"]).starts_with(
            "qbr：错误：缺少必需的参数：--out <输出文件夹>、<收件文件夹>\n\n用法: qbr review"
        ));
    }

    #[test]
    fn a_bad_value_reads_in_both_languages() {
        let bad = scale_arg("5000").expect_err("out of range");
        assert_eq!(
            bad.to_string(),
            "`5000` is not a whole number from 1 to 1000"
        );
        assert_eq!(bad.text(Lang::Zh), "`5000` 不是 1 到 1000 之间的整数");
        assert_eq!(scale_arg(" 40 "), Ok(40));
        assert_eq!(
            weight_arg("1.5").expect_err("above 1").text(Lang::Zh),
            "1.5 不在 0 到 1 之间"
        );
        for problem in [
            ValueProblem::NotADate,
            ValueProblem::NotAWeight,
            ValueProblem::WeightOutsideUnit,
            ValueProblem::NotAnAmount,
            ValueProblem::NotAQuarter,
            ValueProblem::ScaleOutOfRange,
        ] {
            let bad = BadValue::new("x", problem);
            assert_ne!(bad.text(Lang::Zh), bad.text(Lang::En), "{problem:?}");
        }
    }

    #[test]
    fn chinese_help_states_defaults_and_values_in_chinese() {
        let mut command = Cli::command_in(Lang::Zh);
        let review = command
            .find_subcommand_mut("review")
            .expect("review is a command");
        let help = review.render_long_help().to_string();
        assert!(help.contains("用法: qbr review"), "{help}");
        assert!(help.contains("[默认：元] [可选：元、千元、万元]"), "{help}");
        assert!(
            help.contains("示例：\n  qbr review sample-data --out out\n"),
            "{help}"
        );
        assert!(!help.contains("Options"), "{help}");
        assert!(!help.contains("[default"), "{help}");
    }
}
