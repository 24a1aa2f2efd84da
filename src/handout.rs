//! PDF handouts for inspections (现场观摩): a tour as a PDF, a cover page then
//! one page per stop (its map image, the sites' facts and status by year,
//! the plan's target sentence and the stop's note), or an atlas of sites,
//! one page each, built by the same page builder.
//!
//! Pages are A4 landscape. Text is drawn with the system CJK font (face 0 of
//! a collection) through krilla, which embeds only the glyphs used and a
//! ToUnicode map, so the text can be searched and copied. Map images come
//! from the caller as RGBA pixels ([`MapImage`]) and are embedded at their
//! full resolution, scaled to fit the map box: a 3000-pixel image prints
//! sharper than any screenshot of the window. A stop with no image says so
//! on its page; nothing is drawn in its place.
//!
//! The file is written atomically ([`binzhou_core::save::write_atomic`]): a
//! reader sees the old handout or the new one, never half of one.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use binzhou_core::model::{Bilingual, Dataset, Site, StatusClass, YearView};
use binzhou_core::stats::{PlanTargets, Target};
use binzhou_core::tour::{Extent, Stop, StopTarget, Tour};
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

/// The plan's name, as the cover page gives it.
pub const PLAN_NAME_ZH: &str = "滨州市城市品质提升三年行动（2020—2022年）";
/// The plan's name in English.
pub const PLAN_NAME_EN: &str = "Binzhou City Quality Improvement Three-Year Action (2020–2022)";

/// A4 landscape, in points.
const PAGE_W: f32 = 841.89;
const PAGE_H: f32 = 595.28;
const MARGIN: f32 = 36.0;
/// The map box on a stop page (left), and the facts column (right).
const MAP_X: f32 = MARGIN;
const MAP_Y: f32 = 84.0;
const MAP_W: f32 = 480.0;
const MAP_H: f32 = 420.0;
const COL_X: f32 = MAP_X + MAP_W + 20.0;
const COL_W: f32 = PAGE_W - MARGIN - COL_X;
/// Where the facts column must stop (the note goes below the map).
const COL_BOTTOM: f32 = PAGE_H - MARGIN;
/// Sites listed on an extent stop at most (the rest are counted).
const MAX_EXTENT_SITES: usize = 8;

/// A rendered map picture: `width` × `height` pixels of straight-alpha RGBA,
/// row by row from the top (`rgba.len() == width * height * 4`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The pixels, RGBA, 4 bytes each.
    pub rgba: Vec<u8>,
}

/// What a written handout holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HandoutReport {
    /// Pages written (the cover counts for a tour).
    pub pages: usize,
    /// Pages with a map image.
    pub images: usize,
    /// The stops (from 0) that had no map image.
    pub without_image: Vec<usize>,
    /// Images refused because their pixels did not match their size, by stop.
    pub bad_images: Vec<usize>,
    /// Size of the file, in bytes.
    pub bytes: u64,
}

/// Why a handout could not be written.
#[derive(Debug, thiserror::Error)]
pub enum HandoutError {
    /// The font file could not be read.
    #[error("cannot read the font {path}: {source}")]
    FontRead {
        /// The font file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The font file is no font krilla can use (face 0).
    #[error("{path} is not a font that can be embedded (TrueType/OpenType, face 0 of a collection)")]
    FontUnusable {
        /// The font file.
        path: PathBuf,
    },
    /// There is nothing to put in the handout.
    #[error("nothing to put in the handout: no stops or sites")]
    Empty,
    /// krilla could not make the PDF.
    #[error("cannot make the PDF: {0}")]
    Pdf(String),
    /// The file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The PDF file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl Bilingual for HandoutError {
    fn zh(&self) -> String {
        match self {
            HandoutError::FontRead { path, source } => format!("无法读取字体 {}：{source}", path.display()),
            HandoutError::FontUnusable { path } => {
                format!("{} 不是可嵌入的字体（应为 TrueType/OpenType，字体集取第一个字体）", path.display())
            }
            HandoutError::Empty => "讲解材料没有内容：没有站点也没有地块".into(),
            HandoutError::Pdf(e) => format!("无法生成 PDF：{e}"),
            HandoutError::Write { path, source } => format!("无法写入 {}：{source}", path.display()),
        }
    }
}

/// One page's content, whichever variant builds it.
struct PageSpec<'a> {
    /// "3 / 12" or "#3".
    number: String,
    title: String,
    /// The sites whose facts are listed.
    sites: Vec<usize>,
    /// Sites of an extent not listed for want of room.
    more: usize,
    year: YearView,
    note: &'a str,
    /// A line under the title (the extent, the before/after years).
    subtitle: String,
}

