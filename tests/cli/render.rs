//! `render`: the map as presentation mode shows it, drawn with no window
//! into a PNG, with the sites where the index says they are.

use std::path::{Path, PathBuf};

use binzhou_core::load::{LoadOptions, load_paths};
use binzhou_core::mercator::{from_unit, to_unit};
use binzhou_core::model::{Dataset, StatusClass, YearView};
use binzhou_sites::app::map::project::{ScreenTransform, TILE_SIZE};
use binzhou_sites::app::map::style::status_colour;
use egui::{Pos2, Rect, pos2, vec2};
use geo::{Geometry, Intersects};

use crate::cli::bin;

/// A box over the main city's south: parks, villages, roads and greenways.
const BBOX: [f64; 4] = [117.95, 37.33, 118.1, 37.42];

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Runs `render` with `args` (English messages) and reads the PNG back.
fn render(args: &[&str]) -> (image::RgbaImage, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("map.png");
    let o = bin().arg("render").args(args).arg("--out").arg(&out).env("XDG_RUNTIME_DIR", dir.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "render failed: {stdout}{}", String::from_utf8_lossy(&o.stderr));
    (image::open(&out).unwrap().to_rgba8(), stdout)
}

fn bbox_arg() -> String {
    BBOX.map(|v| v.to_string()).join(",")
}

/// The map's transform for `BBOX` fitted whole in an image of `w` × `h`
/// pixels at `ppp` pixels per point (the web-Mercator fit the command
/// documents), in points.
fn transform(w: u32, h: u32, ppp: f32) -> ScreenTransform {
    let [west, south, east, north] = BBOX;
    let (a, b) = (to_unit(west, north), to_unit(east, south));
    let size = vec2(w as f32 / ppp, h as f32 / ppp);
    let scale = (size.x as f64 / (b[0] - a[0])).min(size.y as f64 / (b[1] - a[1]));
    let (lon, lat) = from_unit([(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0]);
    ScreenTransform::new(Rect::from_min_size(Pos2::ZERO, size), lon, lat, (scale / TILE_SIZE).log2())
}

fn rgb(p: &image::Rgba<u8>) -> [f64; 3] {
    [p[0] as f64, p[1] as f64, p[2] as f64]
}

/// The most common colour of the pixels at `points` (the basemap beside a site).
fn commonest(img: &image::RgbaImage, points: impl Iterator<Item = (i64, i64)>) -> Option<[f64; 3]> {
    let mut counts = std::collections::HashMap::<[u8; 3], usize>::new();
    for (x, y) in points {
        if x >= 0 && y >= 0 && (x as u32) < img.width() && (y as u32) < img.height() {
            let p = img.get_pixel(x as u32, y as u32);
            *counts.entry([p[0], p[1], p[2]]).or_default() += 1;
        }
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|(c, _)| c.map(f64::from))
}

/// Whether `px` is `colour` laid (perhaps half-transparent) over `base`:
/// the change from the basemap points the colour's way.
fn tinted_towards(px: [f64; 3], base: [f64; 3], colour: [f64; 3]) -> bool {
    let o: Vec<f64> = (0..3).map(|k| px[k] - base[k]).collect();
    let d: Vec<f64> = (0..3).map(|k| colour[k] - base[k]).collect();
    let dot: f64 = (0..3).map(|k| o[k] * d[k]).sum();
    let (no, nd) = (o.iter().map(|v| v * v).sum::<f64>().sqrt(), d.iter().map(|v| v * v).sum::<f64>().sqrt());
    no > 0.2 * nd && dot / (no * nd) > 0.85
}

fn inside(poly: &[Pos2], p: Pos2) -> bool {
    let mut c = false;
    for (k, a) in poly.iter().enumerate() {
        let b = poly[(k + 1) % poly.len()];
        if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
            c = !c;
        }
    }
    c
}

fn distance_to_edge(poly: &[Pos2], p: Pos2) -> f32 {
    let mut best = f32::INFINITY;
    for (k, &a) in poly.iter().enumerate() {
        let b = poly[(k + 1) % poly.len()];
        let ab = b - a;
        let t = ((p - a).dot(ab) / ab.length_sq().max(1e-6)).clamp(0.0, 1.0);
        best = best.min((a + ab * t).distance(p));
    }
    best
}

/// Sites clear of every other site, well inside the image (away from the
/// title, the legend and the scale bar) and big enough to sample: each
/// with its status at the latest state and its outline in pixels.
fn sampleable(ds: &Dataset, t: &ScreenTransform, ppp: f32, w: u32, h: u32) -> Vec<(String, StatusClass, Vec<Pos2>)> {
    let clear = Rect::from_min_max(pos2(0.15 * w as f32, 0.2 * h as f32), pos2(0.85 * w as f32, 0.8 * h as f32));
    let mut out = Vec::new();
    for (i, s) in ds.sites.iter().enumerate() {
        let Geometry::Polygon(poly) = &s.geometry else { continue };
        let ring: Vec<Pos2> = poly
            .exterior()
            .coords()
            .map(|c| {
                let p = t.to_screen(to_unit(c.x, c.y));
                pos2(p.x * ppp, p.y * ppp)
            })
            .collect();
        let r = Rect::from_points(&ring);
        let alone = ds.sites.iter().enumerate().all(|(j, o)| j == i || !o.bbox.intersects(&s.bbox));
        if alone && clear.contains_rect(r) && r.width() >= 30.0 && r.height() >= 30.0 {
            out.push((s.id().to_owned(), s.status(YearView::Latest).class(), ring));
        }
    }
    out
}

