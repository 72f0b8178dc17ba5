//! The command line (clap derive). Each command's help carries an example.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

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
}

/// Output format of `inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable, for a terminal.
    Text,
    /// Machine-readable JSON (schema `qbr.inspect/1`).
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what qbr reads from an inbox folder: each sheet's role, header row and
    /// column mapping, rows read and rejected (with file!sheet!cell), and files skipped.
    ///
    /// Exit codes: 0 everything read, 1 rows were rejected, 2 the inbox or a
    /// workbook could not be read.
    ///
    /// Example: qbr inspect sample-data
    ///          qbr inspect ~/shared/q3-inbox --format json > inspect.json
    Inspect {
        /// The folder holding the workbooks (searched at any depth).
        inbox: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// A qbr.toml to use instead of the one at the inbox root.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Write the sample inbox: a worked-example company's targets, four quarters of
    /// order history plus 2026Q3, master data and activities, as workbooks.
    ///
    /// The output is deterministic: the same --seed and --scale give the same files.
    ///
    /// Example: qbr sample-data /tmp/inbox
    ///          qbr sample-data /tmp/big --scale 40
    SampleData {
        /// Folder to write into (created; must be empty or absent).
        dir: PathBuf,
        /// Multiply the number of order lines (1 = about 24,000 lines).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
        scale: u32,
        /// Seed of the pseudo-random generator.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
}
