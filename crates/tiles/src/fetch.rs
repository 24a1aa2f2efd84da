//! One HTTP request for one tile, shared by the map's tile loader and the
//! prefetch worker: the body if it is an image of sensible size, or a fault
//! whose text never holds the URL (which may carry a key).

use std::io::Read;

use super::health::{TileFault, check_image};

/// The largest tile body accepted; anything bigger is not a map tile.
pub const MAX_TILE_BYTES: u64 = 4 << 20;

/// Fetches `url`; `redact` cleans any text that goes into a fault.
pub fn get_tile(
    client: &reqwest::blocking::Client,
    url: &str,
    redact: &dyn Fn(&str) -> String,
) -> Result<Vec<u8>, TileFault> {
    let classify = |e: reqwest::Error| {
        if e.is_timeout() {
            TileFault::Timeout
        } else if e.is_connect() {
            TileFault::Unreachable
        } else {
            TileFault::other(&redact(&e.without_url().to_string()))
        }
    };
    let response = client.get(url).send().map_err(classify)?;
    let status = response.status();
    if !status.is_success() {
        return Err(TileFault::Http(status.as_u16()));
    }
    if response.content_length().is_some_and(|n| n > MAX_TILE_BYTES) {
        return Err(TileFault::TooLarge);
    }
    let mut body = Vec::new();
    response.take(MAX_TILE_BYTES + 1).read_to_end(&mut body).map_err(|e| match e.kind() {
        std::io::ErrorKind::TimedOut => TileFault::Timeout,
        _ => TileFault::other(&redact(&e.to_string())),
    })?;
    if body.len() as u64 > MAX_TILE_BYTES {
        return Err(TileFault::TooLarge);
    }
    check_image(&body)?;
    Ok(body)
}
