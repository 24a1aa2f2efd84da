//! Dense views of sites drawn from geometry kept on the GPU.
//!
//! With tens of thousands of sites in view, building egui meshes every frame
//! costs more than the frame has: the CPU projects and tessellates every
//! vertex, epaint copies the meshes, wgpu stages them again. Here the
//! geometry of a dataset is uploaded once ([`DenseScene`], built off the UI
//! thread with the rest of [`super::super::data::MapData`]) as `f32` unit
//! Web-Mercator coordinates relative to the origin of their chunk; a frame
//! writes only one `u32` per site (drawn or not, as a marker or whole, its
//! change halo and its palette entry), a small palette and the view's
//! transform, and the vertex shader projects. Which sites are drawn and how
//! is still decided on the CPU by [`super::sites_plugin::build_site_shapes`],
//! so both paths agree on clusters, markers and hidden layers.
//!
//! The path needs storage buffers in vertex shaders. Where the renderer has
//! none (a GL backend, the software rasteriser of `render`), nothing is
//! installed and the map keeps drawing meshes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytemuck::{Pod, Zeroable};
use eframe::egui_wgpu;
use egui::Color32;
use egui_wgpu::wgpu;
use wgpu::util::DeviceExt;

use binzhou_core::mercator::Unit;
use binzhou_core::model::Change;

use super::project::{GeomCache, ScreenTransform};

/// The most points in one chunk: each buffer stays far below the 128 MiB a
/// storage binding may hold by default.
pub const CHUNK_POINTS: usize = 1 << 22;
/// The most sites in one chunk. Chunks are made of sites near each other,
/// so a frame skips those out of view or with nothing to draw (the GPU
/// would otherwise run its vertex shader over every site of the dataset).
pub const CHUNK_SITES: usize = 4096;

/// A site not drawn by this path (hidden, in a cluster, or drawn by the CPU).
pub const MODE_HIDDEN: u32 = 0;
/// A site drawn as a small square marker at its anchor.
pub const MODE_DOT: u32 = 1;
/// A site drawn whole: fills, lines, outlines and points.
pub const MODE_FULL: u32 = 2;
/// With [`MODE_FULL`]: its lines and outlines are dashed.
pub const DASHED: u32 = 1 << 4;
/// Instance numbers from here draw a pass's halos (see the shader).
const HALO_BASE: u32 = 1 << 30;
/// The top bit of a segment's end marks an outline; of its start, the start
/// of an open line; of a dot's site, a point of the geometry.
const TOP: u32 = 1 << 31;
/// The next bit of a segment's end marks the end of an open line.
const LAST: u32 = 1 << 30;
/// The index bits of a segment's start or end.
const INDEX: u32 = LAST - 1;
// A chunk's indices leave the flag bits free.
const _: () = assert!(CHUNK_POINTS as u32 <= INDEX);

/// One site's look this frame, as the shader reads it.
pub fn pack(mode: u32, change: Option<Change>, entry: usize) -> u32 {
    let c = match change {
        None => 0,
        Some(Change::NewlyDone) => 1,
        Some(Change::NewlyOverdue) => 2,
    };
    mode | (c << 2) | ((entry.min(0xffff) as u32) << 16)
}

/// A square marker: a small site's anchor, or a point of a geometry.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Pod, Zeroable)]
pub struct Dot {
    pub pos: [f32; 2],
    /// The site; the top bit set for a point of the geometry.
    pub site: u32,
    pad: u32,
}

/// A line or outline segment.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Pod, Zeroable)]
pub struct Seg {
    /// Its start (top bit: the start of an open line).
    pub a: u32,
    /// Its end (top bit: an outline; next bit: the end of an open line).
    pub b: u32,
    /// How far along its line or ring it starts (unit), for dashes.
    pub along: f32,
}

/// A part of the dataset's geometry small enough for one set of buffers.
#[derive(Debug, Default)]
pub struct Chunk {
    /// Unit coordinates the points are relative to.
    pub origin: Unit,
    /// The box of its sites (unit: min x, min y, max x, max y).
    pub bbox: [f64; 4],
    /// Its sites, in drawing order.
    pub sites: Vec<u32>,
    pub pts: Vec<[f32; 2]>,
    /// The site of each point.
    pub pt_site: Vec<u32>,
    /// Fill triangles, as indices into `pts`.
    pub fill: Vec<u32>,
    /// Line and outline segments.
    pub segs: Vec<Seg>,
    pub dots: Vec<Dot>,
}

