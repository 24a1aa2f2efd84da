//! Custom XYZ URL templates: checking, expanding for tiles at every zoom,
//! the host, and key redaction.
#![no_main]
use binzhou_fuzz as _;
use binzhou_tiles::coord::TileCoord;
use binzhou_tiles::source::{SourceSpec, redact};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // A first line that starts with `s=` lists the subdomains.
    let (subdomains, template) = match text.split_once('\n') {
        Some((first, rest)) if first.starts_with("s=") => (first[2..].split(',').map(str::to_owned).collect(), rest),
        _ => (Vec::new(), text),
    };
    let spec = SourceSpec::CustomXyz { name: "fuzz".into(), template: template.into(), subdomains, gcj02: false };
    std::hint::black_box(redact(template));
    let Ok(layers) = spec.remote_layers(None) else { return };
    for layer in layers {
        for (z, x, y) in [(0u8, 0u32, 0u32), (5, 26, 12), (18, 215_000, 99_000), (22, 4_194_303, 7)] {
            let url = layer.tile_url(TileCoord { z, x, y });
            std::hint::black_box(layer.redact(&url));
        }
        std::hint::black_box(layer.host());
    }
});
