//! Errors that stop a run. Problems in the user's data are not errors but
//! [`crate::diag::Diagnostic`]s; these are for what makes a run impossible.

use std::path::PathBuf;

/// Everything that stops qbr. Each variant names the path it concerns.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The inbox folder does not exist or cannot be read.
    #[error("cannot open the inbox {path}: {source}")]
    InboxMissing {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The inbox path is a file, not a folder.
    #[error("the inbox {path} is not a folder; give the folder that holds the workbooks")]
    InboxNotAFolder { path: PathBuf },
    /// `qbr.toml` could not be read or parsed.
    #[error("cannot use the configuration {path}: {message}")]
    Config { path: PathBuf, message: String },
    /// An output file or folder could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The review's figures do not reconcile: a dimension's leaf actuals plus its
    /// unassigned amount differ from the period's order amount. Nothing is written.
    #[error(
        "internal check failed: in the {dimension} dimension, leaf units {leaves} + unassigned {unassigned} ≠ order amount {order_amount}; no report was written (please report this)"
    )]
    Reconcile {
        dimension: String,
        leaves: String,
        unassigned: String,
        order_amount: String,
    },
    /// The inbox holds neither targets nor orders.
    #[error("nothing to review: the inbox holds no targets and no order lines")]
    NothingToReview,
    /// `qbr review` found errors in the data and `--allow-errors` was not given.
    #[error(
        "{errors} error(s) in the data (listed above); fix them, or pass --allow-errors to write the review anyway"
    )]
    DataErrors { errors: usize },
    /// A report template failed to render: a bug in qbr's own templates.
    #[error("cannot render a report template: {message} (please report this)")]
    Template { message: String },
    /// `--out` lies inside the inbox and `--out-in-inbox` was not given.
    #[error(
        "the output folder {out} lies inside the inbox {inbox}; reports there would sit among the inputs people drop files into. Choose another folder, or pass --out-in-inbox if that is what you want"
    )]
    OutputInsideInbox { out: PathBuf, inbox: PathBuf },
    /// `qbr email` cannot build or send the messages.
    #[error(transparent)]
    Email(#[from] crate::email::EmailError),
    /// Some messages could not be delivered; the others were.
    #[error("{failed} of {total} message(s) could not be delivered (listed above)")]
    Undelivered { failed: usize, total: usize },
    /// A workbook could not be generated (sample data, reports).
    #[error("cannot build the workbook {path}: {message}")]
    Workbook { path: PathBuf, message: String },
}

/// How the process ends; documented in README.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Everything was read; warnings are allowed.
    Clean = 0,
    /// The data has errors: rows were rejected or rules broken.
    DataErrors = 1,
    /// Input could not be read at all (a missing inbox, an unreadable workbook) or the command line was wrong.
    Unreadable = 2,
    /// qbr's own consistency check failed; nothing was written.
    Internal = 3,
}

impl Error {
    /// The exit code this error ends the process with.
    pub fn exit(&self) -> Exit {
        match self {
            Error::DataErrors { .. }
            | Error::Undelivered { .. }
            | Error::Email(crate::email::EmailError::Refused(_)) => Exit::DataErrors,
            Error::Reconcile { .. } => Exit::Internal,
            _ => Exit::Unreadable,
        }
    }
}
