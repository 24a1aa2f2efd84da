//! Turns a [`RawFeature`] into a [`Site`], collecting what is wrong with it.
//! Most errors drop the feature; an unreadable date keeps it (its status
//! unknown); warnings keep it.

use std::borrow::Cow;
use std::sync::Arc;

use geo::HasDimensions;

use super::feature::{PropValue, Props, RawFeature};
use super::geometry::GeomNote;
use crate::model::validity;
use crate::model::{
    Bilingual, Code, Declared, LayerKey, Origin, PlanDate, PlanLayer, Problem, Scope, Severity, Site, SiteTags, Timing,
};

/// Shared strings and tag records for a file: districts, lead units, kinds
/// and sources repeat across thousands of sites, and so do their
/// combinations, so each is stored once.
#[derive(Default)]
pub struct Interner {
    strings: foldhash::HashMap<Box<str>, Arc<str>>,
    tags: foldhash::HashMap<SiteTags, Arc<SiteTags>>,
}

impl Interner {
    pub fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.strings.get(s) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(s);
        self.strings.insert(s.into(), a.clone());
        a
    }

    /// The shared record equal to `tags`.
    pub fn tags(&mut self, tags: SiteTags) -> Arc<SiteTags> {
        if let Some(a) = self.tags.get(&tags) {
            return a.clone();
        }
        let a = Arc::new(tags.clone());
        self.tags.insert(tags, a.clone());
        a
    }
}

/// What the validator needs to know about the file.
pub struct FileContext<'a> {
    pub label: &'a str,
    pub file_index: u16,
    /// The reference layer for features that declare no plan layer.
    pub reference_layer: Arc<str>,
}

/// Collects problems for one feature.
pub struct Report<'a> {
    ctx: &'a FileContext<'a>,
    index: usize,
    id: Option<Arc<str>>,
    pub problems: Vec<Problem>,
}

impl<'a> Report<'a> {
    pub fn new(ctx: &'a FileContext<'a>, index: usize) -> Self {
        Report { ctx, index, id: None, problems: Vec::new() }
    }

    /// Names the feature in the problems pushed from now on.
    pub fn set_id(&mut self, id: Option<String>) {
        self.id = id.map(Arc::from);
    }

    pub fn push(&mut self, severity: Severity, field: Option<&str>, code: Code) {
        self.problems.push(Problem {
            severity,
            file: self.ctx.label.to_string(),
            feature: Some(self.index),
            feature_id: self.id.as_deref().map(str::to_string),
            field: field.map(str::to_string),
            code,
            location: None,
        });
    }
}

fn as_text<'a>(v: &'a PropValue) -> Option<Cow<'a, str>> {
    match v {
        PropValue::Text(s) => Some(Cow::Borrowed(s.trim())).filter(|s| !s.is_empty()),
        PropValue::Number(n) => Some(Cow::Owned(n.to_string())),
        _ => None,
    }
}

/// Text of only spaces: a ledger's empty cell, the same as no value.
fn is_blank(v: &PropValue) -> bool {
    matches!(v, PropValue::Text(t) if t.trim().is_empty())
}

