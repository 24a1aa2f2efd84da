//! Prefetch against a real tile server on loopback.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::*;
use crate::mbtiles::MbTilesReader;
use crate::source::{SourceSpec, TiandituKey, TiandituLayer};
use crate::testkit::{LogCapture, Mode, TileServer, png_tile};

/// Around Binzhou's main city: 1 + 2 + 4 + 9 tiles at zooms 9 to 12 or so.
fn small_area() -> PrefetchArea {
    let bbox = LonLatBox::from_corners((117.95, 37.35), (118.05, 37.42)).unwrap();
    PrefetchArea::new(bbox, 9, 12).unwrap()
}

fn custom_layer(template: &str) -> RemoteLayer {
    SourceSpec::CustomXyz { name: "Loopback".into(), template: template.into(), subdomains: vec![], gcj02: false }
        .remote_layers(None)
        .unwrap()
        .remove(0)
}

fn fast_options() -> PrefetchOptions {
    PrefetchOptions {
        requests_per_second: 200.0,
        timeout: Duration::from_secs(5),
        max_retries: 1,
        retry_delay: Duration::from_millis(5),
        max_consecutive_failures: 1000,
        ..Default::default()
    }
}

fn target(layer: RemoteLayer, dir: &Path, name: &str) -> PrefetchTarget {
    PrefetchTarget { layer, output: dir.join(name) }
}

fn sorted(mut v: Vec<TileCoord>) -> Vec<TileCoord> {
    v.sort();
    v
}

/// How many times each tile was asked for.
fn request_counts(server: &TileServer) -> BTreeMap<TileCoord, usize> {
    let mut counts = BTreeMap::new();
    for t in server.tiles_requested() {
        *counts.entry(t).or_insert(0) += 1;
    }
    counts
}

#[test]
fn the_estimate_counts_tiles_and_bytes_before_anything_is_fetched() {
    let area = small_area();
    let count = area.tile_count();
    assert_eq!(count, area.tiles().count() as u64);
    assert_eq!(count, area.ranges().iter().map(|r| r.count()).sum::<u64>());
    let e = area.estimate(2, None);
    assert_eq!(e.tiles, 2 * count);
    assert_eq!(e.bytes, 2 * count * AVERAGE_TILE_BYTES);
    assert_eq!(area.estimate(1, Some(1000)).bytes, count * 1000);
    assert_eq!(e.duration_at(4.0), Duration::from_secs_f64(e.tiles as f64 / 4.0));
    // Shallow zooms come first.
    let zooms: Vec<u8> = area.tiles().map(|t| t.z).collect();
    assert!(zooms.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn a_small_area_is_downloaded_into_a_package_that_then_opens_offline() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = TileServer::start();
    let area = small_area();
    let expected = sorted(area.tiles().collect());

    let job = Prefetch::start(
        vec![target(custom_layer(&server.template()), dir.path(), "city.mbtiles")],
        area,
        fast_options(),
    )
    .unwrap();
    let report = job.wait().unwrap();
    assert_eq!(report.fetched, expected.len() as u64);
    assert_eq!((report.failed, report.skipped, report.cancelled), (0, 0, false));
    assert_eq!(report.packages, vec![dir.path().join("city.mbtiles")]);
    assert_eq!(sorted(server.tiles_requested()), expected);
    for seen in server.seen() {
        let ua = seen.user_agent.unwrap_or_default();
        assert!(ua.starts_with(&format!("binzhou-sites/{}", env!("CARGO_PKG_VERSION"))), "{ua}");
    }

    // Offline: the server is gone, the package has exactly those tiles.
    server.stop();
    let package = MbTilesReader::open(dir.path().join("city.mbtiles")).unwrap();
    assert_eq!(package.tiles().unwrap(), expected);
    for t in &expected {
        assert_eq!(package.get(t.z, t.x, t.y).unwrap(), Some(png_tile(*t)));
    }
    let meta = package.metadata();
    assert_eq!((meta.min_zoom, meta.max_zoom), (Some(9), Some(12)));
    assert_eq!(meta.name, "Loopback");
}

#[test]
fn progress_reaches_the_total_and_reports_speed_and_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let server = TileServer::start();
    let job = Prefetch::start(
        vec![target(custom_layer(&server.template()), dir.path(), "p.mbtiles")],
        small_area(),
        fast_options(),
    )
    .unwrap();
    let first = job.progress();
    assert_eq!(first.total, small_area().tile_count());
    assert!(first.eta.is_some());
    let deadline = Instant::now() + Duration::from_secs(20);
    while !job.is_finished() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let p = job.progress();
    assert!(p.finished);
    assert_eq!(p.done, p.total);
    assert_eq!(p.fraction(), 1.0);
    assert!(p.bytes > 0 && p.bytes_per_second > 0.0 && p.tiles_per_second > 0.0);
    assert_eq!(p.eta, Some(Duration::ZERO));
    job.wait().unwrap();
}

