//! The plan's targets (`data/plan_targets.json`): layer × scope × period.

use std::path::Path;

use crate::model::{PlanLayer, Scope};

/// A span of plan years a target is counted over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Period {
    /// 2020 alone.
    #[serde(rename = "2020")]
    Y2020,
    /// 2021 and 2022.
    #[serde(rename = "2021-2022")]
    Y2021To2022,
    /// The whole plan, 2020 to 2022.
    #[serde(rename = "2020-2022")]
    Y2020To2022,
}

impl Period {
    /// The plan years it spans, inclusive.
    pub fn years(self) -> std::ops::RangeInclusive<i32> {
        match self {
            Period::Y2020 => 2020..=2020,
            Period::Y2021To2022 => 2021..=2022,
            Period::Y2020To2022 => 2020..=2022,
        }
    }

    /// As the targets file writes it: `2020`, `2021-2022` or `2020-2022`.
    pub fn label(self) -> &'static str {
        match self {
            Period::Y2020 => "2020",
            Period::Y2021To2022 => "2021-2022",
            Period::Y2020To2022 => "2020-2022",
        }
    }

    /// Whether a site with this `plan_year` counts towards the period.
    pub fn contains(self, plan_year: i32) -> bool {
        self.years().contains(&plan_year)
    }
}

/// One target sentence of the plan.
#[derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
pub struct Target {
    /// The plan layer the target counts.
    pub layer: PlanLayer,
    /// Restricts the target to sites of this `kind` (roads vs bridges).
    #[serde(default)]
    pub kind: Option<String>,
    /// Main city or counties.
    pub scope: Scope,
    /// The plan years the target is counted over.
    pub period: Period,
    /// The figure, or `None` where the plan names an area rather than a count.
    pub value: Option<f64>,
    /// 条, 座, 处, km, 个, 片.
    pub unit: String,
    /// The plan task number (1–28) the target belongs to.
    pub task: u8,
    /// Applies to each county separately.
    #[serde(default)]
    pub per_county: bool,
    /// The plan's own sentence for the target, in Chinese.
    pub sentence: String,
    /// The same sentence in English (empty when not given).
    #[serde(default)]
    pub sentence_en: String,
}

/// All targets, and the county-level divisions that "each county" means.
#[derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
pub struct PlanTargets {
    /// The plan's title, issuer and date (empty when not given).
    #[serde(default)]
    pub plan: String,
    /// The county-level divisions a per-county target applies to.
    pub counties: Vec<String>,
    /// Every target.
    pub targets: Vec<Target>,
}

/// Why a targets file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TargetsError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file's path, as displayed.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid JSON of the targets form.
    #[error("{file}: not a valid targets file: {source}")]
    Parse {
        /// The file's path, as displayed.
        file: String,
        /// The JSON error.
        source: serde_json::Error,
    },
}

const BUNDLED: &str = include_str!("../../../../data/plan_targets.json");

impl PlanTargets {
    /// The targets shipped with the program (the same file as `data/plan_targets.json`).
    pub fn bundled() -> Self {
        serde_json::from_str(BUNDLED).expect("the bundled plan_targets.json is valid (checked by a test)")
    }

    /// Reads targets from a JSON file shaped like `data/plan_targets.json`.
    pub fn from_file(path: &Path) -> Result<Self, TargetsError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| TargetsError::Io { file: file.clone(), source })?;
        serde_json::from_str(&text).map_err(|source| TargetsError::Parse { file, source })
    }

    /// `dir/plan_targets.json` when present, else the bundled targets.
    pub fn for_data_dir(dir: &Path) -> Result<Self, TargetsError> {
        let p = dir.join("plan_targets.json");
        if p.is_file() { Self::from_file(&p) } else { Ok(Self::bundled()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_targets_parse_and_carry_the_plans_figures() {
        let t = PlanTargets::bundled();
        let find = |layer, scope, period, kind: Option<&str>| {
            t.targets
                .iter()
                .find(|x| x.layer == layer && x.scope == scope && x.period == period && x.kind.as_deref() == kind)
                .and_then(|x| x.value)
        };
        use PlanLayer::*;
        assert_eq!(find(DeadEndRoad, Scope::MainCity, Period::Y2020, Some("road")), Some(15.0));
        assert_eq!(find(DeadEndRoad, Scope::MainCity, Period::Y2020, Some("bridge")), Some(4.0));
        assert_eq!(find(DeadEndRoad, Scope::MainCity, Period::Y2021To2022, Some("road")), Some(20.0));
        assert_eq!(find(DeadEndRoad, Scope::MainCity, Period::Y2021To2022, Some("bridge")), Some(3.0));
        assert_eq!(find(PocketPark, Scope::MainCity, Period::Y2020, None), Some(36.0));
        assert_eq!(find(PocketPark, Scope::MainCity, Period::Y2021To2022, None), Some(30.0));
        assert_eq!(find(PocketPark, Scope::County, Period::Y2020, None), Some(5.0));
        assert_eq!(find(PocketPark, Scope::County, Period::Y2021To2022, None), Some(10.0));
        assert_eq!(find(Greenway, Scope::MainCity, Period::Y2020, None), Some(35.0));
        assert_eq!(find(Greenway, Scope::MainCity, Period::Y2021To2022, None), Some(30.0));
        assert_eq!(find(Greenway, Scope::County, Period::Y2020, None), Some(10.0));
        assert_eq!(find(Greenway, Scope::County, Period::Y2021To2022, None), Some(20.0));
        assert_eq!(find(UrbanVillage, Scope::MainCity, Period::Y2020To2022, None), Some(116.0));
        assert_eq!(t.counties.len(), 7);
    }
}