#[test]
fn render_writes_a_png_of_the_requested_size_with_each_site_in_its_status_colour_where_the_index_puts_it() {
    let (w, h) = (1920, 1080);
    let (img, stdout) = render(&["--data", data_dir().to_str().unwrap(), "--bbox", &bbox_arg(), "--size", "1920x1080"]);
    assert_eq!((img.width(), img.height()), (w, h));
    assert!(stdout.contains("wrote") && stdout.contains("1920×1080"), "says what it wrote: {stdout}");
    let colours: std::collections::HashSet<[u8; 4]> = img.pixels().map(|p| p.0).collect();
    assert!(colours.len() > 200, "not blank: {} colours", colours.len());

    let ds = load_paths(&[data_dir()], &LoadOptions::default());
    let ppp = h as f32 / 900.0;
    let t = transform(w, h, ppp);
    let sites = sampleable(&ds, &t, ppp, w, h);
    assert!(sites.len() >= 5, "enough sites to sample in the box: {}", sites.len());
    let mut checked = std::collections::BTreeMap::<String, usize>::new();
    for (id, class, ring) in &sites {
        let r = Rect::from_points(ring);
        // The basemap just around the site.
        let around = (0..64).map(|k| {
            let a = k as f32 / 64.0 * std::f32::consts::TAU;
            let radius = r.size().max_elem() / 2.0 + 10.0;
            let p = r.center() + vec2(a.cos(), a.sin()) * radius;
            (p.x as i64, p.y as i64)
        });
        let base = commonest(&img, around).unwrap();
        let c = status_colour(*class);
        let colour = [c.r() as f64, c.g() as f64, c.b() as f64];
        // Pixels well inside the outline (labels may cover some).
        let (mut n, mut hits) = (0, 0);
        let mut y = r.top();
        while y < r.bottom() {
            let mut x = r.left();
            while x < r.right() {
                let p = pos2(x, y);
                if inside(ring, p) && distance_to_edge(ring, p) > 5.0 {
                    n += 1;
                    hits += usize::from(tinted_towards(rgb(img.get_pixel(x as u32, y as u32)), base, colour));
                }
                x += 3.0;
            }
            y += 3.0;
        }
        assert!(n > 10, "{id}: too few pixels inside");
        assert!(
            hits * 10 >= n * 6,
            "{id} ({class:?}): {hits} of {n} pixels inside are its status colour {c:?} over {base:?}"
        );
        *checked.entry(format!("{class:?}")).or_default() += 1;
    }
    assert!(checked.len() >= 2, "sites of more than one status were checked: {checked:?}");
}

/// Dark pixels (type, the north arrow) in the title bar's corner of an image.
fn ink_in_title(img: &image::RgbaImage, ppp: f32) -> usize {
    let (w, h) = ((420.0 * ppp) as u32, (80.0 * ppp) as u32);
    (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .filter(|&(x, y)| rgb(img.get_pixel(x, y)).iter().all(|&c| c < 110.0))
        .count()
}

#[test]
fn a_4k_render_is_4k_with_its_type_drawn_at_that_resolution_not_enlarged() {
    let (big, _) = render(&["--bbox", &bbox_arg(), "--size", "3840x2160"]);
    assert_eq!((big.width(), big.height()), (3840, 2160));
    let (small, _) = render(&["--bbox", &bbox_arg(), "--size", "1920x1080"]);
    let (ink_big, ink_small) = (ink_in_title(&big, 2.4), ink_in_title(&small, 1.2));
    assert!(ink_small > 500, "the title's text is there: {ink_small} dark pixels");
    // Twice the pixels per point: about four times the pixels of type.
    let ratio = ink_big as f64 / ink_small as f64;
    assert!((2.5..6.0).contains(&ratio), "4K type has {ink_big} dark pixels, 1080p {ink_small}: ratio {ratio:.2}");
}

#[test]
fn render_fits_a_site_by_id_and_refuses_an_unknown_one() {
    let (img, stdout) = render(&["--site", "PP-MC-2020-01", "--size", "800x600", "--basemap", "none"]);
    assert_eq!((img.width(), img.height()), (800, 600));
    assert!(stdout.contains("zoom 17.00") || stdout.contains("zoom 1"), "{stdout}");
    let dir = tempfile::tempdir().unwrap();
    let o = bin()
        .args(["render", "--site", "NO-SUCH-SITE", "--size", "800x600", "--out"])
        .arg(dir.path().join("x.png"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no site with id NO-SUCH-SITE"), "{err}");
    assert!(!dir.path().join("x.png").exists(), "nothing written");
}