#[test]
fn cancel_then_resume_completes_without_fetching_any_tile_twice() {
    let dir = tempfile::tempdir().unwrap();
    let server = TileServer::start();
    let bbox = LonLatBox::from_corners((117.9, 37.3), (118.1, 37.5)).unwrap();
    let area = PrefetchArea::new(bbox, 10, 12).unwrap();
    let expected = sorted(area.tiles().collect());
    assert!(expected.len() >= 15, "{}", expected.len());
    let options = PrefetchOptions { requests_per_second: 25.0, ..fast_options() };
    let layer = custom_layer(&server.template());

    let job = Prefetch::start(vec![target(layer.clone(), dir.path(), "r.mbtiles")], area, options.clone()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while job.progress().fetched < 4 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    job.cancel();
    let first = job.wait().unwrap();
    assert!(first.cancelled);
    assert!(first.fetched >= 4 && first.fetched < expected.len() as u64, "{first:?}");
    // The cut-short package is usable already.
    let partial = MbTilesReader::open(dir.path().join("r.mbtiles")).unwrap();
    assert_eq!(partial.tile_count().unwrap(), first.fetched);
    drop(partial);

    let job = Prefetch::start(vec![target(layer, dir.path(), "r.mbtiles")], area, options).unwrap();
    let second = job.wait().unwrap();
    assert!(!second.cancelled);
    assert_eq!(second.skipped, first.fetched);
    assert_eq!(first.fetched + second.fetched, expected.len() as u64);

    let counts = request_counts(&server);
    assert_eq!(counts.keys().copied().collect::<Vec<_>>(), expected);
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
    let package = MbTilesReader::open(dir.path().join("r.mbtiles")).unwrap();
    assert_eq!(package.tiles().unwrap(), expected);
}

#[test]
fn server_errors_are_retried_then_reported_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let server = TileServer::start();
    server.set_mode(Mode::Status(500));
    let health = Arc::new(SourceHealth::new(&custom_layer(&server.template()).host()));
    let bbox = LonLatBox::from_corners((117.95, 37.35), (118.05, 37.42)).unwrap();
    let area = PrefetchArea::new(bbox, 9, 10).unwrap();
    let n = area.tile_count();
    let options = PrefetchOptions { max_retries: 2, health: Some(health.clone()), ..fast_options() };
    let job = Prefetch::start(vec![target(custom_layer(&server.template()), dir.path(), "e.mbtiles")], area, options)
        .unwrap();
    let progress_before_end = job.progress();
    assert!(!progress_before_end.last_error.as_deref().unwrap_or("").contains("panic"));
    let report = job.wait().unwrap();
    assert_eq!((report.fetched, report.failed), (0, n));
    assert_eq!(server.tiles_requested().len() as u64, n * 3, "one try and two retries each");
    assert!(report.failures.iter().all(|f| f.ends_with("HTTP 500")), "{:?}", report.failures);
    let summary = health.summary().unwrap();
    assert!(summary.starts_with("tile server 127.0.0.1: "), "{summary}");
    assert!(summary.ends_with("errors in the last minute: HTTP 500"), "{summary}");
    assert!(health.take_notice().is_some());
    assert!(health.take_notice().is_none(), "one notice, not a flood");
}

