//! The commands as the `qbr` binary runs them: each `qbr COMMAND` calls the
//! pipeline, shows progress and timings on the terminal (a bar, or plain
//! lines for cron and CI), prints its report or summary, and says which exit
//! code the outcome deserves. The stages themselves never print; this is
//! the one place that talks to the terminal besides `main`.

use crate::cli::{Cli, ColorChoice, Command, Format};
use crate::error::Exit;
use crate::i18n::{Key, Lang};
use std::io::IsTerminal;

/// The language of qbr's own messages on the terminal (progress, timings,
/// errors that stop a run): the command's `--lang` when given, else the
/// system's locale. Findings and summaries follow the report language.
pub fn messages_lang(command: &Command) -> Lang {
    let chosen = match command {
        Command::Inspect { lang, .. }
        | Command::Check { lang, .. }
        | Command::Plan { lang, .. }
        | Command::Init { lang, .. } => *lang,
        Command::Review { target, .. } | Command::Watch { target, .. } => target.lang,
        Command::Email { .. } | Command::SampleData { .. } => None,
    };
    chosen.unwrap_or_else(Lang::of_system)
}

/// Runs a parsed command line, with messages in `lang`: progress and
/// timings on stderr, reports and summaries on stdout.
///
/// # Errors
/// Whatever stops the command (an unreadable inbox, data errors in a
/// review, an output that cannot be written), for `main` to print.
pub fn run(cli: Cli, lang: Lang) -> Result<Exit, crate::error::Error> {
    let ui = Ui {
        quiet: cli.quiet,
        verbose: cli.verbose,
        lang,
    };
    match cli.command {
        Command::Inspect {
            inbox,
            format,
            config,
            lang: chosen,
        } => {
            let loaded = ui.reading(|progress| {
                crate::load(&crate::LoadOptions {
                    inbox,
                    config,
                    progress,
                    ..Default::default()
                })
            })?;
            let report = crate::inspect::build_report(&loaded);
            match format {
                Format::Text => {
                    let lang = chosen.unwrap_or_else(|| Lang::detect(&loaded.dataset));
                    print!("{}", crate::inspect::render_text(&report, lang))
                }
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&report).expect("the report serialises")
                ),
            }
            Ok(loaded.exit())
        }
        Command::Check {
            inbox,
            period,
            format,
            config,
            color,
            lang,
        } => {
            let checked = ui.reading(|progress| {
                crate::check(&crate::LoadOptions {
                    inbox,
                    config,
                    period,
                    progress,
                    ..Default::default()
                })
            })?;
            let color = use_color(color);
            match format {
                Format::Text => {
                    let lang = crate::report_lang(&checked, lang);
                    print!("{}", crate::check_report_text(&checked, color, lang))
                }
                Format::Json => println!("{}", crate::check_report_json(&checked)),
            }
            Ok(checked.loaded.exit())
        }
        Command::Review {
            target,
            period,
            all_periods,
            as_of,
            money_unit,
            next_total,
            no_incentives,
            color,
        } => {
            let run = ReviewRun::new(
                target,
                ui,
                use_color(color),
                as_of,
                crate::ReviewOptions {
                    money_unit,
                    next_total,
                    no_incentives,
                    ..Default::default()
                },
            );
            run.guard_out()?;
            if !all_periods {
                return run.review(period, true).map(|_| Exit::Clean);
            }
            let periods = run.target_periods()?;
            let mut worst = Exit::Clean;
            let last = periods.last().copied();
            for p in periods {
                if let Err(e) = run.review(Some(p), Some(p) == last) {
                    eprintln!(
                        "{}",
                        lang.fill(Key::MsgPeriodError, &[&p.to_string(), &e.message(lang)])
                    );
                    worst = worst.max(e.exit());
                }
            }
            Ok(worst)
        }
        Command::Watch {
            target,
            debounce_ms,
        } => {
            let run = ReviewRun::new(target, ui, false, None, crate::ReviewOptions::default());
            run.guard_out()?;
            crate::watch::watch(
                lang,
                &run.inbox,
                &run.out,
                std::time::Duration::from_millis(debounce_ms),
                |trigger| run.review_logged(trigger),
            )
        }
        Command::Plan {
            inbox,
            total,
            period,
            out,
            lang,
            config,
            proposals,
            proposal_weight,
        } => {
            let planned = crate::write_plan(
                &crate::LoadOptions {
                    inbox,
                    config,
                    ..Default::default()
                },
                total,
                period,
                lang,
                if proposals {
                    crate::plan::Proposals::Blend(proposal_weight)
                } else {
                    crate::plan::Proposals::Ignore
                },
                &out,
            )?;
            let rows = planned.plan.lines.len();
            println!(
                "{}",
                ui.lang.fill(
                    Key::MsgPlanWritten,
                    &[
                        &period.to_string(),
                        &rows.to_string(),
                        &crate::money::format_money(total),
                        &planned.path.display().to_string()
                    ]
                )
            );
            Ok(Exit::Clean)
        }
        Command::Init { dir, .. } => {
            // The templates' language is the messages' one: --lang, else the locale.
            let files = crate::init::write_templates(&dir, lang)?;
            let shown = dir.display().to_string();
            println!(
                "{}",
                lang.fill(Key::MsgInitWrote, &[&files.len().to_string(), &shown])
            );
            for f in files {
                println!("  {f}");
            }
            println!("{}", lang.fill(Key::MsgInitNext, &[&shown]));
            Ok(Exit::Clean)
        }
        Command::Email {
            review,
            dry_run,
            outbox,
            config,
        } => email(lang, &review, dry_run, outbox, config.as_deref()),
        Command::SampleData {
            dir,
            scale,
            seed,
            orders,
        } => {
            let opts = crate::sample::SampleOptions {
                scale,
                seed,
                orders,
            };
            let summary = crate::sample::write_sample(&dir, &opts)?;
            println!("{}", summary.text(ui.lang));
            Ok(Exit::Clean)
        }
    }
}

