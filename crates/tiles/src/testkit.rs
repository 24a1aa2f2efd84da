//! Test helpers: a real HTTP tile server on loopback (127.0.0.1, port 0)
//! that serves small generated PNG tiles, and can be told to answer with an
//! error status, garbage bytes, or only after a delay, or be stopped.
//! Test support only (the `testkit` feature): a failure here is a test failure.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::coord::TileCoord;

/// How the server answers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    /// A valid PNG for every tile.
    Tiles,
    /// This HTTP status with an empty body.
    Status(u16),
    /// `200 OK` with an HTML page instead of an image.
    Garbage,
    /// A valid PNG, after this long.
    Delay(Duration),
}

/// One request the server saw.
#[derive(Clone, Debug)]
pub struct Seen {
    /// Path and query.
    pub url: String,
    /// The User-Agent header, if any.
    pub user_agent: Option<String>,
}

/// A tile server running on its own thread until stopped or dropped.
pub struct TileServer {
    port: u16,
    mode: Arc<Mutex<Mode>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TileServer {
    /// Starts serving tiles on a free loopback port.
    pub fn start() -> TileServer {
        let server = tiny_http::Server::http("127.0.0.1:0").expect("bind a loopback port");
        let port = server.server_addr().to_ip().expect("an IP listener").port();
        let mode = Arc::new(Mutex::new(Mode::Tiles));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (mode, seen, stop) = (mode.clone(), seen.clone(), stop.clone());
            std::thread::Builder::new()
                .name("test-tile-server".into())
                .spawn(move || {
                    while !stop.load(Ordering::SeqCst) {
                        let Ok(Some(request)) = server.recv_timeout(Duration::from_millis(20)) else {
                            continue;
                        };
                        let user_agent = request
                            .headers()
                            .iter()
                            .find(|h| h.field.equiv("User-Agent"))
                            .map(|h| h.value.as_str().to_owned());
                        let url = request.url().to_owned();
                        seen.lock().unwrap().push(Seen { url: url.clone(), user_agent });
                        let mode = *mode.lock().unwrap();
                        // Answer on a separate thread so a slow answer does
                        // not hold up the next request.
                        let answering = std::thread::Builder::new().name("tile-server-answer".into());
                        if answering.spawn(move || answer(request, &url, mode)).is_err() {
                            // No thread: the client sees a dropped connection.
                        }
                    }
                    // Dropping the server closes the port.
                    drop(server);
                })
                .expect("spawn the test server")
        };
        TileServer { port, mode, seen, stop, thread: Some(thread) }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// An XYZ template for this server.
    pub fn template(&self) -> String {
        format!("{}/tiles/{{z}}/{{x}}/{{y}}.png", self.base())
    }

    /// Changes how the server answers from now on.
    pub fn set_mode(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// The tiles asked for so far (one entry per request).
    pub fn tiles_requested(&self) -> Vec<TileCoord> {
        self.seen().iter().filter_map(|s| parse_tile(&s.url)).collect()
    }

    /// Stops the server and closes its port.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for TileServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn answer(request: tiny_http::Request, url: &str, mode: Mode) {
    let png = || parse_tile(url).map(png_tile);
    let response = match mode {
        Mode::Tiles => match png() {
            Some(bytes) => tiny_http::Response::from_data(bytes),
            None => tiny_http::Response::from_data(Vec::new()).with_status_code(404),
        },
        Mode::Status(code) => tiny_http::Response::from_data(Vec::new()).with_status_code(code),
        Mode::Garbage => {
            tiny_http::Response::from_data(b"<html><body>Service temporarily unavailable</body></html>".to_vec())
        }
        Mode::Delay(d) => {
            std::thread::sleep(d);
            tiny_http::Response::from_data(png().unwrap_or_default())
        }
    };
    let _ = request.respond(response);
}

/// The tile a request is for: `/tiles/z/x/y.png`, or Tianditu-style
/// `...?x=X&y=Y&l=Z...`.
pub fn parse_tile(url: &str) -> Option<TileCoord> {
    if let Some(rest) = url.strip_prefix("/tiles/") {
        let mut parts = rest.trim_end_matches(".png").split('/');
        let z = parts.next()?.parse().ok()?;
        let x = parts.next()?.parse().ok()?;
        let y = parts.next()?.parse().ok()?;
        return TileCoord::new(z, x, y);
    }
    let query = url.split_once('?')?.1;
    let param = |name: &str| query.split('&').find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='));
    TileCoord::new(param("l")?.parse().ok()?, param("x")?.parse().ok()?, param("y")?.parse().ok()?)
}

/// A valid 4×4 RGB PNG whose colour encodes the tile, so tiles differ.
pub fn png_tile(tile: TileCoord) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, 4, 4);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("png header");
        let pixel = [tile.z, (tile.x % 256) as u8, (tile.y % 256) as u8];
        let data: Vec<u8> = pixel.iter().copied().cycle().take(4 * 4 * 3).collect();
        writer.write_image_data(&data).expect("png data");
    }
    out
}

/// A valid 4×4 lossless WebP tile, coloured like [`png_tile`].
pub fn webp_tile(tile: TileCoord) -> Vec<u8> {
    let mut out = Vec::new();
    let pixel = [tile.z, (tile.x % 256) as u8, (tile.y % 256) as u8];
    let data: Vec<u8> = pixel.iter().copied().cycle().take(4 * 4 * 3).collect();
    image::codecs::webp::WebPEncoder::new_lossless(&mut out)
        .encode(&data, 4, 4, image::ExtendedColorType::Rgb8)
        .expect("webp encoding");
    out
}

/// Everything logged while a test runs, so a test can check what reached the log.
#[derive(Clone, Default)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogCapture {
    /// A TRACE-level subscriber writing here; through the key-redacting
    /// writer the app installs when `redact` is set.
    pub fn subscriber(&self, redact: bool) -> impl tracing::Subscriber + Send + Sync + use<> {
        use tracing_subscriber::fmt::writer::BoxMakeWriter;
        let logs = self.clone();
        let writer = if redact {
            BoxMakeWriter::new(super::logging::redacting(move || logs.clone()))
        } else {
            BoxMakeWriter::new(move || logs.clone())
        };
        tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_ansi(false).with_writer(writer).finish()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Binzhou's main city at zoom 12: tile 3390/1588 (see `coord`).
pub fn city_tile() -> TileCoord {
    TileCoord::new(12, 3390, 1588).unwrap()
}

/// A custom XYZ source (named "Loopback") for `template`, e.g. a
/// [`TileServer::template`].
pub fn loopback_spec(template: &str, gcj02: bool) -> crate::source::SourceSpec {
    crate::source::SourceSpec::CustomXyz {
        name: "Loopback".into(),
        template: template.into(),
        subdomains: vec![],
        gcj02,
    }
}

/// The one layer of [`loopback_spec`].
pub fn loopback_layer(template: &str) -> crate::source::RemoteLayer {
    loopback_spec(template, false).remote_layers(None).unwrap().remove(0)
}
