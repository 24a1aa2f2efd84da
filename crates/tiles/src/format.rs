//! Raster tile formats, told apart by their magic numbers.
//!
//! A tile server that is misconfigured, over quota or behind a captive
//! portal often answers `200 OK` with an HTML or XML page. Checking the first
//! bytes catches that before the bytes reach a package or the decoder.

use serde::{Deserialize, Serialize};

/// A raster image format a basemap tile can come in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TileFormat {
    /// PNG (`\x89PNG\r\n\x1a\n`).
    Png,
    /// JPEG (`FF D8 FF`).
    Jpeg,
    /// WebP (`RIFF....WEBP`).
    Webp,
}

impl TileFormat {
    /// The format of `bytes`, judged by their magic number, or `None` when
    /// they are not a PNG, JPEG or WebP image.
    pub fn sniff(bytes: &[u8]) -> Option<TileFormat> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(TileFormat::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(TileFormat::Jpeg)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(TileFormat::Webp)
        } else {
            None
        }
    }

    /// The format named in an MBTiles `format` metadata value or a file
    /// extension (`png`, `jpg`, `jpeg`, `webp`; any case).
    pub fn from_name(name: &str) -> Option<TileFormat> {
        match name.trim().to_ascii_lowercase().as_str() {
            "png" => Some(TileFormat::Png),
            "jpg" | "jpeg" => Some(TileFormat::Jpeg),
            "webp" => Some(TileFormat::Webp),
            _ => None,
        }
    }

    /// The name MBTiles metadata uses (`png`, `jpg`, `webp`), also the usual
    /// file extension.
    pub fn name(self) -> &'static str {
        match self {
            TileFormat::Png => "png",
            TileFormat::Jpeg => "jpg",
            TileFormat::Webp => "webp",
        }
    }

    /// The MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            TileFormat::Png => "image/png",
            TileFormat::Jpeg => "image/jpeg",
            TileFormat::Webp => "image/webp",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_jpeg_and_webp_are_recognised_by_their_first_bytes() {
        assert_eq!(TileFormat::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(TileFormat::Png));
        assert_eq!(TileFormat::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some(TileFormat::Jpeg));
        assert_eq!(TileFormat::sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Some(TileFormat::Webp));
    }

    #[test]
    fn html_xml_empty_and_truncated_bytes_are_not_images() {
        assert_eq!(TileFormat::sniff(b"<html><body>quota exceeded"), None);
        assert_eq!(TileFormat::sniff(b"<?xml version=\"1.0\"?>"), None);
        assert_eq!(TileFormat::sniff(b""), None);
        assert_eq!(TileFormat::sniff(b"\x89PN"), None);
        assert_eq!(TileFormat::sniff(b"RIFF"), None);
    }

    #[test]
    fn format_names_parse_in_any_case() {
        assert_eq!(TileFormat::from_name("JPEG"), Some(TileFormat::Jpeg));
        assert_eq!(TileFormat::from_name(" png "), Some(TileFormat::Png));
        assert_eq!(TileFormat::from_name("pbf"), None);
        assert_eq!(TileFormat::Jpeg.name(), "jpg");
    }
}
