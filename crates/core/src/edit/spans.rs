//! Where each feature of a FeatureCollection sits in the file's bytes, so a
//! save can copy the features nobody touched byte for byte.

/// The byte ranges of a FeatureCollection's features.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spans {
    /// `(start, end)` of each element of the `features` array, in order.
    pub features: Vec<(usize, usize)>,
    /// Where the `[` of the `features` array is (its byte offset).
    pub open: usize,
    /// Where the array's closing `]` is.
    pub close: usize,
}

/// Finds the features of a FeatureCollection: only strings, escapes and
/// brackets are tracked, as the loader's scanner does. `None` when the bytes
/// are not one JSON object with a `features` array at its top level.
pub fn feature_spans(bytes: &[u8]) -> Option<Spans> {
    let mut depth = 0usize;
    let mut i = 0usize;
    // The last string at depth 1 that was a key, and whether we are in the array.
    let mut last_key: Option<(usize, usize)> = None;
    let mut open = None;
    let mut features = Vec::new();
    let mut start: Option<usize> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' => {
                let s = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if i >= bytes.len() {
                    return None;
                }
                if depth == 1 {
                    last_key = Some((s + 1, i));
                }
                if depth == 2 && open.is_some() && start.is_none() {
                    start = Some(s);
                }
            }
            b'{' | b'[' => {
                if depth == 1
                    && b == b'['
                    && open.is_none()
                    && last_key.is_some_and(|(a, z)| &bytes[a..z] == b"features")
                {
                    open = Some(i);
                } else if depth == 2 && open.is_some() && start.is_none() {
                    start = Some(i);
                }
                depth += 1;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 2 && open.is_some() {
                    if let Some(s) = start.take() {
                        features.push((s, i + 1));
                    }
                } else if depth == 1 && b == b']' && open.is_some() {
                    if let Some(s) = start.take() {
                        features.push((s, i));
                    }
                    return Some(Spans { features: trim_all(bytes, features), open: open?, close: i });
                }
            }
            b',' if depth == 2 && open.is_some() => {
                // A scalar element (not a feature, but an element all the same).
                if let Some(s) = start.take() {
                    features.push((s, i));
                }
            }
            _ if depth == 2 && open.is_some() && start.is_none() && !b.is_ascii_whitespace() && b != b',' => {
                start = Some(i);
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn trim_all(bytes: &[u8], spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    spans
        .into_iter()
        .map(|(mut s, mut e)| {
            while s < e && bytes[s].is_ascii_whitespace() {
                s += 1;
            }
            while e > s && bytes[e - 1].is_ascii_whitespace() {
                e -= 1;
            }
            (s, e)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_feature_is_found_with_strings_holding_brackets_and_escapes() {
        let text = br#"{"type":"FeatureCollection","name":"a ] \" [","features":[
 {"type":"Feature","properties":{"n":"}{\"]"},"geometry":null},
 {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}
],"extra":[1,2]}"#;
        let s = feature_spans(text).unwrap();
        assert_eq!(s.features.len(), 2);
        for &(a, z) in &s.features {
            let v: serde_json::Value = serde_json::from_slice(&text[a..z]).unwrap();
            assert_eq!(v["type"], "Feature");
        }
        assert_eq!(text[s.open], b'[');
        assert_eq!(text[s.close], b']');
    }

    #[test]
    fn an_empty_features_array_and_a_non_collection_are_told_apart() {
        let s = feature_spans(br#"{"type":"FeatureCollection","features":[ ]}"#).unwrap();
        assert!(s.features.is_empty());
        assert!(feature_spans(br#"{"type":"Feature","properties":{}}"#).is_none());
        assert!(feature_spans(br#"{"features":[{"a":"unterminated}]}"#).is_none());
    }
}
