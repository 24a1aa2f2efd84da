//! Colours and symbols: the status palette, layer colours, and how each
//! layer's geometry is drawn.
//!
//! The status palette follows Okabe & Ito's colour-blind-safe set (bluish
//! green, orange, grey, vermillion, and reddish purple for a status a broken
//! date leaves unknown) so "done" and "overdue" stay apart for
//! red-green colour blindness; sizes and outlines do not depend on colour.

use egui::Color32;

use binzhou_core::model::{LayerKey, PlanLayer, StatusClass};

/// The colour of a status class.
pub fn status_colour(class: StatusClass) -> Color32 {
    match class {
        StatusClass::Done => Color32::from_rgb(0, 158, 115),
        StatusClass::InProgress => Color32::from_rgb(230, 159, 0),
        StatusClass::NotStarted => Color32::from_rgb(140, 140, 140),
        StatusClass::Overdue => Color32::from_rgb(213, 94, 0),
        StatusClass::Unknown => Color32::from_rgb(204, 121, 167),
    }
}

/// The colour of a site by its newest field check: one per
/// [`binzhou_core::checks::CheckResult`], then "not checked".
pub fn check_colour(slot: usize) -> Color32 {
    match slot {
        0 => Color32::from_rgb(0, 158, 115),   // location correct
        1 => Color32::from_rgb(0, 114, 178),   // moved
        2 => Color32::from_rgb(213, 94, 0),    // not found
        3 => Color32::from_rgb(204, 121, 167), // unreachable
        _ => Color32::from_rgb(175, 175, 175), // not checked
    }
}

/// The slot of [`check_colour`] for sites not checked.
pub const NOT_CHECKED: u8 = 4;

/// The colour used for features without a plan status (reference layers).
pub const REFERENCE_COLOUR: Color32 = Color32::from_rgb(86, 112, 150);
/// The selection highlight.
pub const SELECTION_COLOUR: Color32 = Color32::from_rgb(0, 170, 255);
/// The hover highlight.
pub const HOVER_COLOUR: Color32 = Color32::from_rgb(255, 255, 255);
/// A dark outline around symbols.
pub const SYMBOL_OUTLINE: Color32 = Color32::from_rgb(40, 40, 40);

/// A layer's own colour (for its swatch and for colouring by layer).
pub fn layer_colour(key: &LayerKey) -> Color32 {
    match key {
        LayerKey::Plan(p) => match p {
            PlanLayer::DeadEndRoad => Color32::from_rgb(140, 86, 75),
            PlanLayer::PocketPark => Color32::from_rgb(44, 160, 44),
            PlanLayer::Greenway => Color32::from_rgb(23, 160, 190),
            PlanLayer::OverheadLineZone => Color32::from_rgb(148, 103, 189),
            // Magenta, not red: red reads as "overdue" next to the status colours.
            PlanLayer::UrbanVillage => Color32::from_rgb(180, 50, 160),
        },
        LayerKey::Extra(name) => {
            const EXTRA: [Color32; 5] = [
                Color32::from_rgb(227, 119, 194),
                Color32::from_rgb(188, 189, 34),
                Color32::from_rgb(31, 119, 180),
                Color32::from_rgb(255, 127, 14),
                Color32::from_rgb(127, 127, 127),
            ];
            EXTRA[stable_hash(name) % EXTRA.len()]
        }
        LayerKey::Reference(_) => REFERENCE_COLOUR,
    }
}

fn stable_hash(s: &str) -> usize {
    s.bytes().fold(2166136261u32, |h, b| (h ^ b as u32).wrapping_mul(16777619)) as usize
}

/// How a layer's features are drawn, whatever colours them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Symbol {
    /// Line width (lines) or outline width (polygons), pixels.
    pub width: f32,
    /// Fill opacity of polygons (before the layer opacity).
    pub fill_alpha: f32,
    /// Dashed outline or line.
    pub dashed: bool,
    /// Small end marks on lines (dead-end roads: the gap being closed).
    pub end_marks: bool,
    /// Radius of point symbols, pixels.
    pub point_radius: f32,
}

