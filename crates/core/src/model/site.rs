//! One plan site (or reference feature): a GeoJSON feature in compact form.
//!
//! A million sites must fit in less memory than their GeoJSON file, so a
//! site keeps its own strings (id, name, extra properties) in one block,
//! points at a shared record for the fields many sites repeat (layer, kind,
//! lead unit, district, source), and boxes the rarely given declared
//! measures. Everything is read through methods.

use std::sync::{Arc, OnceLock};

use geo::{BoundingRect, Geometry, Rect};

use super::text::SiteText;
use super::{Extras, LayerKey, PlanDate, PlanLayer, Scope, SiteTags, measure};

/// Where a feature came from: the file (index into `Dataset::files`) and its
/// position in that file's `features` array.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    /// Index into `Dataset::files` of the file the feature came from.
    pub file: u16,
    /// 0-based position in that file's `features` array.
    pub index: u32,
}

/// `length_km` and `area_m2` as declared in the file, shown beside the
/// computed ones. Few files give them, so a site holds them only when given.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Declared {
    /// Length in kilometres, as the file's `length_km` declares it.
    pub length_km: Option<f64>,
    /// Area in square metres, as the file's `area_m2` declares it.
    pub area_m2: Option<f64>,
}

/// A site.
#[derive(Clone, Debug)]
pub struct Site {
    /// WGS84 lon/lat, whatever the file was in.
    pub geometry: Geometry<f64>,
    /// Bounding box of `geometry` (WGS84 lon/lat degrees); a zero box at 0,0 when the geometry has none.
    pub bbox: Rect<f64>,
    /// id, name and the properties the model does not know (in file order).
    text: SiteText,
    /// Layer, kind, lead unit, district, source: shared with every site that
    /// has the same ones.
    tags: Arc<SiteTags>,
    declared: Option<Box<Declared>>,
    /// Geodesic (length km, area m²), computed on first use: the loader stays
    /// fast on millions of features and most are never measured.
    measures: OnceLock<(f64, f64)>,
    /// When work started (`started`), at the precision given.
    pub started: Option<PlanDate>,
    /// When work was completed (`completed`), at the precision given.
    pub completed: Option<PlanDate>,
    /// The year the plan wants the site done by (`plan_year`).
    pub plan_year: Option<i32>,
    /// Which file and feature the site came from.
    pub origin: Origin,
    /// The plan task number, 1–28 (`task`).
    pub task: Option<u8>,
    /// Main city or county, as the plan's targets are split (`scope`).
    pub scope: Option<Scope>,
    /// Which of id and name the loader made up (see [`Site::has_own_id`]),
    /// and which timing fields the file gave but could not be read (see
    /// [`Site::unreadable`]).
    flags: u8,
}

/// The loader made the id up (`FILE#N`): the file gives none.
const MADE_UP_ID: u8 = 1;
/// The name is not the `name` property: a name-like key's, or the id.
const MADE_UP_NAME: u8 = 2;

/// A timing field of a site: the plan year and the two dates its status is
/// derived from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Timing {
    /// `plan_year`
    PlanYear,
    /// `started`
    Started,
    /// `completed`
    Completed,
}

impl Timing {
    /// All three, in the file's usual order.
    pub const ALL: [Timing; 3] = [Timing::PlanYear, Timing::Started, Timing::Completed];

    /// The property key.
    pub fn key(self) -> &'static str {
        match self {
            Timing::PlanYear => "plan_year",
            Timing::Started => "started",
            Timing::Completed => "completed",
        }
    }

    /// The timing field of a property key.
    pub fn from_key(key: &str) -> Option<Timing> {
        Timing::ALL.into_iter().find(|t| t.key() == key)
    }

    const fn flag(self) -> u8 {
        match self {
            Timing::PlanYear => 4,
            Timing::Started => 8,
            Timing::Completed => 16,
        }
    }
}

/// The flags of all three timing fields.
const UNREADABLE_TIMING: u8 = Timing::PlanYear.flag() | Timing::Started.flag() | Timing::Completed.flag();

impl Site {
    /// Builds a site around a geometry, computing its box.
    pub fn new(id: &str, name: &str, layer: LayerKey, geometry: Geometry<f64>, origin: Origin) -> Self {
        Site::from_parts(id, name, [], Arc::new(SiteTags::of_layer(layer)), geometry, origin)
    }

