//! Where NMEA comes from, read on a named worker thread (`gnss`) that hands
//! the UI [`GnssEvent`]s over a bounded channel and wakes it.
//!
//! * a serial device (`/dev/ttyACM0`, `/dev/ttyUSB0`, `COM3`), opened as a
//!   serial port (`serialport`) at 9600 baud, the usual NMEA speed, or the
//!   speed given after `@` (`/dev/ttyUSB0@38400`); USB receivers (CDC-ACM)
//!   ignore the speed. Reads time out every second, so a silent receiver
//!   never keeps the thread from stopping. A path that is not a serial
//!   port (a named pipe, a file) is read as it is;
//! * gpsd (`gpsd`, or `gpsd:HOST:PORT`; 127.0.0.1:2947 by default), asked for
//!   raw NMEA;
//! * a recorded log (`replay:FILE`), one epoch a second, for rehearsing a
//!   field check at the desk.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, TrySendError};

use super::nmea;
use super::{GnssState, Tracker};
use crate::model::{Bilingual, Msg};

/// Where to read NMEA from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GnssSource {
    /// A serial device at `baud` bits per second, or anything else that
    /// reads as lines.
    Device {
        /// The device (or a file or named pipe) to read.
        path: PathBuf,
        /// Serial line speed in bits per second (9600 unless given).
        baud: u32,
    },
    /// A gpsd daemon at `host:port`.
    Gpsd(String),
    /// A recorded NMEA log, replayed one epoch (GGA) per `interval`.
    Replay {
        /// The recorded log file.
        path: PathBuf,
        /// Time between replayed epochs (one second from `replay:FILE`).
        interval: Duration,
    },
}

/// gpsd's usual address.
pub const GPSD_DEFAULT: &str = "127.0.0.1:2947";

/// The line speed of NMEA 0183 receivers unless told otherwise.
pub const DEFAULT_BAUD: u32 = 9600;

/// How long a serial read waits before the stop flag gets a look.
const SERIAL_TIMEOUT: Duration = Duration::from_secs(1);

impl GnssSource {
    /// From what a user types: `gpsd`, `gpsd:HOST:PORT`, `replay:FILE`, or a
    /// device path with an optional speed (`/dev/ttyUSB0@38400`).
    ///
    /// ```
    /// use binzhou_core::gnss::source::GnssSource;
    /// assert_eq!(GnssSource::parse("gpsd").unwrap(), GnssSource::Gpsd("127.0.0.1:2947".into()));
    /// assert!(matches!(GnssSource::parse("/dev/ttyACM0").unwrap(), GnssSource::Device { baud: 9600, .. }));
    /// assert!(matches!(GnssSource::parse("COM3@38400").unwrap(), GnssSource::Device { baud: 38400, .. }));
    /// ```
    pub fn parse(text: &str) -> Result<GnssSource, Msg> {
        let t = text.trim();
        if t.is_empty() {
            return Err(Msg::new(
                "no GNSS source given (a device such as /dev/ttyACM0, gpsd, or replay:FILE)",
                "没有给出 GNSS 来源（设备如 /dev/ttyACM0、gpsd，或 replay:文件）",
            ));
        }
        if t.eq_ignore_ascii_case("gpsd") {
            return Ok(GnssSource::Gpsd(GPSD_DEFAULT.into()));
        }
        if let Some(addr) = t.strip_prefix("gpsd:") {
            return Ok(GnssSource::Gpsd(addr.to_string()));
        }
        if let Some(path) = t.strip_prefix("replay:") {
            return Ok(GnssSource::Replay { path: path.into(), interval: Duration::from_secs(1) });
        }
        if let Some((path, speed)) = t.rsplit_once('@') {
            return match speed.trim().parse::<u32>() {
                Ok(baud) if (300..=4_000_000).contains(&baud) => Ok(GnssSource::Device { path: path.into(), baud }),
                _ => Err(Msg::new(
                    format!("{speed} is not a serial line speed (e.g. {path}@9600 or @38400)"),
                    format!("{speed} 不是串口波特率（例如 {path}@9600 或 @38400）"),
                )),
            };
        }
        Ok(GnssSource::Device { path: t.into(), baud: DEFAULT_BAUD })
    }