#[test]
fn garbage_answers_are_reported_and_never_stored() {
    let dir = tempfile::tempdir().unwrap();
    let server = TileServer::start();
    server.set_mode(Mode::Garbage);
    let health = Arc::new(SourceHealth::new("loopback"));
    let area = PrefetchArea::new(small_area().bbox(), 9, 10).unwrap();
    let report = Prefetch::start(
        vec![target(custom_layer(&server.template()), dir.path(), "g.mbtiles")],
        area,
        PrefetchOptions { health: Some(health.clone()), ..fast_options() },
    )
    .unwrap()
    .wait()
    .unwrap();
    assert_eq!(report.failed, area.tile_count());
    // Garbage is not retried.
    assert_eq!(server.tiles_requested().len() as u64, area.tile_count());
    assert!(health.summary().unwrap().ends_with("answer is not an image"));
    let package = MbTilesReader::open(dir.path().join("g.mbtiles")).unwrap();
    assert_eq!(package.tile_count().unwrap(), 0);
}

#[test]
fn a_slow_server_times_out_quickly_and_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let server = TileServer::start();
    server.set_mode(Mode::Delay(Duration::from_millis(1500)));
    let health = Arc::new(SourceHealth::new("loopback"));
    let area = PrefetchArea::new(small_area().bbox(), 9, 10).unwrap();
    let started = Instant::now();
    let report = Prefetch::start(
        vec![target(custom_layer(&server.template()), dir.path(), "s.mbtiles")],
        area,
        PrefetchOptions {
            timeout: Duration::from_millis(200),
            max_retries: 0,
            health: Some(health.clone()),
            ..fast_options()
        },
    )
    .unwrap()
    .wait()
    .unwrap();
    assert_eq!(report.failed, area.tile_count());
    assert!(started.elapsed() < Duration::from_millis(200 * area.tile_count() + 1000));
    assert!(health.summary().unwrap().ends_with("timed out"), "{:?}", health.summary());
}

#[test]
fn a_stopped_server_is_reported_as_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = TileServer::start();
    let template = server.template();
    server.stop();
    let health = Arc::new(SourceHealth::new("loopback"));
    let report = Prefetch::start(
        vec![target(custom_layer(&template), dir.path(), "u.mbtiles")],
        PrefetchArea::new(small_area().bbox(), 9, 9).unwrap(),
        PrefetchOptions { health: Some(health.clone()), ..fast_options() },
    )
    .unwrap()
    .wait()
    .unwrap();
    assert_eq!(report.fetched, 0);
    assert!(report.failed > 0);
    assert!(health.summary().unwrap().ends_with("server unreachable"), "{:?}", health.summary());
}

#[test]
fn tiles_the_server_does_not_have_are_missing_not_failed() {
    let dir = tempfile::tempdir().unwrap();
    let server = TileServer::start();
    server.set_mode(Mode::Status(404));
    let area = PrefetchArea::new(small_area().bbox(), 9, 10).unwrap();
    let report = Prefetch::start(
        vec![target(custom_layer(&server.template()), dir.path(), "m.mbtiles")],
        area,
        PrefetchOptions { max_consecutive_failures: 1, ..fast_options() },
    )
    .unwrap()
    .wait()
    .unwrap();
    assert_eq!((report.missing, report.failed), (area.tile_count(), 0));
}

