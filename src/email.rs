//! Delivery: who receives which report, and `qbr email`.
//!
//! `qbr review` records in `OUT/<period>/recipients.json` every report it wrote
//! (the company's, and one per unit with `--split-by`) with its scope, subject,
//! files, and the addresses the People master gives for it (a person's own
//! Email, and the Email of the unit's Owner from the targets). `qbr email`
//! adds `[recipients]` from qbr.toml, refuses addresses outside
//! `allowed_domains`, builds one RFC 5322 message per recipient and report —
//! HTML body, plain-text alternative, the matching workbook attached — and
//! either writes them as `.eml` files (`--dry-run`) or sends them through SMTP.

use crate::analyze::{Review, UnitReview};
use crate::config::{EmailConfig, SmtpConfig, SmtpSecurity};
use crate::i18n::{Key, Lang};
use crate::money::format_percent;
use crate::records::{Dataset, Dimension, Measure};
use crate::split::SplitBy;
use crate::text::match_key;
use lettre::message::{Attachment, Mailbox, MultiPart, header::ContentType};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file `qbr review` writes beside the reports.
pub const RECIPIENTS_FILE: &str = "recipients.json";

const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `recipients.json`: the reports of one review and who they are for.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Recipients {
    pub schema: String,
    pub period: String,
    pub reports: Vec<Report>,
}

/// One report set and the addresses the inputs give for it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    /// `company`, or the dimension split by (`region`, `group`, `person`).
    pub scope: String,
    /// The unit, for a split report.
    pub unit: Option<String>,
    /// What the report covers, in the report's language (`小组 精英小组`).
    pub label: String,
    pub subject: String,
    /// Paths relative to `OUT/<period>/`.
    pub html: String,
    pub text: String,
    pub workbook: String,
    /// The attachment's file name in the message.
    pub attachment_name: String,
    /// Addresses from the People master, each with where it came from.
    pub addresses: Vec<Address>,
}

/// An address and the reason it receives a report.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Address {
    pub address: String,
    pub source: String,
}

/// A split report written by `qbr review`: its unit and folder (relative, ending in `/`).
pub struct SplitReport {
    pub by: SplitBy,
    pub unit: String,
    pub folder: String,
}

/// Builds `recipients.json` for a review: the company report and each split report.
pub fn recipients(
    review: &Review,
    dataset: &Dataset,
    sources: &crate::diag::Sources,
    lang: Lang,
    splits: &[SplitReport],
) -> Recipients {
    let period = review.period.to_string();
    let people = PeopleEmails::new(dataset, sources);
    let subject = |label: &str, completion: Option<rust_decimal::Decimal>| {
        let mut s = format!("{period} {} · {label}", lang.t(Key::ReviewTitle));
        if let Some(c) = completion {
            s.push_str(&format!(
                " · {} {}",
                lang.t(Key::Completion),
                format_percent(c)
            ));
        }
        s
    };
    let mut reports = Vec::new();
    let company = lang.t(Key::WholeCompany).to_string();
    reports.push(Report {
        scope: "company".into(),
        unit: None,
        subject: subject(&company, review.total.as_ref().and_then(|t| t.completion)),
        label: company,
        html: format!("email-{period}.html"),
        text: format!("email-{period}.txt"),
        workbook: format!("review-{period}.xlsx"),
        attachment_name: format!("review-{period}.xlsx"),
        addresses: review
            .total
            .as_ref()
            .map(|t| people.for_unit(&Dimension::Total, t))
            .unwrap_or_default(),
    });
    for s in splits {
        let d = s.by.dimension();
        let unit = sales_unit(review, &d, &s.unit);
        let label = format!("{} {}", lang.dimension(&d), s.unit);
        reports.push(Report {
            scope: d.key().to_string(),
            unit: Some(s.unit.clone()),
            subject: subject(&label, unit.and_then(|u| u.completion)),
            label,
            html: format!("{}email-{period}.html", s.folder),
            text: format!("{}email-{period}.txt", s.folder),
            workbook: format!("{}review-{period}.xlsx", s.folder),
            attachment_name: format!(
                "review-{period}-{}.xlsx",
                crate::split::folder_name(&s.unit)
            ),
            addresses: match unit {
                Some(u) => people.for_unit(&d, u),
                None if d == Dimension::Person => people.person(&s.unit),
                None => Vec::new(),
            },
        });
    }
    Recipients {
        schema: "qbr.recipients/1".into(),
        period,
        reports,
    }
}

