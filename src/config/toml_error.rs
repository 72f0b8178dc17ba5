//! A `qbr.toml` that does not parse, worded for its reader.
//!
//! English keeps the toml crate's own report: the line and column, the line
//! itself with the spot marked, and what was expected. Chinese gives the same
//! place and marked line, and says what is wrong in Chinese for the mistakes
//! people make by hand (an unknown setting, a value of the wrong kind, a key
//! given twice, a missing one); a syntax error keeps the parser's English
//! description after a Chinese frame.

use crate::diag::Words;
use crate::i18n::{Key, Lang};

/// The words for a TOML error in `text`.
pub(super) fn toml_words(text: &str, e: &toml::de::Error) -> Words {
    let en = e.to_string();
    let Some(span) = e.span() else {
        return Words::each(Key::CfgToml, &[&en], &[e.message()]);
    };
    let (line, column) = line_and_column(text, span.start);
    // The marked line sits between the report's first line and its message.
    let marked = en
        .split_once('\n')
        .map(|(_, rest)| rest.trim_end())
        .and_then(|rest| rest.strip_suffix(e.message().trim_end()))
        .unwrap_or_default()
        .trim_end_matches('\n');
    let what = chinese_message(e.message().trim_end());
    let mut zh = Lang::Zh.fill(
        Key::CfgTomlAt,
        &[&line.to_string(), &column.to_string(), &what],
    );
    if !marked.is_empty() {
        zh = format!("{zh}\n{marked}");
    }
    Words {
        en: Lang::En.fill(Key::CfgToml, &[&en]),
        zh,
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// serde's messages for the mistakes people make by hand, in Chinese; any
/// other message (a syntax error) as it is, after a Chinese frame.
fn chinese_message(message: &str) -> String {
    let fill = |key: Key, args: &[&str]| Lang::Zh.fill(key, args);
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (name, expected) = split_expected(rest);
        return match expected {
            Some(known) => fill(Key::CfgTomlUnknownFieldKnown, &[name, &known]),
            None => fill(Key::CfgTomlUnknownField, &[name]),
        };
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (name, expected) = split_expected(rest);
        return fill(
            Key::CfgTomlUnknownValue,
            &[name, &expected.unwrap_or_default()],
        );
    }
    for (prefix, key) in [
        ("invalid type: ", Key::CfgTomlWrongType),
        ("invalid value: ", Key::CfgTomlWrongValue),
    ] {
        if let Some((found, expected)) = message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split_once(", expected "))
        {
            return fill(key, &[&kind(found), &kind(expected)]);
        }
    }
    if let Some(name) = message.strip_prefix("missing field ") {
        return fill(Key::CfgTomlMissingField, &[name]);
    }
    match message {
        "duplicate key" => return fill(Key::CfgTomlDuplicateKey, &[]),
        // The `expecting` texts of the config's own either-kind values.
        "expected a number such as 0.05 or \"5%\"" => return fill(Key::CfgTomlNotANumber, &[]),
        "expected a column name or a list of names" => return fill(Key::CfgTomlNotNames, &[]),
        _ => {}
    }
    fill(Key::CfgTomlSyntax, &[message])
}

/// "`x`, expected one of `a`, `b`" → ("`x`", Some("a、b")).
fn split_expected(rest: &str) -> (&str, Option<String>) {
    let (name, tail) = rest.split_once(", ").unwrap_or((rest, ""));
    let list = tail
        .strip_prefix("expected one of ")
        .or_else(|| tail.strip_prefix("expected "));
    let known = list.map(|l| {
        let names: Vec<String> = l
            .split(", ")
            .map(|n| n.trim_matches('`').to_string())
            .collect();
        Lang::Zh.join(&names)
    });
    (name, known)
}

/// A serde type description ("string \"x\"", "u32", "a sequence") in Chinese.
fn kind(description: &str) -> String {
    let whole = match description {
        "a sequence" | "sequence" => Some("列表（如 [\"甲\", \"乙\"]）"),
        "a map" | "map" => Some("表"),
        "a boolean" | "bool" => Some("true 或 false"),
        "a string" | "str" => Some("文本"),
        _ => None,
    };
    if let Some(word) = whole {
        return word.to_string();
    }
    let (head, value) = description.split_once(' ').unwrap_or((description, ""));
    let word = match head {
        "string" => "文本",
        "u8" | "u16" | "u32" | "u64" | "usize" => "非负整数",
        "integer" | "i32" | "i64" => "整数",
        "floating" | "f32" | "f64" => "数字",
        "boolean" => "布尔值",
        _ => return description.to_string(),
    };
    let value = value
        .strip_prefix("point ")
        .unwrap_or(value)
        .trim_matches('`');
    if value.is_empty() {
        word.to_string()
    } else {
        format!("{word} {value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zh(text: &str) -> String {
        let e = toml::from_str::<crate::config::ConfigFile>(text).unwrap_err();
        toml_words(text, &e).zh
    }

    #[test]
    fn hand_made_mistakes_are_named_in_chinese_with_their_place() {
        assert!(
            zh("period = \"2026Q3\"\ncolour = \"red\"\n").starts_with(
                "TOML 格式有误，第 2 行第 1 列：没有 `colour` 这个设置项；可用的设置项：headers、period、"
            ),
            "{}",
            zh("period = \"2026Q3\"\ncolour = \"red\"\n")
        );
        assert_eq!(
            zh("churn_quarters = \"x\"\n"),
            "TOML 格式有误，第 1 行第 18 列：这里是文本 \"x\"，应为非负整数\n  |\n1 | churn_quarters = \"x\"\n  |                  ^^^"
        );
        assert!(
            zh("[headers]\namount = \"净额\"\n")
                .starts_with("TOML 格式有误，第 2 行第 10 列：这里是文本 \"净额\"，应为列表"),
            "{}",
            zh("[headers]\namount = \"净额\"\n")
        );
        assert!(
            zh("churn_quarters = 2\nchurn_quarters = 3\n")
                .starts_with("TOML 格式有误，第 2 行第 1 列：同一个键写了两次"),
        );
        assert!(
            zh("churn_quarters = -1\n").starts_with(
                "TOML 格式有误，第 1 行第 18 列：取值不对：这里是整数 -1，应为非负整数"
            ),
            "{}",
            zh("churn_quarters = -1\n")
        );
        assert!(
            zh("sum_tolerance = true\n")
                .starts_with("TOML 格式有误，第 1 行第 17 列：应为数字，如 0.05 或 \"5%\"")
        );
        assert!(zh("[dimensions.industry]\ncolumn = 5\n").starts_with(
            "TOML 格式有误，第 2 行第 10 列：应为列名或列名的列表，如 \"行业\" 或 [\"行业\", \"Industry\"]"
        ));
        assert!(
            zh("[incentives\nx = 1\n").starts_with(
                "TOML 格式有误，第 1 行第 12 列：语法有误（unclosed table, expected `]`）"
            ),
            "{}",
            zh("[incentives\nx = 1\n")
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(line_and_column("a\n区域 = x", 9), (2, 4));
        assert_eq!(line_and_column("", 0), (1, 1));
    }
}