#[test]
fn a_server_that_keeps_failing_stops_the_download_early() {
    let dir = tempfile::tempdir().unwrap();
    let server = TileServer::start();
    server.set_mode(Mode::Status(503));
    let area = small_area();
    assert!(area.tile_count() > 5);
    let err = Prefetch::start(
        vec![target(custom_layer(&server.template()), dir.path(), "k.mbtiles")],
        area,
        PrefetchOptions { max_retries: 0, max_consecutive_failures: 3, ..fast_options() },
    )
    .unwrap()
    .wait()
    .unwrap_err();
    assert!(matches!(err, PrefetchError::TooManyFailures { count: 3, .. }), "{err:?}");
    assert!(err.to_string().contains("HTTP 503"), "{err}");
    assert_eq!(server.tiles_requested().len(), 3);
    // What there was (nothing) is still a valid package.
    assert!(MbTilesReader::open(dir.path().join("k.mbtiles")).is_ok());
}

#[test]
fn bulk_download_from_openstreetmap_is_refused_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let osm = SourceSpec::Osm.remote_layers(None).unwrap().remove(0);
    let err = Prefetch::start(vec![target(osm, dir.path(), "osm.mbtiles")], small_area(), fast_options()).unwrap_err();
    assert!(matches!(err, PrefetchError::Refused(_)));
    let text = err.to_string();
    assert!(text.contains("tile.openstreetmap.org") && text.contains("usage policy"), "{text}");
    assert!(err.zh().contains("使用政策禁止批量下载"), "{}", err.zh());
    let sneaky = custom_layer("https://a.tile.openstreetmap.org/{z}/{x}/{y}.png");
    assert!(matches!(
        Prefetch::start(vec![target(sneaky, dir.path(), "osm.mbtiles")], small_area(), fast_options()),
        Err(PrefetchError::Refused(_))
    ));
    assert!(!dir.path().join("osm.mbtiles").exists());
    assert!(!dir.path().join("osm.mbtiles.part").exists());
}

#[test]
fn plans_that_are_too_big_or_make_no_sense_are_refused_up_front() {
    let dir = tempfile::tempdir().unwrap();
    let layer = custom_layer("http://127.0.0.1:9/{z}/{x}/{y}.png");
    let city = LonLatBox::from_corners((117.26, 36.69), (118.41, 38.31)).unwrap();
    let huge = PrefetchArea::new(city, 0, 18).unwrap();
    match Prefetch::start(vec![target(layer.clone(), dir.path(), "h.mbtiles")], huge, fast_options()) {
        Err(PrefetchError::TooManyTiles { count, limit }) => {
            assert_eq!(count, huge.tile_count());
            assert_eq!(limit, MAX_TILES);
        }
        other => panic!("expected TooManyTiles, got {other:?}"),
    }
    assert!(matches!(PrefetchArea::new(city, 12, 10), Err(PrefetchError::BadZoomRange { min: 12, max: 10 })));
    assert!(PrefetchArea::new(city, 10, 19).is_err());
    assert!(matches!(Prefetch::start(vec![], small_area(), fast_options()), Err(PrefetchError::NoTargets)));
    let bad_rate = PrefetchOptions { requests_per_second: 0.0, ..fast_options() };
    assert!(matches!(
        Prefetch::start(vec![target(layer, dir.path(), "h.mbtiles")], small_area(), bad_rate),
        Err(PrefetchError::BadRate)
    ));
}

#[test]
fn the_default_rate_is_polite() {
    let o = PrefetchOptions::default();
    assert!(o.requests_per_second <= 4.0);
    assert!(o.user_agent.starts_with("binzhou-sites/"));
    // Four requests a second means at least 250 ms between them.
    let mut limiter = RateLimiter::new(o.requests_per_second);
    let cancel = AtomicBool::new(false);
    let t0 = Instant::now();
    for _ in 0..3 {
        assert!(limiter.wait(&cancel));
    }
    assert!(t0.elapsed() >= Duration::from_millis(500));
}

