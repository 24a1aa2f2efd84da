//! CPU time to build one frame's site shapes: the bundled data over the main
//! city (target ≤ 2 ms) and 100k generated points, lines and polygons all in
//! view (target ≤ 8 ms). Culling through the index is measured separately.
//!
//! Run with `cargo bench --bench frame`; `-- --test` runs each once.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::path::PathBuf;

use binzhou_core::load::{LoadOptions, load_paths};
use binzhou_core::model::{Dataset, YearView};
use binzhou_sites::app::data::MapData;
use binzhou_sites::app::map::project::ScreenTransform;
use binzhou_sites::app::map::sites_plugin::{DrawStyle, LayerLook, build_site_shapes};
use binzhou_sites::app::map::style::{Symbol, layer_colour};
use binzhou_sites::app::state::ColourBy;
use criterion::{Criterion, criterion_group, criterion_main};
use egui::{Rect, pos2, vec2};

const SITES: usize = 100_000;
/// The main city's extent, as the app opens on it.
const WEST: f64 = 117.93;
const EAST: f64 = 118.07;
const SOUTH: f64 = 37.34;
const NORTH: f64 = 37.465;

#[path = "../crates/core/benches/common/synthetic.rs"]
mod synthetic;

fn synthetic() -> Dataset {
    Dataset { sites: synthetic::sites(SITES, 0x2020_2022_0B12, [WEST, SOUTH, EAST, NORTH]), ..Default::default() }
}

fn main_city_view() -> ScreenTransform {
    // A 1200 × 800 map over the main city, as the app opens on a laptop screen.
    ScreenTransform::new(
        Rect::from_min_size(pos2(300.0, 60.0), vec2(1200.0, 800.0)),
        (WEST + EAST) / 2.0,
        (SOUTH + NORTH) / 2.0,
        13.0,
    )
}

fn bench_data(c: &mut Criterion, name: &str, data: &MapData) {
    let t = main_city_view();
    let looks = data.looks(YearView::EndOf(2021));
    let layers: Vec<LayerLook> = data
        .layers
        .iter()
        .map(|l| LayerLook {
            checkable: true,
            visible: true,
            opacity: 1.0,
            colour: layer_colour(&l.key),
            symbol: Symbol::of(&l.key),
        })
        .collect();
    let style = DrawStyle {
        looks: &looks,
        layers: &layers,
        colour_by: ColourBy::Status,
        selected: Some(0),
        hovered: Some(1),
        show_changes: true,
        labels: true,
        checks: &[],
        gpu: false,
    };
    let visible = data.index.in_rect(t.visible_lon_lat(16.0));
    println!("{name}: {} of {} sites in view", visible.len(), data.dataset.sites.len());
    c.bench_function(&format!("{name}: build shapes"), |b| {
        b.iter(|| black_box(build_site_shapes(&data.dataset.sites, &data.geoms, &visible, &t, &style)))
    });
    // With a GPU that keeps the geometry, a frame only decides how each site shows.
    let on_gpu = DrawStyle { gpu: true, ..style };
    c.bench_function(&format!("{name}: decide for the GPU"), |b| {
        b.iter(|| black_box(build_site_shapes(&data.dataset.sites, &data.geoms, &visible, &t, &on_gpu)))
    });
    c.bench_function(&format!("{name}: cull through the index"), |b| {
        b.iter(|| black_box(data.index.in_rect(t.visible_lon_lat(16.0))))
    });
}

fn frame(c: &mut Criterion) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    let bundled = MapData::build(load_paths(&[root], &LoadOptions::default()));
    assert!(!bundled.dataset.sites.is_empty(), "the bundled data is missing: run `cargo run --bin make-data`");
    bench_data(c, "bundled data", &bundled);
    let big = MapData::build(synthetic());
    bench_data(c, "100k synthetic sites", &big);
}

criterion_group!(benches, frame);
criterion_main!(benches);