/// `qbr email`: plan, then write the outbox or send, printing who receives what.
fn email(
    lang: Lang,
    review: &std::path::Path,
    dry_run: bool,
    outbox: Option<std::path::PathBuf>,
    config: Option<&std::path::Path>,
) -> Result<Exit, crate::error::Error> {
    let cfg = crate::email::config_for(review, config)?;
    let plan = crate::email::plan(review, &cfg.email)?;
    print!("{}", crate::email::render_plan(&plan, lang));
    if dry_run {
        let dir =
            crate::email::write_outbox(&plan, &outbox.unwrap_or_else(|| review.join("outbox")))?;
        println!(
            "\n{}",
            lang.fill(
                Key::MsgEmailDryRun,
                &[&plan.messages.len().to_string(), &dir.display().to_string()]
            )
        );
        return Ok(Exit::Clean);
    }
    let deliveries = crate::email::send(&plan, &cfg.email)?;
    let failed = deliveries.iter().filter(|d| d.result.is_err()).count();
    println!();
    // The two words padded to one width, so the addresses line up.
    let (sent, failed_word) = (lang.t(Key::MsgEmailSent), lang.t(Key::MsgEmailFailed));
    let width = [sent, failed_word]
        .iter()
        .map(|w| unicode_width::UnicodeWidthStr::width(*w))
        .max()
        .unwrap_or(0);
    let pad = |w: &str| {
        let fill = width - unicode_width::UnicodeWidthStr::width(w);
        format!("{w}{}", " ".repeat(fill))
    };
    for d in &deliveries {
        match &d.result {
            Ok(reply) => println!("{}  {} ({}): {reply}", pad(sent), d.to, d.label),
            Err(e) => println!("{}  {} ({}): {e}", pad(failed_word), d.to, d.label),
        }
    }
    if failed > 0 {
        return Err(crate::error::Error::Undelivered {
            failed,
            total: deliveries.len(),
        });
    }
    println!(
        "{}",
        lang.fill(Key::MsgEmailAllSent, &[&deliveries.len().to_string()])
    );
    Ok(Exit::Clean)
}

