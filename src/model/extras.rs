//! The properties a site carries beyond the model's fields, kept as one
//! compact JSON object text in file order. Most sites are only drawn and
//! counted, never asked for these, so they are parsed on demand: on a file of
//! a million features this saves a few hundred bytes a site.

use serde_json::Value;

/// Extra properties as a JSON object's text (`{"k":v,...}`), or nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extras(Option<Box<str>>);

impl Extras {
    /// From raw `"key":value` members already in JSON form (the loader's path:
    /// no JSON values are built).
    pub fn from_raw_members<'a>(members: impl IntoIterator<Item = (&'a str, &'a str)> + Clone) -> Self {
        // One allocation of the right size (keys needing escapes may grow it).
        let size: usize = members.clone().into_iter().map(|(k, raw)| k.len() + raw.len() + 4).sum();
        let mut text = String::with_capacity(size + 1);
        for (k, raw) in members {
            text.push(if text.is_empty() { '{' } else { ',' });
            if k.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
                text.push('"');
                text.push_str(k);
                text.push('"');
            } else {
                text.push_str(&Value::String(k.to_string()).to_string());
            }
            text.push(':');
            text.push_str(raw);
        }
        if text.is_empty() {
            return Extras(None);
        }
        text.push('}');
        Extras(Some(text.into_boxed_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The properties in file order.
    ///
    /// ```
    /// use binzhou_sites::model::Extras;
    /// let mut e = Extras::default();
    /// e.push("规划编号", serde_json::json!("BZ-001"));
    /// e.push("投资", serde_json::json!(12.5));
    /// let keys: Vec<String> = e.iter().map(|(k, _)| k).collect();
    /// assert_eq!(keys, ["规划编号", "投资"]);
    /// assert_eq!(e.get("投资"), Some(serde_json::json!(12.5)));
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (String, Value)> + '_ {
        let map: serde_json::Map<String, Value> =
            self.0.as_deref().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default();
        map.into_iter()
    }

    pub fn keys(&self) -> impl Iterator<Item = String> + '_ {
        self.iter().map(|(k, _)| k)
    }

    pub fn get(&self, key: &str) -> Option<Value> {
        self.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Adds (or replaces) a property at the end.
    pub fn push(&mut self, key: &str, value: Value) {
        let mut pairs: Vec<(String, Value)> = self.iter().filter(|(k, _)| k != key).collect();
        pairs.push((key.to_string(), value));
        let raw: Vec<(String, String)> = pairs.into_iter().map(|(k, v)| (k, v.to_string())).collect();
        *self = Extras::from_raw_members(raw.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_with_quotes_or_backslashes_survive_the_round_trip() {
        let e = Extras::from_raw_members([("a\"b\\c", "1"), ("普通", "\"文字\"")]);
        let pairs: Vec<(String, Value)> = e.iter().collect();
        assert_eq!(pairs[0], ("a\"b\\c".to_string(), serde_json::json!(1)));
        assert_eq!(pairs[1], ("普通".to_string(), serde_json::json!("文字")));
    }
}
