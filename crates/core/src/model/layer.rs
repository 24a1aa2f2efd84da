//! Layers: the plan's five, extra ones named in data, and reference layers.

use std::fmt;
use std::sync::Arc;

/// The five layers the plan counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanLayer {
    /// Dead-end roads and bridges to open up (断头路/断头桥, task 14).
    DeadEndRoad,
    /// Pocket parks and node green spaces (口袋公园/节点绿地, task 8).
    PocketPark,
    /// Greenways, counted in kilometres (绿道, task 8).
    Greenway,
    /// Zones whose overhead lines go underground (架空线路入地, task 3).
    OverheadLineZone,
    /// Urban villages to rebuild (城中村改造, task 16).
    UrbanVillage,
}

impl PlanLayer {
    /// All five, in display order.
    pub const ALL: [PlanLayer; 5] = [
        PlanLayer::DeadEndRoad,
        PlanLayer::PocketPark,
        PlanLayer::Greenway,
        PlanLayer::OverheadLineZone,
        PlanLayer::UrbanVillage,
    ];

    /// The value of the `layer` property.
    pub fn key(self) -> &'static str {
        match self {
            PlanLayer::DeadEndRoad => "dead_end_road",
            PlanLayer::PocketPark => "pocket_park",
            PlanLayer::Greenway => "greenway",
            PlanLayer::OverheadLineZone => "overhead_line_zone",
            PlanLayer::UrbanVillage => "urban_village",
        }
    }

    /// The layer whose `layer` property value is `s`, if any.
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.key() == s)
    }

    /// The layer's name in Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            PlanLayer::DeadEndRoad => "断头路/断头桥",
            PlanLayer::PocketPark => "口袋公园/节点绿地",
            PlanLayer::Greenway => "绿道",
            PlanLayer::OverheadLineZone => "架空线路入地",
            PlanLayer::UrbanVillage => "城中村改造",
        }
    }

    /// The layer's name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            PlanLayer::DeadEndRoad => "Dead-end roads & bridges",
            PlanLayer::PocketPark => "Pocket parks & node green",
            PlanLayer::Greenway => "Greenways",
            PlanLayer::OverheadLineZone => "Overhead-line zones",
            PlanLayer::UrbanVillage => "Urban villages",
        }
    }

    /// The plan task (1-28) this layer belongs to.
    pub fn task(self) -> u8 {
        match self {
            PlanLayer::DeadEndRoad => 14,
            PlanLayer::PocketPark | PlanLayer::Greenway => 8,
            PlanLayer::OverheadLineZone => 3,
            PlanLayer::UrbanVillage => 16,
        }
    }

    /// Whether the plan counts this layer in kilometres rather than sites.
    pub fn counts_km(self) -> bool {
        matches!(self, PlanLayer::Greenway)
    }
}

/// Which layer a site belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LayerKey {
    /// One of the plan's five layers.
    Plan(PlanLayer),
    /// A plan site whose `layer` value is not one of the five.
    Extra(Arc<str>),
    /// A file of features that declare no plan layer (boundaries, roads, survey
    /// points): named after the file.
    Reference(Arc<str>),
}

impl LayerKey {
    /// The plan layer, when this is one of the five.
    pub fn plan(&self) -> Option<PlanLayer> {
        match self {
            LayerKey::Plan(p) => Some(*p),
            _ => None,
        }
    }

    /// A stable string for persistence and the CLI.
    pub fn key(&self) -> String {
        match self {
            LayerKey::Plan(p) => p.key().to_string(),
            LayerKey::Extra(s) => s.to_string(),
            LayerKey::Reference(s) => format!("ref:{s}"),
        }
    }

    /// The layer's name in Chinese (reference layers as `参考图层：<file>`).
    pub fn name_zh(&self) -> String {
        match self {
            LayerKey::Plan(p) => p.name_zh().to_string(),
            LayerKey::Extra(s) => s.to_string(),
            LayerKey::Reference(s) => format!("参考图层：{s}"),
        }
    }

    /// The layer's name in English (reference layers as `Reference: <file>`).
    pub fn name_en(&self) -> String {
        match self {
            LayerKey::Plan(p) => p.name_en().to_string(),
            LayerKey::Extra(s) => s.to_string(),
            LayerKey::Reference(s) => format!("Reference: {s}"),
        }
    }
}

impl fmt::Display for LayerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

/// Main city or a county, as the plan's targets are split.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The main city (市主城区).
    MainCity,
    /// The county-level divisions (各县(市、区)).
    County,
}

impl Scope {
    /// The value of the `scope` property: `main_city` or `county`.
    pub fn key(self) -> &'static str {
        match self {
            Scope::MainCity => "main_city",
            Scope::County => "county",
        }
    }

    /// The scope whose `scope` property value is `s`, if any.
    pub fn from_key(s: &str) -> Option<Self> {
        match s {
            "main_city" => Some(Scope::MainCity),
            "county" => Some(Scope::County),
            _ => None,
        }
    }

    /// The scope's name in Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            Scope::MainCity => "市主城区",
            Scope::County => "各县(市、区)",
        }
    }

    /// The scope's name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            Scope::MainCity => "Main city",
            Scope::County => "County",
        }
    }
}