impl Symbol {
    /// The symbol of a layer.
    pub fn of(key: &LayerKey) -> Self {
        let base = Symbol { width: 2.0, fill_alpha: 0.4, dashed: false, end_marks: false, point_radius: 5.0 };
        match key {
            LayerKey::Plan(PlanLayer::DeadEndRoad) => Symbol { width: 4.0, end_marks: true, ..base },
            LayerKey::Plan(PlanLayer::Greenway) => Symbol { width: 4.5, ..base },
            LayerKey::Plan(PlanLayer::PocketPark) => Symbol { width: 2.0, fill_alpha: 0.7, ..base },
            // An area the lines cross, not a thing on the ground: outlined, barely filled.
            LayerKey::Plan(PlanLayer::OverheadLineZone) => {
                Symbol { width: 2.5, fill_alpha: 0.07, dashed: true, ..base }
            }
            LayerKey::Plan(PlanLayer::UrbanVillage) => Symbol { width: 2.5, fill_alpha: 0.35, ..base },
            LayerKey::Extra(_) => base,
            LayerKey::Reference(_) => Symbol { width: 1.5, fill_alpha: 0.15, ..base },
        }
    }
}

/// A colour with its alpha scaled.
pub fn with_alpha(c: Color32, a: f32) -> Color32 {
    c.gamma_multiply(a.clamp(0.0, 1.0))
}

/// A darker shade, for outlines.
pub fn darker(c: Color32) -> Color32 {
    let [r, g, b, a] = c.to_srgba_unmultiplied();
    let f = |v: u8| (v as f32 * 0.65) as u8;
    Color32::from_rgba_unmultiplied(f(r), f(g), f(b), a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_five_status_colours_are_distinct() {
        let c: Vec<Color32> = StatusClass::ALL.iter().map(|&s| status_colour(s)).collect();
        for i in 0..c.len() {
            for j in i + 1..c.len() {
                assert_ne!(c[i], c[j]);
            }
        }
    }

    #[test]
    fn the_status_colours_are_the_documented_okabe_ito_shades() {
        assert_eq!(status_colour(StatusClass::Done), Color32::from_rgb(0, 158, 115), "bluish green");
        assert_eq!(status_colour(StatusClass::InProgress), Color32::from_rgb(230, 159, 0), "orange");
        assert_eq!(status_colour(StatusClass::NotStarted), Color32::from_rgb(140, 140, 140), "grey");
        assert_eq!(status_colour(StatusClass::Overdue), Color32::from_rgb(213, 94, 0), "vermillion");
        assert_eq!(status_colour(StatusClass::Unknown), Color32::from_rgb(204, 121, 167), "reddish purple");
        // A selected or hovered site must not look like any status.
        for s in StatusClass::ALL {
            assert_ne!(status_colour(s), SELECTION_COLOUR, "{s:?}");
            assert_ne!(status_colour(s), HOVER_COLOUR, "{s:?}");
        }
    }

    #[test]
    fn an_extra_layer_always_gets_the_same_colour() {
        // FNV-1a (32 bit) reference values: the colour of a name must not
        // depend on the process, the platform or the Rust version.
        assert_eq!(stable_hash(""), 0x811c_9dc5);
        assert_eq!(stable_hash("a"), 0xe40c_292c);
        assert_eq!(stable_hash("foobar"), 0xbf9c_f968);
        let colour = |name: &str| layer_colour(&LayerKey::Extra(name.into()));
        // One name for each palette entry (FNV-1a mod 5 = 0, 1, 2, 3, 4).
        assert_eq!(colour("parks"), Color32::from_rgb(227, 119, 194));
        assert_eq!(colour("路灯"), Color32::from_rgb(188, 189, 34));
        assert_eq!(colour("markets"), Color32::from_rgb(31, 119, 180));
        assert_eq!(colour("医院"), Color32::from_rgb(255, 127, 14));
        assert_eq!(colour("street_lights"), Color32::from_rgb(127, 127, 127));
        // A key built separately from the same name gets the same colour.
        let k = LayerKey::Extra("street_lights".into());
        assert_eq!(layer_colour(&k), colour(&String::from("street_lights")));
        // None of them takes a plan layer's or the reference colour.
        for name in ["parks", "路灯", "markets", "医院", "street_lights"] {
            for p in PlanLayer::ALL {
                assert_ne!(colour(name), layer_colour(&LayerKey::Plan(p)), "{name} vs {p:?}");
            }
            assert_ne!(colour(name), REFERENCE_COLOUR, "{name}");
        }
    }
}
