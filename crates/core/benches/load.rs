//! Load + validate throughput on a generated dataset held in memory.
//! (For the 1M-feature / 850 MB figure, use `binzhou-sites bench FILE`,
//! which also reports peak memory; see the README.)
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use binzhou_core::index::SiteIndex;
use binzhou_core::load::{LoadOptions, load_bytes};
use binzhou_core::synthetic::{GenOptions, write_synthetic};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn load(c: &mut Criterion) {
    let mut bytes = Vec::new();
    write_synthetic(&mut bytes, &GenOptions { features: 20_000, seed: 7, ..Default::default() }).unwrap();
    let mut g = c.benchmark_group("load");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.sample_size(10);
    g.bench_function("load_validate_20k_features", |b| {
        b.iter(|| black_box(load_bytes("bench.geojson", &bytes, &LoadOptions::default())))
    });
    let ds = load_bytes("bench.geojson", &bytes, &LoadOptions::default());
    g.bench_function("index_20k_sites", |b| b.iter(|| black_box(SiteIndex::build(&ds.sites))));
    g.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