/// Writes a tour as a PDF handout: a cover, then one page per stop. `images`
/// is asked for each stop's map picture (stop index from 0); `None` leaves
/// the page saying it has none.
pub fn write_handout(
    path: &Path,
    ds: &Dataset,
    targets: &PlanTargets,
    tour: &Tour,
    images: &mut dyn FnMut(usize, &Stop) -> Option<MapImage>,
    font: &Path,
    zh: bool,
) -> Result<HandoutReport, HandoutError> {
    if tour.stops.is_empty() {
        return Err(HandoutError::Empty);
    }
    let total = tour.stops.len();
    let specs: Vec<PageSpec> = tour
        .stops
        .iter()
        .enumerate()
        .map(|(k, stop)| {
            let (sites, more) = stop_sites(ds, stop);
            PageSpec {
                number: format!("{} / {total}", k + 1),
                title: stop.title.clone(),
                sites,
                more,
                year: stop.year,
                note: &stop.note,
                subtitle: stop_subtitle(stop, zh),
            }
        })
        .collect();
    let title = if tour.title.trim().is_empty() { default_title(zh, false) } else { tour.title.clone() };
    let cover = Cover { title, note: &tour.note, count: total, atlas: false };
    write_pdf(path, ds, targets, Some(cover), &specs, &mut |k| images(k, &tour.stops[k]), font, zh)
}

/// Writes an atlas: one page per site of `sites` (indices into `ds.sites`;
/// ones past the end are left out), after a cover. `images` is asked for
/// each page's picture with the page's index (from 0) and a stop at the site.
#[allow(clippy::too_many_arguments)] // write_handout's, and the year the pages show
pub fn write_atlas(
    path: &Path,
    ds: &Dataset,
    targets: &PlanTargets,
    sites: &[usize],
    year: YearView,
    images: &mut dyn FnMut(usize, &Stop) -> Option<MapImage>,
    font: &Path,
    zh: bool,
) -> Result<HandoutReport, HandoutError> {
    let stops: Vec<(usize, Stop)> =
        sites.iter().filter_map(|&i| Stop::for_site(ds, i, year, zh).map(|s| (i, s))).collect();
    if stops.is_empty() {
        return Err(HandoutError::Empty);
    }
    let total = stops.len();
    let specs: Vec<PageSpec> = stops
        .iter()
        .enumerate()
        .map(|(k, (i, stop))| PageSpec {
            number: format!("{} / {total}", k + 1),
            title: stop.title.clone(),
            sites: vec![*i],
            more: 0,
            year,
            note: "",
            subtitle: ds.sites[*i].id().to_string(),
        })
        .collect();
    let cover = Cover { title: default_title(zh, true), note: "", count: total, atlas: true };
    write_pdf(path, ds, targets, Some(cover), &specs, &mut |k| images(k, &stops[k].1), font, zh)
}

fn default_title(zh: bool, atlas: bool) -> String {
    match (zh, atlas) {
        (true, true) => "项目图册".into(),
        (true, false) => "现场观摩".into(),
        (false, true) => "Site atlas".into(),
        (false, false) => "Site inspection".into(),
    }
}

struct Cover<'a> {
    title: String,
    note: &'a str,
    count: usize,
    atlas: bool,
}

/// The sites a stop lists: its own (in its order), or those of its extent
/// (at most [`MAX_EXTENT_SITES`], with how many more there are).
fn stop_sites(ds: &Dataset, stop: &Stop) -> (Vec<usize>, usize) {
    match &stop.target {
        StopTarget::Sites(ids) => (ids.iter().filter_map(|id| ds.find_by_id(id)).collect(), 0),
        StopTarget::Extent(e) => {
            let inside: Vec<usize> = ds
                .sites
                .iter()
                .enumerate()
                .filter(|(_, s)| s.has_schedule() && intersects(e, &s.bbox))
                .map(|(i, _)| i)
                .collect();
            let more = inside.len().saturating_sub(MAX_EXTENT_SITES);
            (inside.into_iter().take(MAX_EXTENT_SITES).collect(), more)
        }
    }
}

fn intersects(e: &Extent, r: &geo::Rect<f64>) -> bool {
    r.min().x <= e.east && r.max().x >= e.west && r.min().y <= e.north && r.max().y >= e.south
}

