//! Text folding shared by header matching and value parsing.
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
    s.chars()
        .map(fold_char)
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Trims a cell's text, including full-width spaces and non-breaking spaces.
pub fn clean(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{feff}')
}
