//! Parses the bytes of one GeoJSON Feature into a [`RawFeature`]: geometry in
//! the file's own coordinates, properties in file order.

use std::borrow::Cow;
use std::fmt;

use geo::Geometry;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::geometry::{GeomNote, KeyStr, geometry_seed};

/// One feature as written, before validation and CRS conversion. Text
/// properties borrow from the input where they can.
#[derive(Debug, Default)]
pub struct RawFeature<'de> {
    /// 0-based position in the file's `features` array.
    pub index: usize,
    /// The Feature's own `"id"` member (GeoJSON puts it beside `properties`).
    pub member_id: Option<String>,
    /// The geometry in the file's own coordinates; `None` when the member is absent or null.
    pub geometry: Option<Geometry<f64>>,
    /// Whether the feature has a `geometry` member at all (even a null one).
    pub geometry_member: bool,
    /// What the geometry parser changed, such as rings it closed.
    pub geom_notes: Vec<GeomNote>,
    /// Properties; empty when `properties` is null.
    pub props: Props<'de>,
    /// `properties` was present but not an object or null.
    pub props_wrong_type: bool,
    /// The value of the `type` member, when it was not "Feature".
    pub wrong_type: Option<String>,
    /// What is wrong with the feature's `bbox` member, when it is malformed.
    pub bad_bbox: Option<crate::model::Code>,
}

/// Why a feature could not be read at all.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureError {
    /// The member the error came from, when known.
    pub field: Option<&'static str>,
    /// What is wrong, in English.
    pub message: String,
    /// The same in Chinese.
    pub message_zh: String,
}

/// Between the two languages of a message that travels through serde's
/// error text (a plain string) from our visitors to [`classify`].
const LANG_SEP: char = '\u{1f}';

/// A visitor's message in English and Chinese, as one string for
/// `de::Error::custom`; [`classify`] parts them again.
pub(super) fn both(en: impl fmt::Display, zh: impl fmt::Display) -> String {
    format!("{en}{LANG_SEP}{zh}")
}

/// Parses one feature. `index` is its place in the `features` array.
pub fn parse_feature(bytes: &[u8], index: usize) -> Result<RawFeature<'_>, FeatureError> {
    parse_with(serde_json::Deserializer::from_slice(bytes), bytes, index)
}

/// [`parse_feature`] on text already known to be UTF-8: strings are then not
/// validated one by one, which was a sixth of the parse time.
pub fn parse_feature_str(text: &str, index: usize) -> Result<RawFeature<'_>, FeatureError> {
    parse_with(serde_json::Deserializer::from_str(text), text.as_bytes(), index)
}

fn parse_with<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    bytes: &[u8],
    index: usize,
) -> Result<RawFeature<'de>, FeatureError> {
    let mut f = RawFeature { index, ..RawFeature::default() };
    // Filled in place: the feature is hundreds of bytes, and moving it through
    // each visitor's return value was a tenth of the parse time.
    FeatureSeed { f: &mut f }.deserialize(&mut de).map_err(|e| classify(e, bytes))?;
    de.end().map_err(|e| classify(e, bytes))?;
    Ok(f)
}

/// The id of a feature too broken to parse, found by looking for `"id":"…"`,
/// so that its problem can still name it.
pub fn sniff_id(bytes: &[u8]) -> Option<String> {
    let mut rest = bytes;
    while let Some(at) = memchr::memmem::find(rest, br#""id""#) {
        rest = &rest[at + 4..];
        let after: &[u8] = rest.trim_ascii_start();
        if let Some(v) = after.strip_prefix(b":") {
            let v = v.trim_ascii_start();
            if let Some(v) = v.strip_prefix(b"\"") {
                let end = memchr::memchr2(b'"', b'\\', v)?;
                return std::str::from_utf8(&v[..end]).ok().map(str::to_string);
            }
            let end = v.iter().position(|b| !b.is_ascii_digit()).unwrap_or(v.len());
            if end > 0 {
                return std::str::from_utf8(&v[..end]).ok().map(str::to_string);
            }
        }
    }
    None
}