/// The unit's row for the sales measure (else its first measure).
fn sales_unit<'a>(review: &'a Review, d: &Dimension, unit: &str) -> Option<&'a UnitReview> {
    let key = match_key(unit);
    let mut rows = review
        .dimensions
        .iter()
        .filter(|x| x.dimension == *d)
        .flat_map(|x| x.units.iter().map(move |u| (&x.measure, u)))
        .filter(|(_, u)| match_key(&u.unit) == key);
    let all: Vec<_> = rows.by_ref().collect();
    all.iter()
        .find(|(m, _)| **m == Measure::Sales)
        .or(all.first())
        .map(|(_, u)| *u)
}

/// Email addresses of the People master, by person.
struct PeopleEmails {
    by_name: BTreeMap<String, (String, String)>,
}

impl PeopleEmails {
    fn new(ds: &Dataset, sources: &crate::diag::Sources) -> Self {
        let by_name = ds
            .people
            .iter()
            .filter_map(|p| {
                let email = p.email.as_deref()?.trim();
                if email.is_empty() {
                    return None;
                }
                let location = ds
                    .cell(p.origin, crate::recognize::Field::Email)
                    .map(|c| sources.locate(crate::diag::Location::Cell(c)))
                    .unwrap_or_default();
                Some((match_key(&p.name), (email.to_string(), location)))
            })
            .collect();
        PeopleEmails { by_name }
    }

    fn person(&self, name: &str) -> Vec<Address> {
        self.by_name
            .get(&match_key(name))
            .map(|(email, at)| Address {
                address: email.clone(),
                source: format!("{name}: {at}"),
            })
            .into_iter()
            .collect()
    }

    /// A person's own address; for any unit, its owner's.
    fn for_unit(&self, d: &Dimension, u: &UnitReview) -> Vec<Address> {
        let mut out = Vec::new();
        if *d == Dimension::Person {
            out.extend(self.person(&u.unit));
        }
        if let Some(owner) = u.owner.as_deref() {
            for a in self.person(owner) {
                if !out.iter().any(|x: &Address| x.address == a.address) {
                    out.push(a);
                }
            }
        }
        out
    }
}

/// Why `qbr email` cannot go on. Its text is in the translation table:
/// [`EmailError::message`] in either language, `Display` in English.
#[derive(Debug)]
pub enum EmailError {
    NotAReviewFolder {
        dir: PathBuf,
        source: std::io::Error,
    },
    BadRecipients {
        path: PathBuf,
        message: String,
    },
    MissingReport {
        path: PathBuf,
        source: std::io::Error,
    },
    NoSender,
    BadSender(String),
    NoRelay,
    NoPassword(String),
    Refused(Vec<String>),
    Build {
        to: String,
        message: String,
    },
    Relay {
        host: String,
        message: String,
    },
}

impl EmailError {
    /// What went wrong and what to do, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        use crate::i18n::Key::*;
        let shown = |p: &Path| p.display().to_string();
        let io = |e: &std::io::Error| crate::diag::Words::of_io(e).text(lang).to_string();
        let (key, args) = match self {
            EmailError::NotAReviewFolder { dir, source } => (
                EmNotAReviewFolder,
                vec![shown(dir), RECIPIENTS_FILE.to_string(), io(source)],
            ),
            EmailError::BadRecipients { path, message } => {
                (EmBadRecipients, vec![shown(path), message.clone()])
            }
            EmailError::MissingReport { path, source } => {
                (EmMissingReport, vec![shown(path), io(source)])
            }
            EmailError::NoSender => (EmNoSender, vec![]),
            EmailError::BadSender(from) => (EmBadSender, vec![from.clone()]),
            EmailError::NoRelay => (EmNoRelay, vec![]),
            EmailError::NoPassword(var) => (EmNoPassword, vec![var.clone()]),
            EmailError::Refused(refused) => (
                EmRefused,
                vec![refused.len().to_string(), refused.join("\n")],
            ),
            EmailError::Build { to, message } => (EmBuild, vec![to.clone(), message.clone()]),
            EmailError::Relay { host, message } => (EmRelay, vec![host.clone(), message.clone()]),
        };
        lang.fill_owned(key, &args)
    }
}

