//! Readable names for the codes the data carries: kinds, counties, sources,
//! property keys and geometry types, in Chinese and English.
//!
//! A value the data writes as a code (`node_green`, `illustrative`,
//! `investment_wan_yuan`) is shown by its name; a value this module does not
//! know is shown as the data wrote it, since it is the data's own word.

use geo::Geometry;

/// A name in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Names {
    /// In Chinese.
    pub zh: &'static str,
    /// In English.
    pub en: &'static str,
}

impl Names {
    const fn new(zh: &'static str, en: &'static str) -> Names {
        Names { zh, en }
    }

    /// The name in one language.
    pub fn pick(self, zh: bool) -> &'static str {
        if zh { self.zh } else { self.en }
    }
}

/// The `kind` values of the plan's layers.
pub fn kind(code: &str) -> Option<Names> {
    Some(match code {
        "road" => Names::new("道路", "Road"),
        "bridge" => Names::new("桥梁", "Bridge"),
        "pocket_park" => Names::new("口袋公园", "Pocket park"),
        "node_green" => Names::new("节点绿地", "Node green space"),
        "greenway" => Names::new("绿道", "Greenway"),
        "footpath" => Names::new("步道", "Footpath"),
        "underground" => Names::new("架空线入地", "Lines underground"),
        "tidy" => Names::new("架空线整治", "Lines tidied"),
        "urban_village" => Names::new("城中村", "Urban village"),
        "overpass" => Names::new("人行天桥", "Pedestrian overpass"),
        "intersection" => Names::new("路口改造", "Intersection rebuild"),
        _ => return None,
    })
}

/// The county-level divisions of Binzhou and the city's development zones,
/// by their Chinese names.
pub fn district(name: &str) -> Option<Names> {
    Some(match name {
        "滨城区" => Names::new("滨城区", "Bincheng District"),
        "沾化区" => Names::new("沾化区", "Zhanhua District"),
        "惠民县" => Names::new("惠民县", "Huimin County"),
        "阳信县" => Names::new("阳信县", "Yangxin County"),
        "无棣县" => Names::new("无棣县", "Wudi County"),
        "博兴县" => Names::new("博兴县", "Boxing County"),
        "邹平市" => Names::new("邹平市", "Zouping City"),
        "滨州经济技术开发区" => Names::new("滨州经济技术开发区", "Binzhou Economic Development Zone"),
        "滨州高新技术产业开发区" => Names::new("滨州高新技术产业开发区", "Binzhou High-tech Zone"),
        "北海经济开发区" => Names::new("北海经济开发区", "Beihai Economic Development Zone"),
        _ => return None,
    })
}

/// The `source` values: where a site's data comes from.
pub fn source(code: &str) -> Option<Names> {
    Some(match code {
        "illustrative" => Names::new("示意数据（非官方）", "Illustrative (not official)"),
        "survey" => Names::new("实地测量", "Field survey"),
        "ledger" => Names::new("台账", "Ledger"),
        "plan" => Names::new("规划文本", "Plan text"),
        _ => return None,
    })
}

/// Property keys the data commonly carries beyond the model's fields.
pub fn property(key: &str) -> Option<Names> {
    Some(match key {
        "investment_wan_yuan" => Names::new("投资（万元）", "Investment (10k yuan)"),
        "designer" => Names::new("设计单位", "Designer"),
        "contractor" => Names::new("施工单位", "Contractor"),
        "area_m2" => Names::new("面积（申报，平方米）", "Area (declared, m²)"),
        "length_km" => Names::new("长度（申报，公里）", "Length (declared, km)"),
        "source" => Names::new("数据来源", "Source"),
        "remark" | "remarks" | "note" | "notes" => Names::new("备注", "Note"),
        "address" => Names::new("地址", "Address"),
        "households" => Names::new("户数", "Households"),
        "population" => Names::new("人口", "Population"),
        "area" => Names::new("面积", "Area"),
        "code" | "adcode" => Names::new("代码", "Code"),
        "name_en" => Names::new("英文名", "English name"),
        _ => return None,
    })
}

/// Property keys that commonly hold a feature's name in files from other
/// sources (county boundaries and the like), most likely first.
pub const NAME_KEYS: [&str; 7] = ["NAME", "Name", "名称", "NAME_CHN", "name_zh", "NAME_ZH", "地名"];

/// A geometry's type.
pub fn geometry_type(g: &Geometry<f64>) -> Names {
    match g {
        Geometry::Point(_) => Names::new("点", "Point"),
        Geometry::MultiPoint(_) => Names::new("多点", "Multipoint"),
        Geometry::Line(_) | Geometry::LineString(_) => Names::new("线", "Line"),
        Geometry::MultiLineString(_) => Names::new("多线", "Multiline"),
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => Names::new("面", "Polygon"),
        Geometry::MultiPolygon(_) => Names::new("多面", "Multipolygon"),
        Geometry::GeometryCollection(_) => Names::new("几何集合", "Geometry collection"),
    }
}

/// A code's name in one language, or the code itself when it is not known.
pub fn or_raw(names: Option<Names>, raw: &str, zh: bool) -> String {
    names.map(|n| n.pick(zh).to_string()).unwrap_or_else(|| raw.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_in_the_bundled_data_has_a_name() {
        for k in ["road", "bridge", "pocket_park", "node_green", "greenway", "footpath", "underground", "urban_village"]
        {
            assert!(kind(k).is_some(), "{k}");
        }
    }

    #[test]
    fn an_unknown_code_reads_as_the_data_wrote_it() {
        assert_eq!(or_raw(kind("canal"), "canal", true), "canal");
        assert_eq!(or_raw(kind("node_green"), "node_green", true), "节点绿地");
        assert_eq!(or_raw(district("滨城区"), "滨城区", false), "Bincheng District");
    }
}
