//! A small software rasteriser for egui's output: the tessellated
//! [`ClippedPrimitive`] meshes drawn into an RGBA buffer on the CPU, as a
//! GPU backend would draw them.
//!
//! - Triangles are filled at pixel centres with exact fixed-point edge
//!   functions and a consistent tie rule, so two triangles sharing an edge
//!   (egui's feathered strokes are made of them) cover each pixel once.
//! - Colour is the vertex colour (interpolated) times the texture's
//!   (bilinear or nearest, as the texture's options say), both
//!   premultiplied sRGBA, blended with premultiplied alpha
//!   (`dst = src + dst·(1 − src.a)`) in gamma space, as egui expects.
//! - Each primitive is clipped to its clip rect (rounded to pixels, as
//!   egui's own backends set the scissor).
//! - Textures follow [`TexturesDelta`]s: whole images and partial updates
//!   (the font atlas grows by them) are applied before painting, frees after.

use std::collections::HashMap;

use egui::epaint::{ClippedPrimitive, Primitive, TextureId, Vertex};
use egui::{Color32, TextureFilter, TextureOptions, TextureWrapMode, TexturesDelta};

/// Sub-pixel precision of vertex positions: 1/256 of a pixel.
const SUBPIXEL_BITS: u32 = 8;
const ONE: i64 = 1 << SUBPIXEL_BITS;

/// An RGBA image being painted, premultiplied, row by row from the top.
#[derive(Clone, Debug, PartialEq)]
pub struct Canvas {
    width: u32,
    height: u32,
    /// Premultiplied sRGBA.
    pixels: Vec<[u8; 4]>,
}

impl Canvas {
    /// A canvas of `width` × `height` pixels filled with `fill`.
    pub fn new(width: u32, height: u32, fill: Color32) -> Canvas {
        Canvas { width, height, pixels: vec![fill.to_array(); width as usize * height as usize] }
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The pixel at (x, y), premultiplied; `None` outside.
    pub fn pixel(&self, x: u32, y: u32) -> Option<Color32> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let [r, g, b, a] = self.pixels[(y * self.width + x) as usize];
        Some(Color32::from_rgba_premultiplied(r, g, b, a))
    }

    /// The picture with straight (not premultiplied) alpha, as PNG wants it.
    pub fn to_rgba_image(&self) -> image::RgbaImage {
        let mut raw = Vec::with_capacity(self.pixels.len() * 4);
        for &[r, g, b, a] in &self.pixels {
            let c = Color32::from_rgba_premultiplied(r, g, b, a).to_srgba_unmultiplied();
            raw.extend_from_slice(&c);
        }
        // The buffer has exactly width × height × 4 bytes.
        image::RgbaImage::from_raw(self.width, self.height, raw)
            .unwrap_or_else(|| image::RgbaImage::new(self.width, self.height))
    }

    fn blend(&mut self, index: usize, src: [f32; 4]) {
        let dst = &mut self.pixels[index];
        let keep = 1.0 - src[3].clamp(0.0, 1.0);
        for k in 0..4 {
            let v = src[k] * 255.0 + dst[k] as f32 * keep;
            dst[k] = v.round().clamp(0.0, 255.0) as u8;
        }
    }
}

/// A texture as uploaded: premultiplied pixels and how to sample them.
#[derive(Clone, Debug)]
struct Texture {
    size: [usize; 2],
    pixels: Vec<Color32>,
    options: TextureOptions,
}

impl Texture {
    fn texel(&self, x: i64, y: i64) -> [f32; 4] {
        let [w, h] = [self.size[0] as i64, self.size[1] as i64];
        let (x, y) = (wrap(x, w, self.options.wrap_mode), wrap(y, h, self.options.wrap_mode));
        let c = self.pixels[(y * w + x) as usize];
        [c.r() as f32 / 255.0, c.g() as f32 / 255.0, c.b() as f32 / 255.0, c.a() as f32 / 255.0]
    }