/// How much the terminal hears: `--quiet` (errors only) or `--verbose`
/// (each stage with its timing), progress on stderr otherwise.
#[derive(Debug, Clone, Copy)]
struct Ui {
    quiet: bool,
    verbose: bool,
    /// The language of the progress and timing lines.
    lang: Lang,
}

impl Ui {
    /// Runs `read` with a progress display of the workbooks read: a bar on a
    /// terminal, plain log lines otherwise (cron, CI), nothing with --quiet.
    fn reading<T>(self, read: impl FnOnce(Option<std::sync::Arc<crate::Progress>>) -> T) -> T {
        if self.quiet {
            return read(None);
        }
        use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
        let progress = std::sync::Arc::new(crate::Progress::default());
        let shown = progress.clone();
        let started = std::time::Instant::now();
        let terminal = std::io::stderr().is_terminal();
        let lang = self.lang;
        let log_read = move |done: usize, total: usize| {
            eprintln!(
                "{}",
                lang.fill(Key::MsgReadOf, &[&done.to_string(), &total.to_string()])
            );
        };
        let display = std::thread::spawn(move || {
            let bar = terminal.then(|| {
                let bar = indicatif::ProgressBar::new(0);
                bar.set_style(
                    indicatif::ProgressStyle::with_template(&format!(
                        "{} {{bar:30}} {{pos}}/{{len}} {{elapsed}}",
                        lang.t(Key::MsgReadingBar)
                    ))
                    .expect("a valid template"),
                );
                bar
            });
            let mut logged_quarter = 0;
            while !shown.finished.load(Acquire) {
                let (done, total) = (shown.done.load(Relaxed), shown.total.load(Relaxed));
                match &bar {
                    Some(b) => {
                        b.set_length(total as u64);
                        b.set_position(done as u64);
                    }
                    None if total > 0 && done * 4 / total > logged_quarter => {
                        logged_quarter = done * 4 / total;
                        log_read(done, total);
                    }
                    None => {}
                }
                // Woken early when reading ends, so a run never waits out a poll.
                std::thread::park_timeout(std::time::Duration::from_millis(100));
            }
            match bar {
                Some(b) => b.finish_and_clear(),
                // A read faster than the polling still logs its last quarter.
                None => {
                    let (done, total) = (shown.done.load(Relaxed), shown.total.load(Relaxed));
                    if total > 0 && done * 4 / total > logged_quarter {
                        log_read(done, total);
                    }
                }
            }
        });
        let out = read(Some(progress.clone()));
        progress.finished.store(true, Release);
        display.thread().unpark();
        let _ = display.join();
        let total = progress.total.load(Relaxed);
        if total > 0 && (self.verbose || !terminal) {
            let seconds = format!("{:.1}", started.elapsed().as_secs_f64());
            eprintln!(
                "{}",
                self.lang
                    .fill(Key::MsgReadAll, &[&total.to_string(), &seconds])
            );
        }
        out
    }

    /// A stage's timing, with --verbose.
    fn stage(self, what: &str, since: std::time::Instant) {
        if self.verbose {
            let seconds = seconds(since.elapsed());
            eprintln!("{}", self.lang.fill(Key::MsgStage, &[what, &seconds]));
        }
    }

    /// The steps of a stage (`key` filled with their names and [`seconds`]), with --verbose.
    fn steps(self, key: Key, args: &[&str]) {
        if self.verbose {
            eprintln!("{}", self.lang.fill(key, args));
        }
    }
}

/// A duration as the timing lines print it: seconds with two decimals.
fn seconds(t: std::time::Duration) -> String {
    format!("{:.2}", t.as_secs_f64())
}

