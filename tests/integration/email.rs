//! `qbr email`: the messages are parsed back (parts, recipients, attachment),
//! addresses outside `allowed_domains` are refused before anything is written,
//! and sending is tested against an SMTP sink started on 127.0.0.1.

use crate::support::sample_data;
use mailparse::{MailHeaderMap, ParsedMail};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};

const FROM: &str = "salesops@hd-smarthome.example.com";

fn qbr(args: &[&str]) -> Output {
    crate::support::qbr_command()
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// The sample inbox with `config` as its qbr.toml, reviewed with `--split-by
/// person`; returns (temp root, review folder).
fn reviewed(config: &str) -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let inbox = root.path().join("inbox");
    copy_dir(&sample_data(), &inbox);
    std::fs::write(inbox.join("qbr.toml"), config).unwrap();
    let out = root.path().join("out");
    let o = qbr(&[
        "review",
        inbox.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--split-by",
        "person",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (root, out.join("2026Q3"))
}

fn config(extra: &str) -> String {
    format!(
        "allowed_domains = [\"hd-smarthome.example.com\"]\n\
         [recipients]\n\"*\" = [\"CEO <ceo@hd-smarthome.example.com>\"]\n\"李娜\" = [\"coach@hd-smarthome.example.com\"]\n{extra}\n\
         [email]\nfrom = \"销售运营 <{FROM}>\"\n"
    )
}

/// (person, email) from the sample's People master.
fn people_emails() -> Vec<(String, String)> {
    crate::support::load(&sample_data())
        .dataset
        .people
        .iter()
        .map(|p| (p.name.clone(), p.email.clone().unwrap()))
        .collect()
}

fn part<'a>(m: &'a ParsedMail<'a>, mime: &str) -> &'a ParsedMail<'a> {
    fn find<'a>(m: &'a ParsedMail<'a>, mime: &str) -> Option<&'a ParsedMail<'a>> {
        if m.ctype.mimetype == mime {
            return Some(m);
        }
        m.subparts.iter().find_map(|p| find(p, mime))
    }
    find(m, mime).unwrap_or_else(|| panic!("no {mime} part"))
}

fn unix(s: &str) -> String {
    s.replace("\r\n", "\n")
}