fn classify(e: serde_json::Error, bytes: &[u8]) -> FeatureError {
    let category = e.classify();
    // serde_json's "at line L column C" counts from the start of this
    // feature, not the file: drop it; the feature's index says where.
    let full = e.to_string();
    let msg = without_position(&full);
    if msg.contains("recursion limit exceeded") {
        return FeatureError {
            field: None,
            message: "nested more than 128 levels deep; refused".into(),
            message_zh: "嵌套超过 128 层，拒绝读取".into(),
        };
    }
    let nan = (category == serde_json::error::Category::Syntax || msg.ends_with("expected value"))
        && (memchr::memmem::find(bytes, b"NaN").is_some() || memchr::memmem::find(bytes, b"Infinity").is_some());
    // Our visitors prefix messages with the member they concern.
    let (field, rest) = ["geometry", "properties", "id", "type"]
        .into_iter()
        .find_map(|f| msg.strip_prefix(&format!("[{f}] ")).map(|rest| (Some(f), rest)))
        .unwrap_or((None, msg));
    // Our own messages carry their Chinese; serde_json's are English only,
    // and get a Chinese lead with their English detail.
    let (mut en, mut zh, ours) = match rest.split_once(LANG_SEP) {
        Some((en, zh)) => (without_position(en).to_string(), without_position(zh).to_string(), true),
        None => (rest.to_string(), rest.to_string(), false),
    };
    if nan {
        en.push_str(": NaN/Infinity is not a number JSON allows");
        zh = "数值无效：NaN/Infinity 不是 JSON 允许的数字".into();
    }
    if field.is_some() {
        if !ours && !nan {
            let lead = match category {
                serde_json::error::Category::Syntax => "JSON 语法错误",
                serde_json::error::Category::Eof => "要素不完整（被截断）",
                _ => "格式有误",
            };
            zh = format!("{lead}：{zh}");
        }
        return FeatureError { field, message: en, message_zh: zh };
    }
    let (message, message_zh) = match category {
        serde_json::error::Category::Syntax => {
            (format!("invalid JSON in this feature: {en}"), format!("此要素的 JSON 无效：{zh}"))
        }
        serde_json::error::Category::Eof => {
            (format!("this feature is cut short: {en}"), format!("此要素不完整（被截断）：{zh}"))
        }
        _ if ours => (en, zh),
        _ => (en, format!("格式有误：{zh}")),
    };
    FeatureError { field: None, message, message_zh }
}

/// A serde_json message without its " at line L column C".
fn without_position(msg: &str) -> &str {
    match msg.rfind(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    }
}

/// Reads a Feature object into the `RawFeature` it holds.
struct FeatureSeed<'a, 'de> {
    f: &'a mut RawFeature<'de>,
}

impl<'de> DeserializeSeed<'de> for FeatureSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

fn tagged<E: de::Error>(field: &str, e: impl fmt::Display) -> E {
    E::custom(format!("[{field}] {e}"))
}

