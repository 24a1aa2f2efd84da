//! Splits a GeoJSON byte stream into the top-level object and the raw bytes
//! of each element of its `features` array, without building a JSON tree.
//!
//! The scanner only tracks strings, escapes and bracket depth, so it runs at
//! memory speed and never recurses: a file nested a million levels deep costs
//! a counter, not the stack. Each feature is then parsed on its own, so a
//! broken feature spoils only itself, and a truncated file keeps every
//! feature before the cut.

use crate::model::Code;
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
    pub fault: Option<Code>,
    pub saw_features_member: bool,
}

/// A batch is handed on once it holds this many bytes.
const BATCH_BYTES: usize = 4 << 20;
/// Bytes read from the file at a time, straight into the batch's buffer.
const CHUNK: u64 = 1 << 20;

const UTF8_BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// The bytes that matter inside a feature, outside its strings.
const STRUCTURAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'{' as usize] = true;
    t[b'}' as usize] = true;
    t[b'[' as usize] = true;
    t[b']' as usize] = true;
    t
};

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
///
/// The file is read straight into the batch's buffer and features are only
/// marked there, never copied; at a hand-over, the unfinished feature moves to
/// the next buffer.
///
/// `spare` may hand back the buffer of a batch already parsed, so a long file
/// cycles through a few buffers: allocating and freeing one per batch cost
/// the parser threads a heap consolidation each time.
pub fn scan<R: Read>(
    reader: R,
    spare: impl FnMut() -> Option<Vec<u8>>,
    emit: impl FnMut(Batch),
    progress: impl FnMut(u64),
) -> std::io::Result<ScanOutcome> {
    scan_sized(reader, CHUNK, BATCH_BYTES, spare, emit, progress)
}