impl std::fmt::Display for EmailError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for EmailError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EmailError::NotAReviewFolder { source, .. }
            | EmailError::MissingReport { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// One message to send: a report to one recipient.
pub struct Outgoing {
    pub to: String,
    /// Why this address receives this report.
    pub sources: Vec<String>,
    pub label: String,
    pub subject: String,
    pub attachment_name: String,
    pub attachment_size: usize,
    /// The `.eml` file name in the outbox.
    pub file_name: String,
    pub message: lettre::Message,
}

/// A checked address and why it receives a report.
type Recipient = (Mailbox, Vec<String>);

/// Everything `qbr email` will do.
pub struct Plan {
    pub period: String,
    pub messages: Vec<Outgoing>,
    /// Reports that nobody receives (their labels).
    pub unaddressed: Vec<String>,
    /// `[recipients]` keys that name no report of this review.
    pub unmatched: Vec<String>,
}

/// The configuration `qbr email` uses: `explicit` when given, else the
/// qbr.toml the review was built with (named in `manifest.json`), else the defaults.
///
/// # Errors
/// [`crate::error::Error::Config`] when that file cannot be read or parsed.
pub fn config_for(
    dir: &Path,
    explicit: Option<&Path>,
) -> Result<crate::config::Config, crate::error::Error> {
    let recorded = || -> Option<PathBuf> {
        let text = std::fs::read_to_string(dir.join("manifest.json")).ok()?;
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        Some(PathBuf::from(v["options"]["config"].as_str()?))
    };
    match explicit {
        Some(p) => crate::config::Config::load(Some(p)),
        None => crate::config::Config::load(recorded().as_deref()),
    }
}

/// Reads `recipients.json` and the reports of `dir` and builds one message per
/// recipient and report.
///
/// # Errors
/// A folder `qbr review` did not write, a missing report, no sender, and — all
/// listed at once, before anything is written or sent — addresses that do not
/// parse or lie outside `allowed_domains`.
pub fn plan(dir: &Path, cfg: &EmailConfig) -> Result<Plan, EmailError> {
    let path = dir.join(RECIPIENTS_FILE);
    let text = std::fs::read_to_string(&path).map_err(|source| EmailError::NotAReviewFolder {
        dir: dir.to_path_buf(),
        source,
    })?;
    let recipients: Recipients =
        serde_json::from_str(&text).map_err(|e| EmailError::BadRecipients {
            path: path.clone(),
            message: e.to_string(),
        })?;
    if recipients.schema != "qbr.recipients/1" {
        return Err(EmailError::BadRecipients {
            path,
            message: format!("schema `{}`", recipients.schema),
        });
    }
    let from_text = cfg.from.as_deref().ok_or(EmailError::NoSender)?;
    let from: Mailbox = from_text
        .parse()
        .map_err(|_| EmailError::BadSender(from_text.to_string()))?;

    // Every address, checked before anything else: all of qbr.toml's (a typo
    // there is refused even when its unit has no report in this run), then the
    // People master's of each report.
    let mut refused = Vec::new();
    for (unit, addrs) in &cfg.recipients {
        for text in addrs {
            if let Err(why) = check_address(text, &cfg.allowed_domains) {
                refused.push(format!(
                    "  {text} (qbr.toml [recipients] \"{unit}\"): {why}"
                ));
            }
        }
    }
    let unmatched: Vec<String> = cfg
        .recipients
        .keys()
        .filter(|k| {
            *k != "*"
                && !recipients.reports.iter().any(|r| {
                    r.unit
                        .as_deref()
                        .is_some_and(|u| match_key(u) == match_key(k))
                })
        })
        .cloned()
        .collect();
    let mut addressed: Vec<(&Report, Vec<Recipient>)> = Vec::new();
    for report in &recipients.reports {
        let mut list: Vec<(String, String)> = report
            .addresses
            .iter()
            .map(|a| (a.address.clone(), format!("People master, {}", a.source)))
            .collect();
        let key = match &report.unit {
            Some(u) => match_key(u),
            None => "*".to_string(),
        };
        for (unit, addrs) in &cfg.recipients {
            let matches = if unit == "*" {
                report.unit.is_none()
            } else {
                match_key(unit) == key
            };
            if matches {
                list.extend(
                    addrs
                        .iter()
                        .map(|a| (a.clone(), format!("qbr.toml [recipients] \"{unit}\""))),
                );
            }
        }
        let mut boxes: Vec<Recipient> = Vec::new();
        for (text, source) in list {
            match check_address(&text, &cfg.allowed_domains) {
                Ok(mb) => match boxes.iter_mut().find(|(b, _)| b.email == mb.email) {
                    Some((_, s)) => s.push(source),
                    None => boxes.push((mb, vec![source])),
                },
                Err(why) => refused.push(format!("  {text} ({source}): {why}")),
            }
        }
        addressed.push((report, boxes));
    }
    if !refused.is_empty() {
        refused.sort();
        refused.dedup();
        return Err(EmailError::Refused(refused));
    }

    let mut messages = Vec::new();
    let mut unaddressed = Vec::new();
    for (report, boxes) in addressed {
        if boxes.is_empty() {
            unaddressed.push(report.label.clone());
            continue;
        }
        let read = |rel: &str| {
            let p = dir.join(rel);
            std::fs::read(&p).map_err(|source| EmailError::MissingReport { path: p, source })
        };
        let html = String::from_utf8_lossy(&read(&report.html)?).into_owned();
        let text = String::from_utf8_lossy(&read(&report.text)?).into_owned();
        let workbook = read(&report.workbook)?;
        for (to, sources) in boxes {
            let address = to.email.to_string();
            let message = compose(&from, &to, report, &html, &text, &workbook).map_err(|e| {
                EmailError::Build {
                    to: address.clone(),
                    message: e,
                }
            })?;
            let n = messages.len() + 1;
            messages.push(Outgoing {
                file_name: format!(
                    "{n:03}-{}-{}.eml",
                    crate::split::folder_name(report.unit.as_deref().unwrap_or("company")),
                    crate::split::folder_name(&address)
                ),
                to: address,
                sources,
                label: report.label.clone(),
                subject: report.subject.clone(),
                attachment_name: report.attachment_name.clone(),
                attachment_size: workbook.len(),
                message,
            });
        }
    }
    Ok(Plan {
        period: recipients.period,
        messages,
        unaddressed,
        unmatched,
    })
}

/// Who receives what: one line per message, then the reports nobody receives.
pub fn render_plan(plan: &Plan, lang: Lang) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let recipients: std::collections::BTreeSet<&str> =
        plan.messages.iter().map(|m| m.to.as_str()).collect();
    let _ = writeln!(
        o,
        "{}",
        lang.fill(
            Key::MsgEmailPlan,
            &[
                &plan.period.to_string(),
                &plan.messages.len().to_string(),
                &recipients.len().to_string()
            ]
        )
    );
    for m in &plan.messages {
        let _ = writeln!(
            o,
            "  {} ← {} [{}, {} KB] — {}\n      {}: {}",
            m.to,
            m.label,
            m.attachment_name,
            m.attachment_size.div_ceil(1024),
            m.sources.join("; "),
            lang.t(Key::MsgEmailSubject),
            m.subject
        );
    }
    for key in &plan.unmatched {
        let _ = writeln!(o, "  {}", lang.fill(Key::MsgEmailUnmatched, &[key]));
    }
    for label in &plan.unaddressed {
        let _ = writeln!(o, "  {}", lang.fill(Key::MsgEmailNoRecipient, &[label]));
    }
    o
}

