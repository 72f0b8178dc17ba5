//! The HTML report and the email body: hostile names stay text, nothing active
//! or external, the email fits mail clients' limits, and both render in
//! headless Chromium at desktop and phone widths.

use crate::support::{check_inbox, sample_data, write_review};
use std::path::{Path, PathBuf};

/// Reviews an inbox; returns (report html, email html).
fn render(dir: &Path, lang: Option<qbr::i18n::Lang>) -> (String, String) {
    let [report, email, _] = render_all(dir, lang);
    (report, email)
}

/// Reviews an inbox; returns (report html, email html, email plain text).
fn render_all(dir: &Path, lang: Option<qbr::i18n::Lang>) -> [String; 3] {
    let checked = check_inbox(dir, None);
    let opts = qbr::ReviewOptions {
        lang,
        ..Default::default()
    };
    let (_out, review, written) = write_review(&checked, &opts);
    let read = |name: String| std::fs::read_to_string(written.join(name)).unwrap();
    [
        read(format!("review-{}.html", review.period)),
        read(format!("email-{}.html", review.period)),
        read(format!("email-{}.txt", review.period)),
    ]
}

const HOSTILE: [&str; 2] = ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>"];

fn hostile_inbox() -> tempfile::TempDir {
    crate::support::two_region_inbox(HOSTILE)
}

/// No active or external content in any tag (escaped text has no raw `<`, so
/// every `<…>` is real markup), and no external address anywhere.
fn assert_inert(html: &str) {
    let lower = html.to_lowercase();
    for tag in lower
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or(""))
    {
        let name = tag
            .trim_start_matches('/')
            .split([' ', '\n'])
            .next()
            .unwrap_or("");
        assert!(
            ![
                "script", "img", "svg", "link", "iframe", "object", "embed", "style"
            ]
            .contains(&name)
                || (name == "style" && !tag.contains("src")),
            "found the tag <{tag}>"
        );
        for attr in [
            " src=",
            " href=",
            " onerror=",
            " onload=",
            " onclick=",
            "javascript:",
            "url(",
        ] {
            assert!(!tag.contains(attr), "found `{attr}` in <{tag}>");
        }
    }
    for bad in ["http://", "https://", "@import"] {
        assert!(!lower.contains(bad), "found `{bad}`");
    }
}

#[test]
fn hostile_names_are_escaped_and_nothing_is_active_or_external() {
    let (report, email) = render(hostile_inbox().path(), None);
    for html in [&report, &email] {
        assert_inert(html);
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
                || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "the name is shown as text"
        );
    }
}

