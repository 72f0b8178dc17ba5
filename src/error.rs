//! Errors that stop a run. Problems in the user's data are not errors but
//! [`crate::diag::Diagnostic`]s; these are for what makes a run impossible.

use crate::i18n::{Key, Lang};
use std::path::{Path, PathBuf};

/// Everything that stops qbr. Each variant names the path it concerns. Its
/// text is in the translation table: [`Error::message`] gives it in either
/// language, and `Display` in English (for logs and scripts).
#[derive(Debug)]
pub enum Error {
    /// The inbox folder does not exist or cannot be read.
    InboxMissing {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The inbox path is a file, not a folder.
    InboxNotAFolder { path: PathBuf },
    /// `qbr.toml` could not be read or parsed.
    Config {
        path: PathBuf,
        /// What is wrong, in both languages.
        message: crate::diag::Words,
    },
    /// An output file or folder could not be written.
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The review's figures do not reconcile: a dimension's leaf actuals plus its
    /// unassigned amount differ from the period's order amount. Nothing is written.
    Reconcile {
        dimension: String,
        leaves: String,
        unassigned: String,
        order_amount: String,
    },
    /// The inbox holds neither targets nor orders.
    NothingToReview,
    /// `qbr review` found errors in the data and `--allow-errors` was not given.
    DataErrors { errors: usize },
    /// A report template failed to render: a bug in qbr's own templates.
    Template { message: String },
    /// `--out` lies inside the inbox and `--out-in-inbox` was not given.
    OutputInsideInbox { out: PathBuf, inbox: PathBuf },
    /// `qbr email` cannot build or send the messages.
    Email(crate::email::EmailError),
    /// Some messages could not be delivered; the others were.
    Undelivered { failed: usize, total: usize },
    /// A workbook could not be generated (sample data, reports).
    Workbook { path: PathBuf, message: String },
}

impl Error {
    /// What went wrong and what to do, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        use Key::*;
        let shown = |p: &Path| p.display().to_string();
        let io = |e: &std::io::Error| crate::diag::Words::of_io(e).text(lang).to_string();
        let (key, args): (Key, Vec<String>) = match self {
            Error::InboxMissing { path, source } => (ErInboxMissing, vec![shown(path), io(source)]),
            Error::InboxNotAFolder { path } => (ErInboxNotAFolder, vec![shown(path)]),
            Error::Config { path, message } => {
                (ErConfig, vec![shown(path), message.text(lang).to_string()])
            }
            Error::Write { path, source } => (ErWrite, vec![shown(path), io(source)]),
            Error::Reconcile {
                dimension,
                leaves,
                unassigned,
                order_amount,
            } => (
                ErReconcile,
                vec![
                    dimension.clone(),
                    leaves.clone(),
                    unassigned.clone(),
                    order_amount.clone(),
                ],
            ),
            Error::NothingToReview => (ErNothingToReview, vec![]),
            Error::DataErrors { errors } => (ErDataErrors, vec![errors.to_string()]),
            Error::Template { message } => (ErTemplate, vec![message.clone()]),
            Error::OutputInsideInbox { out, inbox } => {
                (ErOutputInsideInbox, vec![shown(out), shown(inbox)])
            }
            Error::Email(e) => return e.message(lang),
            Error::Undelivered { failed, total } => {
                (ErUndelivered, vec![failed.to_string(), total.to_string()])
            }
            Error::Workbook { path, message } => (ErWorkbook, vec![shown(path), message.clone()]),
        };
        lang.fill_owned(key, &args)
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::InboxMissing { source, .. } | Error::Write { source, .. } => Some(source),
            Error::Email(e) => e.source(),
            _ => None,
        }
    }
}

impl From<crate::email::EmailError> for Error {
    fn from(e: crate::email::EmailError) -> Self {
        Error::Email(e)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_speak_both_languages() {
        let e = Error::InboxNotAFolder {
            path: PathBuf::from("收件箱/a.xlsx"),
        };
        assert_eq!(
            e.to_string(),
            "the inbox 收件箱/a.xlsx is not a folder; give the folder that holds the workbooks"
        );
        assert_eq!(
            e.message(Lang::Zh),
            "收件文件夹 收件箱/a.xlsx 不是文件夹；请给出存放工作簿的文件夹"
        );
        let e = Error::Undelivered {
            failed: 2,
            total: 5,
        };
        assert_eq!(
            e.message(Lang::En),
            "2 of 5 messages could not be delivered (listed above)"
        );
        assert_eq!(e.message(Lang::Zh), "5 封邮件中有 2 封未能送达（见上方）");
        let e = Error::from(crate::email::EmailError::NoPassword(
            "QBR_SMTP_PASSWORD".into(),
        ));
        assert_eq!(
            e.message(Lang::Zh),
            "未设置 SMTP 密码：请 export QBR_SMTP_PASSWORD=…（qbr 从不从 qbr.toml 读取密码）"
        );
        assert_eq!(e.exit(), Exit::Unreadable);
    }

    #[test]
    fn system_errors_name_their_cause_in_chinese() {
        let e = Error::Write {
            path: PathBuf::from("out/2026Q3"),
            source: std::io::Error::from_raw_os_error(13),
        };
        assert_eq!(
            e.message(Lang::Zh),
            "无法写入 out/2026Q3：没有访问权限（系统错误 13）"
        );
        assert_eq!(
            e.to_string(),
            "cannot write out/2026Q3: Permission denied (os error 13)"
        );
        let e = Error::from(crate::email::EmailError::NotAReviewFolder {
            dir: PathBuf::from("out"),
            source: std::io::Error::from_raw_os_error(2),
        });
        assert_eq!(
            e.message(Lang::Zh),
            "无法读取 out 中的 recipients.json：找不到该文件或文件夹（系统错误 2）；\
             请给出 `qbr review` 写出的文件夹，例如 out/2026Q3"
        );
    }
}