/// Splits every site's drawing data into chunks of sites near each other
/// (the sites' anchors split at the median of the longer side until a part
/// is small enough), each in drawing order (large polygons first). A pass
/// is painted chunk by chunk, so sites of different chunks that overlap may
/// swap places; within a chunk, and between passes (fills under lines under
/// markers), the order is the mesh path's.
pub fn build_chunks(geoms: &GeomCache) -> Vec<Chunk> {
    let mut items: Vec<(Unit, u32)> = (0..geoms.by_rank.len() as u32)
        .filter(|&r| !geoms.by_rank[r as usize].coords.is_empty())
        .map(|r| (geoms.by_rank[r as usize].anchor, r))
        .collect();
    let mut chunks = Vec::new();
    split(geoms, &mut items, &mut chunks);
    chunks
}

fn split(geoms: &GeomCache, items: &mut [(Unit, u32)], out: &mut Vec<Chunk>) {
    if items.is_empty() {
        return;
    }
    let points: usize = items.iter().map(|&(_, r)| geoms.by_rank[r as usize].coords.len()).sum();
    if items.len() == 1 || (items.len() <= CHUNK_SITES && points <= CHUNK_POINTS) {
        let mut ranks: Vec<u32> = items.iter().map(|&(_, r)| r).collect();
        ranks.sort_unstable();
        out.push(chunk_of(geoms, &ranks));
        return;
    }
    let extent = |k: usize| {
        let (lo, hi) =
            items.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (a, _)| (lo.min(a[k]), hi.max(a[k])));
        hi - lo
    };
    let axis = if extent(0) >= extent(1) { 0 } else { 1 };
    let mid = items.len() / 2;
    items.select_nth_unstable_by(mid, |a, b| a.0[axis].total_cmp(&b.0[axis]));
    let (left, right) = items.split_at_mut(mid);
    split(geoms, left, out);
    split(geoms, right, out);
}

/// One chunk of the sites at `ranks` (in drawing order, each with geometry).
fn chunk_of(geoms: &GeomCache, ranks: &[u32]) -> Chunk {
    let mut c =
        Chunk { bbox: [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY], ..Default::default() };
    for &rank in ranks {
        let g = &geoms.by_rank[rank as usize];
        if c.pts.is_empty() {
            c.origin = g.coords[0];
        }
        for k in 0..2 {
            c.bbox[k] = c.bbox[k].min(g.bbox[k]);
            c.bbox[k + 2] = c.bbox[k + 2].max(g.bbox[k + 2]);
        }
        let o = c.origin;
        let rel = |p: Unit| [(p[0] - o[0]) as f32, (p[1] - o[1]) as f32];
        let site = geoms.order[rank as usize];
        c.sites.push(site);
        let first = c.pts.len() as u32;
        c.pts.extend(g.coords.iter().map(|&p| rel(p)));
        c.pt_site.extend(std::iter::repeat_n(site, g.coords.len()));
        let length = |i: u32, j: u32| {
            let (p, q) = (g.coords[i as usize], g.coords[j as usize]);
            (q[0] - p[0]).hypot(q[1] - p[1])
        };
        let run = |segs: &mut Vec<Seg>, r: &std::ops::Range<u32>, closed: bool| {
            let outline = if closed { TOP } else { 0 };
            let last = r.end.saturating_sub(1);
            let mut along = 0.0;
            for k in r.start..last {
                // An open line's own ends are not carried past its vertices.
                let start = if !closed && k == r.start { TOP } else { 0 };
                let end = if !closed && k + 1 == last { LAST } else { 0 };
                segs.push(Seg { a: (first + k) | start, b: (first + k + 1) | outline | end, along: along as f32 });
                along += length(k, k + 1);
            }
            if closed && r.len() > 2 {
                segs.push(Seg { a: first + last, b: (first + r.start) | outline, along: along as f32 });
            }
        };
        for p in &g.polygons {
            c.fill.extend(p.triangles.iter().map(|&k| first + k));
            for r in &p.rings {
                run(&mut c.segs, r, true);
            }
        }
        for r in &g.lines {
            run(&mut c.segs, r, false);
        }
        if g.points.is_empty() {
            c.dots.push(Dot { pos: rel(g.anchor), site, pad: 0 });
        }
        for &p in &g.points {
            c.dots.push(Dot { pos: rel(g.coords[p as usize]), site: site | TOP, pad: 0 });
        }
    }
    c
}