impl<'de> Visitor<'de> for FeatureSeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON Feature object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let f = self.f;
        let mut saw_type = false;
        while let Some(key) = map.next_key::<KeyStr>()? {
            match key.0.as_ref() {
                "type" => {
                    saw_type = true;
                    let t: Value = map.next_value()?;
                    if t != Value::String("Feature".into()) {
                        f.wrong_type = Some(t.to_string());
                    }
                }
                "id" => {
                    f.member_id = match map.next_value::<Value>()? {
                        Value::String(s) => Some(s),
                        Value::Number(n) => Some(n.to_string()),
                        Value::Null => None,
                        other => {
                            return Err(tagged(
                                "id",
                                both(
                                    format!("id is {other}, not a string or number"),
                                    format!("id 的值 {other} 既不是文本也不是数字"),
                                ),
                            ));
                        }
                    }
                }
                "geometry" => {
                    f.geometry_member = true;
                    let g = map.next_value_seed(geometry_seed()).map_err(|e| tagged::<A::Error>("geometry", e))?;
                    f.geometry = g.geometry;
                    f.geom_notes = g.notes;
                }
                "properties" => {
                    f.props = Props::default();
                    match map.next_value_seed(PropsSeed { props: &mut f.props })? {
                        PropsMember::Map | PropsMember::Null => {}
                        PropsMember::Other => f.props_wrong_type = true,
                    }
                }
                "bbox" => f.bad_bbox = crate::model::problem::bbox_problem(&map.next_value::<Value>()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !saw_type {
            f.wrong_type = Some("missing".into());
        }
        Ok(())
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(tagged(
            "type",
            both(
                "this element of \"features\" is an array, not a Feature object",
                "features 中的这一项是数组，不是 Feature 对象",
            ),
        ))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(tagged(
            "type",
            both(
                "this element of \"features\" is a string, not a Feature object",
                "features 中的这一项是文本，不是 Feature 对象",
            ),
        ))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(tagged(
            "type",
            both(
                "this element of \"features\" is a number, not a Feature object",
                "features 中的这一项是数字，不是 Feature 对象",
            ),
        ))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.visit_f64(v as f64)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.visit_f64(v as f64)
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(tagged(
            "type",
            both(
                "this element of \"features\" is null, not a Feature object",
                "features 中的这一项是null，不是 Feature 对象",
            ),
        ))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(tagged(
            "type",
            both(
                "this element of \"features\" is true/false, not a Feature object",
                "features 中的这一项是true/false，不是 Feature 对象",
            ),
        ))
    }
}

/// The property names the model has fields for.
pub const KNOWN: [&str; 14] = [
    "id",
    "name",
    "layer",
    "kind",
    "task",
    "lead_unit",
    "district",
    "scope",
    "plan_year",
    "started",
    "completed",
    "source",
    "length_km",
    "area_m2",
];

/// The slot of a known property (its place in [`KNOWN`]).
fn known_slot(key: &str) -> Option<usize> {
    // A match compiles to a switch on length and bytes: this runs for every
    // property of every feature.
    let slot = match key {
        "id" => 0,
        "name" => 1,
        "layer" => 2,
        "kind" => 3,
        "task" => 4,
        "lead_unit" => 5,
        "district" => 6,
        "scope" => 7,
        "plan_year" => 8,
        "started" => 9,
        "completed" => 10,
        "source" => 11,
        "length_km" => 12,
        "area_m2" => 13,
        _ => return None,
    };
    debug_assert_eq!(KNOWN[slot], key);
    Some(slot)
}

/// A property value as read: text borrowed from the input when it has no
/// escapes, numbers as written, anything else as JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum PropValue<'de> {
    Text(Cow<'de, str>),
    Number(serde_json::Number),
    Bool(bool),
    Null,
    Other(Value),
}

impl fmt::Display for PropValue<'_> {
    /// As JSON: text quoted, so messages show exactly what was written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PropValue::Text(t) => write!(f, "{}", Value::String(t.to_string())),
            PropValue::Number(n) => write!(f, "{n}"),
            PropValue::Bool(b) => write!(f, "{b}"),
            PropValue::Null => f.write_str("null"),
            PropValue::Other(v) => write!(f, "{v}"),
        }
    }
}

