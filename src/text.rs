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
    let mut rest = s;
    while !rest.is_empty() {
        // A run of characters that are their own key (most of a Chinese
        // name) is copied whole; the character after it is folded alone.
        let run = rest.find(|c| !is_own_key(c)).unwrap_or(rest.len());
        out.push_str(&rest[..run]);
        let mut chars = rest[run..].chars();
        if let Some(c) = chars.next() {
            push_folded(fold_char(c), out);
        }
        rest = chars.as_str();
    }
}

/// True for a character [`push_match_key`] keeps as it is: ASCII other than
/// capitals, white space, `_` and `-`; caseless script but the ideographic
/// space (which folds to a space).
fn is_own_key(c: char) -> bool {
    if c.is_ascii() {
        !(c.is_ascii_uppercase() || c.is_whitespace() || c == '_' || c == '-')
    } else {
        is_caseless(c) && c != '\u{3000}'
    }
}

/// Appends the key of one width-folded character.
fn push_folded(c: char, out: &mut String) {
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

/// Scripts without letter case: CJK ideographs and punctuation, kana, Hangul.
/// Checked first because the general lower-casing table is slow and these are
/// most of the text qbr folds.
fn is_caseless(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

/// Texts stored end to end in one buffer, numbered from 0 in the order they
/// were added: many short texts in two allocations instead of one each.
///
/// ```
/// let mut texts = qbr::text::PackedTexts::default();
/// assert_eq!(texts.push("甲公司"), 0);
/// assert_eq!(texts.push_with(|out| out.push_str("SO-1")), 1);
/// assert_eq!((texts.get(0), texts.get(1), texts.len()), ("甲公司", "SO-1", 2));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackedTexts {
    text: String,
    /// Where each text ends in `text`.
    ends: Vec<usize>,
}

/// Texts as the parse cache stores them: their bytes end to end, then where
/// each ends as four-byte numbers; read back borrowed, in one piece.
/// [`PackedTexts`] is stored in this form.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct StoredTexts<'a> {
    /// UTF-8, checked when read.
    #[serde(borrow, with = "serde_bytes")]
    text: std::borrow::Cow<'a, [u8]>,
    #[serde(borrow, with = "serde_bytes")]
    ends: std::borrow::Cow<'a, [u8]>,
}

impl StoredTexts<'_> {
    /// Adds a text.
    pub(crate) fn push(&mut self, s: &str) {
        self.text.to_mut().extend_from_slice(s.as_bytes());
        let end = u32::try_from(self.text.len()).expect("under 4 GiB of stored texts");
        self.ends.to_mut().extend_from_slice(&end.to_le_bytes());
    }

    /// How many texts there are (when the ends are whole numbers).
    pub(crate) fn len(&self) -> Option<usize> {
        (self.ends.len().is_multiple_of(4)).then_some(self.ends.len() / 4)
    }

    /// Where each text ends.
    fn ends(&self) -> impl Iterator<Item = usize> + '_ {
        (self.ends.chunks_exact(4)).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize)
    }

    /// Each text in turn; `None` for all when the bytes are not UTF-8, and
    /// for one that does not lie on character boundaries in order.
    pub(crate) fn each(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        let text = utf8(&self.text);
        let mut start = 0;
        self.ends().map(move |end| {
            let one = text.and_then(|t| t.get(start..end));
            start = end;
            one
        })
    }
}

impl serde::Serialize for PackedTexts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut ends = Vec::with_capacity(self.ends.len() * 4);
        for &end in &self.ends {
            let end =
                u32::try_from(end).map_err(|_| serde::ser::Error::custom("texts over 4 GiB"))?;
            ends.extend_from_slice(&end.to_le_bytes());
        }
        StoredTexts {
            text: self.text.as_bytes().into(),
            ends: ends.into(),
        }
        .serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for PackedTexts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let stored = StoredTexts::deserialize(d)?;
        let text = utf8(&stored.text).ok_or_else(|| D::Error::custom("texts not UTF-8"))?;
        if stored.len().is_none() {
            return Err(D::Error::custom("text ends cut short"));
        }
        let ends = stored.ends().collect();
        Ok(PackedTexts {
            text: text.to_string(),
            ends,
        })
    }
}

/// Bytes as text when they are UTF-8, checked with SIMD (stored texts read
/// back are mostly CJK, which the standard check takes byte by byte).
pub(crate) fn utf8(bytes: &[u8]) -> Option<&str> {
    simdutf8::basic::from_utf8(bytes).ok()
}