fn stop_subtitle(stop: &Stop, zh: bool) -> String {
    let mut parts = vec![year_label(stop.year, zh)];
    if let Some((a, b)) = stop.before_after {
        parts.push(if zh { format!("前后对比：{a} → {b}") } else { format!("Before/after: {a} → {b}") });
    }
    if let StopTarget::Extent(e) = &stop.target {
        parts.push(if zh { format!("范围 {e}") } else { format!("Extent {e}") });
    }
    parts.join(" · ")
}

fn year_label(year: YearView, zh: bool) -> String {
    match (year, zh) {
        (YearView::EndOf(y), true) => format!("{y}年底"),
        (YearView::EndOf(y), false) => format!("End of {y}"),
        (YearView::Latest, true) => "最新状态".into(),
        (YearView::Latest, false) => "Latest state".into(),
    }
}

/// Today in Beijing time, as the cover gives it.
fn today(zh: bool) -> String {
    let now = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8));
    if zh {
        format!("{}年{}月{}日", now.year(), u8::from(now.month()), now.day())
    } else {
        format!("{}-{:02}-{:02}", now.year(), u8::from(now.month()), now.day())
    }
}

/// The colour of a status class (the map's palette).
fn status_rgb(class: StatusClass) -> rgb::Color {
    let c = crate::app::map::style::status_colour(class);
    rgb::Color::new(c.r(), c.g(), c.b())
}

const INK: (u8, u8, u8) = (30, 30, 30);
const GREY: (u8, u8, u8) = (110, 110, 110);
const RULE: (u8, u8, u8) = (200, 200, 200);
const ACCENT: (u8, u8, u8) = (0, 90, 160);
const MARK: (u8, u8, u8) = (200, 60, 0);

/// Draws text with one font, measuring it to wrap and fit.
struct Pen {
    font: Font,
}

impl Pen {
    /// An estimate of the width of `text` at `size`: CJK and full-width
    /// characters are one em, others about 0.55 em (WenQuanYi's and Noto's
    /// Latin glyphs are narrower), so wrapping errs towards shorter lines.
    fn width(text: &str, size: f32) -> f32 {
        text.chars().map(|c| if is_wide(c) { 1.0 } else { 0.58 }).sum::<f32>() * size
    }

    fn colour(s: &mut Surface, (r, g, b): (u8, u8, u8)) {
        s.set_fill(Some(Fill { paint: rgb::Color::new(r, g, b).into(), ..Default::default() }));
    }

    /// One line with its baseline at `y`.
    fn text(&self, s: &mut Surface, x: f32, y: f32, size: f32, colour: (u8, u8, u8), text: &str) {
        if text.is_empty() {
            return;
        }
        Pen::colour(s, colour);
        s.draw_text(Point::from_xy(x, y), self.font.clone(), size, text, false, TextDirection::Auto);
    }

    /// Text wrapped to `width` from the baseline `y`, at most `max_lines`
    /// lines (the last ends with … when cut); returns the baseline after.
    #[allow(clippy::too_many_arguments)]
    fn wrapped(
        &self,
        s: &mut Surface,
        x: f32,
        y: f32,
        width: f32,
        size: f32,
        colour: (u8, u8, u8),
        text: &str,
        max_lines: usize,
    ) -> f32 {
        let lines = wrap(text, width, size);
        let cut = lines.len() > max_lines;
        let mut y = y;
        for (k, line) in lines.iter().take(max_lines).enumerate() {
            if cut && k + 1 == max_lines {
                self.text(s, x, y, size, colour, &format!("{line}…"));
            } else {
                self.text(s, x, y, size, colour, line);
            }
            y += size * 1.45;
        }
        y
    }
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
        || c == '—'
        || c == '…'
}

/// Splits `text` into lines of at most `width` at `size`: at any character
/// between CJK characters, at spaces between words, and at newlines.
fn wrap(text: &str, width: f32, size: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut line_w = 0.0;
        // Tokens: a wide character alone, or a run of narrow ones up to a space.
        let mut tokens: Vec<String> = Vec::new();
        let mut word = String::new();
        for c in para.chars() {
            if is_wide(c) {
                if !word.is_empty() {
                    tokens.push(std::mem::take(&mut word));
                }
                tokens.push(c.to_string());
            } else if c == ' ' {
                word.push(c);
                tokens.push(std::mem::take(&mut word));
            } else {
                word.push(c);
            }
        }
        if !word.is_empty() {
            tokens.push(word);
        }
        for t in tokens {
            let w = Pen::width(&t, size);
            if line_w + w > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line).trim_end().to_string());
                line_w = 0.0;
            }
            line_w += w;
            line.push_str(&t);
        }
        lines.push(line.trim_end().to_string());
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