fn as_int(v: &PropValue) -> Option<i64> {
    match v {
        PropValue::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        PropValue::Text(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn as_num(v: &PropValue) -> Option<f64> {
    match v {
        PropValue::Number(n) => n.as_f64(),
        PropValue::Text(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Builds the site for a parsed feature, or `None` when it must be dropped.
pub fn to_site(raw: RawFeature, ctx: &FileContext, interner: &mut Interner, rep: &mut Report) -> Option<Site> {
    let RawFeature {
        index,
        member_id,
        geometry,
        geometry_member,
        geom_notes,
        mut props,
        props_wrong_type,
        wrong_type,
        bad_bbox,
    } = raw;
    // Identity first, so every later problem names the feature.
    let id_prop = props.take("id");
    let id: Option<Arc<str>> =
        id_prop.as_ref().and_then(as_text).map(|t| Arc::from(&*t)).or_else(|| member_id.map(Arc::from));
    rep.id = id.clone();
    if let Some(t) = wrong_type {
        rep.push(Severity::Error, Some("type"), Code::NotAFeature { found: t.to_string() });
        return None;
    }
    if props_wrong_type {
        rep.push(Severity::Warning, Some("properties"), Code::PropertiesNotObject);
    }
    let layer_val = props.take("layer");
    let is_plan_site = layer_val.is_some();
    let layer = match &layer_val {
        None => LayerKey::Reference(ctx.reference_layer.clone()),
        Some(v) => match as_text(v) {
            Some(s) => match PlanLayer::from_key(&s) {
                Some(p) => LayerKey::Plan(p),
                None => {
                    rep.push(Severity::Warning, Some("layer"), Code::UnknownLayer { layer: s.to_string() });
                    LayerKey::Extra(interner.get(&s))
                }
            },
            None => {
                rep.push(Severity::Warning, Some("layer"), Code::LayerNotText { value: v.to_string() });
                LayerKey::Extra(interner.get("?"))
            }
        },
    };

    // Geometry: a missing member or an empty one drops the feature; `null`
    // is RFC 7946's unlocated feature, kept without a place on the map.
    if !geometry_member {
        rep.push(Severity::Error, Some("geometry"), Code::NoGeometry);
        return None;
    }
    let unlocated = geometry.is_none();
    let geometry = geometry.unwrap_or_else(|| {
        rep.push(Severity::Warning, Some("geometry"), Code::NullGeometry);
        Site::unlocated_geometry()
    });
    // geo's emptiness, which the index uses too (it looks at the vectors).
    if geometry.is_empty() && !unlocated {
        rep.push(Severity::Error, Some("geometry"), Code::EmptyGeometry);
        return None;
    }
    if let Some(code) = bad_bbox {
        rep.push(Severity::Warning, Some("bbox"), code);
    }
    for n in &geom_notes {
        match n {
            GeomNote::RingClosed { ring } => {
                rep.push(Severity::Warning, Some("geometry"), Code::RingClosed { ring: *ring })
            }
        }
    }
    if let Some(why) = validity::invalidity_in_both(&geometry) {
        rep.push(Severity::Warning, Some("geometry"), Code::InvalidPolygon { detail: why });
    }

    let name_val = props.take("name");
    let name = name_val.as_ref().and_then(as_text);
    let made_up_id = id.is_none();
    let id: Arc<str> = match id {
        Some(id) => id,
        None => {
            let generated: Arc<str> = format!("{}#{index}", ctx.label).into();
            if is_plan_site {
                rep.push(Severity::Warning, Some("id"), Code::NoId { generated: generated.to_string() });
            }
            generated
        }
    };
    let made_up_name = name.is_none();
    let name: Cow<str> = match name {
        Some(n) => n,
        None => {
            if is_plan_site {
                rep.push(Severity::Warning, Some("name"), Code::NoName);
            }
            // A name-like property (NAME, 名称…: the land bureau's files), else the id.
            let like = props.extra.iter().find_map(|(k, v)| {
                crate::model::names::NAME_KEYS.contains(&&**k).then(|| serde_json::from_str::<String>(v.get()).ok())?
            });
            match like.filter(|n| !n.trim().is_empty()) {
                Some(n) => Cow::Owned(n.trim().to_string()),
                None => Cow::Borrowed(&*id),
            }
        }
    };

    let mut text = |props: &mut Props, key: &str, rep: &mut Report| -> Option<Arc<str>> {
        let v = props.take(key)?;
        match as_text(&v) {
            Some(s) => Some(interner.get(&s)),
            None => {
                rep.push(Severity::Warning, Some(key), Code::NotText { key: key.to_string(), value: v.to_string() });
                None
            }
        }
    };
    let kind = text(&mut props, "kind", rep);
    let lead_unit = text(&mut props, "lead_unit", rep);
    let district = text(&mut props, "district", rep);
    let source = text(&mut props, "source", rep);
    let tags = interner.tags(SiteTags { layer, kind, lead_unit, district, source });
    // Timing: a value that cannot be read is an error of the file, yet the
    // site stays, its status unknown where the value would matter, and the
    // value is kept as written (among the extra properties) for saves.
    let mut unreadable: Vec<(Timing, String)> = Vec::new();
    let mut plan_year = None;
    if let Some(v) = props.take("plan_year").filter(|v| !is_blank(v)) {
        match as_int(&v) {
            Some(y) if (1900..=2100).contains(&y) => {
                plan_year = Some(y as i32);
                if !(2020..=2022).contains(&y) {
                    rep.push(Severity::Warning, Some("plan_year"), Code::PlanYearOutsidePlan { year: y });
                }
            }
            _ => {
                rep.push(Severity::Error, Some("plan_year"), Code::PlanYearNotAYear { value: v.to_string() });
                unreadable.push((Timing::PlanYear, v.to_string()));
            }
        }
    }
    let mut date = |t: Timing, rep: &mut Report| -> Option<PlanDate> {
        let v = props.take(t.key()).filter(|v| !is_blank(v))?;
        let parsed = match &v {
            PropValue::Text(s) => s.parse::<PlanDate>().map_err(|e| Code::BadDate { detail: e.msg() }),
            PropValue::Number(n) => n.to_string().parse::<PlanDate>().map_err(|e| Code::BadDate { detail: e.msg() }),
            other => Err(Code::DateNotADate { value: other.to_string() }),
        };
        match parsed {
            Ok(d) => Some(d),
            Err(e) => {
                rep.push(Severity::Error, Some(t.key()), e);
                unreadable.push((t, v.to_string()));
                None
            }
        }
    };
    let started = date(Timing::Started, rep);
    let completed = date(Timing::Completed, rep);
    if let (Some(s), Some(c)) = (started, completed)
        && c.surely_before(&s)
    {
        rep.push(
            Severity::Error,
            Some("completed"),
            Code::CompletedBeforeStarted { completed: c.to_string(), started: s.to_string() },
        );
    }
    let mut site = Site::from_parts(
        &id,
        &name,
        props.extra.iter().map(|(k, v)| (&**k, v.get())).chain(unreadable.iter().map(|(t, v)| (t.key(), v.as_str()))),
        tags,
        geometry,
        Origin { file: ctx.file_index, index: index as u32 },
    );
    site.set_made_up(made_up_id, made_up_name);
    site.plan_year = plan_year;
    site.started = started;
    site.completed = completed;
    for (t, _) in &unreadable {
        site.mark_unreadable(*t);
    }

    if let Some(v) = props.take("task") {
        match as_int(&v) {
            Some(t) if (1..=28).contains(&t) => site.task = Some(t as u8),
            _ => rep.push(Severity::Warning, Some("task"), Code::BadTask { value: v.to_string() }),
        }
    }
    if let Some(v) = props.take("scope") {
        match as_text(&v).as_deref().and_then(Scope::from_key) {
            Some(s) => site.scope = Some(s),
            None => rep.push(Severity::Warning, Some("scope"), Code::BadScope { value: v.to_string() }),
        }
    }
    let mut declared = Declared::default();
    for (key, slot) in [("length_km", &mut declared.length_km), ("area_m2", &mut declared.area_m2)] {
        if let Some(v) = props.take(key) {
            match as_num(&v) {
                Some(x) if x.is_finite() && x >= 0.0 => *slot = Some(x),
                _ => rep.push(
                    Severity::Warning,
                    Some(key),
                    Code::NotNonNegative { key: key.to_string(), value: v.to_string() },
                ),
            }
        }
    }
    site.set_declared(declared);
    // A plan site should say which year the plan wants it in.
    if is_plan_site && site.plan_year.is_none() && !rep.problems.iter().any(|p| p.field.as_deref() == Some("plan_year"))
    {
        rep.push(Severity::Warning, Some("plan_year"), Code::NoPlanYear);
    }
    Some(site)
}