    /// The colour at normalised (u, v), filtered by `filter`.
    fn sample(&self, u: f32, v: f32, filter: TextureFilter) -> [f32; 4] {
        if self.size[0] == 0 || self.size[1] == 0 {
            return [1.0; 4];
        }
        let x = u * self.size[0] as f32 - 0.5;
        let y = v * self.size[1] as f32 - 0.5;
        match filter {
            TextureFilter::Nearest => self.texel(x.round() as i64, y.round() as i64),
            TextureFilter::Linear => {
                let (x0, y0) = (x.floor(), y.floor());
                let (fx, fy) = (x - x0, y - y0);
                let (x0, y0) = (x0 as i64, y0 as i64);
                let (a, b) = (self.texel(x0, y0), self.texel(x0 + 1, y0));
                let (c, d) = (self.texel(x0, y0 + 1), self.texel(x0 + 1, y0 + 1));
                let mut out = [0.0; 4];
                for k in 0..4 {
                    let top = a[k] + (b[k] - a[k]) * fx;
                    let bottom = c[k] + (d[k] - c[k]) * fx;
                    out[k] = top + (bottom - top) * fy;
                }
                out
            }
        }
    }
}

fn wrap(i: i64, n: i64, mode: TextureWrapMode) -> i64 {
    match mode {
        TextureWrapMode::ClampToEdge => i.clamp(0, n - 1),
        TextureWrapMode::Repeat => i.rem_euclid(n),
        TextureWrapMode::MirroredRepeat => {
            let period = 2 * n;
            let m = i.rem_euclid(period);
            if m < n { m } else { period - 1 - m }
        }
    }
}

/// The textures egui has handed over so far (font atlas, images, tiles).
#[derive(Debug, Default)]
pub struct Textures {
    map: HashMap<TextureId, Texture>,
}

