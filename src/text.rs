//! Text folding shared by header matching and value parsing, and decoding
//! text files as spreadsheet and editor programs save them.
//!
//! Spreadsheets typed on Chinese keyboards mix full-width (`１２３，（）`) and
//! half-width characters; both must read the same.

/// Folds full-width ASCII variants (U+FF01–U+FF5E) and the ideographic space to
/// their half-width forms.
///
/// ```
/// assert_eq!(qbr::text::fold_width("目标（万元）１２"), "目标(万元)12");
/// ```
pub fn fold_width(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

fn fold_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{FFE5}' => '¥',
        _ => c,
    }
}

/// The key a header or a name is compared by: width-folded, lower-case, without
/// white space, underscores or hyphens.
///
/// ```
/// assert_eq!(qbr::text::match_key(" Order_ID "), "orderid");
/// assert_eq!(qbr::text::match_key("客户　名称"), "客户名称");
/// ```
pub fn match_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_match_key(s, &mut out);
    out
}

/// Appends [`match_key`]`(s)` to `out` (no allocation of its own, for callers
/// that store many keys end to end).
pub fn push_match_key(s: &str, out: &mut String) {
    for c in s.chars().map(fold_char) {
        if c.is_ascii() {
            if !(c.is_whitespace() || c == '_' || c == '-') {
                out.push(c.to_ascii_lowercase());
            }
        } else if is_caseless(c) {
            // The ideographic space folded to ' ' above; nothing here is white space.
            out.push(c);
        } else if !c.is_whitespace() {
            out.extend(c.to_lowercase());
        }
    }
}

/// Scripts without letter case: CJK ideographs and punctuation, kana, Hangul.
/// Checked first because the general lower-casing table is slow and these are
/// most of the text qbr folds.
fn is_caseless(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

/// Trims a cell's text, including full-width spaces and non-breaking spaces.
pub fn clean(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{feff}')
}

/// Decodes a text file as Excel and Notepad save them (a CSV export, a
/// `qbr.toml`): UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's
/// "Unicode text"), or GBK as Chinese Windows saves it; `None` when none fits.
///
/// ```
/// use qbr::text::decode_text;
/// assert_eq!(decode_text("目标".as_bytes()).as_deref(), Some("目标"));
/// assert_eq!(decode_text(b"\xc4\xbf\xb1\xea").as_deref(), Some("目标"));
/// assert_eq!(decode_text(b"\xff\xfe\xee\x76\x07\x68").as_deref(), Some("目标"));
/// assert_eq!(decode_text(b"\xff\x81"), None);
/// ```
pub fn decode_text(bytes: &[u8]) -> Option<String> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        return (!had_errors).then(|| text.into_owned());
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some(s.to_string());
    }
    let (text, had_errors) = encoding_rs::GBK.decode_without_bom_handling(bytes);
    (!had_errors).then(|| text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The fast path agrees with plain Unicode lower-casing.
        #[test]
        fn match_key_agrees_with_unicode_lowercasing(s in "\\PC{0,24}") {
            let slow: String = s
                .chars()
                .map(fold_char)
                .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
                .flat_map(char::to_lowercase)
                .collect();
            prop_assert_eq!(match_key(&s), slow);
        }
    }

    #[test]
    fn mixed_scripts() {
        assert_eq!(match_key("ÄBC 客户ＡＢ"), "äbc客户ab");
    }
}