    /// For the status bar and the settings.
    pub fn label(&self) -> String {
        match self {
            GnssSource::Device { path, baud } if *baud == DEFAULT_BAUD => path.display().to_string(),
            GnssSource::Device { path, baud } => format!("{}@{baud}", path.display()),
            GnssSource::Gpsd(addr) => format!("gpsd {addr}"),
            GnssSource::Replay { path, .. } => format!("replay:{}", path.display()),
        }
    }
}

/// What the reader thread reports.
#[derive(Clone, Debug, PartialEq)]
pub enum GnssEvent {
    /// A new state, once per epoch.
    State(GnssState),
    /// A line that is not a usable sentence (kept going).
    BadLine(Msg),
    /// The source ended (`error` false: a replay came to its end, or the
    /// receiver was dropped) or failed; the thread has stopped.
    Closed {
        /// Why the reader stopped, in both languages.
        why: Msg,
        /// Whether that was a failure rather than a normal end.
        error: bool,
    },
}

/// A running reader. Dropping it stops the thread (at the next line or
/// second, whichever comes first).
pub struct GnssReceiver {
    events: Receiver<GnssEvent>,
    stop: Arc<AtomicBool>,
    source: GnssSource,
}

impl std::fmt::Debug for GnssReceiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GnssReceiver").field("source", &self.source).finish_non_exhaustive()
    }
}

impl GnssReceiver {
    /// Starts reading `source` on a `gnss` thread; `wake` is called after
    /// each event (the app asks egui for a repaint).
    pub fn start(source: GnssSource, wake: impl Fn() + Send + 'static) -> std::io::Result<GnssReceiver> {
        let (tx, rx) = crossbeam_channel::bounded(64);
        let stop = Arc::new(AtomicBool::new(false));
        let reader = Reader { tx, stop: stop.clone(), wake: Box::new(wake) };
        let what = source.clone();
        std::thread::Builder::new().name("gnss".into()).spawn(move || {
            let (why, error) = reader.run(&what);
            reader.send(GnssEvent::Closed { why, error });
        })?;
        Ok(GnssReceiver { events: rx, stop, source })
    }

    /// The events that arrived since the last call (call once per frame).
    pub fn poll(&self) -> Vec<GnssEvent> {
        self.events.try_iter().collect()
    }

    /// The source being read.
    pub fn source(&self) -> &GnssSource {
        &self.source
    }
}

impl Drop for GnssReceiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

struct Reader {
    tx: Sender<GnssEvent>,
    stop: Arc<AtomicBool>,
    wake: Box<dyn Fn() + Send>,
}

impl Reader {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn send(&self, e: GnssEvent) {
        match self.tx.try_send(e) {
            // A UI that has not polled for 64 events has stale ones anyway.
            Ok(()) | Err(TrySendError::Full(_)) => (self.wake)(),
            Err(TrySendError::Disconnected(_)) => {}
        }
    }

    /// Reads until the source ends, fails or the receiver is dropped; says
    /// why it stopped, and whether that is an error.
    fn run(&self, source: &GnssSource) -> (Msg, bool) {
        let label = source.label();
        let cannot_open = |e: std::io::Error| {
            (Msg::io(format!("GNSS: cannot open {label}"), format!("GNSS：无法打开 {label}"), &e), true)
        };
        match source {
            GnssSource::Device { path, baud } => match open_device(path, *baud) {
                Ok(input) => self.lines(input, None, &label),
                Err(e) => cannot_open(e),
            },
            GnssSource::Replay { path, interval } => match std::fs::File::open(path) {
                // The end of a recording is no failure.
                Ok(f) => (self.lines(f, Some(*interval), &label).0, false),
                Err(e) => cannot_open(e),
            },
            GnssSource::Gpsd(addr) => match connect_gpsd(addr) {
                Ok(stream) => self.lines(stream, None, &label),
                Err(e) => {
                    let why = Msg::io(
                        format!("GNSS: cannot reach gpsd at {addr}"),
                        format!("GNSS：无法连接 gpsd（{addr}）"),
                        &e,
                    );
                    (why, true)
                }
            },
        }
    }

