//! The properties a site carries beyond the model's fields, kept as one
//! compact JSON object text in file order. Most sites are only drawn and
//! counted, never asked for these, so they are parsed on demand: on a file of
//! a million features this saves a few hundred bytes a site.
//!
//! The text lives in the site's one string block (see `text.rs`); this is a
//! read-only view of it.

use serde_json::Value;

/// Extra properties as a JSON object's text (`{"k":v,...}`), or empty.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Extras<'a>(&'a str);

impl<'a> Extras<'a> {
    /// A view of an object text written by [`write_raw_members`] (or empty).
    pub(super) fn new(text: &'a str) -> Self {
        Extras(text)
    }

    /// Whether the site has no extra properties.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The object as written, `{"k":v,...}`, or "" when there is none.
    pub fn as_json(&self) -> &'a str {
        self.0
    }

    /// The properties in file order.
    ///
    /// ```
    /// use binzhou_core::model::Site;
    /// let mut s = Site::new_for_test("a", "口袋公园");
    /// s.set_extra("规划编号", serde_json::json!("BZ-001"));
    /// s.set_extra("投资", serde_json::json!(12.5));
    /// let keys: Vec<String> = s.extras().iter().map(|(k, _)| k).collect();
    /// assert_eq!(keys, ["规划编号", "投资"]);
    /// assert_eq!(s.extra("投资"), Some(serde_json::json!(12.5)));
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (String, Value)> + 'a {
        let map: serde_json::Map<String, Value> =
            Some(self.0).filter(|t| !t.is_empty()).and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default();
        map.into_iter()
    }

    /// The property names, in file order.
    pub fn keys(&self) -> impl Iterator<Item = String> + 'a {
        self.iter().map(|(k, _)| k)
    }

    /// The value of one property, or `None` when there is none of that name (parses the text on each call).
    pub fn get(&self, key: &str) -> Option<Value> {
        self.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// Bytes [`write_raw_members`] will need at most for these members (keys
/// needing escapes may grow it).
pub(super) fn raw_members_len<'a>(members: impl IntoIterator<Item = (&'a str, &'a str)>) -> usize {
    let size: usize = members.into_iter().map(|(k, raw)| k.len() + raw.len() + 4).sum();
    if size == 0 { 0 } else { size + 1 }
}

/// Appends raw `"key":value` members, already in JSON form, to `out` as one
/// object text; appends nothing when there are none. (The loader's path: no
/// JSON values are built.)
pub(super) fn write_raw_members<'a>(out: &mut String, members: impl IntoIterator<Item = (&'a str, &'a str)>) {
    let start = out.len();
    for (k, raw) in members {
        out.push(if out.len() == start { '{' } else { ',' });
        if k.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
            out.push('"');
            out.push_str(k);
            out.push('"');
        } else {
            out.push_str(&Value::String(k.to_string()).to_string());
        }
        out.push(':');
        out.push_str(raw);
    }
    if out.len() > start {
        out.push('}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_with_quotes_or_backslashes_survive_the_round_trip() {
        let mut text = String::new();
        write_raw_members(&mut text, [("a\"b\\c", "1"), ("普通", "\"文字\"")]);
        let pairs: Vec<(String, Value)> = Extras::new(&text).iter().collect();
        assert_eq!(pairs[0], ("a\"b\\c".to_string(), serde_json::json!(1)));
        assert_eq!(pairs[1], ("普通".to_string(), serde_json::json!("文字")));
    }

    #[test]
    fn no_members_write_no_text() {
        let mut text = String::from("id");
        write_raw_members(&mut text, []);
        assert_eq!(text, "id");
        assert!(Extras::new("").is_empty());
        assert_eq!(Extras::new("").iter().count(), 0);
        assert_eq!(raw_members_len([]), 0);
    }
}
