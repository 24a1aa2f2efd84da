//! Splits a GeoJSON byte stream into the top-level object and the raw bytes
//! of each element of its `features` array, without building a JSON tree.
//!
//! The scanner only tracks strings, escapes and bracket depth, so it runs at
//! memory speed and never recurses: a file nested a million levels deep costs
//! a counter, not the stack. Each feature is then parsed on its own, so a
//! broken feature spoils only itself, and a truncated file keeps every
//! feature before the cut.

use std::io::Read;

/// What the scanner hands on: batches of whole features.
#[derive(Debug, Default)]
pub struct Batch {
    /// Index in the `features` array of the first feature in this batch.
    pub first_index: usize,
    pub buf: Vec<u8>,
    /// (start, end) of each feature in `buf`.
    pub spans: Vec<(usize, usize)>,
}

/// How the scan ended, and the top-level object with its features left out.
#[derive(Debug, Default)]
pub struct ScanOutcome {
    /// The top-level object's bytes with the `features` array emptied: small for
    /// a FeatureCollection, the whole document for a lone Feature or Geometry.
    pub head: Vec<u8>,
    pub features: usize,
    pub bytes: u64,
    /// Structural trouble: not JSON at all, ends early, junk after the end.
    pub fault: Option<String>,
    pub saw_features_member: bool,
}

const BATCH_BYTES: usize = 4 << 20;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Where {
    /// Before the first byte of the document.
    Start,
    /// Inside the top-level object (depth counted in `depth`).
    Head,
    /// Directly inside the `features` array, between elements.
    Features,
    /// Inside one element of the `features` array.
    Feature,
    /// After the top-level object closed.
    Done,
}

