//! Finding a system font with Chinese glyphs and installing it into egui.
//!
//! egui's built-in fonts have no CJK glyphs. At start-up the app asks
//! fontconfig for a font covering simplified Chinese, then tries the usual
//! paths of Noto Sans CJK, WenQuanYi, Microsoft YaHei and PingFang. With none
//! found the app still runs (in English) and says how to install one.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily, FontId, TextStyle};

/// Why no CJK font could be installed.
#[derive(Debug, thiserror::Error)]
pub enum FontError {
    /// Neither fontconfig nor the known paths gave a font.
    #[error(
        "no Chinese (CJK) font found; install one, e.g. `sudo apt install fonts-wqy-microhei` \
         (or fonts-noto-cjk)"
    )]
    NotFound,
    /// A font file was found but could not be read.
    #[error("cannot read the font file {path}: {source}")]
    Unreadable {
        /// The font file.
        path: PathBuf,
        /// Why reading it failed.
        source: std::io::Error,
    },
}

/// Well-known locations of fonts with simplified Chinese glyphs, best first.
pub const KNOWN_CJK_FONTS: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
    "C:\\Windows\\Fonts\\msyh.ttc",
    "C:\\Windows\\Fonts\\msyh.ttf",
    "C:\\Windows\\Fonts\\simhei.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
];

/// The name the CJK font gets in egui's font definitions.
pub const CJK_FONT_NAME: &str = "system-cjk";

/// Finds a font file with simplified Chinese glyphs: fontconfig first (only
/// when it says the font covers zh-cn), then [`KNOWN_CJK_FONTS`].
pub fn find_cjk_font() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("BINZHOU_CJK_FONT").map(PathBuf::from)
        && p.is_file()
    {
        return Some(p);
    }
    fontconfig_cjk().or_else(|| KNOWN_CJK_FONTS.iter().map(Path::new).find(|p| p.is_file()).map(Path::to_path_buf))
}

/// Asks `fc-match` for a sans font for zh-cn and accepts it only when its
/// language list has Chinese (fontconfig answers with *some* font always).
fn fontconfig_cjk() -> Option<PathBuf> {
    let out = Command::new("fc-match").args(["-f", "%{file}\n%{lang}", "sans:lang=zh-cn"]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    let file = PathBuf::from(lines.next()?.trim());
    let langs = lines.next().unwrap_or("");
    let chinese = langs.split('|').any(|l| l == "zh-cn" || l == "zh");
    (chinese && file.is_file()).then_some(file)
}

/// egui's default fonts with the CJK font (face 0 of a collection) added as
/// a fallback to both families, and text sizes that suit Chinese glyphs.
pub fn definitions_with_cjk(font_bytes: Vec<u8>) -> FontDefinitions {
    let mut defs = FontDefinitions::default();
    defs.font_data.insert(CJK_FONT_NAME.to_owned(), Arc::new(FontData::from_owned(font_bytes)));
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        defs.families.entry(family).or_default().push(CJK_FONT_NAME.to_owned());
    }
    defs
}

/// Loads the CJK font at `path` into the context.
pub fn install_font_file(ctx: &egui::Context, path: &Path) -> Result<(), FontError> {
    let bytes = std::fs::read(path).map_err(|source| FontError::Unreadable { path: path.to_path_buf(), source })?;
    ctx.set_fonts(definitions_with_cjk(bytes));
    Ok(())
}

/// Finds and installs a CJK font. Returns the path used.
pub fn install_cjk(ctx: &egui::Context) -> Result<PathBuf, FontError> {
    let path = find_cjk_font().ok_or(FontError::NotFound)?;
    install_font_file(ctx, &path)?;
    Ok(path)
}

/// Text sizes a little larger than egui's defaults: Chinese glyphs need a
/// few more pixels than Latin ones to stay legible.
pub fn apply_text_sizes(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (TextStyle::Small, FontId::proportional(11.5)),
            (TextStyle::Body, FontId::proportional(14.0)),
            (TextStyle::Button, FontId::proportional(14.0)),
            (TextStyle::Heading, FontId::proportional(18.0)),
            (TextStyle::Monospace, FontId::monospace(13.0)),
        ]
        .into();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cjk_font_is_a_fallback_of_both_families() {
        let defs = definitions_with_cjk(Vec::new());
        for family in [FontFamily::Proportional, FontFamily::Monospace] {
            assert_eq!(defs.families[&family].last().map(String::as_str), Some(CJK_FONT_NAME));
        }
    }
}
