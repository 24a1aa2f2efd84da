//! `gen --features N --seed S --out FILE`: writes the core's synthetic
//! dataset atomically and reports its size.

use std::path::Path;

use anyhow::Context;
use binzhou_core::synthetic::{GenOptions, write_synthetic};

pub fn run(opts: &GenOptions, out: &Path) -> anyhow::Result<()> {
    binzhou_core::save::write_atomic(out, |w| write_synthetic(w, opts))
        .with_context(|| format!("writing {}", out.display()))?;
    let size = std::fs::metadata(out)?.len();
    eprintln!("{}: {} features, {:.1} MB", out.display(), opts.features, size as f64 / 1_048_576.0);
    Ok(())
}