static NEXT_SCENE: AtomicU64 = AtomicU64::new(1);

/// A dataset's geometry for the GPU, handed over (and dropped here) at its first upload.
#[derive(Debug)]
pub struct DenseScene {
    id: u64,
    sites: usize,
    chunks: Mutex<Option<Vec<Chunk>>>,
}

impl Default for DenseScene {
    fn default() -> Self {
        DenseScene { id: 0, sites: 0, chunks: Mutex::new(None) }
    }
}

impl DenseScene {
    /// The drawing data of every site.
    pub fn build(geoms: &GeomCache) -> Self {
        DenseScene {
            id: NEXT_SCENE.fetch_add(1, Ordering::Relaxed),
            sites: geoms.len(),
            chunks: Mutex::new(Some(build_chunks(geoms))),
        }
    }

    fn take_chunks(&self) -> Option<Vec<Chunk>> {
        self.chunks.lock().ok()?.take()
    }
}

/// Colours as the shader takes them: egui's premultiplied gamma values.
pub fn rgba(c: Color32) -> [f32; 4] {
    c.to_array().map(|v| v as f32 / 255.0)
}

/// What one frame draws through this path.
#[derive(Debug, Default)]
pub struct GpuFrame {
    /// Per site, [`pack`]ed.
    pub states: Vec<u32>,
    /// Four entries per palette index: main, outline, fill, and widths
    /// (line, outline, point radius, unused).
    pub palette: Vec<[f32; 4]>,
    pub halo_done: [f32; 4],
    pub halo_overdue: [f32; 4],
    /// Radius of a small site's round marker, of its halo, and a halo line's extra width.
    pub marker: [f32; 3],
    /// Whether change halos are shown (their passes are skipped otherwise).
    pub halos: bool,
}

