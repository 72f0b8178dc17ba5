//! The `qbr` binary: parse the command line, run the library, map the outcome
//! to an exit code (0 clean, 1 data errors, 2 unreadable input or usage error).

use clap::Parser;
use qbr::cli::{Cli, ColorChoice, Command, Format};
use qbr::error::Exit;
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    qbr::read::install_quiet_reader_panics();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(Exit::Unreadable as u8)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(e) => {
            eprintln!("qbr: error: {e}");
            ExitCode::from(e.exit() as u8)
        }
    }
}

fn run(cli: Cli) -> Result<Exit, qbr::error::Error> {
    match cli.command {
        Command::Inspect {
            inbox,
            format,
            config,
        } => {
            let loaded = qbr::load(&qbr::LoadOptions {
                inbox,
                config,
                ..Default::default()
            })?;
            let report = qbr::inspect::build_report(&loaded);
            match format {
                Format::Text => print!("{}", qbr::inspect::render_text(&report)),
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
        } => {
            let checked = qbr::check(&qbr::LoadOptions {
                inbox,
                config,
                period,
                ..Default::default()
            })?;
            let color = use_color(color);
            match format {
                Format::Text => print!("{}", qbr::check_report_text(&checked, color)),
                Format::Json => println!("{}", qbr::check_report_json(&checked)),
            }
            Ok(checked.loaded.exit())
        }
        Command::Review {
            inbox,
            out,
            period,
            as_of,
            allow_errors,
            lang,
            split_by,
            money_unit,
            next_total,
            no_incentives,
            out_in_inbox,
            config,
            color,
        } => {
            if !out_in_inbox {
                let full = |p: &std::path::Path| {
                    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
                };
                let (o, i) = (full(&out), full(&inbox));
                let o = o.canonicalize().unwrap_or(o);
                let i = i.canonicalize().unwrap_or(i);
                if o.starts_with(&i) {
                    return Err(qbr::error::Error::OutputInsideInbox { out, inbox });
                }
            }
            let checked = qbr::check(&qbr::LoadOptions {
                inbox,
                config,
                period,
                exclude: Some(out.clone()),
            })?;
            let errors = checked.loaded.diagnostics.count(qbr::diag::Severity::Error);
            if errors > 0 {
                eprint!("{}", qbr::check_report_text(&checked, use_color(color)));
                if !allow_errors {
                    return Err(qbr::error::Error::DataErrors { errors });
                }
            }
            let opts = qbr::ReviewOptions {
                as_of,
                lang,
                money_unit,
                split_by,
                next_total,
                no_incentives,
            };
            let (review, dir) = qbr::write_review(&checked, &out, &opts)?;
            print!("{}", qbr::render::summary::render_summary(&review, &dir));
            Ok(Exit::Clean)
        }
        Command::Plan {
            inbox,
            total,
            period,
            out,
            lang,
            config,
        } => {
            let planned = qbr::write_plan(
                &qbr::LoadOptions {
                    inbox,
                    config,
                    ..Default::default()
                },
                total,
                period,
                lang,
                &out,
            )?;
            let rows = planned.plan.lines.len();
            println!(
                "qbr plan {period}: {} target rows adding up to {} written to {}",
                rows,
                qbr::money::format_money(total),
                planned.path.display()
            );
            Ok(Exit::Clean)
        }
        Command::Init { dir, lang } => {
            let lang = lang.unwrap_or_else(|| {
                let env = ["LC_ALL", "LC_MESSAGES", "LANG"]
                    .iter()
                    .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
                    .unwrap_or_default();
                if env.starts_with("zh") {
                    qbr::i18n::Lang::Zh
                } else {
                    qbr::i18n::Lang::En
                }
            });
            let files = qbr::init::write_templates(&dir, lang)?;
            println!(
                "qbr init: wrote {} file(s) into {}:",
                files.len(),
                dir.display()
            );
            for f in files {
                println!("  {f}");
            }
            println!(
                "Fill in the rows below each header, then run: qbr check {}",
                dir.display()
            );
            Ok(Exit::Clean)
        }
        Command::Email {
            review,
            dry_run,
            outbox,
            config,
        } => email(&review, dry_run, outbox, config.as_deref()),
        Command::SampleData { dir, scale, seed } => {
            let summary =
                qbr::sample::write_sample(&dir, &qbr::sample::SampleOptions { scale, seed })?;
            println!("{summary}");
            Ok(Exit::Clean)
        }
    }
}

/// `qbr email`: plan, then write the outbox or send, printing who receives what.
fn email(
    review: &std::path::Path,
    dry_run: bool,
    outbox: Option<std::path::PathBuf>,
    config: Option<&std::path::Path>,
) -> Result<Exit, qbr::error::Error> {
    let cfg = qbr::email::config_for(review, config)?;
    let plan = qbr::email::plan(review, &cfg.email)?;
    print!("{}", qbr::email::render_plan(&plan));
    if dry_run {
        let dir =
            qbr::email::write_outbox(&plan, &outbox.unwrap_or_else(|| review.join("outbox")))?;
        println!(
            "\nDry run: {} message(s) written to {}; nothing was sent.",
            plan.messages.len(),
            dir.display()
        );
        return Ok(Exit::Clean);
    }
    let deliveries = qbr::email::send(&plan, &cfg.email)?;
    let failed = deliveries.iter().filter(|d| d.result.is_err()).count();
    println!();
    for d in &deliveries {
        match &d.result {
            Ok(reply) => println!("sent    {} ({}): {reply}", d.to, d.label),
            Err(e) => println!("FAILED  {} ({}): {e}", d.to, d.label),
        }
    }
    if failed > 0 {
        return Err(qbr::error::Error::Undelivered {
            failed,
            total: deliveries.len(),
        });
    }
    println!("{} message(s) sent.", deliveries.len());
    Ok(Exit::Clean)
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