    /// Reads NMEA lines; with `pace`, waits that long after each epoch.
    /// Says why it stopped, and whether that is an error (a device or
    /// gpsd that goes quiet for good is one; being dropped is not).
    fn lines(&self, input: impl Read, pace: Option<Duration>, label: &str) -> (Msg, bool) {
        let mut tracker = Tracker::default();
        let mut reader = BufReader::new(input);
        let mut line = Vec::new();
        loop {
            if self.stopped() {
                return (Msg::new(format!("GNSS: {label} disconnected"), format!("GNSS：已断开 {label}")), false);
            }
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) => {
                    return (Msg::new(format!("GNSS: {label} ended"), format!("GNSS：{label} 的数据已结束")), true);
                }
                Ok(_) => {}
                // A read timeout (gpsd) only gives the stop flag a look.
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                    continue;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let why = Msg::io(format!("GNSS: reading {label} failed"), format!("GNSS：读取 {label} 出错"), &e);
                    return (why, true);
                }
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim();
            // gpsd's own JSON reports, and blank lines, are not NMEA.
            if text.is_empty() || text.starts_with('{') {
                continue;
            }
            match nmea::parse(text) {
                Ok(sentence) => {
                    if let Some(state) = tracker.feed(&sentence) {
                        self.send(GnssEvent::State(state));
                        if let Some(p) = pace {
                            std::thread::sleep(p);
                        }
                    }
                }
                Err(e) => self.send(GnssEvent::BadLine(Msg::new(format!("GNSS: {e}"), format!("GNSS：{}", e.zh())))),
            }
        }
    }
}

/// Opens a serial port at `baud` with read timeouts; a path that is no
/// serial port (a pipe, a file) is opened as it is.
fn open_device(path: &std::path::Path, baud: u32) -> std::io::Result<Box<dyn Read + Send>> {
    let name = path.to_string_lossy();
    match serialport::new(name.as_ref(), baud).timeout(SERIAL_TIMEOUT).open() {
        Ok(port) => Ok(Box::new(port)),
        // Not a serial port: read it as a file. When that fails too, the
        // file's error says it best (no such file, no permission).
        Err(_) => Ok(Box::new(std::fs::File::open(path)?)),
    }
}