/// [`scan`] with its read and batch sizes chosen (tests use tiny ones to
/// split the document everywhere).
fn scan_sized<R: Read>(
    mut reader: R,
    chunk: u64,
    batch_bytes: usize,
    mut spare: impl FnMut() -> Option<Vec<u8>>,
    mut emit: impl FnMut(Batch),
    mut progress: impl FnMut(u64),
) -> std::io::Result<ScanOutcome> {
    let mut out = ScanOutcome::default();
    let mut new_buf = || {
        let mut b = spare().unwrap_or_default();
        b.clear();
        b.reserve(batch_bytes + chunk as usize);
        b
    };
    let mut batch = Batch { buf: new_buf(), ..Batch::default() };
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
    // After `"features":`, before its value: an array starts feature mode.
    let mut await_array = false;
    let mut feature_count = 0usize;
    let mut scalar_element = false;
    // An object element: only braces and strings decide where it ends.
    let mut braces_only = false;

    loop {
        let start = batch.buf.len();
        let n = match (&mut reader).take(chunk).read_to_end(&mut batch.buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let end = start + n;
        let buf = &batch.buf;
        let mut i = start;
        // Where this read starts in the document (a byte order mark is skipped).
        let doc_offset = out.bytes;
        out.bytes += n as u64;
        // Start of the run of bytes (in this chunk) that belongs to the head.
        let mut run_start = i;
        while i < end {
            let b = buf[i];
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
                let Some(off) = memchr::memchr2(b'"', b'\\', &buf[i..end]) else {
                    if reading_key {
                        key_buf.extend_from_slice(&buf[i..end]);
                    }
                    i = end;
                    continue;
                };
                if reading_key {
                    key_buf.extend_from_slice(&buf[i..i + off]);
                }
                i += off;
                if buf[i] == b'\\' {
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
            match state {
                Where::Start => {
                    let pos = doc_offset + (i - start) as u64;
                    let in_bom = pos < 3 && b == UTF8_BOM[pos as usize];
                    if b.is_ascii_whitespace() || in_bom {
                        i += 1;
                        run_start = i;
                        continue;
                    }
                    if b != b'{' {
                        out.fault = Some(if b == b'[' { Code::JsonArray } else { Code::NotJson });
                        return Ok(out);
                    }
                    state = Where::Head;
                    depth = 1;
                    expect_key = true;
                    i += 1;
                }
                Where::Head => {
                    if await_array {
                        if b.is_ascii_whitespace() {
                            i += 1;
                            continue;
                        }
                        await_array = false;
                        if b == b'[' {
                            // Keep up to and including '[' in the head, then
                            // stream the elements.
                            out.head.extend_from_slice(&buf[run_start..=i]);
                            out.saw_features_member = true;
                            depth = 2;
                            state = Where::Features;
                            i += 1;
                            run_start = i;
                            continue;
                        }
                        // Not an array: the parser will say `features` has the
                        // wrong type; the head keeps it.
                    }
                    match b {
                        b'"' => {
                            in_string = true;
                            if depth == 1 && expect_key {
                                reading_key = true;
                                expect_key = false;
                                key_buf.clear();
                            }
                        }
                        b':' if depth == 1 && last_key_features => await_array = true,
                        b',' if depth == 1 => expect_key = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                out.head.extend_from_slice(&buf[run_start..=i]);
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
                        feature_start = i;
                        scalar_element = !matches!(b, b'{' | b'[');
                        braces_only = b == b'{';
                        if b == b'"' {
                            in_string = true;
                        } else if !scalar_element {
                            depth += 1;
                        }
                        i += 1;
                    }
                },
                Where::Feature => {
                    let mut feature_end = None;
                    if scalar_element {
                        // A number, literal or string as an element: ends at ',' or ']'.
                        if matches!(b, b',' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                            feature_end = Some(i);
                        } else {
                            in_string = b == b'"';
                            i += 1;
                        }
                    } else {
                        // Numbers, commas and spaces are most of a feature: skip them.
                        // In an object, brackets nest inside its braces in valid
                        // JSON (and invalid JSON fails the feature's own parse),
                        // so only quotes and braces need finding: a vector search.
                        let next = if braces_only {
                            memchr::memchr3(b'"', b'{', b'}', &buf[i..end])
                        } else {
                            buf[i..end].iter().position(|&c| STRUCTURAL[c as usize])
                        };
                        let Some(off) = next else {
                            i = end;
                            continue;
                        };
                        i += off;
                        match buf[i] {
                            b'"' => in_string = true,
                            b'{' | b'[' => depth += 1,
                            _ => {
                                depth -= 1;
                                if depth == 2 {
                                    feature_end = Some(i + 1);
                                }
                            }
                        }
                        i += 1;
                    }
                    if let Some(e) = feature_end {
                        batch.spans.push((feature_start, e));
                        feature_count += 1;
                        state = Where::Features;
                        i = e;
                    }
                }
                Where::Done => {
                    if !b.is_ascii_whitespace() && out.fault.is_none() {
                        out.fault = Some(Code::DataAfterEnd);
                    }
                    i += 1;
                }
            }
        }
        if state == Where::Head {
            out.head.extend_from_slice(&buf[run_start..end]);
        }
        progress(out.bytes);
        if batch.spans.is_empty() {
            // Nothing to hand on; keep only an unfinished feature.
            if state != Where::Feature {
                batch.buf.clear();
            }
        } else if batch.buf.len() >= batch_bytes {
            let keep_from = if state == Where::Feature { feature_start } else { batch.buf.len() };
            let mut next = new_buf();
            next.extend_from_slice(&batch.buf[keep_from..]);
            batch.buf.truncate(keep_from);
            let first_index = batch.first_index + batch.spans.len();
            emit(std::mem::replace(&mut batch, Batch { first_index, buf: next, spans: Vec::new() }));
            feature_start = feature_start.saturating_sub(keep_from);
        }
    }
    out.features = feature_count;
    if !batch.spans.is_empty() {
        emit(batch);
    }
    out.fault = match state {
        Where::Start => Some(Code::EmptyFile),
        Where::Head | Where::Features => Some(Code::Truncated { features: feature_count }),
        Where::Feature => Some(Code::TruncatedInFeature { feature: feature_count }),
        Where::Done => out.fault,
    };
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scans `input` read `chunk` bytes at a time, handing on batches of 16
    /// bytes or more, so features straddle reads and hand-overs.
    fn run(input: &[u8], chunk: u64) -> (ScanOutcome, Vec<String>) {
        let mut feats = Vec::new();
        let out = scan_sized(
            input,
            chunk,
            16,
            || None,
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
    fn a_features_array_after_a_split_colon_and_spaces_is_still_found() {
        let doc = br#"{"type":"FeatureCollection","features":     [ {"a":1} , {"b":[2]} ]}"#;
        for chunk in 1..=doc.len() as u64 {
            let (out, feats) = run(doc, chunk);
            assert_eq!(feats, vec![r#"{"a":1}"#, r#"{"b":[2]}"#], "chunk {chunk}");
            assert!(out.saw_features_member && out.fault.is_none(), "chunk {chunk}");
        }
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let doc = b"\xEF\xBB\xBF{\"type\":\"FeatureCollection\",\"features\":[{}]}";
        let (out, feats) = run(doc, 2);
        assert_eq!(feats, vec!["{}"]);
        assert!(out.fault.is_none(), "{:?}", out.fault);
    }

    #[test]
    fn a_truncated_file_keeps_the_features_before_the_cut() {
        let cut = &DOC.as_bytes()[..DOC.find("\"Point\"").unwrap()];
        let (out, feats) = run(cut, 5);
        assert_eq!(feats.len(), 1);
        assert_eq!(out.fault, Some(Code::TruncatedInFeature { feature: 1 }));
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
        assert_eq!(run(b"hello", 10).0.fault, Some(Code::NotJson));
        assert_eq!(run(b"[1,2]", 10).0.fault, Some(Code::JsonArray));
        assert_eq!(run(b"  ", 10).0.fault, Some(Code::EmptyFile));
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
    fn an_object_feature_ends_at_its_closing_brace_whatever_arrays_it_holds() {
        let doc = br#"{"features":[{"g":[[[1,2],[3,4]]],"s":"]}[{"},{"g":[]}]}"#;
        for chunk in [1, 3, 64] {
            let (out, feats) = run(doc, chunk);
            assert_eq!(feats, vec![r#"{"g":[[[1,2],[3,4]]],"s":"]}[{"}"#, r#"{"g":[]}"#], "chunk {chunk}");
            assert!(out.fault.is_none(), "chunk {chunk}: {:?}", out.fault);
        }
    }

    #[test]
    fn scalar_elements_become_their_own_spans() {
        let doc = br#"{"type":"FeatureCollection","features":[1, "two" ,null]}"#;
        let (_, feats) = run(doc, 3);
        assert_eq!(feats, vec!["1", "\"two\"", "null"]);
    }
}