impl PackedTexts {
    /// Text number `i`.
    pub fn get(&self, i: usize) -> &str {
        let start = i.checked_sub(1).map_or(0, |p| self.ends[p]);
        &self.text[start..self.ends[i]]
    }

    /// How many texts there are.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Adds a text; returns its number.
    pub fn push(&mut self, s: &str) -> usize {
        self.push_with(|out| out.push_str(s))
    }

    /// Adds the text `write` appends to the buffer; returns its number.
    pub fn push_with(&mut self, write: impl FnOnce(&mut String)) -> usize {
        write(&mut self.text);
        self.ends.push(self.text.len());
        self.ends.len() - 1
    }

    /// Removes the last text.
    pub fn pop(&mut self) {
        if self.ends.pop().is_some() {
            self.text.truncate(self.ends.last().copied().unwrap_or(0));
        }
    }

    /// Adds every text of `other`, in order.
    pub fn append(&mut self, other: &PackedTexts) {
        let base = self.text.len();
        self.text.push_str(&other.text);
        self.ends.extend(other.ends.iter().map(|&end| base + end));
    }

    /// True when every end lies on a character boundary, in order (stored
    /// texts read back from disk are checked before use).
    pub fn holds(&self) -> bool {
        let mut start = 0;
        self.ends.iter().all(|&end| {
            let fits = start <= end && self.text.get(start..end).is_some();
            start = end;
            fits
        })
    }
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

    /// Stored texts come back whole; bytes that are not UTF-8, or ends cut
    /// short, are refused, never misread.
    #[test]
    fn stored_texts_come_back_or_are_refused() {
        let mut texts = PackedTexts::default();
        for t in ["甲公司", "", "SO-1", "Ünïcødé"] {
            texts.push(t);
        }
        let bytes = postcard::to_allocvec(&texts).unwrap();
        assert_eq!(postcard::from_bytes::<PackedTexts>(&bytes).unwrap(), texts);
        // The first text's first byte made a lone continuation byte.
        let mut broken = bytes.clone();
        let at = broken
            .windows(3)
            .position(|w| w == "甲".as_bytes())
            .unwrap();
        broken[at] = 0x80;
        assert!(postcard::from_bytes::<PackedTexts>(&broken).is_err());
        // Four ends stored in 16 bytes; one fewer is refused.
        let stored = StoredTexts {
            text: texts.text.as_bytes().into(),
            ends: vec![0; 15].into(),
        };
        let cut = postcard::to_allocvec(&stored).unwrap();
        assert!(postcard::from_bytes::<PackedTexts>(&cut).is_err());
    }

    /// The key by its definition: width-folded, without white space, `_` and
    /// `-`, lower-cased by Unicode, one character at a time.
    fn reference_key(s: &str) -> String {
        s.chars()
            .map(fold_char)
            .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect()
    }

    proptest! {
        /// The fast path agrees with plain Unicode lower-casing.
        #[test]
        fn match_key_agrees_with_unicode_lowercasing(s in "(\\PC|\\s|[\\x00-\\x1f_-]){0,24}") {
            prop_assert_eq!(match_key(&s), reference_key(&s));
        }

        /// The same for names as Chinese files write them: runs of
        /// ideographs and kana, full-width and half-width ASCII, capitals,
        /// ideographic and other spaces.
        #[test]
        fn match_key_agrees_on_chinese_names(s in "[北京华信科技有限公司ア한ＡＢ（）１２Ab9 _\\-\u{3000}\u{00a0}\u{000b}.]{0,24}") {
            prop_assert_eq!(match_key(&s), reference_key(&s));
        }
    }

    #[test]
    fn mixed_scripts() {
        assert_eq!(match_key("ÄBC 客户ＡＢ"), "äbc客户ab");
    }

    /// Ends out of order, past the end or inside a character do not hold.
    #[test]
    fn packed_texts_check_their_ends() {
        let mut texts = PackedTexts::default();
        for t in ["甲公司", "", "SO-1"] {
            texts.push(t);
        }
        assert!(texts.holds());
        for ends in [vec![9, 4], vec![9, 99], vec![1]] {
            let broken = PackedTexts {
                text: "甲公司SO-1".to_string(),
                ends,
            };
            assert!(!broken.holds(), "{:?}", broken.ends);
        }
    }
}