/// One `qbr review` invocation's settings, run for one or several periods.
struct ReviewRun {
    ui: Ui,
    inbox: std::path::PathBuf,
    out: std::path::PathBuf,
    config: Option<std::path::PathBuf>,
    /// The parse cache's folder; `None` with --no-cache.
    cache: Option<std::path::PathBuf>,
    allow_errors: bool,
    out_in_inbox: bool,
    color: bool,
    /// `--as-of`, for the rules and the review alike.
    as_of: Option<chrono::NaiveDate>,
    opts: crate::ReviewOptions,
}

impl ReviewRun {
    /// The run of the shared arguments, with the command's own options.
    fn new(
        t: crate::cli::ReviewTarget,
        ui: Ui,
        color: bool,
        as_of: Option<chrono::NaiveDate>,
        opts: crate::ReviewOptions,
    ) -> Self {
        let cache = (!t.no_cache).then(|| t.cache.unwrap_or_else(|| t.out.join(".qbr-cache")));
        ReviewRun {
            ui,
            inbox: t.inbox,
            out: t.out,
            config: t.config,
            cache,
            allow_errors: t.allow_errors,
            out_in_inbox: t.out_in_inbox,
            color,
            as_of,
            opts: crate::ReviewOptions {
                lang: t.lang,
                split_by: t.split_by,
                ..opts
            },
        }
    }

    /// Refuses an output folder inside the inbox unless asked for.
    fn guard_out(&self) -> Result<(), crate::error::Error> {
        if self.out_in_inbox {
            return Ok(());
        }
        let full = |p: &std::path::Path| {
            let a = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
            a.canonicalize().unwrap_or(a)
        };
        if full(&self.out).starts_with(full(&self.inbox)) {
            return Err(crate::error::Error::OutputInsideInbox {
                out: self.out.clone(),
                inbox: self.inbox.clone(),
            });
        }
        Ok(())
    }

    fn load_options(&self, period: Option<crate::calendar::Period>) -> crate::LoadOptions {
        crate::LoadOptions {
            inbox: self.inbox.clone(),
            config: self.config.clone(),
            period,
            as_of: self.as_of,
            exclude: Some(self.out.clone()),
            progress: None,
            cache: self.cache.clone(),
        }
    }

    /// Every quarter that has targets in the inbox, oldest first.
    fn target_periods(&self) -> Result<Vec<crate::calendar::Period>, crate::error::Error> {
        let loaded = crate::load(&self.load_options(None))?;
        let periods: std::collections::BTreeSet<_> = loaded
            .dataset
            .targets
            .iter()
            .filter_map(|t| t.period)
            .collect();
        if periods.is_empty() {
            return Err(crate::error::Error::NothingToReview);
        }
        Ok(periods.into_iter().collect())
    }

    /// Checks and reviews one period (`None`: the inbox decides), printing the summary.
    /// Reads and checks the inbox for one period, with progress and timing.
    fn checked(
        &self,
        period: Option<crate::calendar::Period>,
    ) -> Result<crate::Checked, crate::error::Error> {
        let started = std::time::Instant::now();
        let checked = self.ui.reading(|progress| {
            crate::check(&crate::LoadOptions {
                progress,
                ..self.load_options(period)
            })
        })?;
        let c = checked.loaded.cache;
        let lang = self.ui.lang;
        let cached = if self.cache.is_some() {
            let unwritable = if c.unwritable > 0 {
                lang.fill(Key::MsgNotCached, &[&c.unwritable.to_string()])
            } else {
                String::new()
            };
            lang.fill(
                Key::MsgFromCache,
                &[&c.hits.to_string(), &c.misses.to_string(), &unwritable],
            )
        } else {
            String::new()
        };
        self.ui
            .stage(&lang.fill(Key::MsgReadChecked, &[&cached]), started);
        let read = started
            .elapsed()
            .saturating_sub(checked.loaded.scan_time + checked.ledger_time + checked.rules_time);
        let parsing = match self.cache {
            Some(_) => Key::MsgStepParseCached,
            None => Key::MsgStepParse,
        };
        let unread = match checked.loaded.unread {
            0 => String::new(),
            n => lang.fill(Key::MsgScanUnread, &[&n.to_string()]),
        };
        self.ui.steps(
            Key::MsgCheckSteps,
            &[
                &seconds(checked.loaded.scan_time),
                lang.t(parsing),
                &seconds(read),
                &seconds(checked.ledger_time),
                &seconds(checked.rules_time),
                &unread,
            ],
        );
        Ok(checked)
    }

