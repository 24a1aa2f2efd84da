//! A spatial index over sites: picking under the cursor, culling to the view,
//! and proximity queries by exact geometry distance.
//!
//! [`rstar::RTree`]s hold one box per site; every query narrows down with
//! the boxes and then measures the real geometry. A large index is a few
//! trees over west-to-east slabs of the sites, bulk-loaded in parallel, and
//! queries ask each of them. Distances are in metres in a
//! local equirectangular frame around the query position
//! (`x = Δlon·cos(lat)·R`, `y = Δlat·R`, `R` = 6 371 008.8 m), which is good to
//! well under 1 % over the few kilometres that picking and proximity queries
//! cover.

mod entry;
mod metric;
#[cfg(test)]
mod tests;

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use geo::{Coord, Point, Rect};
use rstar::RTree;

use crate::model::Site;
use entry::{Entry, TreeFrame};
use metric::LocalFrame;

/// An R-tree over the boxes of a slice of sites. It refers to sites by their
/// position in that slice, so queries take the same slice again.
///
/// Sites with an empty geometry or a non-finite box are left out.
#[derive(Clone, Debug)]
pub struct SiteIndex {
    /// One tree, or one per slab of a large index.
    trees: Vec<RTree<Entry>>,
    frame: TreeFrame,
}

/// Below this many sites one tree is built on the calling thread.
const SHARD_MIN_SITES: usize = 50_000;

impl Default for SiteIndex {
    /// An index over no sites.
    fn default() -> Self {
        SiteIndex::build(&[])
    }
}

