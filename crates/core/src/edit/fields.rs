//! The fields a planner edits, and what a typed value means for each: the
//! check made as the user types, before anything is changed.

use serde_json::Value;

use crate::model::{Bilingual, Dataset, Msg, PlanDate, PlanLayer, Scope};

/// A site field the attribute editor shows, in the editor's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// `name`
    Name,
    /// `id`
    Id,
    /// `layer` (one of the plan's five, by key or Chinese name)
    Layer,
    /// `kind`
    Kind,
    /// `task` (1–28)
    Task,
    /// `lead_unit`
    LeadUnit,
    /// `district`
    District,
    /// `scope` (`main_city` / `county`, or their Chinese names)
    Scope,
    /// `plan_year`
    PlanYear,
    /// `started`
    Started,
    /// `completed`
    Completed,
}

impl Field {
    /// Every field, in the editor's order.
    pub const ALL: [Field; 11] = [
        Field::Name,
        Field::Id,
        Field::Layer,
        Field::Kind,
        Field::Task,
        Field::LeadUnit,
        Field::District,
        Field::Scope,
        Field::PlanYear,
        Field::Started,
        Field::Completed,
    ];

    /// The property the field is stored in.
    pub fn key(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Id => "id",
            Field::Layer => "layer",
            Field::Kind => "kind",
            Field::Task => "task",
            Field::LeadUnit => "lead_unit",
            Field::District => "district",
            Field::Scope => "scope",
            Field::PlanYear => "plan_year",
            Field::Started => "started",
            Field::Completed => "completed",
        }
    }

    /// The field of a property, when it is one of the model's.
    pub fn of_key(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.key() == key)
    }

    /// The value's text as the editor shows it.
    pub fn text_of(self, v: Option<&Value>) -> String {
        match v {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        }
    }
}

/// What typed text makes of a field of site `site` (`None` for a new one):
/// the value to store (`Value::Null` clears the field), or why not.
///
/// ```
/// use binzhou_core::edit::fields::{Field, parse};
/// use binzhou_core::model::Dataset;
/// let ds = Dataset::default();
/// assert_eq!(parse(Field::Completed, " 2021-10 ", &ds, None).unwrap(), serde_json::json!("2021-10"));
/// assert!(parse(Field::Completed, "2021-13", &ds, None).is_err());
/// assert_eq!(parse(Field::Layer, "口袋公园", &ds, None).unwrap(), serde_json::json!("pocket_park"));
/// ```
pub fn parse(field: Field, text: &str, ds: &Dataset, site: Option<usize>) -> Result<Value, Msg> {
    let t = text.trim();
    if t.is_empty() {
        return match field {
            Field::Id => Err(Msg::new("a site needs an id", "项目必须有编号")),
            Field::Layer => Err(Msg::new("a plan site needs a layer", "项目必须属于一个图层")),
            _ => Ok(Value::Null),
        };
    }
    match field {
        Field::Name | Field::Kind | Field::LeadUnit | Field::District => Ok(Value::String(t.to_string())),
        Field::Id => {
            if let Some(other) = ds.find_by_id(t)
                && Some(other) != site
            {
                return Err(Msg::new(
                    format!("id {t} is used by {}", ds.sites[other].name()),
                    format!("编号 {t} 已被“{}”使用", ds.sites[other].name()),
                ));
            }
            Ok(Value::String(t.to_string()))
        }
        Field::Layer => PlanLayer::ALL
            .into_iter()
            .find(|l| {
                l.key() == t
                    || l.name_zh() == t
                    || l.name_zh().split('/').any(|part| part == t)
                    || l.name_en().eq_ignore_ascii_case(t)
            })
            .map(|l| Value::String(l.key().into()))
            .ok_or_else(|| {
                let names: Vec<&str> = PlanLayer::ALL.iter().map(|l| l.name_zh()).collect();
                let keys: Vec<&str> = PlanLayer::ALL.iter().map(|l| l.key()).collect();
                Msg::new(
                    format!("'{t}' is not a layer of the plan ({})", keys.join(", ")),
                    format!("“{t}”不是规划的图层（{}）", names.join("、")),
                )
            }),
        Field::Scope => [Scope::MainCity, Scope::County]
            .into_iter()
            .find(|s| s.key() == t || s.name_zh() == t || s.name_en().eq_ignore_ascii_case(t))
            .map(|s| Value::String(s.key().into()))
            .ok_or_else(|| {
                Msg::new(
                    format!("'{t}' is not a scope (main_city or county)"),
                    format!("“{t}”不是范围（市主城区或各县(市、区)）"),
                )
            }),
        Field::Task => match t.parse::<u8>() {
            Ok(n @ 1..=28) => Ok(Value::from(n)),
            _ => Err(Msg::new(format!("'{t}' is not a task number 1-28"), format!("“{t}”不是 1–28 的任务编号"))),
        },
        Field::PlanYear => match t.parse::<i32>() {
            Ok(y @ 2020..=2022) => Ok(Value::from(y)),
            Ok(y) => Err(Msg::new(
                format!("{y} is outside the plan's years 2020-2022"),
                format!("{y} 不在规划年度 2020–2022 之内"),
            )),
            Err(_) => Err(Msg::new(format!("'{t}' is not a year"), format!("“{t}”不是年份"))),
        },
        Field::Started | Field::Completed => {
            let normal = t.replace(['年', '月'], "-").replace('日', "");
            let normal = normal.trim_end_matches('-');
            normal.parse::<PlanDate>().map(|d| Value::String(d.to_string())).map_err(|e| e.msg())
        }
    }
}

/// Whether a completion date is consistent with the start: a check across
/// fields shown beside the completion field.
pub fn completed_before_started(started: Option<&Value>, completed: Option<&Value>) -> Option<Msg> {
    let date = |v: Option<&Value>| v.and_then(|v| v.as_str()).and_then(|s| s.parse::<PlanDate>().ok());
    let (s, c) = (date(started)?, date(completed)?);
    c.surely_before(&s)
        .then(|| Msg::new(format!("completed {c} is before started {s}"), format!("完工时间 {c} 早于开工时间 {s}")))
}