    /// Computes and writes the review of a checked inbox, with timing.
    fn write(
        &self,
        checked: &crate::Checked,
    ) -> Result<(crate::analyze::Review, crate::Written), crate::error::Error> {
        let started = std::time::Instant::now();
        let written = crate::write_review(checked, &self.out, &self.opts)?;
        self.ui.stage(
            &self
                .ui
                .lang
                .fill(Key::MsgComputed, &[&written.1.dir.display().to_string()]),
            started,
        );
        let w = &written.1;
        self.ui.steps(
            Key::MsgReviewSteps,
            &[
                &seconds(w.review_time),
                &seconds(w.render_time),
                &seconds(w.write_time),
            ],
        );
        Ok(written)
    }

    /// The number of errors that stop the run (none with --allow-errors).
    fn blocking_errors(&self, checked: &crate::Checked) -> usize {
        let errors = checked
            .loaded
            .diagnostics
            .count(crate::diag::Severity::Error);
        if self.allow_errors { 0 } else { errors }
    }

    /// Checks and reviews one period (`None`: the inbox decides), printing the
    /// summary. With `exits_next` the loaded inbox is not freed: the process
    /// ends right after, and the system reclaims a million lines at once
    /// faster than freeing them one by one.
    fn review(
        &self,
        period: Option<crate::calendar::Period>,
        exits_next: bool,
    ) -> Result<(crate::analyze::Review, crate::Written), crate::error::Error> {
        let checked = self.checked(period)?;
        if checked
            .loaded
            .diagnostics
            .count(crate::diag::Severity::Error)
            > 0
        {
            let lang = crate::report_lang(&checked, self.opts.lang);
            eprint!("{}", crate::check_report_text(&checked, self.color, lang));
        }
        let errors = self.blocking_errors(&checked);
        if errors > 0 {
            return Err(crate::error::Error::DataErrors { errors });
        }
        let (review, written) = self.write(&checked)?;
        if !self.ui.quiet {
            print!(
                "{}",
                crate::render::summary::render_summary(
                    &review,
                    &written,
                    &checked.loaded.diagnostics
                )
            );
        }
        if exits_next {
            std::mem::forget(checked);
        }
        Ok((review, written))
    }

    /// One run of `qbr watch`: the outcome as a log line's text; a failure
    /// names the first errors with their cells.
    fn review_logged(&self, _trigger: &str) -> Result<String, String> {
        let lang = self.ui.lang;
        let checked = self.checked(None).map_err(|e| e.message(lang))?;
        let errors = self.blocking_errors(&checked);
        if errors > 0 {
            let first: Vec<String> = checked
                .loaded
                .diagnostics
                .items()
                .iter()
                .filter(|d| d.severity == crate::diag::Severity::Error)
                .take(3)
                .map(|d| {
                    let at = d
                        .location
                        .map(|l| checked.loaded.sources.locate(l))
                        .unwrap_or_default();
                    format!("{at}: {}", d.message_in(lang))
                })
                .collect();
            return Err(lang.fill(
                Key::MsgWatchDataErrors,
                &[&errors.to_string(), &first.join("; ")],
            ));
        }
        let (review, written) = self.write(&checked).map_err(|e| e.message(lang))?;
        let completion = review
            .total
            .as_ref()
            .and_then(|t| t.completion)
            .map(crate::money::format_percent)
            .unwrap_or_else(|| "—".into());
        Ok(lang.fill(
            Key::MsgWatchWritten,
            &[
                &review.period.to_string(),
                &written.dir.display().to_string(),
                &review.inputs.order_lines.to_string(),
                &completion,
            ],
        ))
    }
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    }
}