impl<'de> de::Deserialize<'de> for PropValue<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PropValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a property value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(PropValue::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(PropValue::Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(PropValue::Text(Cow::Owned(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(PropValue::Number(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(PropValue::Number(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(serde_json::Number::from_f64(v).map(PropValue::Number).unwrap_or(PropValue::Null))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(PropValue::Bool(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(PropValue::Null)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, s: A) -> Result<Self::Value, A::Error> {
                Value::deserialize(de::value::SeqAccessDeserializer::new(s)).map(PropValue::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<Self::Value, A::Error> {
                Value::deserialize(de::value::MapAccessDeserializer::new(m)).map(PropValue::Other)
            }
        }
        d.deserialize_any(V)
    }
}

impl PropValue<'_> {
    /// The value as owned JSON, for properties kept as they are.
    pub fn into_value(self) -> Value {
        match self {
            PropValue::Text(t) => Value::String(t.into_owned()),
            PropValue::Number(n) => Value::Number(n),
            PropValue::Bool(b) => Value::Bool(b),
            PropValue::Null => Value::Null,
            PropValue::Other(v) => v,
        }
    }
}

/// A feature's properties: the model's own fields by slot, the rest in file order.
#[derive(Debug, Default)]
pub struct Props<'de> {
    known: [Option<PropValue<'de>>; KNOWN.len()],
    /// The other properties as written: name and raw JSON text, in order.
    pub extra: Vec<(Cow<'de, str>, &'de RawValue)>,
}

impl<'de> Props<'de> {
    /// Takes a known property out; null counts as absent.
    pub fn take(&mut self, key: &str) -> Option<PropValue<'de>> {
        let slot = known_slot(key)?;
        self.known[slot].take().filter(|v| *v != PropValue::Null)
    }
}

/// What `properties` was: an object (read into a [`Props`]), null, or
/// something else.
enum PropsMember {
    Map,
    Null,
    Other,
}

/// Reads `properties` into the `Props` it holds.
struct PropsSeed<'a, 'de> {
    props: &'a mut Props<'de>,
}

impl<'de> DeserializeSeed<'de> for PropsSeed<'_, 'de> {
    type Value = PropsMember;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<PropsMember, D::Error> {
        struct V<'a, 'de>(&'a mut Props<'de>);
        impl<'de> Visitor<'de> for V<'_, 'de> {
            type Value = PropsMember;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of properties")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let p = self.0;
                while let Some(k) = map.next_key::<KeyStr>()? {
                    match known_slot(&k.0) {
                        Some(slot) => p.known[slot] = Some(map.next_value()?),
                        None => {
                            let raw: &'de RawValue = map.next_value()?;
                            p.extra.push((k.0, raw));
                        }
                    }
                }
                Ok(PropsMember::Map)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(PropsMember::Null)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(PropsMember::Other)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(PropsMember::Other)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(PropsMember::Other)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(PropsMember::Other)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(PropsMember::Other)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(PropsMember::Other)
            }
        }
        d.deserialize_any(V(self.props))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_keep_their_file_order() {
        let f = parse_feature(
            br#"{"type":"Feature","id":7,"properties":{"z":1,"a":"\u6ee8","m":[1]},"geometry":{"type":"Point","coordinates":[1,2]}}"#,
            3,
        )
        .unwrap();
        let keys: Vec<&str> = f.props.extra.iter().map(|(k, _)| &**k).collect();
        assert_eq!(keys, ["z", "a", "m"]);
        assert_eq!(f.props.extra[1].1.get(), r#""\u6ee8""#, "kept as written");
        assert_eq!(f.member_id.as_deref(), Some("7"));
        assert_eq!(f.index, 3);
    }

    #[test]
    fn a_broken_geometry_names_the_geometry_field() {
        let e =
            parse_feature(br#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":"x"}}"#, 0)
                .unwrap_err();
        assert_eq!(e.field, Some("geometry"));
    }

    #[test]
    fn broken_json_inside_a_feature_is_a_syntax_error() {
        let e = parse_feature(br#"{"type":"Feature","properties":{"a":1,,}}"#, 0).unwrap_err();
        assert!(e.message.contains("invalid JSON"), "{}", e.message);
    }

    #[test]
    fn every_known_property_has_its_own_slot() {
        for (i, k) in KNOWN.iter().enumerate() {
            assert_eq!(known_slot(k), Some(i));
        }
        assert_eq!(known_slot("Name"), None);
    }

    #[test]
    fn text_and_bytes_parse_alike() {
        let doc = r#"{"type":"Feature","properties":{"name":"滨州\u6ee8","x":[1]},"geometry":null}"#;
        let a = parse_feature(doc.as_bytes(), 0).unwrap();
        let b = parse_feature_str(doc, 0).unwrap();
        assert_eq!(format!("{:?}", a.props), format!("{:?}", b.props));
    }

    #[test]
    fn a_non_feature_type_is_recorded() {
        let f = parse_feature(br#"{"type":"Point","coordinates":[1,2]}"#, 0).unwrap();
        assert_eq!(f.wrong_type.as_deref(), Some("\"Point\""));
    }
}
