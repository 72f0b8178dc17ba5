//! `qbr.toml` and command-line overrides, resolved once into [`Config`].
//!
//! The file is optional and read from the inbox root (or `--config`). A missing
//! file means the built-in defaults; an unknown key or a malformed file stops
//! the run with an error naming the file. Precedence: CLI flag > `qbr.toml` >
//! default.

use crate::error::Error;
use crate::recognize::Field;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The resolved configuration every stage reads.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Extra header synonyms per field, from `[headers]`.
    pub headers: BTreeMap<Field, Vec<String>>,
}

/// `qbr.toml` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ConfigFile {
    /// `[headers] amount = ["Net Sales"]`
    headers: BTreeMap<String, Vec<String>>,
}

impl Config {
    /// Reads `path` when given (a missing file is then an error), otherwise the
    /// defaults.
    ///
    /// # Errors
    /// [`Error::Config`] when the file cannot be read, is not valid TOML, has an
    /// unknown key, or names a header field that does not exist.
    pub fn load(path: Option<&Path>) -> Result<Config, Error> {
        let Some(path) = path else {
            return Ok(Config::default());
        };
        let err = |message: String| Error::Config {
            path: path.to_path_buf(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        Config::parse(&text).map_err(err)
    }

    /// Parses the text of a `qbr.toml`.
    ///
    /// # Errors
    /// A message saying what is wrong and where.
    pub fn parse(text: &str) -> Result<Config, String> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut headers = BTreeMap::new();
        for (key, names) in file.headers {
            let field = Field::from_key(&key).ok_or_else(|| {
                let known: Vec<&str> = Field::ALL.iter().map(|f| f.key()).collect();
                format!(
                    "[headers] names the unknown field `{key}`; known fields: {}",
                    known.join(", ")
                )
            })?;
            headers.insert(field, names);
        }
        Ok(Config { headers })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_is_defaults() {
        let c = Config::parse("").unwrap();
        assert!(c.headers.is_empty());
    }

    #[test]
    fn headers_add_synonyms() {
        let c = Config::parse("[headers]\namount = [\"Net Sales\", \"净额\"]\n").unwrap();
        assert_eq!(c.headers[&Field::Amount], ["Net Sales", "净额"]);
    }

    #[test]
    fn unknown_field_is_named() {
        let e = Config::parse("[headers]\namout = [\"x\"]\n").unwrap_err();
        assert!(e.contains("`amout`"), "{e}");
    }

    #[test]
    fn unknown_key_is_refused() {
        let e = Config::parse("colour = \"red\"\n").unwrap_err();
        assert!(e.contains("colour"), "{e}");
    }
}
