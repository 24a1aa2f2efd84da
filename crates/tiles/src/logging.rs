//! A log writer that passes every line through [`redact`], so a Tianditu
//! key in a URL never reaches the log, whoever logged it.
//!
//! Our own code redacts before logging, but libraries log too: walkers
//! logs a failed tile download with the error text, which includes the
//! request URL (and so `tk=`). Install the app's subscriber with
//! `tracing_subscriber::fmt().with_writer(redacting(std::io::stderr))`.

use std::io::{self, Write};

use tracing_subscriber::fmt::MakeWriter;

use super::source::redact;

/// Writes redacted text to the inner writer.
#[derive(Debug)]
pub struct RedactingWriter<W>(W);

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // The fmt subscriber writes each event with one `write_all`, which
        // lands here whole, so a key is never split across two calls.
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Makes [`RedactingWriter`]s around another `MakeWriter`.
#[derive(Debug, Clone)]
pub struct RedactingMakeWriter<M>(M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for RedactingMakeWriter<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter(self.0.make_writer())
    }
}

/// Wraps a log destination (e.g. `std::io::stderr`) so that every line is
/// redacted.
pub fn redacting<M>(inner: M) -> RedactingMakeWriter<M> {
    RedactingMakeWriter(inner)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_library_logging_a_tianditu_url_has_its_key_redacted() {
        let buffer = Buffer::default();
        let subscriber = {
            let buffer = buffer.clone();
            tracing_subscriber::fmt().with_ansi(false).with_writer(redacting(move || buffer.clone())).finish()
        };
        tracing::subscriber::with_default(subscriber, || {
            tracing::warn!(
                "Fetch error: error sending request for url \
                 (http://t0.tianditu.gov.cn/DataServer?T=vec_w&x=1&y=2&l=3&tk=0123abcdSECRET)"
            );
        });
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        assert!(text.contains("tk=<redacted>)"), "{text}");
        assert!(!text.contains("0123abcdSECRET"), "{text}");
    }
}