/// Scans `reader`, calling `emit` with each full batch of features and
/// `progress` with the bytes read so far.
pub fn scan<R: Read>(
    mut reader: R,
    mut emit: impl FnMut(Batch),
    mut progress: impl FnMut(u64),
) -> std::io::Result<ScanOutcome> {
    let mut out = ScanOutcome::default();
    let mut chunk = vec![0u8; 1 << 20];
    let mut batch = Batch::default();
    let mut feature_start = 0usize; // in batch.buf
    let mut state = Where::Start;
    let mut depth: u32 = 0; // total nesting depth
    let mut in_string = false;
    let mut escape = false;
    // Key tracking at depth 1 of the top-level object.
    let mut key_buf: Vec<u8> = Vec::new();
    let mut reading_key = false;
    let mut expect_key = false;
    let mut last_key_features = false;
    let mut feature_count = 0usize;
    let mut scalar_element = false;

    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        out.bytes += n as u64;
        let bytes = &chunk[..n];
        // Start of the run of bytes (in this chunk) that belongs to the current
        // destination: head or feature.
        let mut run_start = 0usize;
        let mut i = 0usize;
        while i < n {
            let b = bytes[i];
            if in_string {
                // Skip to the next quote or backslash quickly.
                if escape {
                    escape = false;
                    if reading_key {
                        key_buf.push(b);
                    }
                    i += 1;
                    continue;
                }
                match memchr::memchr2(b'"', b'\\', &bytes[i..]) {
                    None => {
                        if reading_key {
                            key_buf.extend_from_slice(&bytes[i..]);
                        }
                        i = n;
                        continue;
                    }
                    Some(off) => {
                        if reading_key {
                            key_buf.extend_from_slice(&bytes[i..i + off]);
                        }
                        i += off;
                        if bytes[i] == b'\\' {
                            escape = true;
                        } else {
                            in_string = false;
                            if reading_key {
                                reading_key = false;
                                last_key_features = key_buf == b"features";
                            }
                        }
                        i += 1;
                        continue;
                    }
                }
            }
            match state {
                Where::Start => {
                    if b.is_ascii_whitespace() || (i < 3 && is_bom(bytes, i)) {
                        i += 1;
                        run_start = i;
                        continue;
                    }
                    if b != b'{' {
                        out.fault = Some(if b == b'[' {
                            "the file is a JSON array, not a GeoJSON object".into()
                        } else {
                            "the file is not JSON (it does not start with '{')".into()
                        });
                        return Ok(out);
                    }
                    state = Where::Head;
                    depth = 1;
                    expect_key = true;
                    i += 1;
                }
                Where::Head => {
                    match b {
                        b'"' => {
                            in_string = true;
                            if depth == 1 && expect_key {
                                reading_key = true;
                                expect_key = false;
                                key_buf.clear();
                            }
                        }
                        b':' if depth == 1 => {
                            // Value follows; if the key was "features" and the
                            // value is an array, switch to feature mode.
                            let rest = &bytes[i + 1..];
                            let ws = rest.iter().take_while(|c| c.is_ascii_whitespace()).count();
                            if last_key_features && rest.get(ws) == Some(&b'[') {
                                // Copy up to and including '[' into head, then
                                // stream the elements.
                                let open = i + 1 + ws;
                                out.head.extend_from_slice(&bytes[run_start..=open]);
                                out.saw_features_member = true;
                                depth = 2;
                                state = Where::Features;
                                i = open + 1;
                                run_start = i;
                                continue;
                            }
                            // The '[' may be in the next chunk: a rare split we
                            // handle by noting the key and checking there.
                            if last_key_features && ws == rest.len() {
                                out.head.extend_from_slice(&bytes[run_start..=i]);
                                run_start = i + 1;
                                i += 1;
                                pending_features_bracket(&mut reader, &mut out, &mut state, &mut depth)?;
                                if state == Where::Features {
                                    // The pending helper consumed bytes from the
                                    // reader directly; continue with a fresh chunk.
                                    i = n;
                                    run_start = n;
                                }
                                continue;
                            }
                        }
                        b',' if depth == 1 => expect_key = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                out.head.extend_from_slice(&bytes[run_start..=i]);
                                state = Where::Done;
                                i += 1;
                                run_start = i;
                                continue;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                Where::Features => match b {
                    b' ' | b'\n' | b'\r' | b'\t' | b',' => i += 1,
                    b']' => {
                        depth = 1;
                        state = Where::Head;
                        expect_key = false;
                        last_key_features = false;
                        run_start = i;
                        i += 1;
                    }
                    _ => {
                        state = Where::Feature;
                        feature_start = batch.buf.len();
                        run_start = i;
                        scalar_element = !matches!(b, b'{' | b'[');
                        if b == b'"' {
                            in_string = true;
                        } else if !scalar_element {
                            depth += 1;
                        }
                        i += 1;
                    }
                },
                Where::Feature => {
                    let mut end = false;
                    if scalar_element {
                        // A number, literal or string as an element: ends at ',' or ']'.
                        if matches!(b, b',' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                            batch.buf.extend_from_slice(&bytes[run_start..i]);
                            end = true;
                        } else if b == b'"' {
                            in_string = true;
                        }
                    } else {
                        match b {
                            b'"' => in_string = true,
                            b'{' | b'[' => depth += 1,
                            b'}' | b']' => {
                                depth -= 1;
                                if depth == 2 {
                                    batch.buf.extend_from_slice(&bytes[run_start..=i]);
                                    i += 1;
                                    end = true;
                                }
                            }
                            _ => {}
                        }
                    }
                    if end {
                        batch.spans.push((feature_start, batch.buf.len()));
                        feature_count += 1;
                        state = Where::Features;
                        run_start = i;
                        if batch.buf.len() >= BATCH_BYTES {
                            let next_first = batch.first_index + batch.spans.len();
                            emit(std::mem::take(&mut batch));
                            batch.first_index = next_first;
                        }
                        continue;
                    }
                    i += 1;
                }
                Where::Done => {
                    if !b.is_ascii_whitespace() && out.fault.is_none() {
                        out.fault = Some("there is data after the end of the GeoJSON object".into());
                    }
                    i += 1;
                }
            }
        }
        // Flush the unfinished run of this chunk into its destination.
        match state {
            Where::Head => out.head.extend_from_slice(&bytes[run_start..n]),
            Where::Feature => batch.buf.extend_from_slice(&bytes[run_start..n]),
            _ => {}
        }
        progress(out.bytes);
    }
    out.features = feature_count;
    if !batch.spans.is_empty() {
        emit(batch);
    }
    out.fault = match state {
        Where::Start => Some("the file is empty".into()),
        Where::Head | Where::Features => {
            Some(format!("the file ends early (truncated?) after {feature_count} complete features"))
        }
        Where::Feature => Some(format!(
            "the file ends early (truncated?) inside feature {feature_count}; the {feature_count} features before it were read"
        )),
        Where::Done => out.fault,
    };
    Ok(out)
}

fn is_bom(bytes: &[u8], i: usize) -> bool {
    bytes.starts_with(&[0xEF, 0xBB, 0xBF]) && i < 3
}

/// The rare case of a chunk ending right after `"features":`: peek at the next
/// bytes to see whether the array starts, keeping what was read in the head.
fn pending_features_bracket<R: Read>(
    reader: &mut R,
    out: &mut ScanOutcome,
    state: &mut Where,
    depth: &mut u32,
) -> std::io::Result<()> {
    let mut one = [0u8; 1];
    loop {
        let n = reader.read(&mut one)?;
        if n == 0 {
            return Ok(());
        }
        out.bytes += 1;
        if one[0].is_ascii_whitespace() {
            continue;
        }
        out.head.push(one[0]);
        if one[0] == b'[' {
            out.saw_features_member = true;
            *state = Where::Features;
            *depth = 2;
        } else {
            // Not an array: the parser will report `features` has the wrong type.
            // Track depth for an object value so the head stays balanced.
            if one[0] == b'{' {
                *depth += 1;
            }
        }
        return Ok(());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &[u8], chunk: usize) -> (ScanOutcome, Vec<String>) {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut feats = Vec::new();
        let out = scan(
            Trickle(input, chunk),
            |b| {
                for (s, e) in &b.spans {
                    feats.push(String::from_utf8(b.buf[*s..*e].to_vec()).unwrap());
                }
            },
            |_| {},
        )
        .unwrap();
        (out, feats)
    }

    const DOC: &str = r#"{"type":"FeatureCollection","name":"a\"features\"","features":[
 {"type":"Feature","properties":{"name":"x]}{"},"geometry":null},
 {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}
],"crs":{"type":"name","properties":{"name":"EPSG:4527"}}}"#;

    #[test]
    fn features_are_split_whatever_the_chunk_size() {
        for chunk in [1, 2, 3, 7, 64, 1 << 20] {
            let (out, feats) = run(DOC.as_bytes(), chunk);
            assert_eq!(feats.len(), 2, "chunk {chunk}");
            assert!(feats[0].starts_with('{') && feats[0].ends_with('}'));
            assert!(feats[0].contains(r#""x]}{""#));
            assert!(out.fault.is_none(), "chunk {chunk}: {:?}", out.fault);
            let head: serde_json::Value = serde_json::from_slice(&out.head).unwrap();
            assert_eq!(head["features"], serde_json::json!([]));
            assert_eq!(head["crs"]["properties"]["name"], "EPSG:4527");
        }
    }

    #[test]
    fn a_truncated_file_keeps_the_features_before_the_cut() {
        let cut = &DOC.as_bytes()[..DOC.find("\"Point\"").unwrap()];
        let (out, feats) = run(cut, 5);
        assert_eq!(feats.len(), 1);
        assert!(out.fault.unwrap().contains("ends early"));
    }

    #[test]
    fn a_lone_feature_is_kept_whole_in_the_head() {
        let doc =
            br#"{"type":"Feature","properties":{"features":[1]},"geometry":{"type":"Point","coordinates":[1,2]}}"#;
        let (out, feats) = run(doc, 4);
        assert!(feats.is_empty());
        assert_eq!(out.head, doc.to_vec());
    }

    #[test]
    fn non_json_and_arrays_are_refused_at_once() {
        assert!(run(b"hello", 10).0.fault.unwrap().contains("not JSON"));
        assert!(run(b"[1,2]", 10).0.fault.unwrap().contains("array"));
        assert!(run(b"  ", 10).0.fault.unwrap().contains("empty"));
    }

    #[test]
    fn deep_nesting_costs_no_stack() {
        let mut doc = br#"{"type":"FeatureCollection","features":["#.to_vec();
        doc.extend(std::iter::repeat_n(b'[', 1_000_000));
        doc.extend(std::iter::repeat_n(b']', 1_000_000));
        doc.extend(b"]}");
        let (out, feats) = run(&doc, 1 << 16);
        assert_eq!(feats.len(), 1);
        assert!(out.fault.is_none());
    }

    #[test]
    fn scalar_elements_become_their_own_spans() {
        let doc = br#"{"type":"FeatureCollection","features":[1, "two" ,null]}"#;
        let (_, feats) = run(doc, 3);
        assert_eq!(feats, vec!["1", "\"two\"", "null"]);
    }
}