fn rect(s: &mut Surface, x: f32, y: f32, w: f32, h: f32, fill: Option<rgb::Color>, stroke: Option<(u8, u8, u8)>) {
    let Some(r) = Rect::from_xywh(x, y, w, h) else {
        return;
    };
    let mut pb = PathBuilder::new();
    pb.push_rect(r);
    let Some(path) = pb.finish() else {
        return;
    };
    s.set_fill(fill.map(|c| Fill { paint: c.into(), ..Default::default() }));
    s.set_stroke(stroke.map(|(r, g, b)| Stroke {
        paint: rgb::Color::new(r, g, b).into(),
        width: 0.75,
        ..Default::default()
    }));
    s.draw_path(&path);
    s.set_stroke(None);
}

fn hline(s: &mut Surface, x0: f32, x1: f32, y: f32) {
    rect(s, x0, y, x1 - x0, 0.6, Some(rgb::Color::new(RULE.0, RULE.1, RULE.2)), None);
}

/// Reads the font, builds every page and writes the file atomically.
#[allow(clippy::too_many_arguments)]
fn write_pdf(
    path: &Path,
    ds: &Dataset,
    targets: &PlanTargets,
    cover: Option<Cover>,
    pages: &[PageSpec],
    images: &mut dyn FnMut(usize) -> Option<MapImage>,
    font: &Path,
    zh: bool,
) -> Result<HandoutReport, HandoutError> {
    let bytes = std::fs::read(font).map_err(|source| HandoutError::FontRead { path: font.to_path_buf(), source })?;
    let font_obj =
        Font::new(Arc::new(bytes).into(), 0).ok_or(HandoutError::FontUnusable { path: font.to_path_buf() })?;
    let pen = Pen { font: font_obj };
    let illustrative = ds.sites.iter().any(|s| s.source() == Some("illustrative"));
    let mut report = HandoutReport::default();
    let mut doc = Document::new();
    let page_settings = || PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| HandoutError::Pdf("page size".into()));

    if let Some(cover) = cover {
        let mut page = doc.start_page_with(page_settings()?);
        let mut s = page.surface();
        draw_cover(&mut s, &pen, targets, &cover, illustrative, zh);
        s.finish();
        page.finish();
        report.pages += 1;
    }
    for (k, spec) in pages.iter().enumerate() {
        let image = match images(k) {
            Some(img)
                if img.width > 0
                    && img.height > 0
                    && img.rgba.len() == img.width as usize * img.height as usize * 4 =>
            {
                Some(img)
            }
            Some(_) => {
                report.bad_images.push(k);
                None
            }
            None => None,
        };
        if image.is_some() {
            report.images += 1;
        } else {
            report.without_image.push(k);
        }
        let mut page = doc.start_page_with(page_settings()?);
        let mut s = page.surface();
        draw_stop(&mut s, &pen, ds, targets, spec, image, illustrative, zh);
        s.finish();
        page.finish();
        report.pages += 1;
    }
    let pdf = doc.finish().map_err(|e| HandoutError::Pdf(format!("{e:?}")))?;
    binzhou_core::save::write_atomic(path, |w| w.write_all(&pdf))
        .map_err(|source| HandoutError::Write { path: path.to_path_buf(), source })?;
    report.bytes = pdf.len() as u64;
    Ok(report)
}

fn draw_cover(s: &mut Surface, pen: &Pen, targets: &PlanTargets, cover: &Cover, illustrative: bool, zh: bool) {
    rect(s, 0.0, 0.0, PAGE_W, 10.0, Some(rgb::Color::new(ACCENT.0, ACCENT.1, ACCENT.2)), None);
    let x = MARGIN + 30.0;
    let w = PAGE_W - 2.0 * x;
    let mut y = 190.0;
    y = pen.wrapped(s, x, y, w, 34.0, INK, &cover.title, 2);
    y += 8.0;
    if !cover.note.trim().is_empty() {
        y = pen.wrapped(s, x, y, w, 15.0, GREY, cover.note, 3) + 6.0;
    }
    hline(s, x, PAGE_W - x, y);
    y += 34.0;
    pen.text(s, x, y, 20.0, ACCENT, if zh { PLAN_NAME_ZH } else { PLAN_NAME_EN });
    if zh {
        y += 22.0;
    } else {
        // The Chinese name too: it is the plan's own title.
        y += 24.0;
        pen.text(s, x, y, 14.0, GREY, PLAN_NAME_ZH);
        y += 20.0;
    }
    if !targets.plan.trim().is_empty() {
        y = pen.wrapped(s, x, y, w, 11.0, GREY, &targets.plan, 2);
    }
    y += 30.0;
    let count = match (zh, cover.atlas) {
        (true, false) => format!("共 {} 站", cover.count),
        (true, true) => format!("共 {} 个项目", cover.count),
        (false, false) => format!("{} stops", cover.count),
        (false, true) => format!("{} sites", cover.count),
    };
    let date = if zh { format!("日期：{}", today(true)) } else { format!("Date: {}", today(false)) };
    pen.text(s, x, y, 14.0, INK, &format!("{count}    {date}"));
    if illustrative {
        y += 40.0;
        let mark = if zh {
            "示意数据：地块位置与进度为示意，非官方数据".to_string()
        } else {
            "示意数据 Illustrative data: site positions and progress are not official".to_string()
        };
        pen.text(s, x, y, 16.0, MARK, &mark);
    }
    let foot = if zh { "由 binzhou-sites 生成" } else { "Made with binzhou-sites" };
    pen.text(s, x, PAGE_H - MARGIN, 9.0, GREY, foot);
}