/// Parses an address and checks its domain against `allowed`.
fn check_address(text: &str, allowed: &[String]) -> Result<Mailbox, String> {
    let mb: Mailbox = text
        .trim()
        .parse()
        .map_err(|_| "not an email address".to_string())?;
    let domain = mb.email.domain().to_ascii_lowercase();
    if !allowed.is_empty() && !allowed.contains(&domain) {
        return Err(format!(
            "the domain {domain} is not in allowed_domains ({})",
            allowed.join(", ")
        ));
    }
    Ok(mb)
}

/// One message: HTML with a plain-text alternative, the workbook attached.
fn compose(
    from: &Mailbox,
    to: &Mailbox,
    report: &Report,
    html: &str,
    text: &str,
    workbook: &[u8],
) -> Result<lettre::Message, String> {
    let xlsx = ContentType::parse(XLSX_MIME).map_err(|e| e.to_string())?;
    // A Message-ID in the sender's domain: unique per message, so replies and
    // mail logs can be traced back to one report and recipient.
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let id = crate::inbox::hex(&sha2::Sha256::digest(
        format!("{stamp}|{}|{}", to.email, report.workbook).as_bytes(),
    ));
    lettre::Message::builder()
        .message_id(Some(format!("<qbr.{}@{}>", &id[..32], from.email.domain())))
        .from(from.clone())
        .to(to.clone())
        .subject(report.subject.clone())
        .multipart(
            MultiPart::mixed()
                .multipart(MultiPart::alternative_plain_html(
                    text.to_string(),
                    html.to_string(),
                ))
                .singlepart(
                    Attachment::new(report.attachment_name.clone()).body(workbook.to_vec(), xlsx),
                ),
        )
        .map_err(|e| e.to_string())
}

