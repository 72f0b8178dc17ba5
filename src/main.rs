//! The `qbr` binary: parse the command line, run the library, map the outcome
//! to an exit code (0 clean, 1 data errors, 2 unreadable input or usage error).

use qbr::app::{messages_lang, run};
use qbr::cli::Cli;
use qbr::error::Exit;
use qbr::i18n::{Key, Lang};
use std::process::ExitCode;

fn main() -> ExitCode {
    // First, before anything is allocated or read (see the module's doc).
    qbr::huge_pages::restart_with_huge_pages();
    qbr::read::install_quiet_reader_panics();
    let args: Vec<String> = std::env::args().collect();
    let help_lang = Cli::help_lang(&args);
    let cli = match Cli::try_parse_in(help_lang) {
        Ok(cli) => cli,
        Err(e) => {
            let usage_error = e.use_stderr();
            let _ = match help_lang {
                Lang::Zh => e.apply::<qbr::cli::ChineseErrors>().print(),
                Lang::En => e.print(),
            };
            return if usage_error {
                ExitCode::from(Exit::Unreadable as u8)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let lang = messages_lang(&cli.command);
    match run(cli, lang) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(e) => {
            eprintln!("{}", lang.fill(Key::MsgError, &[&e.message(lang)]));
            ExitCode::from(e.exit() as u8)
        }
    }
}