    /// Builds a site from its strings (extra properties as raw `key`, JSON
    /// text members), shared tags and geometry: the loader's path.
    pub fn from_parts<'a>(
        id: &str,
        name: &str,
        extra_members: impl IntoIterator<Item = (&'a str, &'a str)> + Clone,
        tags: Arc<SiteTags>,
        geometry: Geometry<f64>,
        origin: Origin,
    ) -> Self {
        let bbox = geometry.bounding_rect().unwrap_or_else(|| Rect::new((0.0, 0.0), (0.0, 0.0)));
        Site {
            geometry,
            bbox,
            text: SiteText::new(id, name, extra_members),
            tags,
            declared: None,
            measures: OnceLock::new(),
            started: None,
            completed: None,
            plan_year: None,
            origin,
            task: None,
            scope: None,
            flags: 0,
        }
    }

    /// Whether the id is the file's own (`id` property or the feature's
    /// `id` member), not one the loader made up.
    pub fn has_own_id(&self) -> bool {
        self.flags & MADE_UP_ID == 0
    }

    /// Whether the name is the file's `name` property, not taken from a
    /// name-like key (`NAME`, `名称`…) or the id.
    pub fn has_own_name(&self) -> bool {
        self.flags & MADE_UP_NAME == 0
    }

    /// Whether the file gave this timing field but its value could not be
    /// read (`"2021-13-45"`, `"明年"`): the site's status is then unknown
    /// wherever that value would matter. The value itself is kept among the
    /// extra properties, so a save writes it back as it was.
    ///
    /// ```
    /// use binzhou_core::model::{Site, Timing};
    /// let mut s = Site::new_for_test("a", "某口袋公园");
    /// assert!(!s.unreadable(Timing::Completed));
    /// s.mark_unreadable(Timing::Completed);
    /// assert!(s.unreadable(Timing::Completed));
    /// ```
    pub fn unreadable(&self, t: Timing) -> bool {
        self.flags & t.flag() != 0
    }

    /// A timing field as text: the value read, or, when it could not be
    /// read, the file's own text (`None` when the file gives none).
    pub fn timing_text(&self, t: Timing) -> Option<String> {
        if self.unreadable(t) {
            return self.extra(t.key()).map(|v| match v {
                serde_json::Value::String(s) => s,
                v => v.to_string(),
            });
        }
        match t {
            Timing::PlanYear => self.plan_year.map(|y| y.to_string()),
            Timing::Started => self.started.map(|d| d.to_string()),
            Timing::Completed => self.completed.map(|d| d.to_string()),
        }
    }

    /// Whether an extra property is really an unreadable timing field's
    /// value, kept only to be written back (lists show it in its field).
    pub fn is_kept_timing(&self, key: &str) -> bool {
        Timing::from_key(key).is_some_and(|t| self.unreadable(t))
    }

    /// Whether the site has a place on the map. A feature whose geometry is
    /// `null` (RFC 7946 allows it: a plan site not yet surveyed) is kept
    /// unlocated: it counts in the figures and lists, and is never drawn,
    /// indexed or zoomed to. Its geometry is an empty collection and its box
    /// a zero box at 0,0, which no extent may take in.
    ///
    /// ```
    /// use binzhou_core::model::Site;
    /// let mut s = Site::new_for_test("a", "某口袋公园");
    /// assert!(s.is_located());
    /// s.set_geometry(Site::unlocated_geometry());
    /// assert!(!s.is_located());
    /// ```
    pub fn is_located(&self) -> bool {
        !geo::HasDimensions::is_empty(&self.geometry)
    }

    /// The geometry of an unlocated site.
    pub fn unlocated_geometry() -> Geometry<f64> {
        Geometry::GeometryCollection(geo::GeometryCollection(Vec::new()))
    }

    /// The site's box, or `None` when it has no place on the map.
    pub fn located_bbox(&self) -> Option<Rect<f64>> {
        self.is_located().then_some(self.bbox)
    }

    /// Marks a timing field as given but unreadable.
    pub fn mark_unreadable(&mut self, t: Timing) {
        self.flags |= t.flag();
    }

    /// Whether any timing field is unreadable, or `completed` comes before
    /// `started`: the dates cannot all be true.
    pub fn timing_in_doubt(&self) -> bool {
        self.flags & UNREADABLE_TIMING != 0 || self.dates_disordered()
    }

    /// `completed` surely before `started`.
    pub fn dates_disordered(&self) -> bool {
        matches!((self.started, self.completed), (Some(s), Some(c)) if c.surely_before(&s))
    }

    /// Marks the id and the name as made up by the loader (or not).
    pub fn set_made_up(&mut self, id: bool, name: bool) {
        self.flags &= !(MADE_UP_ID | MADE_UP_NAME);
        self.flags |= (if id { MADE_UP_ID } else { 0 }) | if name { MADE_UP_NAME } else { 0 };
    }

    /// A point site for tests and doc examples.
    pub fn new_for_test(id: &str, name: &str) -> Self {
        Site::new(
            id,
            name,
            LayerKey::Plan(PlanLayer::PocketPark),
            Geometry::Point(geo::Point::new(118.0, 37.38)),
            Origin { file: 0, index: 0 },
        )
    }

    /// The site's id: its `id` property, the feature's `id` member, or one the loader made up.
    pub fn id(&self) -> &str {
        self.text.id()
    }

    /// The site's name (its id when the file gives none).
    pub fn name(&self) -> &str {
        self.text.name()
    }

    /// The layer the site belongs to.
    pub fn layer(&self) -> &LayerKey {
        &self.tags.layer
    }

    /// The `kind` property (e.g. `road` or `bridge`), when given.
    pub fn kind(&self) -> Option<&str> {
        self.tags.kind.as_deref()
    }

    /// 牵头单位.
    pub fn lead_unit(&self) -> Option<&str> {
        self.tags.lead_unit.as_deref()
    }

    /// The county-level division the site names (`district`), when given.
    pub fn district(&self) -> Option<&str> {
        self.tags.district.as_deref()
    }

    /// Where the data came from (`source`; `illustrative` for the bundled data), when given.
    pub fn source(&self) -> Option<&str> {
        self.tags.source.as_deref()
    }

    /// The shared fields, to change for this site alone (the record is copied
    /// if other sites share it).
    pub fn tags_mut(&mut self) -> &mut SiteTags {
        Arc::make_mut(&mut self.tags)
    }

    /// Properties the model does not know, in file order.
    pub fn extras(&self) -> Extras<'_> {
        self.text.extras()
    }

    /// One property the model does not know, by key; `None` when the site has none of that name.
    pub fn extra(&self, key: &str) -> Option<serde_json::Value> {
        self.extras().get(key)
    }

    /// Sets (or adds at the end) a property the model does not know.
    pub fn set_extra(&mut self, key: &str, value: serde_json::Value) {
        self.text = self.text.with_extra(key, &value);
    }

    /// `length_km` as declared in the file, shown beside the computed one.
    pub fn declared_length_km(&self) -> Option<f64> {
        self.declared.as_ref().and_then(|d| d.length_km)
    }

    /// `area_m2` as declared in the file, shown beside the computed one.
    pub fn declared_area_m2(&self) -> Option<f64> {
        self.declared.as_ref().and_then(|d| d.area_m2)
    }

    /// Sets the declared `length_km` and `area_m2` (nothing is stored when neither is given).
    pub fn set_declared(&mut self, declared: Declared) {
        self.declared = (declared != Declared::default()).then(|| Box::new(declared));
    }

    /// Replaces the geometry and recomputes box and measures.
    pub fn set_geometry(&mut self, geometry: Geometry<f64>) {
        self.bbox = geometry.bounding_rect().unwrap_or_else(|| Rect::new((0.0, 0.0), (0.0, 0.0)));
        self.measures = OnceLock::new();
        self.geometry = geometry;
    }

    fn measures(&self) -> (f64, f64) {
        *self.measures.get_or_init(|| (measure::length_km(&self.geometry), measure::area_m2(&self.geometry)))
    }

    /// Geodesic length in km of the linear parts (0 for points and polygons).
    pub fn length_km(&self) -> f64 {
        self.measures().0
    }

    /// Geodesic area in m² of the areal parts (0 for points and lines).
    pub fn area_m2(&self) -> f64 {
        self.measures().1
    }

    /// The amount this site adds to its layer's figure: km for greenways,
    /// one site otherwise.
    pub fn amount(&self) -> f64 {
        match self.layer().plan() {
            Some(p) if p.counts_km() => self.length_km(),
            _ => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_stays_small_enough_for_a_million_in_memory() {
        // The budget behind "peak memory no larger than the file": see README, Speed.
        assert!(std::mem::size_of::<Site>() <= 192, "Site is {} bytes", std::mem::size_of::<Site>());
    }

    #[test]
    fn changing_one_sites_tags_leaves_the_sites_sharing_them_alone() {
        let a = Site::new_for_test("a", "甲");
        let mut b = a.clone();
        b.tags_mut().district = Some("滨城区".into());
        assert_eq!(a.district(), None);
        assert_eq!(b.district(), Some("滨城区"));
        assert_eq!(b.layer(), a.layer());
    }

    #[test]
    fn declared_measures_are_kept_only_when_given() {
        let mut s = Site::new_for_test("a", "甲");
        assert_eq!(s.declared_length_km(), None);
        s.set_declared(Declared { length_km: Some(1.5), area_m2: None });
        assert_eq!((s.declared_length_km(), s.declared_area_m2()), (Some(1.5), None));
        s.set_declared(Declared::default());
        assert!(s.declared.is_none());
    }
}