/// Writes every message of the plan as `<outbox>/<nnn>-<unit>-<address>.eml`,
/// replacing an earlier outbox whole.
///
/// # Errors
/// [`crate::error::Error::Write`] when the outbox cannot be written.
pub fn write_outbox(plan: &Plan, outbox: &Path) -> Result<PathBuf, crate::error::Error> {
    let mut set = crate::output::OutputSet::default();
    for m in &plan.messages {
        set.add(m.file_name.clone(), m.message.formatted());
    }
    let parent = outbox.parent().unwrap_or(Path::new("."));
    let name = outbox
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "outbox".into());
    crate::output::write_outputs(parent, &name, &set)
}

/// The outcome of one delivery.
pub struct Delivery {
    pub to: String,
    pub label: String,
    /// The relay's reply, or why it failed.
    pub result: Result<String, String>,
}

/// Sends every message of the plan through the relay, one after another, and
/// reports each delivery; a failed delivery does not stop the others.
///
/// # Errors
/// No relay configured, no password in the environment, or a relay that
/// cannot be set up (an invalid host name for TLS).
pub fn send(plan: &Plan, cfg: &EmailConfig) -> Result<Vec<Delivery>, EmailError> {
    use lettre::Transport;
    let smtp = cfg.smtp.as_ref().ok_or(EmailError::NoRelay)?;
    let transport = transport(smtp)?;
    Ok(plan
        .messages
        .iter()
        .map(|m| Delivery {
            to: m.to.clone(),
            label: m.label.clone(),
            result: transport
                .send(&m.message)
                .map(|r| format!("{} {}", r.code(), r.message().collect::<Vec<_>>().join(" ")))
                .map_err(|e| e.to_string()),
        })
        .collect())
}

fn transport(smtp: &SmtpConfig) -> Result<lettre::SmtpTransport, EmailError> {
    use lettre::SmtpTransport;
    use lettre::transport::smtp::authentication::Credentials;
    let relay_err = |e: lettre::transport::smtp::Error| EmailError::Relay {
        host: smtp.host.clone(),
        message: e.to_string(),
    };
    let builder = match smtp.security {
        SmtpSecurity::None => SmtpTransport::builder_dangerous(&smtp.host),
        SmtpSecurity::Starttls => SmtpTransport::starttls_relay(&smtp.host).map_err(relay_err)?,
        SmtpSecurity::Tls => SmtpTransport::relay(&smtp.host).map_err(relay_err)?,
    };
    let mut builder = builder
        .port(smtp.port)
        .timeout(Some(std::time::Duration::from_secs(30)));
    if let Some(user) = &smtp.username {
        let password = std::env::var(&smtp.password_env)
            .map_err(|_| EmailError::NoPassword(smtp.password_env.clone()))?;
        builder = builder.credentials(Credentials::new(user.clone(), password));
    }
    Ok(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_against_the_allowed_domains() {
        let allowed = vec!["example.com".to_string()];
        assert!(check_address("Lead <lead@Example.com>", &allowed).is_ok());
        let e = check_address("x@evil.test", &allowed).unwrap_err();
        assert!(
            e.contains("evil.test") && e.contains("allowed_domains"),
            "{e}"
        );
        assert!(check_address("not an address", &allowed).is_err());
        assert!(check_address("a@sub.example.com", &allowed).is_err());
        assert!(check_address("x@evil.test", &[]).is_ok());
    }
}