#[allow(clippy::too_many_arguments)]
fn draw_stop(
    s: &mut Surface,
    pen: &Pen,
    ds: &Dataset,
    targets: &PlanTargets,
    spec: &PageSpec,
    image: Option<MapImage>,
    illustrative: bool,
    zh: bool,
) {
    // Title bar: number, title, subtitle; the illustrative mark at the right.
    rect(s, 0.0, 0.0, PAGE_W, 6.0, Some(rgb::Color::new(ACCENT.0, ACCENT.1, ACCENT.2)), None);
    pen.text(s, MARGIN, MARGIN + 12.0, 12.0, ACCENT, &spec.number);
    let title_x = MARGIN + Pen::width(&spec.number, 12.0) + 14.0;
    let title_w = PAGE_W - MARGIN - title_x - if illustrative { 70.0 } else { 0.0 };
    pen.wrapped(s, title_x, MARGIN + 14.0, title_w, 20.0, INK, &spec.title, 1);
    pen.text(s, title_x, MARGIN + 34.0, 10.5, GREY, &spec.subtitle);
    if illustrative {
        pen.text(s, PAGE_W - MARGIN - 48.0, MARGIN + 12.0, 12.0, MARK, "示意数据");
    }
    hline(s, MARGIN, PAGE_W - MARGIN, MAP_Y - 10.0);

    // The map, scaled to fit its box at full resolution, centred.
    match image {
        Some(img) => {
            let (iw, ih) = (img.width as f32, img.height as f32);
            let scale = (MAP_W / iw).min(MAP_H / ih);
            let (w, h) = (iw * scale, ih * scale);
            let (x, y) = (MAP_X + (MAP_W - w) / 2.0, MAP_Y + (MAP_H - h) / 2.0);
            let pic = Image::from_rgba8(img.rgba, img.width, img.height);
            if let Some(size) = Size::from_wh(w, h) {
                s.push_transform(&Transform::from_translate(x, y));
                s.draw_image(pic, size);
                s.pop();
            }
            rect(s, x, y, w, h, None, Some(RULE));
        }
        None => {
            rect(s, MAP_X, MAP_Y, MAP_W, MAP_H, Some(rgb::Color::new(245, 245, 245)), Some(RULE));
            let msg = if zh { "（本站没有地图图片）" } else { "(no map image for this stop)" };
            let w = Pen::width(msg, 13.0);
            pen.text(s, MAP_X + (MAP_W - w) / 2.0, MAP_Y + MAP_H / 2.0, 13.0, GREY, msg);
        }
    }

    // The note under the map.
    if !spec.note.trim().is_empty() {
        pen.wrapped(s, MAP_X, MAP_Y + MAP_H + 20.0, MAP_W, 12.0, INK, spec.note, 3);
    }

    // The facts column.
    let mut y = MAP_Y + 6.0;
    if spec.sites.is_empty() {
        let msg = if zh { "本站没有数据中的地块。" } else { "No site of the data at this stop." };
        pen.text(s, COL_X, y + 8.0, 11.0, GREY, msg);
    }
    let mut listed = 0;
    for &i in &spec.sites {
        let site = &ds.sites[i];
        let need = if spec.sites.len() > 1 { 150.0 } else { 60.0 };
        if y + need > COL_BOTTOM {
            break;
        }
        y = draw_site(s, pen, targets, site, spec.year, y, spec.sites.len() == 1, zh);
        listed += 1;
        y += 10.0;
    }
    let unlisted = spec.sites.len() - listed + spec.more;
    if unlisted > 0 && y + 14.0 <= COL_BOTTOM {
        let msg = if zh {
            format!("另有 {unlisted} 个地块未列出")
        } else {
            format!("{unlisted} more sites not listed")
        };
        pen.text(s, COL_X, y + 4.0, 10.0, GREY, &msg);
    }
}