/// Connects to gpsd and asks it for raw NMEA.
fn connect_gpsd(addr: &str) -> std::io::Result<std::net::TcpStream> {
    use std::net::ToSocketAddrs;
    let target = addr
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, format!("{addr} has no address")))?;
    let mut stream = std::net::TcpStream::connect_timeout(&target, Duration::from_secs(3))?;
    stream.set_read_timeout(Some(Duration::from_secs(1)))?;
    stream.write_all(b"?WATCH={\"enable\":true,\"nmea\":true};\n")?;
    Ok(stream)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    const EPOCHS: &str = "\
$GNRMC,092750.00,A,3723.4000,N,11759.0000,E,3.0,90.0,011226,,,A*7F
$GNGGA,092750.00,3723.4000,N,11759.0000,E,1,09,1.1,12.0,M,,M,,*55
$GPGSV,3,1,11,03,03,111,00*4A
$GNGGA,092751.00,3723.4000,N,11759.0010,E,1,09,1.1,12.0,M,,M,,*55
garbage line
";

    fn collect(rx: &GnssReceiver, until: impl Fn(&[GnssEvent]) -> bool) -> Vec<GnssEvent> {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut all = Vec::new();
        while !until(&all) {
            assert!(Instant::now() < deadline, "events so far: {all:?}");
            all.extend(rx.poll());
            std::thread::sleep(Duration::from_millis(5));
        }
        all
    }

    fn states(events: &[GnssEvent]) -> usize {
        events.iter().filter(|e| matches!(e, GnssEvent::State(GnssState::Fix(_)))).count()
    }

    #[test]
    fn a_replayed_log_gives_one_state_per_epoch_then_says_it_ended() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("walk.nmea");
        std::fs::write(&path, EPOCHS).unwrap();
        let source = GnssSource::Replay { path, interval: Duration::from_millis(1) };
        let rx = GnssReceiver::start(source, || {}).unwrap();
        let events = collect(&rx, |e| e.iter().any(|e| matches!(e, GnssEvent::Closed { .. })));
        // RMC (before any GGA), GGA, GGA; the GSV is skipped, the garbage reported.
        assert_eq!(states(&events), 3, "{events:?}");
        let bad = events.iter().filter(|e| matches!(e, GnssEvent::BadLine(_))).count();
        assert_eq!(bad, 1, "{events:?}");
        let Some(GnssEvent::Closed { why, error: false }) = events.last() else { panic!("{events:?}") };
        assert!(why.zh.contains("已结束"), "{why:?}");
    }

    #[test]
    fn a_speed_after_the_device_is_the_baud_rate_and_a_bad_one_is_refused() {
        assert_eq!(
            GnssSource::parse("/dev/ttyUSB0@38400").unwrap(),
            GnssSource::Device { path: "/dev/ttyUSB0".into(), baud: 38400 }
        );
        assert_eq!(GnssSource::parse("/dev/ttyUSB0@38400").unwrap().label(), "/dev/ttyUSB0@38400");
        assert_eq!(GnssSource::parse("/dev/ttyACM0").unwrap().label(), "/dev/ttyACM0");
        let e = GnssSource::parse("/dev/ttyUSB0@fast").unwrap_err();
        assert!(e.zh.contains("波特率"), "{e:?}");
        assert!(GnssSource::parse("/dev/ttyUSB0@12").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_receiver_on_a_serial_port_is_read_and_a_silent_one_still_lets_the_thread_stop() {
        use serialport::SerialPort as _;
        let (mut master, slave) = serialport::TTYPort::pair().unwrap();
        let path = slave.name().unwrap();
        let source = GnssSource::Device { path: path.clone().into(), baud: 38400 };
        let rx = GnssReceiver::start(source, || {}).unwrap();
        master.write_all(EPOCHS.as_bytes()).unwrap();
        let events = collect(&rx, |e| states(e) >= 3);
        assert_eq!(states(&events), 3, "{events:?}");
        // Now nothing more comes: dropping the receiver must still end the
        // reader, within a read timeout or two.
        let events_rx = rx.events.clone();
        drop(rx);
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut closed = false;
        while Instant::now() < deadline && !closed {
            closed = events_rx.try_iter().any(|e| matches!(e, GnssEvent::Closed { error: false, .. }));
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(closed, "a silent serial port kept the gnss thread from stopping");
        drop(slave);
    }

    #[test]
    fn a_missing_device_closes_with_a_reason_naming_it() {
        let source = GnssSource::Device { path: "/nonexistent/ttyACM9".into(), baud: DEFAULT_BAUD };
        let rx = GnssReceiver::start(source, || {}).unwrap();
        let events = collect(&rx, |e| !e.is_empty());
        let GnssEvent::Closed { why, error: true } = &events[0] else { panic!("{events:?}") };
        assert!(why.en.contains("/nonexistent/ttyACM9") && why.zh.contains("不存在"), "{why:?}");
    }

    #[test]
    fn gpsd_on_loopback_is_asked_for_nmea_and_its_json_is_skipped() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let server = std::thread::Builder::new()
            .name("fake-gpsd".into())
            .spawn(move || {
                let (mut conn, _) = listener.accept().unwrap();
                conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                let mut ask = [0u8; 64];
                let n = conn.read(&mut ask).unwrap();
                conn.write_all(b"{\"class\":\"VERSION\",\"release\":\"3.22\"}\n").unwrap();
                conn.write_all(b"$GNGGA,092750.00,3723.4000,N,11759.0000,E,1,09,1.1,12.0,M,,M,,\r\n").unwrap();
                std::thread::sleep(Duration::from_millis(300));
                String::from_utf8_lossy(&ask[..n]).into_owned()
            })
            .unwrap();
        let rx = GnssReceiver::start(GnssSource::Gpsd(addr), || {}).unwrap();
        let events = collect(&rx, |e| states(e) >= 1);
        let GnssEvent::State(GnssState::Fix(f)) = &events[0] else { panic!("{events:?}") };
        assert!((f.lat - 37.39).abs() < 1e-9 && (f.lon - 117.983_333_333).abs() < 1e-6);
        assert!(server.join().unwrap().starts_with("?WATCH={\"enable\":true,\"nmea\":true}"));
    }
}