/// The paint callback of one frame.
pub struct SitesCallback {
    pub scene: Arc<DenseScene>,
    pub frame: GpuFrame,
    pub transform: ScreenTransform,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
struct ViewUniform {
    lin: [f32; 4],
    base: [f32; 2],
    size: [f32; 2],
    halo_done: [f32; 4],
    halo_overdue: [f32; 4],
    marker: [f32; 4],
}

struct GpuChunk {
    origin: Unit,
    bbox: [f64; 4],
    sites: Vec<u32>,
    /// This frame: whether it is in view with sites drawn whole, and with markers.
    whole: bool,
    markers: bool,
    uniform: wgpu::Buffer,
    pts: wgpu::Buffer,
    pt_site: wgpu::Buffer,
    fill: wgpu::Buffer,
    segs: wgpu::Buffer,
    dots: wgpu::Buffer,
    n_fill: u32,
    n_segs: u32,
    n_dots: u32,
    bind: wgpu::BindGroup,
}

struct Resident {
    scene: u64,
    state: wgpu::Buffer,
    palette: wgpu::Buffer,
    chunks: Vec<GpuChunk>,
}

/// The pipelines and the resident scene, kept in egui_wgpu's callback resources.
pub struct GpuSites {
    fill: wgpu::RenderPipeline,
    seg: wgpu::RenderPipeline,
    dot: wgpu::RenderPipeline,
    layout: wgpu::BindGroupLayout,
    resident: Option<Resident>,
}

/// Whether a device can run the shader (storage buffers read by vertex shaders).
pub fn supported(adapter: &wgpu::Adapter, device: &wgpu::Device) -> bool {
    adapter.get_downlevel_capabilities().flags.contains(wgpu::DownlevelFlags::VERTEX_STORAGE)
        && device.limits().max_storage_buffers_per_shader_stage >= 6
}

/// Sets up the path for a renderer; false where it cannot run (the map then draws meshes).
pub fn install(rs: &egui_wgpu::RenderState) -> bool {
    if !supported(&rs.adapter, &rs.device) {
        tracing::info!("dense views draw meshes: the GPU cannot read storage buffers in vertex shaders");
        return false;
    }
    let sites = GpuSites::new(&rs.device, rs.target_format, 1);
    rs.renderer.write().callback_resources.insert(sites);
    true
}

/// A buffer of at least 16 bytes (no binding may be empty).
fn buffer_init(device: &wgpu::Device, label: &str, bytes: &[u8], usage: wgpu::BufferUsages) -> wgpu::Buffer {
    let mut owned;
    let contents = if bytes.len() < 16 {
        owned = bytes.to_vec();
        owned.resize(16, 0);
        &owned[..]
    } else {
        bytes
    };
    device.create_buffer_init(&wgpu::util::BufferInitDescriptor { label: Some(label), contents, usage })
}

const STORAGE: wgpu::BufferUsages = wgpu::BufferUsages::STORAGE;

impl GpuSites {
    /// Pipelines drawing into `format` with `samples` samples a pixel (as egui's pass).
    pub fn new(device: &wgpu::Device, format: wgpu::TextureFormat, samples: u32) -> Self {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("binzhou_sites_dense"),
            source: wgpu::ShaderSource::Wgsl(include_str!("gpu_sites.wgsl").into()),
        });
        let entry = |binding: u32, ty: wgpu::BufferBindingType| wgpu::BindGroupLayoutEntry {
            binding,
            visibility: wgpu::ShaderStages::VERTEX,
            ty: wgpu::BindingType::Buffer { ty, has_dynamic_offset: false, min_binding_size: None },
            count: None,
        };
        let storage = wgpu::BufferBindingType::Storage { read_only: true };
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("binzhou_sites_dense"),
            entries: &[
                entry(0, wgpu::BufferBindingType::Uniform),
                entry(1, storage),
                entry(2, storage),
                entry(3, storage),
                entry(4, storage),
                entry(5, storage),
                entry(6, storage),
            ],
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("binzhou_sites_dense"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let blend = wgpu::BlendState {
            color: wgpu::BlendComponent {
                src_factor: wgpu::BlendFactor::One,
                dst_factor: wgpu::BlendFactor::OneMinusSrcAlpha,
                operation: wgpu::BlendOperation::Add,
            },
            alpha: wgpu::BlendComponent {
                src_factor: wgpu::BlendFactor::OneMinusDstAlpha,
                dst_factor: wgpu::BlendFactor::One,
                operation: wgpu::BlendOperation::Add,
            },
        };
        let fs = if format.is_srgb() { "fs_linear" } else { "fs_gamma" };
        let pipeline = |vs: &str| {
            device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
                label: Some(vs),
                layout: Some(&pipeline_layout),
                vertex: wgpu::VertexState {
                    module: &module,
                    entry_point: Some(vs),
                    compilation_options: Default::default(),
                    buffers: &[],
                },
                primitive: wgpu::PrimitiveState {
                    topology: wgpu::PrimitiveTopology::TriangleList,
                    cull_mode: None,
                    ..Default::default()
                },
                depth_stencil: None,
                multisample: wgpu::MultisampleState { count: samples.max(1), ..Default::default() },
                fragment: Some(wgpu::FragmentState {
                    module: &module,
                    entry_point: Some(fs),
                    compilation_options: Default::default(),
                    targets: &[Some(wgpu::ColorTargetState {
                        format,
                        blend: Some(blend),
                        write_mask: wgpu::ColorWrites::ALL,
                    })],
                }),
                multiview_mask: None,
                cache: None,
            })
        };
        GpuSites { fill: pipeline("vs_fill"), seg: pipeline("vs_seg"), dot: pipeline("vs_dot"), layout, resident: None }
    }

    fn bind(
        &self,
        device: &wgpu::Device,
        c: &GpuChunkBuffers,
        state: &wgpu::Buffer,
        palette: &wgpu::Buffer,
    ) -> wgpu::BindGroup {
        fn b(binding: u32, buffer: &wgpu::Buffer) -> wgpu::BindGroupEntry<'_> {
            wgpu::BindGroupEntry { binding, resource: buffer.as_entire_binding() }
        }
        device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("binzhou_sites_dense"),
            layout: &self.layout,
            entries: &[
                b(0, c.uniform),
                b(1, state),
                b(2, palette),
                b(3, c.pts),
                b(4, c.pt_site),
                b(5, c.segs),
                b(6, c.dots),
            ],
        })
    }

    /// Uploads a new scene (dropping the old one's buffers) or does nothing.
    fn make_resident(&mut self, device: &wgpu::Device, scene: &DenseScene, palette_len: usize) {
        if self.resident.as_ref().is_some_and(|r| r.scene == scene.id) {
            return;
        }
        self.resident = None;
        let Some(chunks) = scene.take_chunks() else {
            return;
        };
        let state = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("binzhou_sites_state"),
            size: (scene.sites * 4).max(16) as u64,
            usage: STORAGE | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let palette = Self::palette_buffer(device, palette_len);
        let mut resident = Resident { scene: scene.id, state, palette, chunks: Vec::with_capacity(chunks.len()) };
        for c in chunks {
            let uniform = device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("binzhou_sites_view"),
                size: std::mem::size_of::<ViewUniform>() as u64,
                usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            });
            let pts = buffer_init(device, "binzhou_sites_pts", bytemuck::cast_slice(&c.pts), STORAGE);
            let pt_site = buffer_init(device, "binzhou_sites_pt_site", bytemuck::cast_slice(&c.pt_site), STORAGE);
            let fill =
                buffer_init(device, "binzhou_sites_fill", bytemuck::cast_slice(&c.fill), wgpu::BufferUsages::INDEX);
            let segs = buffer_init(device, "binzhou_sites_segs", bytemuck::cast_slice(&c.segs), STORAGE);
            let dots = buffer_init(device, "binzhou_sites_dots", bytemuck::cast_slice(&c.dots), STORAGE);
            let buffers = GpuChunkBuffers { uniform: &uniform, pts: &pts, pt_site: &pt_site, segs: &segs, dots: &dots };
            let bind = self.bind(device, &buffers, &resident.state, &resident.palette);
            resident.chunks.push(GpuChunk {
                origin: c.origin,
                bbox: c.bbox,
                sites: c.sites,
                whole: false,
                markers: false,
                n_fill: c.fill.len() as u32,
                n_segs: c.segs.len() as u32,
                n_dots: c.dots.len() as u32,
                uniform,
                pts,
                pt_site,
                fill,
                segs,
                dots,
                bind,
            });
        }
        self.resident = Some(resident);
    }

    fn palette_buffer(device: &wgpu::Device, entries: usize) -> wgpu::Buffer {
        device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("binzhou_sites_palette"),
            size: (entries.max(256) * 16) as u64,
            usage: STORAGE | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    }

    /// Writes one frame's states, palette and view.
    /// `screen` is the whole window's size in points: the callback draws in
    /// window coordinates (egui's own viewport for it is rounded to pixels
    /// and clamped to the window, which would shift the sites off the shapes
    /// drawn over them).
    fn update(&mut self, device: &wgpu::Device, queue: &wgpu::Queue, cb: &SitesCallback, screen: [f32; 2]) {
        self.make_resident(device, &cb.scene, cb.frame.palette.len());
        let Some(mut r) = self.resident.take() else {
            return;
        };
        let palette_bytes = (cb.frame.palette.len() * 16) as u64;
        if palette_bytes > r.palette.size() {
            r.palette = Self::palette_buffer(device, cb.frame.palette.len());
            for c in &mut r.chunks {
                let buffers = GpuChunkBuffers {
                    uniform: &c.uniform,
                    pts: &c.pts,
                    pt_site: &c.pt_site,
                    segs: &c.segs,
                    dots: &c.dots,
                };
                c.bind = self.bind(device, &buffers, &r.state, &r.palette);
            }
        }
        let states = &cb.frame.states[..cb.frame.states.len().min(cb.scene.sites)];
        if !states.is_empty() {
            queue.write_buffer(&r.state, 0, bytemuck::cast_slice(states));
        }
        if !cb.frame.palette.is_empty() {
            queue.write_buffer(&r.palette, 0, bytemuck::cast_slice(&cb.frame.palette));
        }
        let (lin, off) = cb.transform.affine();
        let rect = cb.transform.rect;
        let m = cb.frame.marker;
        // Room for the widest line or marker past a chunk's box.
        let view = rect.expand(24.0);
        for c in &mut r.chunks {
            let in_view = cb.transform.box_to_screen(&c.bbox).intersects(view);
            let mode = |m: u32| c.sites.iter().any(|&i| states.get(i as usize).is_some_and(|&s| s & 3 == m));
            c.whole = in_view && mode(MODE_FULL);
            c.markers = c.whole || (in_view && mode(MODE_DOT));
            if !c.markers {
                continue;
            }
            let o = c.origin;
            let base = [lin[0] * o[0] + lin[1] * o[1] + off[0], lin[2] * o[0] + lin[3] * o[1] + off[1]];
            let u = ViewUniform {
                lin: lin.map(|v| v as f32),
                base: base.map(|v| v as f32),
                size: [screen[0].max(1.0), screen[1].max(1.0)],
                halo_done: cb.frame.halo_done,
                halo_overdue: cb.frame.halo_overdue,
                marker: [m[0], m[1], m[2], cb.transform.scale() as f32],
            };
            queue.write_buffer(&c.uniform, 0, bytemuck::bytes_of(&u));
        }
        self.resident = Some(r);
    }

    fn paint(&self, scene: u64, halos: bool, pass: &mut wgpu::RenderPass<'static>) {
        let Some(r) = self.resident.as_ref().filter(|r| r.scene == scene) else {
            return;
        };
        // Painting order as the mesh path's: change halos, fills, lines and outlines, markers.
        let whole = || r.chunks.iter().filter(|c| c.whole && c.n_segs > 0);
        let markers = || r.chunks.iter().filter(|c| c.markers && c.n_dots > 0);
        if halos {
            pass.set_pipeline(&self.seg);
            for c in whole() {
                pass.set_bind_group(0, &c.bind, &[]);
                pass.draw(0..6, HALO_BASE..HALO_BASE + c.n_segs);
            }
            pass.set_pipeline(&self.dot);
            for c in markers() {
                pass.set_bind_group(0, &c.bind, &[]);
                pass.draw(0..6, HALO_BASE..HALO_BASE + c.n_dots);
            }
        }
        pass.set_pipeline(&self.fill);
        for c in r.chunks.iter().filter(|c| c.whole && c.n_fill > 0) {
            pass.set_bind_group(0, &c.bind, &[]);
            pass.set_index_buffer(c.fill.slice(..), wgpu::IndexFormat::Uint32);
            pass.draw_indexed(0..c.n_fill, 0, 0..1);
        }
        pass.set_pipeline(&self.seg);
        for c in whole() {
            pass.set_bind_group(0, &c.bind, &[]);
            pass.draw(0..6, 0..c.n_segs);
        }
        pass.set_pipeline(&self.dot);
        for c in markers() {
            pass.set_bind_group(0, &c.bind, &[]);
            pass.draw(0..6, 0..c.n_dots);
        }
    }
}