/// One site's facts from `y` (the top), in the column; returns the y below.
#[allow(clippy::too_many_arguments)]
fn draw_site(
    s: &mut Surface,
    pen: &Pen,
    targets: &PlanTargets,
    site: &Site,
    year: YearView,
    y: f32,
    roomy: bool,
    zh: bool,
) -> f32 {
    let mut y = pen.wrapped(s, COL_X, y + 13.0, COL_W, 13.5, INK, site.name(), 2) - 4.0;
    let dash = "—";
    let layer = if zh { site.layer().name_zh() } else { site.layer().name_en() };
    let plan_year = site.plan_year.map(|y| y.to_string()).unwrap_or_else(|| dash.into());
    let rows: [(&str, &str, String); 5] = [
        ("编号", "ID", site.id().to_string()),
        ("图层", "Layer", layer),
        ("区县", "District", site.district().unwrap_or(dash).to_string()),
        ("牵头单位", "Lead unit", site.lead_unit().unwrap_or(dash).to_string()),
        ("计划年份", "Plan year", plan_year),
    ];
    let label_w = if zh { 58.0 } else { 62.0 };
    let size = if roomy { 10.5 } else { 9.5 };
    let step = size * 1.5;
    for (lz, le, v) in rows {
        y += step;
        pen.text(s, COL_X, y, size, GREY, if zh { lz } else { le });
        pen.wrapped(s, COL_X + label_w, y, COL_W - label_w, size, INK, &v, 1);
    }
    // Status at the end of each plan year: a swatch and the class's name.
    if site.has_schedule() {
        y += step + 4.0;
        pen.text(s, COL_X, y, size, GREY, if zh { "年底状态" } else { "Year end" });
        let cell = (COL_W - label_w) / 3.0;
        for (k, yr) in (2020..=2022).enumerate() {
            let x = COL_X + label_w + cell * k as f32;
            let class = site.status(YearView::EndOf(yr)).class();
            let highlight = year == YearView::EndOf(yr);
            pen.text(s, x, y, size, if highlight { ACCENT } else { GREY }, &yr.to_string());
            rect(s, x, y + 4.0, 9.0, 9.0, Some(status_rgb(class)), None);
            let name = if zh { class.name_zh() } else { class.name_en() };
            pen.text(s, x + 12.0, y + 12.0, size - 1.0, INK, name);
        }
        y += 14.0;
    }
    // The plan's target sentence for the site's layer, scope and period.
    if let Some(t) = target_for(targets, site) {
        y += step + 2.0;
        let sentence = if zh || t.sentence_en.trim().is_empty() { &t.sentence } else { &t.sentence_en };
        let label =
            if zh { format!("规划目标（任务 {}）", t.task) } else { format!("Plan target (task {})", t.task) };
        pen.text(s, COL_X, y, size - 0.5, GREY, &label);
        y = pen.wrapped(s, COL_X, y + step, COL_W, size, INK, sentence, if roomy { 6 } else { 3 }) - step + 4.0;
    }
    hline(s, COL_X, COL_X + COL_W, y + 6.0);
    y + 6.0
}

/// The target the site counts towards: same plan layer, scope, a period with
/// its plan year, and the same kind where the target names one.
fn target_for<'a>(targets: &'a PlanTargets, site: &Site) -> Option<&'a Target> {
    let layer = site.layer().plan()?;
    let year = site.plan_year?;
    let candidates = || {
        targets
            .targets
            .iter()
            .filter(move |t| t.layer == layer && site.scope.is_none_or(|s| s == t.scope) && t.period.contains(year))
    };
    candidates()
        .find(|t| t.kind.as_deref().is_some_and(|k| site.kind() == Some(k)) && site.scope.is_some())
        .or_else(|| candidates().find(|t| t.kind.is_none() && site.scope.is_some()))
        .or_else(|| candidates().next())
}

impl fmt::Display for MapImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}×{} map image", self.width, self.height)
    }
}

