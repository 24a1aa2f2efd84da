//! Dense views drawn from geometry kept on the GPU must look like the
//! meshes they replace: the same sites, in the same places and colours.

use std::path::Path;
use std::time::Duration;

use binzhou_sites::app::App;
use binzhou_sites::app::map::basemap::BasemapChoice;
use binzhou_sites::app::state::{Camera, ViewState};
use egui_kittest::Harness;
use egui_kittest::wgpu::{WgpuTestRenderer, create_render_state, default_wgpu_setup};

use crate::support::app_builder;

const CENTRE: (f64, f64) = (118.0, 37.4);
const ZOOM: f64 = 13.5;

/// 28 000 sites on a grid of 10-pixel cells filling a 2000×1400 window at
/// [`ZOOM`], so more than 20 000 are in the map's view and the meshes are
/// the dense kind too: polygons big enough to be drawn whole, polygons
/// small enough to become markers, three-vertex lines and points, in three
/// layers and two statuses.
///
/// Returns the file and, per site, a point its drawing covers in both ways
/// (the middle of a big polygon, a marker's or a point's centre, the middle
/// of a line's first segment) with its kind.
fn write_dense_file(dir: &Path) -> (std::path::PathBuf, Vec<(usize, f64, f64)>) {
    let (cols, rows) = (200, 140);
    // Degrees per pixel at ZOOM near the centre (a degree of latitude is
    // about 1/0.79 of one of longitude on a Mercator map at 37.4°N).
    let px = 360.0 / (256.0 * 2f64.powf(ZOOM));
    let d = px * 0.79;
    let (w, n) = (CENTRE.0 - W / 2.0 * px, CENTRE.1 + H / 2.0 * d);
    let mut features = Vec::with_capacity(cols * rows);
    let mut samples = Vec::with_capacity(cols * rows);
    for r in 0..rows {
        for c in 0..cols {
            let k = features.len();
            let (x, y) = (w + (c as f64 * 10.0 + 0.5) * px, n - (r as f64 * 10.0 + 0.5) * d);
            let kind = (c + 2 * r) % 4;
            samples.push(match kind {
                0 => (kind, x + 13.0 / 3.0 * px, y - 3.0 * d),
                1 => (kind, x + 2.0 * px, y - 1.0 * d),
                2 => (kind, x + 2.0 * px, y - 2.0 * d),
                _ => (kind, x + 4.0 * px, y - 4.0 * d),
            });
            let geometry = match kind {
                0 => format!(
                    r#"{{"type":"Polygon","coordinates":[[[{x},{y}],[{},{y}],[{},{}],[{x},{y}]]]}}"#,
                    x + 9.0 * px,
                    x + 4.0 * px,
                    y - 9.0 * d
                ),
                1 => format!(
                    r#"{{"type":"Polygon","coordinates":[[[{x},{y}],[{},{y}],[{},{}],[{x},{y}]]]}}"#,
                    x + 3.0 * px,
                    x + 3.0 * px,
                    y - 3.0 * d
                ),
                2 => format!(
                    r#"{{"type":"LineString","coordinates":[[{x},{y}],[{},{}],[{},{y}]]}}"#,
                    x + 4.0 * px,
                    y - 4.0 * d,
                    x + 8.0 * px
                ),
                _ => format!(r#"{{"type":"Point","coordinates":[{},{}]}}"#, x + 4.0 * px, y - 4.0 * d),
            };
            let (layer, completed) = match (c + r) % 3 {
                0 => ("pocket_park", r#","completed":"2020-05-01""#),
                1 => ("greenway", ""),
                _ => ("urban_village", ""),
            };
            features.push(format!(
                r#"{{"type":"Feature","properties":{{"id":"D{k}","name":"","layer":"{layer}","plan_year":2021,"started":"2020-03-01"{completed}}},"geometry":{geometry}}}"#
            ));
        }
    }
    let path = dir.join("dense.geojson");
    std::fs::write(&path, format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(",\n")))
        .expect("write the dense file");
    (path, samples)
}

const W: f64 = 2000.0;
const H: f64 = 1400.0;
const PPP: f32 = 1.25;

/// The map of the dense file, drawn with or without the GPU path.
fn render(file: &Path, gpu: bool) -> (image::RgbaImage, Harness<'static, App>) {
    let rs = create_render_state(default_wgpu_setup(), eframe::egui_wgpu::RendererOptions::PREDICTABLE);
    let state = ViewState {
        camera: Some(Camera { lon: CENTRE.0, lat: CENTRE.1, zoom: ZOOM }),
        basemap: BasemapChoice::None,
        show_labels: false,
        show_changes: false,
        ..ViewState::default()
    };
    let mut app = App::new(vec![file.to_path_buf()], state, false);
    if gpu {
        app = app.with_gpu(Some(&rs));
        assert!(app.draws_dense_views_on_the_gpu(), "lavapipe runs the dense path's shader");
    }
    // A high-DPI screen at a fractional scale: the map's edges fall between
    // pixels, where the GPU's drawing must still meet the shapes around it.
    let builder =
        app_builder(W as f32, H as f32).with_pixels_per_point(PPP).renderer(WgpuTestRenderer::from_render_state(rs));
    let mut h: Harness<'static, App> = builder.build_ui_state(|ui, app: &mut App| app.ui_root(ui), app);
    let ctx = h.ctx.clone();
    assert!(h.state_mut().wait_for_loading(&ctx, Duration::from_secs(60)), "the dense file loaded");
    h.run();
    (h.render().expect("a rendered frame"), h)
}

/// The part of the map compared: clear of the panels and the map's edges.
const AREA: (std::ops::Range<u32>, std::ops::Range<u32>) = (600..1600, 300..1100);

/// How many pixels of [`AREA`] are far from the plain background (its
/// commonest colour): a smooth edge's pixels count where they are mostly covered.
fn coloured(img: &image::RgbaImage) -> usize {
    let mut counts = std::collections::HashMap::new();
    for y in AREA.1 {
        for x in AREA.0 {
            *counts.entry(img.get_pixel(x, y).0).or_insert(0usize) += 1;
        }
    }
    let bg = counts.into_iter().max_by_key(|&(_, n)| n).map(|(c, _)| c).unwrap_or_default();
    let mut n = 0;
    for y in AREA.1 {
        for x in AREA.0 {
            let p = img.get_pixel(x, y).0;
            let d = (0..3).map(|k| (p[k] as i32 - bg[k] as i32).abs()).sum::<i32>();
            n += (d > 120) as usize;
        }
    }
    n
}

fn difference(a: &image::RgbaImage, b: &image::RgbaImage, x: u32, y: u32) -> i32 {
    let (p, q) = (a.get_pixel(x, y).0, b.get_pixel(x, y).0);
    (0..3).map(|k| (p[k] as i32 - q[k] as i32).abs()).sum()
}

#[test]
fn a_dense_view_drawn_on_the_gpu_shows_the_sites_the_meshes_show() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (file, samples) = write_dense_file(dir.path());
    let (mesh, h) = render(&file, false);
    let (gpu, _) = render(&file, true);
    if let Ok(dir) = std::env::var("DENSE_GPU_IMAGES") {
        let _ = mesh.save(format!("{dir}/dense_mesh.png"));
        let _ = gpu.save(format!("{dir}/dense_gpu.png"));
    }
    let total = AREA.0.len() * AREA.1.len();
    let (mn, gn) = (coloured(&mesh), coloured(&gpu));
    // The grid covers much of the map, and the GPU covers about as much of it.
    assert!(mn > total / 5, "the meshes colour {mn} of {total} pixels");
    // (A little more: pixels of a smooth edge count where mostly covered.)
    assert!((0.9..1.2).contains(&(gn as f64 / mn as f64)), "the GPU colours {gn} pixels where the meshes colour {mn}");
    // Each site shows in the same place and colour: the pixel its drawing
    // covers is the same in both (but for a line's smoother edge).
    let (mut checked, mut wrong) = ([0usize; 4], [0usize; 4]);
    for &(kind, lon, lat) in &samples {
        let p = h.state().screen_of(lon, lat).expect("a map was drawn") * PPP;
        let (x, y) = (p.x.round() as u32, p.y.round() as u32);
        if !AREA.0.contains(&x) || !AREA.1.contains(&y) {
            continue;
        }
        checked[kind] += 1;
        wrong[kind] += (difference(&mesh, &gpu, x, y) > if kind == 2 { 90 } else { 24 }) as usize;
    }
    eprintln!("coloured: meshes {mn}, GPU {gn} of {total}; sites checked {checked:?}, differing {wrong:?}");
    for kind in 0..4 {
        assert!(checked[kind] > 1000, "{} sites of kind {kind} in the compared part", checked[kind]);
        assert!(wrong[kind] * 50 < checked[kind], "{} of {} sites of kind {kind} differ", wrong[kind], checked[kind]);
    }
}
