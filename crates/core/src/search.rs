//! Finding sites by name, id, district or lead unit, as the user types.
//!
//! A [`SearchIndex`] is built once per dataset: every site's id and name
//! lower-cased into one shared text buffer, and its district and lead unit as
//! numbers into a small table of distinct lower-cased values (a handful of
//! districts and units serve a million sites). A query then allocates only
//! its own lower-cased copy and the list of hits; nothing per site.

use std::collections::HashMap;

use crate::model::Site;

/// No district or lead unit.
const NONE: u32 = u32::MAX;

/// How well a site matches; lower is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    /// The id, exactly.
    ExactId,
    /// The start of the name.
    NameStart,
    /// Somewhere in the name.
    InName,
    /// Somewhere in the id.
    InId,
    /// In the district.
    InDistrict,
    /// In the lead unit.
    InLeadUnit,
}

/// Lower-cased search keys of every site of a dataset, in dataset order.
#[derive(Debug, Default, Clone)]
pub struct SearchIndex {
    /// Each site's id then name, lower-cased, back to back.
    text: String,
    /// `bounds[2i]..bounds[2i+1]` is site i's id, `bounds[2i+1]..bounds[2i+2]` its name.
    bounds: Vec<usize>,
    /// Per site: its district and lead unit in `values`, or [`NONE`].
    district: Vec<u32>,
    lead_unit: Vec<u32>,
    /// Distinct lower-cased districts and lead units.
    values: Vec<String>,
}

impl SearchIndex {
    /// Indexes `sites`.
    pub fn build(sites: &[Site]) -> SearchIndex {
        let mut ix = SearchIndex {
            text: String::new(),
            bounds: Vec::with_capacity(2 * sites.len() + 1),
            district: Vec::with_capacity(sites.len()),
            lead_unit: Vec::with_capacity(sites.len()),
            values: Vec::new(),
        };
        let mut seen: HashMap<String, u32> = HashMap::new();
        let mut value_of = |v: Option<&str>, values: &mut Vec<String>| -> u32 {
            let Some(v) = v.filter(|v| !v.is_empty()) else {
                return NONE;
            };
            let lower = v.to_lowercase();
            *seen.entry(lower).or_insert_with_key(|k| {
                values.push(k.clone());
                (values.len() - 1) as u32
            })
        };
        ix.bounds.push(0);
        for s in sites {
            push_lower(&mut ix.text, s.id());
            ix.bounds.push(ix.text.len());
            push_lower(&mut ix.text, s.name());
            ix.bounds.push(ix.text.len());
            ix.district.push(value_of(s.district(), &mut ix.values));
            ix.lead_unit.push(value_of(s.lead_unit(), &mut ix.values));
        }
        ix.text.shrink_to_fit();
        ix
    }

    /// Sites indexed.
    pub fn len(&self) -> usize {
        self.district.len()
    }

    /// Whether no site is indexed.
    pub fn is_empty(&self) -> bool {
        self.district.is_empty()
    }

    fn id(&self, i: usize) -> &str {
        &self.text[self.bounds[2 * i]..self.bounds[2 * i + 1]]
    }

    fn name(&self, i: usize) -> &str {
        &self.text[self.bounds[2 * i + 1]..self.bounds[2 * i + 2]]
    }

    fn value(&self, v: u32) -> Option<&str> {
        self.values.get(v as usize).map(String::as_str)
    }

    /// How site `i` matches a lower-cased, trimmed query.
    fn rank(&self, i: usize, q: &str, district_hit: &[bool]) -> Option<Rank> {
        let (id, name) = (self.id(i), self.name(i));
        let hit = |v: u32| v != NONE && district_hit.get(v as usize).copied().unwrap_or(false);
        if id == q {
            Some(Rank::ExactId)
        } else if name.starts_with(q) {
            Some(Rank::NameStart)
        } else if name.contains(q) {
            Some(Rank::InName)
        } else if id.contains(q) {
            Some(Rank::InId)
        } else if hit(self.district[i]) {
            Some(Rank::InDistrict)
        } else if hit(self.lead_unit[i]) {
            Some(Rank::InLeadUnit)
        } else {
            None
        }
    }

    /// Sites matching `query` (case-insensitive, trimmed), best first; ties
    /// in dataset order. An empty query matches nothing.
    pub fn search(&self, query: &str) -> Vec<usize> {
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        // Each distinct district or unit is tested once, not once per site.
        let value_hit: Vec<bool> =
            (0..self.values.len() as u32).map(|v| self.value(v).is_some_and(|s| s.contains(q.as_str()))).collect();
        let mut hits: Vec<(Rank, usize)> =
            (0..self.len()).filter_map(|i| self.rank(i, &q, &value_hit).map(|r| (r, i))).collect();
        hits.sort_unstable();
        hits.into_iter().map(|(_, i)| i).collect()
    }
}

fn push_lower(out: &mut String, s: &str) {
    if s.is_ascii() {
        out.extend(s.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        out.extend(s.chars().flat_map(char::to_lowercase));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(id: &str, name: &str, district: &str) -> Site {
        let mut s = Site::new_for_test(id, name);
        s.tags_mut().district = Some(district.into());
        s
    }

    fn search(sites: &[Site], q: &str) -> Vec<usize> {
        SearchIndex::build(sites).search(q)
    }

    #[test]
    fn a_search_matches_name_id_and_district_with_the_exact_id_first() {
        let sites = vec![
            site("PP-1", "黄河五路口袋公园", "滨城区"),
            site("GW-1", "南海湿地绿道", "滨城区"),
            site("PP-2", "新立河口袋公园", "沾化区"),
        ];
        assert_eq!(search(&sites, "口袋公园"), vec![0, 2]);
        assert_eq!(search(&sites, "pp-2"), vec![2]);
        assert_eq!(search(&sites, "PP"), vec![0, 2]);
        assert_eq!(search(&sites, "沾化"), vec![2]);
        assert!(search(&sites, "  ").is_empty());
    }

    #[test]
    fn an_exact_id_beats_a_name_that_starts_with_the_query_which_beats_one_that_contains_it() {
        let sites = vec![
            site("X-9", "某路 gw-1 改造", "滨城区"),
            site("A-2", "gw-1 绿道北段", "滨城区"),
            site("GW-1", "南海湿地绿道", "滨城区"),
            site("GW-10", "其他", "邹平市"),
        ];
        assert_eq!(search(&sites, "GW-1"), vec![2, 1, 0, 3]);
    }

    #[test]
    fn districts_are_matched_once_per_distinct_value_and_the_index_holds_each_once() {
        let sites: Vec<Site> = (0..1000).map(|i| site(&format!("S-{i}"), "某项目", "无棣县")).collect();
        let ix = SearchIndex::build(&sites);
        assert_eq!(ix.values.len(), 1);
        assert_eq!(ix.search("无棣").len(), 1000);
        assert!(ix.search("惠民").is_empty());
    }

    #[test]
    fn upper_and_lower_case_latin_letters_match_alike() {
        let sites = vec![site("Ab-1", "Ärzte Park", "Bincheng")];
        assert_eq!(search(&sites, "ärzte"), vec![0]);
        assert_eq!(search(&sites, "BINCHENG"), vec![0]);
        assert_eq!(search(&sites, "ab-1"), vec![0]);
    }
}
