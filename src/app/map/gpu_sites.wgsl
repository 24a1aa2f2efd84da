// Dense views of sites, drawn from geometry kept on the GPU (see gpu_sites.rs).
//
// Every vertex is pulled from storage buffers: the chunk's points (unit
// Web-Mercator, relative to the chunk's origin), the site each point belongs
// to, and what each site looks like this frame (`state`, written by the CPU
// every frame: mode, change, palette entry).

struct View {
    // The linear part of unit -> screen points: x = l.x*u + l.y*v, y = l.z*u + l.w*v.
    lin: vec4<f32>,
    // Screen position (points, from the window's top-left) of the chunk's origin.
    base: vec2<f32>,
    // The window's size in points.
    size: vec2<f32>,
    halo_done: vec4<f32>,
    halo_overdue: vec4<f32>,
    // Radius of a small site's marker, of its halo, the extra width of a
    // line halo, and pixels per unit (for dashes).
    marker: vec4<f32>,
};

struct Seg {
    a: u32,
    b: u32,
    // How far along its line or ring it starts (unit).
    along: f32,
};

struct Dot {
    pos: vec2<f32>,
    // The site, with the top bit set for a point of the geometry (not a small site's marker).
    site: u32,
    pad: u32,
};

@group(0) @binding(0) var<uniform> view: View;
@group(0) @binding(1) var<storage, read> state: array<u32>;
@group(0) @binding(2) var<storage, read> palette: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> pts: array<vec2<f32>>;
@group(0) @binding(4) var<storage, read> pt_site: array<u32>;
@group(0) @binding(5) var<storage, read> segs: array<Seg>;
@group(0) @binding(6) var<storage, read> dots: array<Dot>;

const MODE_DOT: u32 = 1u;
const MODE_FULL: u32 = 2u;
const DASHED: u32 = 16u;
// Dashes as the mesh path's: 7 points drawn, 4 skipped.
const DASH: f32 = 7.0;
const DASH_PERIOD: f32 = 11.0;
const HALO_BASE: u32 = 1073741824u;
const TOP: u32 = 2147483648u;
const LAST: u32 = 1073741824u;
const INDEX: u32 = 1073741823u;

struct Out {
    @builtin(position) pos: vec4<f32>,
    @location(0) colour: vec4<f32>,
    // Where the fragment is from the middle of its line (y) or its marker
    // (x, y), in points, and the half width or radius (z): the edge fades
    // over one point, for lines and markers without jagged edges.
    @location(1) edge: vec3<f32>,
    // How far along a dashed line (points), or negative.
    @location(2) dash: f32,
};

fn hidden() -> Out {
    var o: Out;
    // Outside the clip volume: the primitive is dropped before rasterising.
    o.pos = vec4<f32>(2.0, 2.0, 2.0, 1.0);
    o.colour = vec4<f32>(0.0);
    o.edge = vec3<f32>(0.0, 0.0, 1.0);
    o.dash = -1.0;
    return o;
}

fn screen(p: vec2<f32>) -> vec2<f32> {
    return vec2<f32>(view.lin.x * p.x + view.lin.y * p.y, view.lin.z * p.x + view.lin.w * p.y) + view.base;
}

fn clip(p: vec2<f32>) -> vec4<f32> {
    let n = p / view.size * 2.0 - 1.0;
    return vec4<f32>(n.x, -n.y, 0.0, 1.0);
}

// Entry k of a site's palette: 0 main, 1 outline, 2 fill, 3 widths (line, outline, point radius).
fn entry(s: u32, k: u32) -> vec4<f32> {
    return palette[(s >> 16u) * 4u + k];
}

fn halo(s: u32) -> vec4<f32> {
    let c = (s >> 2u) & 3u;
    if c == 1u {
        return view.halo_done;
    }
    if c == 2u {
        return view.halo_overdue;
    }
    return vec4<f32>(0.0);
}

@vertex
fn vs_fill(@builtin(vertex_index) vi: u32) -> Out {
    let s = state[pt_site[vi]];
    if (s & 3u) != MODE_FULL {
        return hidden();
    }
    var o: Out;
    o.pos = clip(screen(pts[vi]));
    o.colour = entry(s, 2u);
    o.edge = vec3<f32>(0.0, 0.0, 1.0e6);
    o.dash = -1.0;
    return o;
}