impl Textures {
    /// Applies (and takes) a frame's new and changed textures: call before painting it.
    pub fn set(&mut self, delta: &mut TexturesDelta) {
        for (id, deltas) in delta.set.drain() {
            let id = &id;
            for d in &deltas {
                let egui::ImageData::Color(image) = &d.image;
                match d.pos {
                    None => {
                        self.map.insert(
                            *id,
                            Texture { size: image.size, pixels: image.pixels.clone(), options: d.options },
                        );
                    }
                    Some([x0, y0]) => {
                        let Some(t) = self.map.get_mut(id) else {
                            tracing::warn!("a partial update of texture {id:?}, which was never set");
                            continue;
                        };
                        t.options = d.options;
                        let [w, h] = image.size;
                        for y in 0..h {
                            for x in 0..w {
                                let (tx, ty) = (x0 + x, y0 + y);
                                if tx < t.size[0] && ty < t.size[1] {
                                    t.pixels[ty * t.size[0] + tx] = image.pixels[y * w + x];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Frees (and takes) the textures a frame is done with: call after painting it.
    pub fn free(&mut self, delta: &mut TexturesDelta) {
        for id in delta.free.drain() {
            self.map.remove(&id);
        }
    }

    /// How many textures are held.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether none are.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Paints tessellated primitives, in order, into `canvas`; positions are in
/// points, `pixels_per_point` pixels each. Paint callbacks (none of the
/// app's drawing uses them) are skipped.
pub fn paint(canvas: &mut Canvas, textures: &Textures, primitives: &[ClippedPrimitive], pixels_per_point: f32) {
    for p in primitives {
        let Primitive::Mesh(mesh) = &p.primitive else { continue };
        let clip = clip_pixels(p.clip_rect, pixels_per_point, canvas.width, canvas.height);
        if clip[0] >= clip[2] || clip[1] >= clip[3] {
            continue;
        }
        let texture = textures.map.get(&mesh.texture_id);
        if texture.is_none() {
            tracing::debug!("a mesh with texture {:?}, which is not set: drawn untextured", mesh.texture_id);
        }
        for tri in mesh.indices.chunks_exact(3) {
            let v = |k: usize| mesh.vertices.get(tri[k] as usize);
            if let (Some(a), Some(b), Some(c)) = (v(0), v(1), v(2)) {
                triangle(canvas, texture, [a, b, c], pixels_per_point, clip);
            }
        }
    }
}

/// The clip rect in whole pixels [x0, y0, x1, y1) within the canvas.
fn clip_pixels(r: egui::Rect, ppp: f32, width: u32, height: u32) -> [i64; 4] {
    let px = |v: f32, max: u32| ((v * ppp).round() as i64).clamp(0, max as i64);
    [px(r.min.x, width), px(r.min.y, height), px(r.max.x, width), px(r.max.y, height)]
}

/// Twice the signed area of (a, b, p), in fixed point.
fn edge(a: [i64; 2], b: [i64; 2], p: [i64; 2]) -> i64 {
    (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])
}

/// Whether a pixel centre exactly on edge a→b belongs to this triangle:
/// of the two triangles sharing an edge (which run it in opposite
/// directions once both are turned the same way) exactly one takes it.
fn owns_edge(a: [i64; 2], b: [i64; 2]) -> bool {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    dy < 0 || (dy == 0 && dx > 0)
}

fn rgba(c: Color32) -> [f32; 4] {
    [c.r() as f32 / 255.0, c.g() as f32 / 255.0, c.b() as f32 / 255.0, c.a() as f32 / 255.0]
}

fn triangle(canvas: &mut Canvas, texture: Option<&Texture>, v: [&Vertex; 3], ppp: f32, clip: [i64; 4]) {
    let fixed = |vx: &Vertex| {
        let (x, y) = (vx.pos.x * ppp, vx.pos.y * ppp);
        [(x as f64 * ONE as f64).round() as i64, (y as f64 * ONE as f64).round() as i64]
    };
    let mut v = v;
    let mut p = [fixed(v[0]), fixed(v[1]), fixed(v[2])];
    if !p.iter().flatten().all(|c| c.abs() < (1 << 40)) {
        return;
    }
    let mut area = edge(p[0], p[1], p[2]);
    if area == 0 {
        return;
    }
    if area < 0 {
        p.swap(1, 2);
        v.swap(1, 2);
        area = -area;
    }
    // Pixel bounds, clipped.
    let min_x = p.iter().map(|q| q[0]).min().unwrap_or(0);
    let max_x = p.iter().map(|q| q[0]).max().unwrap_or(0);
    let min_y = p.iter().map(|q| q[1]).min().unwrap_or(0);
    let max_y = p.iter().map(|q| q[1]).max().unwrap_or(0);
    // Pixel x's centre is x·ONE + ONE/2.
    let x0 = ((min_x - ONE / 2) >> SUBPIXEL_BITS).max(clip[0]);
    let x1 = (((max_x - ONE / 2) >> SUBPIXEL_BITS) + 1).min(clip[2] - 1);
    let y0 = ((min_y - ONE / 2) >> SUBPIXEL_BITS).max(clip[1]);
    let y1 = (((max_y - ONE / 2) >> SUBPIXEL_BITS) + 1).min(clip[3] - 1);
    if x0 > x1 || y0 > y1 {
        return;
    }
    let edges = [(p[1], p[2]), (p[2], p[0]), (p[0], p[1])];
    let owns = edges.map(|(a, b)| owns_edge(a, b));
    let cols = v.map(|vx| rgba(vx.color));
    let same_colour = v[0].color == v[1].color && v[1].color == v[2].color;
    let same_uv = v[0].uv == v[1].uv && v[1].uv == v[2].uv;
    let filter = |t: &Texture| t.options.magnification;
    // Untextured fills (egui's white texel) need one sample per triangle.
    let flat = if same_uv {
        let tex = texture.map(|t| t.sample(v[0].uv.x, v[0].uv.y, filter(t))).unwrap_or([1.0; 4]);
        same_colour.then(|| std::array::from_fn::<f32, 4, _>(|k| cols[0][k] * tex[k]))
    } else {
        None
    };
    let inv_area = 1.0 / area as f64;
    let width = canvas.width as usize;
    for y in y0..=y1 {
        let py = y * ONE + ONE / 2;
        let start = [x0 * ONE + ONE / 2, py];
        let mut w = edges.map(|(a, b)| edge(a, b, start));
        // Stepping one pixel right changes edge(a, b, p) by −(b.y − a.y)·ONE.
        let step = edges.map(|(a, b)| -(b[1] - a[1]) * ONE);
        for x in x0..=x1 {
            let inside = (0..3).all(|k| w[k] > 0 || (w[k] == 0 && owns[k]));
            if inside {
                let src = match flat {
                    Some(c) => c,
                    None => {
                        let l = [w[0] as f64 * inv_area, w[1] as f64 * inv_area, w[2] as f64 * inv_area];
                        let colour: [f32; 4] = if same_colour {
                            cols[0]
                        } else {
                            std::array::from_fn(|k| {
                                (cols[0][k] as f64 * l[0] + cols[1][k] as f64 * l[1] + cols[2][k] as f64 * l[2]) as f32
                            })
                        };
                        let tex = match texture {
                            Some(t) => {
                                let u = (v[0].uv.x as f64 * l[0] + v[1].uv.x as f64 * l[1] + v[2].uv.x as f64 * l[2])
                                    as f32;
                                let vv = (v[0].uv.y as f64 * l[0] + v[1].uv.y as f64 * l[1] + v[2].uv.y as f64 * l[2])
                                    as f32;
                                t.sample(u, vv, filter(t))
                            }
                            None => [1.0; 4],
                        };
                        std::array::from_fn(|k| colour[k] * tex[k])
                    }
                };
                if src[3] > 0.0 || src[..3].iter().any(|&c| c > 0.0) {
                    canvas.blend(y as usize * width + x as usize, src);
                }
            }
            for k in 0..3 {
                w[k] += step[k];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::epaint::{ImageDelta, Mesh};
    use egui::{ColorImage, Rect, pos2};

    fn vertex(x: f32, y: f32, u: f32, v: f32, color: Color32) -> Vertex {
        Vertex { pos: pos2(x, y), uv: pos2(u, v), color }
    }

    fn everywhere() -> Rect {
        Rect::from_min_max(pos2(-1e6, -1e6), pos2(1e6, 1e6))
    }

    fn draw(canvas: &mut Canvas, textures: &Textures, mesh: Mesh, clip: Rect, ppp: f32) {
        paint(canvas, textures, &[ClippedPrimitive { clip_rect: clip, primitive: Primitive::Mesh(mesh) }], ppp);
    }

    /// A texture 1×1 white, as egui's atlas has at its white UV.
    fn white_texture(id: TextureId) -> Textures {
        let mut t = Textures::default();
        let mut delta = TexturesDelta::default();
        let image = ColorImage::new([1, 1], vec![Color32::WHITE]);
        delta.set.insert(id, vec![ImageDelta::full(image, TextureOptions::LINEAR)].into());
        t.set(&mut delta);
        t
    }

    #[test]
    fn a_coloured_triangle_fills_its_inside_and_nothing_else() {
        let mut c = Canvas::new(20, 20, Color32::BLACK);
        let id = TextureId::Managed(0);
        let t = white_texture(id);
        let red = Color32::from_rgb(255, 0, 0);
        let mut mesh = Mesh::with_texture(id);
        mesh.vertices =
            vec![vertex(0.0, 0.0, 0.0, 0.0, red), vertex(20.0, 0.0, 0.0, 0.0, red), vertex(0.0, 20.0, 0.0, 0.0, red)];
        mesh.indices = vec![0, 1, 2];
        draw(&mut c, &t, mesh, everywhere(), 1.0);
        assert_eq!(c.pixel(2, 2), Some(red), "inside");
        assert_eq!(c.pixel(17, 17), Some(Color32::BLACK), "beyond the hypotenuse");
        assert_eq!(c.pixel(9, 9), Some(red), "just inside the hypotenuse");
        assert_eq!(c.pixel(10, 10), Some(Color32::BLACK), "just outside it");
    }

    #[test]
    fn two_triangles_sharing_an_edge_cover_each_pixel_once() {
        // Half-transparent white over black: a pixel drawn twice would be lighter.
        let mut c = Canvas::new(16, 16, Color32::BLACK);
        let id = TextureId::Managed(0);
        let t = white_texture(id);
        let half = Color32::from_white_alpha(128);
        let mut mesh = Mesh::with_texture(id);
        mesh.vertices = vec![
            vertex(0.0, 0.0, 0.0, 0.0, half),
            vertex(16.0, 0.0, 0.0, 0.0, half),
            vertex(16.0, 16.0, 0.0, 0.0, half),
            vertex(0.0, 16.0, 0.0, 0.0, half),
        ];
        mesh.indices = vec![0, 1, 2, 0, 2, 3];
        draw(&mut c, &t, mesh, everywhere(), 1.0);
        let first = c.pixel(0, 0);
        for y in 0..16 {
            for x in 0..16 {
                assert_eq!(c.pixel(x, y), first, "pixel {x},{y}");
            }
        }
        assert_eq!(first.map(|p| p.r()), Some(128));
    }

    #[test]
    fn a_textured_quad_shows_its_texture_tinted_by_the_vertex_colour() {
        // A 2×2 texture: red, green / blue, white, drawn nearest onto 4×4 pixels.
        let id = TextureId::User(7);
        let mut textures = Textures::default();
        let mut delta = TexturesDelta::default();
        let (r, g, b, w) = (Color32::RED, Color32::GREEN, Color32::BLUE, Color32::WHITE);
        let image = ColorImage::new([2, 2], vec![r, g, b, w]);
        delta.set.insert(id, vec![ImageDelta::full(image, TextureOptions::NEAREST)].into());
        textures.set(&mut delta);
        let mut c = Canvas::new(8, 8, Color32::BLACK);
        let tint = Color32::from_rgb(255, 255, 128);
        let mut mesh = Mesh::with_texture(id);
        mesh.add_rect_with_uv(
            Rect::from_min_max(pos2(1.0, 1.0), pos2(3.0, 3.0)),
            Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
            tint,
        );
        // At 2 pixels per point the quad covers pixels 2..6.
        draw(&mut c, &textures, mesh, everywhere(), 2.0);
        assert_eq!(c.pixel(2, 2), Some(r));
        assert_eq!(c.pixel(5, 2), Some(g));
        assert_eq!(c.pixel(2, 5), Some(Color32::from_rgb(0, 0, 128)), "blue × the tint's half blue");
        assert_eq!(c.pixel(5, 5), Some(tint));
        assert_eq!(c.pixel(1, 1), Some(Color32::BLACK));
        assert_eq!(c.pixel(6, 6), Some(Color32::BLACK));
        // A partial update turns the top-left texel yellow.
        let mut delta = TexturesDelta::default();
        let patch = ColorImage::new([1, 1], vec![Color32::YELLOW]);
        delta.set.insert(id, vec![ImageDelta::partial([0, 0], patch, TextureOptions::NEAREST)].into());
        textures.set(&mut delta);
        let mut mesh = Mesh::with_texture(id);
        mesh.add_rect_with_uv(
            Rect::from_min_max(pos2(1.0, 1.0), pos2(3.0, 3.0)),
            Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
            Color32::WHITE,
        );
        draw(&mut c, &textures, mesh, everywhere(), 2.0);
        assert_eq!(c.pixel(2, 2), Some(Color32::YELLOW));
    }

    #[test]
    fn a_clip_rect_cuts_a_mesh_and_blending_is_premultiplied() {
        let mut c = Canvas::new(10, 10, Color32::from_rgb(0, 0, 200));
        let id = TextureId::Managed(0);
        let t = white_texture(id);
        // 50 % red, premultiplied.
        let red = Color32::from_rgba_premultiplied(128, 0, 0, 128);
        let mut mesh = Mesh::with_texture(id);
        mesh.add_colored_rect(Rect::from_min_max(pos2(0.0, 0.0), pos2(10.0, 10.0)), red);
        draw(&mut c, &t, mesh, Rect::from_min_max(pos2(0.0, 0.0), pos2(5.0, 10.0)), 1.0);
        assert_eq!(c.pixel(2, 5), Some(Color32::from_rgba_premultiplied(128, 0, 100, 255)));
        assert_eq!(c.pixel(7, 5), Some(Color32::from_rgb(0, 0, 200)), "outside the clip rect");
        let image = c.to_rgba_image();
        assert_eq!(image.get_pixel(2, 5).0, [128, 0, 100, 255]);
    }
}