/// The map picture of a stop: its sites (or extent) with a margin, drawn
/// off-screen by the app's own renderer at 1600 × 1400 pixels over the
/// built-in basemap (no network). A stop that cannot be drawn says so on
/// its page, without a picture.
pub fn stop_map_image(
    data: &std::sync::Arc<crate::app::data::MapData>,
    font: &std::path::Path,
    s: &binzhou_core::tour::Stop,
) -> Option<MapImage> {
    use crate::app::render::{Basemap, DataSource, Extent, RenderOptions, render_map};
    let b = s.bounds(&data.dataset)?;
    let (w, h) = (b.width().max(0.004), b.height().max(0.004));
    let c = b.center();
    let bbox = [c.x - w * 0.65, c.y - h * 0.65, c.x + w * 0.65, c.y + h * 0.65];
    let mut opts = RenderOptions::new(DataSource::Loaded(data.clone()), 1600, 1400);
    opts.extent = Extent::Bbox(bbox);
    opts.year = Some(s.year);
    opts.basemap = Basemap::Vector;
    opts.font = Some(font.to_path_buf());
    match render_map(&opts) {
        Ok(r) => Some(MapImage { width: r.image.width(), height: r.image.height(), rgba: r.image.into_raw() }),
        Err(e) => {
            tracing::warn!("the map of stop {}: {e}", s.title);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_chinese_anywhere_and_english_at_spaces() {
        let lines = wrap("滨州市城市品质提升三年行动", 5.0 * 10.0, 10.0);
        assert_eq!(lines, vec!["滨州市城市", "品质提升三", "年行动"]);
        let lines = wrap("the quick brown fox", 60.0, 10.0);
        assert!(lines.iter().all(|l| Pen::width(l, 10.0) <= 60.0 || !l.contains(' ')), "{lines:?}");
        assert_eq!(lines.join(" "), "the quick brown fox");
    }
}

#[cfg(test)]
mod pdf_tests {
    use super::*;
    use binzhou_core::tour::BuildOptions;

    /// The system CJK font; `None` (skip) off CI when there is none.
    fn font() -> Option<PathBuf> {
        let f = crate::app::fonts::find_cjk_font();
        if f.is_none() {
            assert!(std::env::var_os("CI").is_none(), "a CJK font (fonts-wqy-microhei) is needed on CI");
            eprintln!("skipped: no CJK font");
        }
        f
    }

    fn bundled() -> Dataset {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        binzhou_formats::load_paths(&[data], &Default::default()).0
    }

    /// Sites with a schedule, spread over the layers.
    fn some_sites(ds: &Dataset, n: usize) -> Vec<usize> {
        let mut seen = std::collections::HashSet::new();
        let mut out: Vec<usize> = (0..ds.sites.len())
            .filter(|&i| ds.sites[i].has_schedule() && seen.insert(ds.sites[i].layer().key()))
            .collect();
        out.truncate(n);
        out
    }

    /// Pages of a PDF: its `/Type /Page` objects (not the `/Pages` tree).
    fn page_count(pdf: &[u8]) -> usize {
        count(pdf, "/Type /Page") - count(pdf, "/Type /Pages")
    }

    /// How often `needle` occurs, with or without the space between names
    /// (`/Subtype /Image` or `/Subtype/Image`).
    fn count(hay: &[u8], needle: &str) -> usize {
        let tight = needle.replace(" /", "/");
        let n = |p: &[u8]| hay.windows(p.len()).filter(|w| *w == p).count();
        if tight == needle { n(needle.as_bytes()) } else { n(needle.as_bytes()) + n(tight.as_bytes()) }
    }

    /// The text of a PDF by poppler's pdftotext; `None` (skip) off CI when missing.
    fn pdftotext(path: &Path) -> Option<String> {
        match std::process::Command::new("pdftotext").args(["-enc", "UTF-8"]).arg(path).arg("-").output() {
            Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
            Ok(out) => panic!("pdftotext failed: {}", String::from_utf8_lossy(&out.stderr)),
            Err(e) => {
                assert!(std::env::var_os("CI").is_none(), "pdftotext (poppler-utils) is needed on CI: {e}");
                eprintln!("skipped the text check: no pdftotext ({e})");
                None
            }
        }
    }

    fn tour_of(ds: &Dataset, sites: &[usize]) -> Tour {
        let opts = BuildOptions { title: "2021年现场观摩".into(), zh: true, ..Default::default() };
        Tour::from_sites(ds, sites, &opts)
    }

    #[test]
    fn a_three_stop_tour_of_the_bundled_data_has_a_cover_and_three_pages_with_the_sites_names_as_text() {
        let Some(font) = font() else { return };
        let ds = bundled();
        let sites = some_sites(&ds, 3);
        assert_eq!(sites.len(), 3);
        let tour = tour_of(&ds, &sites);
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("handout.pdf");
        let report = write_handout(&out, &ds, &PlanTargets::bundled(), &tour, &mut |_, _| None, &font, true).unwrap();
        assert_eq!(report.pages, 4);
        if let Some(keep) = std::env::var_os("HANDOUT_KEEP") {
            std::fs::copy(&out, keep).unwrap();
        }
        assert_eq!(report.without_image, vec![0, 1, 2]);
        let pdf = std::fs::read(&out).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(page_count(&pdf), 4);
        assert_eq!(report.bytes, pdf.len() as u64);
        // Only the handout is left in the folder: the temporary file was renamed.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let Some(text) = pdftotext(&out) else { return };
        let flat: String = text.split_whitespace().collect();
        for &i in &sites {
            let name: String = ds.sites[i].name().split_whitespace().collect();
            assert!(flat.contains(&name), "{name} not in the text:\n{text}");
        }
        assert!(flat.contains("滨州市城市品质提升三年行动（2020—2022年）"), "{text}");
        assert!(flat.contains("示意数据"), "{text}");
        assert!(flat.contains("本站没有地图图片"), "{text}");
    }

    #[test]
    fn a_page_given_a_map_image_embeds_it_at_its_full_size() {
        let Some(font) = font() else { return };
        let ds = bundled();
        let tour = tour_of(&ds, &some_sites(&ds, 2));
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("with-map.pdf");
        let (w, h) = (1234u32, 567u32);
        let mut asked = Vec::new();
        let mut images = |k: usize, stop: &Stop| {
            asked.push((k, stop.title.clone()));
            (k == 1).then(|| MapImage { width: w, height: h, rgba: vec![200; (w * h * 4) as usize] })
        };
        let report = write_handout(&out, &ds, &PlanTargets::bundled(), &tour, &mut images, &font, false).unwrap();
        assert_eq!(asked.iter().map(|a| a.0).collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(asked[1].1, tour.stops[1].title);
        assert_eq!((report.images, report.without_image.clone()), (1, vec![0]));
        let pdf = std::fs::read(&out).unwrap();
        assert_eq!(count(&pdf, "/Subtype /Image"), 2, "the picture and its alpha mask");
        assert!(count(&pdf, &format!("/Width {w}")) >= 1);
        assert!(count(&pdf, &format!("/Height {h}")) >= 1);
    }

    #[test]
    fn an_image_whose_pixels_do_not_match_its_size_is_left_out_and_reported() {
        let Some(font) = font() else { return };
        let ds = bundled();
        let tour = tour_of(&ds, &some_sites(&ds, 1));
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("bad.pdf");
        let mut images = |_: usize, _: &Stop| Some(MapImage { width: 10, height: 10, rgba: vec![0; 12] });
        let report = write_handout(&out, &ds, &PlanTargets::bundled(), &tour, &mut images, &font, true).unwrap();
        assert_eq!((report.images, report.bad_images), (0, vec![0]));
        assert_eq!(count(&std::fs::read(&out).unwrap(), "/Subtype /Image"), 0);
    }

    #[test]
    fn an_atlas_of_two_sites_has_a_cover_and_two_pages() {
        let Some(font) = font() else { return };
        let ds = bundled();
        let sites = some_sites(&ds, 2);
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("atlas.pdf");
        let report = write_atlas(
            &out,
            &ds,
            &PlanTargets::bundled(),
            &sites,
            YearView::EndOf(2021),
            &mut |_, _| None,
            &font,
            true,
        )
        .unwrap();
        assert_eq!(report.pages, 3);
        assert_eq!(page_count(&std::fs::read(&out).unwrap()), 3);
        let Some(text) = pdftotext(&out) else { return };
        let flat: String = text.split_whitespace().collect();
        assert!(flat.contains("项目图册"), "{text}");
        for &i in &sites {
            assert!(flat.contains(ds.sites[i].id()), "{text}");
        }
    }

    #[test]
    fn nothing_to_print_and_an_unreadable_font_are_errors_in_both_languages() {
        let ds = bundled();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("x.pdf");
        let e = write_handout(&out, &ds, &PlanTargets::bundled(), &Tour::new("t"), &mut |_, _| None, &out, true)
            .unwrap_err();
        assert!(matches!(e, HandoutError::Empty));
        assert!(e.zh().contains("没有"));
        let tour = tour_of(&ds, &some_sites(&ds, 1));
        let missing = dir.path().join("no-font.ttc");
        let e =
            write_handout(&out, &ds, &PlanTargets::bundled(), &tour, &mut |_, _| None, &missing, false).unwrap_err();
        assert!(e.to_string().contains("no-font.ttc") && e.zh().contains("无法读取字体"), "{e}");
        assert!(!out.exists());
    }
}