#[test]
fn a_tianditu_key_never_appears_in_errors_progress_health_or_logs() {
    const FAKE_KEY: &str = "fa4e0123456789abcdef0123456789ab";
    let dir = tempfile::tempdir().unwrap();
    let server = TileServer::start();
    let key = TiandituKey::new(FAKE_KEY).unwrap();
    let layers: Vec<RemoteLayer> = SourceSpec::Tianditu { layer: TiandituLayer::Vec, with_labels: true }
        .remote_layers(Some(&key))
        .unwrap()
        .into_iter()
        .map(|l| l.retarget(&format!("{}/DataServer?T=vec_w&x={{x}}&y={{y}}&l={{z}}&tk={{tk}}", server.base())))
        .collect();
    let health = Arc::new(SourceHealth::new(&layers[0].host()));
    let logs = LogCapture::default();
    let subscriber = logs.subscriber(false);
    let mut texts: Vec<String> = Vec::new();
    tracing::subscriber::with_default(subscriber, || {
        let area = PrefetchArea::new(small_area().bbox(), 9, 10).unwrap();
        for (mode, stop_after) in [(Mode::Status(500), 1000), (Mode::Garbage, 2)] {
            server.set_mode(mode);
            let targets = layers
                .iter()
                .enumerate()
                .map(|(i, l)| target(l.clone(), dir.path(), &format!("tdt{i}.mbtiles")))
                .collect();
            let job = Prefetch::start(
                targets,
                area,
                PrefetchOptions {
                    health: Some(health.clone()),
                    max_consecutive_failures: stop_after,
                    ..fast_options()
                },
            )
            .unwrap();
            while !job.is_finished() {
                texts.extend(job.progress().last_error);
                std::thread::sleep(Duration::from_millis(2));
            }
            texts.extend(job.progress().last_error);
            match job.wait() {
                Ok(report) => {
                    assert!(report.failed > 0);
                    texts.extend(report.failures.clone());
                    texts.push(format!("{report:?}"));
                }
                Err(e) => {
                    texts.push(e.to_string());
                    texts.push(format!("{e:?}"));
                }
            }
            texts.extend(health.summary());
            texts.extend(health.take_notice());
        }
    });
    // The key did go to the server (so the test means something)...
    assert!(server.seen().iter().any(|s| s.url.contains(FAKE_KEY)));
    // ...and nowhere else.
    let logged = logs.text();
    // Warnings always get through; the per-request trace lines (which show
    // the redacted URL) only when no other test's subscriber lowers the
    // global level meanwhile, so they are not required here.
    assert!(logged.contains("HTTP 500"), "{logged}");
    assert!(!logged.contains(FAKE_KEY), "{logged}");
    assert!(texts.iter().any(|t| t.contains("HTTP 500")));
    assert!(texts.iter().any(|t| t.contains("not an image")));
    for t in &texts {
        assert!(!t.contains(FAKE_KEY), "{t}");
    }
    assert!(!format!("{layers:?}").contains(FAKE_KEY));
}

#[test]
fn every_reason_a_download_cannot_go_ahead_also_reads_in_chinese() {
    let han = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let errors = [
        PrefetchError::BadZoomRange { min: 12, max: 3 },
        PrefetchError::NoTargets,
        PrefetchError::BadRate,
        PrefetchError::TooManyTiles { count: 200_000, limit: 100_000 },
        PrefetchError::TooManyFailures { host: "t0.example".into(), count: 20, last: "HTTP 500".into() },
        PrefetchError::Start("no thread".into()),
        PrefetchError::Crashed,
    ];
    for e in errors {
        assert!(han(&e.zh()) && e.zh() != e.to_string(), "{e}: {}", e.zh());
    }
    let offline = SourceSpec::MbTiles("field.mbtiles".into()).check_bulk_download().unwrap_err();
    assert!(offline.message_zh.contains("已是离线文件"), "{offline:?}");
}