/// Checks one message against the files of the report it carries.
fn assert_message(raw: &[u8], review: &Path, to: &str, folder: &str, subject_has: &str) {
    let m = mailparse::parse_mail(raw).unwrap();
    assert!(m.headers.get_first_value("From").unwrap().contains(FROM));
    assert!(m.headers.get_first_value("To").unwrap().contains(to));
    assert!(m.headers.get_first_value("Message-ID").is_some());
    let subject = m.headers.get_first_value("Subject").unwrap();
    assert!(
        subject.contains("2026Q3") && subject.contains(subject_has) && subject.contains('%'),
        "{subject}"
    );
    assert_eq!(m.ctype.mimetype, "multipart/mixed");
    let alt = part(&m, "multipart/alternative");
    let kinds: Vec<&str> = alt
        .subparts
        .iter()
        .map(|p| p.ctype.mimetype.as_str())
        .collect();
    assert_eq!(kinds, ["text/plain", "text/html"]);
    let dir = review.join(folder);
    let text = part(&m, "text/plain").get_body().unwrap();
    assert_eq!(
        unix(&text),
        unix(&std::fs::read_to_string(dir.join("email-2026Q3.txt")).unwrap())
    );
    let html = part(&m, "text/html").get_body().unwrap();
    assert_eq!(
        unix(&html),
        unix(&std::fs::read_to_string(dir.join("email-2026Q3.html")).unwrap())
    );
    assert!(html.len() < 100 * 1024, "email body {} bytes", html.len());
    assert!(!html.contains("<script"));
    let xlsx = part(
        &m,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    let disposition = xlsx.get_content_disposition();
    assert_eq!(
        disposition.disposition,
        mailparse::DispositionType::Attachment
    );
    assert!(
        disposition.params["filename"].starts_with("review-2026Q3"),
        "{:?}",
        disposition.params
    );
    assert_eq!(
        xlsx.get_body_raw().unwrap(),
        std::fs::read(dir.join("review-2026Q3.xlsx")).unwrap()
    );
}

#[test]
fn dry_run_writes_one_message_per_recipient_and_report() {
    let (_root, review) = reviewed(&config(""));
    let o = qbr(&["email", review.to_str().unwrap(), "--dry-run"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let people = people_emails();
    // The CEO gets the company report; each person their own; 李娜's coach hers.
    let expected = 1 + people.len() + 1;
    assert!(stdout.contains(&format!("{expected} messages")), "{stdout}");
    let outbox = review.join("outbox");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), expected);

    let company = std::fs::read(&files[0]).unwrap();
    assert_message(
        &company,
        &review,
        "ceo@hd-smarthome.example.com",
        "",
        "全公司",
    );
    assert!(
        stdout.contains("ceo@hd-smarthome.example.com ← 全公司"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("matches no report"),
        "every [recipients] key names a report: {stdout}"
    );

    for (name, email) in &people {
        let file = files
            .iter()
            .find(|f| {
                f.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .ends_with(&format!("-{name}-{email}.eml"))
            })
            .unwrap_or_else(|| panic!("no message for {name}"));
        let raw = std::fs::read(file).unwrap();
        assert_message(&raw, &review, email, &format!("split/person/{name}"), name);
        // Nobody else's name travels in a person's message.
        let m = mailparse::parse_mail(&raw).unwrap();
        let body =
            part(&m, "text/html").get_body().unwrap() + &part(&m, "text/plain").get_body().unwrap();
        for (other, _) in people.iter().filter(|(o, _)| o != name) {
            assert!(
                !body.contains(other.as_str()),
                "{name}'s message names {other}"
            );
        }
    }
    let coach = files
        .iter()
        .find(|f| f.to_string_lossy().contains("coach@"))
        .unwrap();
    assert_message(
        &std::fs::read(coach).unwrap(),
        &review,
        "coach@hd-smarthome.example.com",
        "split/person/李娜",
        "李娜",
    );
    // A second dry run replaces the outbox whole.
    let again = qbr(&["email", review.to_str().unwrap(), "--dry-run"]);
    assert!(again.status.success());
    assert_eq!(std::fs::read_dir(&outbox).unwrap().count(), expected);
}

#[test]
fn addresses_outside_the_allowed_domains_are_refused_before_anything_is_written() {
    // Every configured address is checked, even one whose unit has no report
    // in this run (the review was split by person, not by group).
    let (_root, review) = reviewed(&config(
        "\"刘洋\" = [\"spy@evil.test\", \"not-an-address\"]\n\"精英小组\" = [\"other@evil.test\"]",
    ));
    let o = qbr(&["email", review.to_str().unwrap(), "--dry-run"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("spy@evil.test"), "{stderr}");
    assert!(
        stderr.contains("evil.test is not in allowed_domains"),
        "{stderr}"
    );
    assert!(stderr.contains("not-an-address"), "{stderr}");
    assert!(stderr.contains("[recipients] \"刘洋\""), "{stderr}");
    assert!(stderr.contains("other@evil.test"), "{stderr}");
    assert!(!review.join("outbox").exists(), "nothing may be written");
}

#[test]
fn missing_sender_and_folder_are_clear_errors() {
    let (_root, review) = reviewed("[recipients]\n\"*\" = [\"ceo@example.com\"]\n");
    let o = qbr(&["email", review.to_str().unwrap(), "--dry-run"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("set `from` under [email]"));

    let o = qbr(&[
        "email",
        review.parent().unwrap().to_str().unwrap(),
        "--dry-run",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("give the folder `qbr review` wrote"));

    // Sending without a relay says so.
    let cfg = review.parent().unwrap().join("send.toml");
    std::fs::write(&cfg, format!("[email]\nfrom = \"{FROM}\"\n")).unwrap();
    let o = qbr(&[
        "email",
        review.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no SMTP relay"));
}

/// What the sink received in one SMTP transaction.
#[derive(Debug, Clone)]
struct Received {
    rcpt: Vec<String>,
    data: Vec<u8>,
}

/// A minimal SMTP server on 127.0.0.1 that accepts every message, except that
/// it answers 550 to `RCPT TO` for `reject`.
fn smtp_sink(reject: Option<&'static str>) -> (u16, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = Arc::new(Mutex::new(Vec::new()));
    let store = got.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let store = store.clone();
            std::thread::spawn(move || {
                let mut w = stream.try_clone().unwrap();
                let mut r = BufReader::new(stream);
                let mut rcpt = Vec::new();
                let _ = w.write_all(b"220 sink ESMTP\r\n");
                let mut line = String::new();
                while r.read_line(&mut line).unwrap_or(0) > 0 {
                    let cmd = line.trim_end().to_string();
                    line.clear();
                    let upper = cmd.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250-sink\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("MAIL FROM") {
                        rcpt.clear();
                        b"250 2.1.0 ok\r\n"
                    } else if upper.starts_with("RCPT TO") {
                        let addr =
                            cmd[cmd.find('<').unwrap() + 1..cmd.find('>').unwrap()].to_string();
                        if reject.is_some_and(|x| x == addr) {
                            b"550 5.1.1 mailbox unavailable\r\n"
                        } else {
                            rcpt.push(addr);
                            b"250 2.1.5 ok\r\n"
                        }
                    } else if upper == "DATA" {
                        let _ = w.write_all(b"354 go ahead\r\n");
                        let mut data = Vec::new();
                        loop {
                            let mut l = Vec::new();
                            if r.read_until(b'\n', &mut l).unwrap_or(0) == 0 || l == b".\r\n" {
                                break;
                            }
                            let l = if l.starts_with(b"..") {
                                l[1..].to_vec()
                            } else {
                                l
                            };
                            data.extend(l);
                        }
                        store.lock().unwrap().push(Received {
                            rcpt: rcpt.clone(),
                            data,
                        });
                        b"250 2.0.0 queued\r\n"
                    } else if upper == "QUIT" {
                        let _ = w.write_all(b"221 bye\r\n");
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    let _ = w.write_all(reply);
                }
            });
        }
    });
    (port, got)
}

fn smtp_config(port: u16) -> String {
    config("").replace(
        "[email]\n",
        &format!(
            "[email]\nsmtp_host = \"127.0.0.1\"\nsmtp_port = {port}\nsmtp_security = \"none\"\n"
        ),
    )
}

#[test]
fn sends_through_smtp_and_reports_each_delivery() {
    let (port, got) = smtp_sink(None);
    let (_root, review) = reviewed(&smtp_config(port));
    let o = qbr(&["email", review.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let expected = 1 + people_emails().len() + 1;
    assert!(
        stdout.contains(&format!("{expected} messages sent.")),
        "{stdout}"
    );
    assert_eq!(stdout.matches("\nsent ").count(), expected, "{stdout}");
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), expected);
    for r in &got {
        assert_eq!(r.rcpt.len(), 1, "one recipient per message");
        let m = mailparse::parse_mail(&r.data).unwrap();
        assert!(
            m.headers
                .get_first_value("To")
                .unwrap()
                .contains(&r.rcpt[0])
        );
        let folder = if r.rcpt[0] == "ceo@hd-smarthome.example.com" {
            String::new()
        } else if r.rcpt[0] == "coach@hd-smarthome.example.com" {
            "split/person/李娜".to_string()
        } else {
            let (name, _) = people_emails()
                .into_iter()
                .find(|(_, e)| *e == r.rcpt[0])
                .unwrap();
            format!("split/person/{name}")
        };
        assert_message(&r.data, &review, &r.rcpt[0], &folder, "");
    }
}

#[test]
fn a_refused_delivery_is_reported_and_the_others_go_out() {
    let people = people_emails();
    let victim: &'static str = Box::leak(people[0].1.clone().into_boxed_str());
    let (port, got) = smtp_sink(Some(victim));
    let (_root, review) = reviewed(&smtp_config(port));
    let o = qbr(&["email", review.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains(&format!("FAILED  {victim}")), "{stdout}");
    let expected = 1 + people.len() + 1;
    assert!(
        stderr.contains(&format!("1 of {expected} messages could not be delivered")),
        "{stderr}"
    );
    assert_eq!(got.lock().unwrap().len(), expected - 1);
}