impl SiteIndex {
    /// Bulk-loads an index over all sites.
    pub fn build(sites: &[Site]) -> Self {
        let (count, lat_lo, lat_hi) =
            sites.iter().filter(|s| indexable(s)).fold((0, f64::INFINITY, f64::NEG_INFINITY), |(n, lo, hi), s| {
                (n + 1, lo.min(s.bbox.min().y), hi.max(s.bbox.max().y))
            });
        let shards = if count < SHARD_MIN_SITES {
            1
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4)
        };
        SiteIndex::build_in_slabs(sites, lat_lo, lat_hi, shards)
    }

    /// [`SiteIndex::build`] with a chosen number of slabs, for data whose
    /// latitudes span `lat_lo..=lat_hi`.
    fn build_in_slabs(sites: &[Site], lat_lo: f64, lat_hi: f64, shards: usize) -> Self {
        let frame = TreeFrame::for_latitude(if lat_lo <= lat_hi { (lat_lo + lat_hi) / 2.0 } else { 0.0 });
        let usable = || sites.iter().enumerate().filter(|(_, s)| indexable(s));
        let centre_x = |s: &Site| s.bbox.min().x + s.bbox.max().x;
        // Slab boundaries: the centres that cut the sites into equal parts.
        let (cuts, per_slab): (Vec<f64>, usize) = if shards > 1 {
            let mut centres: Vec<f64> = usable().map(|(_, s)| centre_x(s)).collect();
            let n = centres.len();
            let cuts = (1..shards).map(|k| *centres.select_nth_unstable_by(n * k / shards, f64::total_cmp).1);
            (cuts.collect(), n / shards + 1)
        } else {
            (Vec::new(), 0)
        };
        let mut slabs: Vec<Vec<Entry>> = (0..=cuts.len()).map(|_| Vec::with_capacity(per_slab)).collect();
        for (i, s) in usable() {
            let slab = cuts.partition_point(|&c| c <= centre_x(s));
            slabs[slab].push(Entry::new(i, frame.envelope(&s.bbox)));
        }
        SiteIndex { trees: bulk_load_all(slabs), frame }
    }

    /// The number of sites in the index.
    pub fn len(&self) -> usize {
        self.trees.iter().map(RTree::size).sum()
    }

    /// Whether the index holds no sites.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Sites under a position (lon/lat), with a tolerance in metres, best first.
    ///
    /// Points and lines are hit within `tolerance_m` of the position; polygons
    /// when the position is inside them (not inside a hole) or within
    /// `tolerance_m` of their boundary. The test is on the exact geometry, not
    /// the box, and parts of Multi* geometries and collections count alike.
    ///
    /// Order: sites hit through a point or line before sites hit only through
    /// a polygon; among the former the nearest first, among the latter the
    /// smallest area first (so a pocket park wins over the urban village it
    /// lies in). Ties go to the earlier site. A NaN or negative tolerance
    /// counts as 0; a non-finite position picks nothing.
    ///
    /// ```
    /// use binzhou_core::index::SiteIndex;
    /// use binzhou_core::model::{LayerKey, Origin, PlanLayer, Site};
    /// use geo::{Geometry, Point, polygon};
    ///
    /// let site = |i: u32, g: Geometry<f64>| {
    ///     let layer = LayerKey::Plan(PlanLayer::PocketPark);
    ///     Site::new(&format!("s{i}"), "site", layer, g, Origin { file: 0, index: i })
    /// };
    /// let sites = vec![
    ///     // About 900 m by 1100 m.
    ///     site(0, Geometry::Polygon(polygon![
    ///         (x: 118.00, y: 37.38), (x: 118.01, y: 37.38),
    ///         (x: 118.01, y: 37.39), (x: 118.00, y: 37.39),
    ///     ])),
    ///     // About 90 m by 110 m, inside the first.
    ///     site(1, Geometry::Polygon(polygon![
    ///         (x: 118.004, y: 37.384), (x: 118.005, y: 37.384),
    ///         (x: 118.005, y: 37.385), (x: 118.004, y: 37.385),
    ///     ])),
    ///     site(2, Geometry::Point(Point::new(118.0045, 37.3845))),
    /// ];
    /// let index = SiteIndex::build(&sites);
    ///
    /// // On the point: the point, then the small polygon, then the large one.
    /// assert_eq!(index.pick(&sites, Point::new(118.0045, 37.3845), 5.0), vec![2, 1, 0]);
    /// // In the small polygon but 20 m from the point.
    /// assert_eq!(index.pick(&sites, Point::new(118.00425, 37.3845), 5.0), vec![1, 0]);
    /// // Outside everything.
    /// assert!(index.pick(&sites, Point::new(118.02, 37.38), 5.0).is_empty());
    /// ```
    pub fn pick(&self, sites: &[Site], at: Point<f64>, tolerance_m: f64) -> Vec<usize> {
        let at = at.0;
        if !finite(at) {
            return Vec::new();
        }
        let tolerance = non_negative(tolerance_m);
        let local = LocalFrame::around(at);
        let around = self.frame.around(at, tolerance);
        let mut hits: Vec<Hit> = self
            .trees
            .iter()
            .flat_map(|t| t.locate_in_envelope_intersecting(&around))
            .filter_map(|e| {
                let site = sites.get(e.index())?;
                let reach = local.reach(&site.geometry);
                if reach.linear <= tolerance {
                    Some(Hit { index: e.index(), areal: false, distance: reach.linear, area: 0.0 })
                } else if reach.areal <= tolerance {
                    Some(Hit { index: e.index(), areal: true, distance: reach.areal, area: site.area_m2() })
                } else {
                    None
                }
            })
            .collect();
        hits.sort_by(Hit::rank);
        hits.into_iter().map(|h| h.index).collect()
    }

    /// Indices of the sites whose box meets `rect` (lon/lat; touching counts),
    /// in ascending order, for culling what to draw.
    pub fn in_rect(&self, rect: Rect<f64>) -> Vec<usize> {
        let envelope = self.frame.envelope(&rect);
        let mut found: Vec<usize> =
            self.trees.iter().flat_map(|t| t.locate_in_envelope_intersecting(&envelope)).map(Entry::index).collect();
        found.sort_unstable();
        found
    }

    /// The `k` sites nearest to a position (lon/lat), by exact geometry
    /// distance in metres (0 inside a polygon), nearest first; ties go to the
    /// earlier site.
    ///
    /// Boxes come out of each tree nearest first; a box's distance, scaled to
    /// a lower bound of the metric distance, stops that tree's search once it
    /// exceeds the k-th best exact distance found so far.
    pub fn nearest(&self, sites: &[Site], at: Point<f64>, k: usize) -> Vec<(usize, f64)> {
        let at = at.0;
        if k == 0 || !finite(at) {
            return Vec::new();
        }
        let local = LocalFrame::around(at);
        // A max-heap of the best k so far: its top is the k-th best.
        let mut best: BinaryHeap<Found> = BinaryHeap::new();
        let from = self.frame.point(at);
        for tree in &self.trees {
            for (e, box_distance_2) in tree.nearest_neighbor_iter_with_distance_2(&from) {
                if best.len() == k
                    && let Some(worst) = best.peek()
                    && self.frame.lower_bound_m(at.y, box_distance_2) > worst.distance
                {
                    break;
                }
                let Some(site) = sites.get(e.index()) else {
                    continue;
                };
                let distance = local.reach(&site.geometry).nearest();
                if !distance.is_finite() {
                    continue;
                }
                let found = Found { distance, index: e.index() };
                if best.len() < k {
                    best.push(found);
                } else if best.peek().is_some_and(|worst| found < *worst) {
                    best.pop();
                    best.push(found);
                }
            }
        }
        best.into_sorted_vec().into_iter().map(|f| (f.index, f.distance)).collect()
    }

    /// All sites within `radius_m` metres of a position (lon/lat) by exact
    /// geometry distance (0 inside a polygon), nearest first; ties go to the
    /// earlier site. A NaN or negative radius counts as 0.
    pub fn within(&self, sites: &[Site], at: Point<f64>, radius_m: f64) -> Vec<(usize, f64)> {
        let at = at.0;
        if !finite(at) {
            return Vec::new();
        }
        let radius = non_negative(radius_m);
        let local = LocalFrame::around(at);
        let around = self.frame.around(at, radius);
        let mut found: Vec<Found> = self
            .trees
            .iter()
            .flat_map(|t| t.locate_in_envelope_intersecting(&around))
            .filter_map(|e| {
                let distance = local.reach(&sites.get(e.index())?.geometry).nearest();
                (distance <= radius).then_some(Found { distance, index: e.index() })
            })
            .collect();
        found.sort();
        found.into_iter().map(|f| (f.index, f.distance)).collect()
    }
}