// A quad's corner for vertex 0..6 of two triangles: x along (0 start, 1 end), y across (-1, 1).
fn corner(vi: u32) -> vec2<f32> {
    switch vi {
        case 0u: { return vec2<f32>(0.0, -1.0); }
        case 1u, 4u: { return vec2<f32>(0.0, 1.0); }
        case 2u, 3u: { return vec2<f32>(1.0, -1.0); }
        default: { return vec2<f32>(1.0, 1.0); }
    }
}

@vertex
fn vs_seg(@builtin(vertex_index) vi: u32, @builtin(instance_index) ii: u32) -> Out {
    let is_halo = ii >= HALO_BASE;
    let sg = segs[select(ii, ii - HALO_BASE, is_halo)];
    let outline = (sg.b & TOP) != 0u;
    let ia = sg.a & INDEX;
    let s = state[pt_site[ia]];
    if (s & 3u) != MODE_FULL {
        return hidden();
    }
    let w = entry(s, 3u);
    var colour = entry(s, select(0u, 1u, outline));
    var width = select(w.x, w.y, outline);
    if is_halo {
        colour = halo(s);
        width = w.x + view.marker.z;
    }
    if colour.a <= 0.0 {
        return hidden();
    }
    let a = screen(pts[ia]);
    let b = screen(pts[sg.b & INDEX]);
    let d = b - a;
    let len = length(d);
    var dir = vec2<f32>(1.0, 0.0);
    if len > 1e-6 {
        dir = d / len;
    }
    let n = vec2<f32>(-dir.y, dir.x);
    let h = width * 0.5;
    let c = corner(vi);
    // Square ends half a width long close the joints between segments; a
    // line's own ends stop at its first and last vertices.
    var along = a - dir * select(h, 0.0, (sg.a & TOP) != 0u);
    if c.x > 0.5 {
        along = b + dir * select(h, 0.0, (sg.b & LAST) != 0u);
    }
    // Half a point wider on each side, for the fading edge.
    let across = (h + 0.5) * c.y;
    var o: Out;
    o.pos = clip(along + n * across);
    o.colour = colour;
    o.edge = vec3<f32>(0.0, across, h);
    o.dash = -1.0;
    if !is_halo && (s & DASHED) != 0u {
        o.dash = sg.along * view.marker.w + select(0.0, len, c.x > 0.5);
    }
    return o;
}

@vertex
fn vs_dot(@builtin(vertex_index) vi: u32, @builtin(instance_index) ii: u32) -> Out {
    let is_halo = ii >= HALO_BASE;
    let d = dots[select(ii, ii - HALO_BASE, is_halo)];
    let point = (d.site & TOP) != 0u;
    let s = state[d.site & ~TOP];
    let mode = s & 3u;
    if (point && mode != MODE_FULL) || (!point && mode != MODE_DOT) {
        return hidden();
    }
    let w = entry(s, 3u);
    var colour = entry(s, 0u);
    var r = select(view.marker.x, w.z * 0.8, point);
    if is_halo {
        colour = halo(s);
        r = select(view.marker.y, w.z + 1.5, point);
    }
    if colour.a <= 0.0 {
        return hidden();
    }
    let c = corner(vi);
    let q = vec2<f32>(c.x * 2.0 - 1.0, c.y) * (r + 0.5);
    var o: Out;
    o.pos = clip(screen(d.pos) + q);
    o.colour = colour;
    o.edge = vec3<f32>(q, r);
    o.dash = -1.0;
    return o;
}

// How much of the fragment is inside its line or marker (none in a dash's gap).
fn coverage(i: Out) -> f32 {
    if i.dash >= 0.0 && i.dash % DASH_PERIOD >= DASH {
        return 0.0;
    }
    return clamp(i.edge.z + 0.5 - length(i.edge.xy), 0.0, 1.0);
}

// Colours are egui's: premultiplied, in gamma space.
@fragment
fn fs_gamma(i: Out) -> @location(0) vec4<f32> {
    return i.colour * coverage(i);
}

fn linear(c: f32) -> f32 {
    if c <= 0.04045 {
        return c / 12.92;
    }
    return pow((c + 0.055) / 1.055, 2.4);
}

// For an sRGB target, which expects linear values.
@fragment
fn fs_linear(i: Out) -> @location(0) vec4<f32> {
    let a = i.colour.a;
    if a <= 0.0 {
        return vec4<f32>(0.0);
    }
    let c = i.colour.rgb / a;
    return vec4<f32>(vec3<f32>(linear(c.r), linear(c.g), linear(c.b)) * a, a) * coverage(i);
}