#[test]
fn sample_email_fits_mail_clients() {
    let (report, email) = render(&sample_data(), None);
    assert_inert(&report);
    assert_inert(&email);
    assert!(
        email.len() < 100 * 1024,
        "email body is {} bytes",
        email.len()
    );
    // One 600 px container: the width as attribute, capped inline; Outlook's ghost table fixed.
    assert!(email.contains(r#"width="600" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;"#));
    assert!(email.contains("<!--[if mso]><table role=\"presentation\" width=\"600\""));
    assert!(!email.contains("<style"), "every style is inline");
    assert!(email.contains("2026Q3 季度复盘") && email.contains("91.84%"));
    assert!(report.contains("<html lang=\"zh-CN\">"));
}

#[test]
fn english_on_request() {
    let (report, email) = render(&sample_data(), Some(qbr::i18n::Lang::En));
    assert!(report.contains("2026Q3 Quarterly review"));
    assert!(email.contains("Short boards"));
    assert!(report.contains("<html lang=\"en\">"));
}

#[test]
fn email_body_snapshot() {
    let (_, email) = render(hostile_inbox().path(), Some(qbr::i18n::Lang::En));
    insta::assert_snapshot!("hostile_email_en", email);
}

#[test]
fn email_plain_text_snapshot() {
    // The plain-text alternative carries the same figures; names stay verbatim.
    let [_, _, text] = render_all(hostile_inbox().path(), Some(qbr::i18n::Lang::En));
    assert!(text.contains(HOSTILE[0]), "{text}");
    insta::assert_snapshot!("hostile_email_text_en", text);
}

/// The Chromium to render with; without one, says the test is skipped.
fn chromium() -> Option<PathBuf> {
    let found = [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists());
    if found.is_none() {
        eprintln!("skipped: Chromium not installed (Debian package chromium)");
    }
    found
}

/// Share of pixels that differ from the top-left pixel.
fn non_background_share(png_path: &Path) -> f64 {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png_path).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bpp = info.color_type.samples();
    let px: Vec<&[u8]> = buf[..info.buffer_size()].chunks(bpp).collect();
    let bg = px[0];
    px.iter().filter(|p| **p != bg).count() as f64 / px.len() as f64
}

/// Chromium's flags for a quiet headless run with its own profile.
fn headless(chromium: &Path, profile: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(chromium);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
fn neither_page_scrolls_sideways_on_a_phone() {
    // Each page is laid out in a frame as wide as a phone (320 px, the
    // narrowest still in use; 375 px) and a desktop mail pane (600 px); the
    // page's own scroll width must not exceed the frame's.
    let Some(chromium) = chromium() else {
        return;
    };
    let chinese_font = std::process::Command::new("fc-list")
        .arg(":lang=zh")
        .output()
        .is_ok_and(|o| !o.stdout.is_empty());
    if !chinese_font {
        eprintln!(
            "note: no Chinese font installed (Debian package fonts-wqy-zenhei); \
             Chinese text is laid out as fallback boxes"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let (report, email) = render(&sample_data(), None);
    std::fs::write(dir.path().join("report.html"), &report).unwrap();
    std::fs::write(dir.path().join("email.html"), &email).unwrap();
    let widths = [320, 375, 600];
    let frames: String = widths
        .iter()
        .flat_map(|w| {
            ["report", "email"].map(|page| {
                format!(
                    "<iframe id=\"{page}-{w}\" src=\"{page}.html\" \
                     style=\"width:{w}px;height:600px;border:0\"></iframe>"
                )
            })
        })
        .collect();
    let probe = format!(
        "<html><body>{frames}<script>\
         addEventListener('load', function () {{\
           var out = [];\
           document.querySelectorAll('iframe').forEach(function (f) {{\
             var e = f.contentDocument.documentElement;\
             out.push(f.id + '=' + e.scrollWidth + '/' + e.clientWidth);\
           }});\
           document.body.setAttribute('data-widths', out.join(' '));\
         }});</script></body></html>"
    );
    let probe_path = dir.path().join("probe.html");
    std::fs::write(&probe_path, probe).unwrap();
    let out = headless(&chromium, &dir.path().join("profile"))
        .args([
            "--allow-file-access-from-files",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("file://{}", probe_path.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    let widths_attr = dom
        .split("data-widths=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no measurement in the DOM: {dom}"));
    let measured: Vec<(&str, u32, u32)> = widths_attr
        .split(' ')
        .map(|m| {
            let (id, sizes) = m.split_once('=').unwrap();
            let (scroll, client) = sizes.split_once('/').unwrap();
            (id, scroll.parse().unwrap(), client.parse().unwrap())
        })
        .collect();
    assert_eq!(measured.len(), 2 * widths.len(), "{widths_attr}");
    for (id, scroll, client) in measured {
        let frame: u32 = id.rsplit('-').next().unwrap().parse().unwrap();
        assert_eq!(client, frame, "{id}: laid out at {client} px");
        assert!(
            scroll <= client,
            "{id}: the page is {scroll} px wide in a {client} px frame"
        );
    }
}

#[test]
fn renders_in_headless_chromium_at_600_and_375_px() {
    let Some(chromium) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (report, email) = render(&sample_data(), None);
    for (name, html) in [("report", &report), ("email", &email)] {
        let file = dir.path().join(format!("{name}.html"));
        std::fs::write(&file, html).unwrap();
        for width in [600, 375] {
            let png = dir.path().join(format!("{name}-{width}.png"));
            let profile = dir.path().join(format!("profile-{name}-{width}"));
            let status = headless(&chromium, &profile)
                .arg(format!("--window-size={width},1200"))
                .arg(format!("--screenshot={}", png.display()))
                .arg(format!("file://{}", file.display()))
                .output()
                .unwrap();
            assert!(
                png.exists(),
                "{name} at {width}px: no screenshot; {}",
                String::from_utf8_lossy(&status.stderr)
            );
            let share = non_background_share(&png);
            assert!(
                share > 0.05,
                "{name} at {width}px looks blank ({share:.3} of pixels drawn)"
            );
        }
    }
}