/// Bulk-loads one tree per slab, each on its own thread (rstar's bulk load is
/// sequential; on a million sites it was the longest step after parsing).
fn bulk_load_all(slabs: Vec<Vec<Entry>>) -> Vec<RTree<Entry>> {
    if slabs.len() == 1 {
        return slabs.into_iter().map(RTree::bulk_load).collect();
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = slabs
            .into_iter()
            .map(|slab| {
                std::thread::Builder::new()
                    .name("index-build".into())
                    .spawn_scoped(scope, move || RTree::bulk_load(slab))
                    .expect("spawning an index thread")
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("an index thread panicked")).collect()
    })
}

/// Whether a site can go in the index: a geometry with coordinates and a finite box.
fn indexable(site: &Site) -> bool {
    let (lo, hi) = (site.bbox.min(), site.bbox.max());
    // `is_empty` looks at the geometry's vectors; a coordinate iterator was
    // 3 % of a million-site load.
    finite(lo) && finite(hi) && site.is_located()
}

fn finite(c: Coord<f64>) -> bool {
    c.x.is_finite() && c.y.is_finite()
}

/// A distance limit from user input: NaN and negatives become 0.
fn non_negative(d: f64) -> f64 {
    if d.is_nan() { 0.0 } else { d.max(0.0) }
}

/// A picked site and what decides its rank.
struct Hit {
    index: usize,
    /// Hit only through a polygon (rather than a point or line).
    areal: bool,
    distance: f64,
    area: f64,
}

impl Hit {
    fn rank(a: &Hit, b: &Hit) -> Ordering {
        a.areal
            .cmp(&b.areal)
            .then_with(|| if a.areal { a.area.total_cmp(&b.area) } else { Ordering::Equal })
            .then_with(|| a.distance.total_cmp(&b.distance))
            .then_with(|| a.index.cmp(&b.index))
    }
}

/// A site at a distance, ordered by distance then position in the slice.
#[derive(Clone, Copy, Debug)]
struct Found {
    distance: f64,
    index: usize,
}

impl Ord for Found {
    fn cmp(&self, other: &Self) -> Ordering {
        self.distance.total_cmp(&other.distance).then_with(|| self.index.cmp(&other.index))
    }
}

impl PartialOrd for Found {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Found {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Found {}