struct GpuChunkBuffers<'a> {
    uniform: &'a wgpu::Buffer,
    pts: &'a wgpu::Buffer,
    pt_site: &'a wgpu::Buffer,
    segs: &'a wgpu::Buffer,
    dots: &'a wgpu::Buffer,
}

impl egui_wgpu::CallbackTrait for SitesCallback {
    fn prepare(
        &self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        screen: &egui_wgpu::ScreenDescriptor,
        _encoder: &mut wgpu::CommandEncoder,
        resources: &mut egui_wgpu::CallbackResources,
    ) -> Vec<wgpu::CommandBuffer> {
        if let Some(sites) = resources.get_mut::<GpuSites>() {
            let ppp = screen.pixels_per_point.max(1e-3);
            let size = [screen.size_in_pixels[0] as f32 / ppp, screen.size_in_pixels[1] as f32 / ppp];
            sites.update(device, queue, self, size);
        }
        Vec::new()
    }

    fn paint(
        &self,
        info: egui::PaintCallbackInfo,
        pass: &mut wgpu::RenderPass<'static>,
        resources: &egui_wgpu::CallbackResources,
    ) {
        if let Some(sites) = resources.get::<GpuSites>() {
            // The whole window (see `GpuSites::update`); egui's scissor keeps it to the map.
            let [w, h] = info.screen_size_px;
            pass.set_viewport(0.0, 0.0, w as f32, h as f32, 0.0, 1.0);
            sites.paint(self.scene.id, self.frame.halos, pass);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use binzhou_core::model::{LayerKey, Origin, PlanLayer, Site};
    use geo::{Geometry, line_string, point, polygon};

    fn site(id: &str, g: Geometry<f64>) -> Site {
        Site::new(id, id, LayerKey::Plan(PlanLayer::PocketPark), g, Origin { file: 0, index: 0 })
    }

    #[test]
    fn a_chunk_holds_every_vertex_once_with_closed_outlines_and_a_marker_per_site_without_points() {
        let sites = vec![
            site(
                "poly",
                polygon![(x: 117.9, y: 37.3), (x: 118.0, y: 37.3), (x: 118.0, y: 37.4), (x: 117.9, y: 37.3)].into(),
            ),
            site("line", line_string![(x: 117.8, y: 37.2), (x: 117.85, y: 37.25), (x: 117.9, y: 37.2)].into()),
            site("point", point!(x: 118.1, y: 37.5).into()),
        ];
        let geoms = GeomCache::build(&sites);
        let chunks = build_chunks(&geoms);
        assert_eq!(chunks.len(), 1);
        let c = &chunks[0];
        // 3 ring vertices (no repeated closing one), 3 line vertices, 1 point.
        assert_eq!(c.pts.len(), 7);
        assert_eq!(c.fill.len(), 3);
        // The ring's 3 edges (the last one closing it) are outlines; the line's 2 are not.
        let outlines = c.segs.iter().filter(|s| s.b & TOP != 0).count();
        assert_eq!((outlines, c.segs.len()), (3, 5));
        // Every segment joins two vertices of the same site.
        for s in &c.segs {
            assert_eq!(c.pt_site[(s.a & INDEX) as usize], c.pt_site[(s.b & INDEX) as usize]);
        }
        // Each segment starts where the one before it on its run ended (for dashes).
        let ring: Vec<f32> = c.segs.iter().filter(|s| s.b & TOP != 0).map(|s| s.along).collect();
        assert_eq!(ring[0], 0.0);
        assert!(ring[1] > 0.0 && ring[2] > ring[1]);
        // Only the line's first and last vertices are ends.
        let starts: Vec<bool> = c.segs.iter().map(|s| s.a & TOP != 0).collect();
        let ends: Vec<bool> = c.segs.iter().map(|s| s.b & LAST != 0).collect();
        assert_eq!(starts.iter().filter(|&&b| b).count(), 1);
        assert_eq!(ends.iter().filter(|&&b| b).count(), 1);
        // The polygon and the line get an anchor marker, the point site its point.
        let markers: Vec<bool> = c.dots.iter().map(|d| d.site & TOP != 0).collect();
        assert_eq!(markers.iter().filter(|&&p| p).count(), 1);
        assert_eq!(markers.len(), 3);
        // Coordinates are relative to the chunk's origin and small.
        assert!(c.pts.iter().all(|p| p[0].abs() < 0.01 && p[1].abs() < 0.01));
        let back = [c.origin[0] + c.pts[6][0] as f64, c.origin[1] + c.pts[6][1] as f64];
        let exact = binzhou_core::mercator::to_unit(118.1, 37.5);
        assert!((back[0] - exact[0]).abs() < 1e-9 && (back[1] - exact[1]).abs() < 1e-9);
    }

    #[test]
    fn chunks_hold_every_site_once_and_sites_near_each_other_so_a_view_can_skip_them() {
        // Two towns 30 km apart, 6 000 points each, interleaved in the file.
        let sites: Vec<Site> = (0..12_000)
            .map(|k| {
                let town = if k % 2 == 0 { 117.7 } else { 118.1 };
                let (x, y) = (town + (k / 2 % 80) as f64 * 0.0005, 37.4 + (k / 160) as f64 * 0.0005);
                site(&format!("s{k}"), point!(x: x, y: y).into())
            })
            .collect();
        let geoms = GeomCache::build(&sites);
        let chunks = build_chunks(&geoms);
        let mut seen = vec![0u32; sites.len()];
        for c in &chunks {
            assert!(c.sites.len() <= CHUNK_SITES);
            for &i in &c.sites {
                seen[i as usize] += 1;
            }
            // Within a chunk, sites keep the drawing order.
            assert!(c.sites.windows(2).all(|w| geoms.rank[w[0] as usize] < geoms.rank[w[1] as usize]));
            // No chunk spans both towns.
            let west = binzhou_core::mercator::to_unit(117.9, 37.4)[0];
            assert!(c.bbox[2] < west || c.bbox[0] > west, "a chunk spans {:?}", c.bbox);
        }
        assert!(seen.iter().all(|&n| n == 1), "every site in exactly one chunk");
        assert!(chunks.len() >= 3);
    }

    #[test]
    fn a_state_packs_mode_change_and_palette_entry_where_the_shader_reads_them() {
        let s = pack(MODE_FULL, Some(Change::NewlyOverdue), 37);
        assert_eq!(s & 3, MODE_FULL);
        assert_eq!((s >> 2) & 3, 2);
        assert_eq!(s >> 16, 37);
        assert_eq!(pack(MODE_DOT, None, 0), MODE_DOT);
    }
}
