//! The built-in offline basemap (illustrative): road grid, rings, rivers,
//! the Nanhai wetland, county seats' streets, labels and named places.

use serde_json::{Value, json};

use crate::geom::{Ll, Local, closed_ccw, ellipse, round_all};
use crate::grid::{self, COUNTIES, MINOR_RIVERS, b_lon, b_name, h_lat, h_name, zh_num};

fn coords(v: &[Ll]) -> Value {
    Value::Array(round_all(v).iter().map(|p| json!([p[0], p[1]])).collect())
}

fn line(props: Value, v: &[Ll]) -> Value {
    json!({"type": "Feature", "properties": props, "geometry": {"type": "LineString", "coordinates": coords(v)}})
}

fn polygon(props: Value, ring: &[Ll]) -> Value {
    json!({"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [coords(ring)]}})
}

fn point(props: Value, p: Ll) -> Value {
    let r = round_all(&[p]);
    json!({"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": [r[0][0], r[0][1]]}})
}

pub fn features() -> Vec<Value> {
    let mut out = Vec::new();

    // The Yellow River as a band: south bank west→east, north bank back.
    let w = grid::YELLOW_RIVER_HALF_WIDTH;
    let mut ring: Vec<Ll> = grid::YELLOW_RIVER.iter().map(|p| [p[0], p[1] - w]).collect();
    ring.extend(grid::YELLOW_RIVER.iter().rev().map(|p| [p[0], p[1] + w]));
    out.push(polygon(json!({"kind": "river", "name": "黄河"}), &closed_ccw(ring)));
    for r in &MINOR_RIVERS {
        out.push(line(json!({"kind": "river_minor", "name": r.name}), r.course));
    }
    let f = grid::city_frame();
    let (a, b) = grid::NANHAI_AXES;
    let wet = f.all_to_ll(&ellipse(grid::nanhai_centre_xy(), a, b, grid::NANHAI_ROT_DEG, 36));
    out.push(polygon(json!({"kind": "wetland", "name": "南海湿地"}), &closed_ccw(wet)));

    // Ring roads, a little beyond the grid's edge roads.
    let (east, west) = (b_lon(1) + 0.004, b_lon(grid::B_MAX) - 0.004);
    for (name, lat) in [("南外环", grid::south_ring_lat()), ("北外环", grid::north_ring_lat())] {
        out.push(line(json!({"kind": "road", "class": "ring", "name": name}), &[[west, lat], [east, lat]]));
    }
    for n in 1..=grid::H_MAX {
        let (e, w) = grid::h_span(n);
        let pts: Vec<Ll> = (e..=w).rev().map(|b| [b_lon(b), h_lat(n)]).collect();
        out.push(line(json!({"kind": "road", "class": "main", "name": h_name(n)}), &pts));
    }
    for n in 1..=grid::B_MAX {
        let (s, nn) = grid::b_extent(n);
        let (lo, hi) = grid::b_span(n);
        let mut pts: Vec<Ll> = vec![[b_lon(n), s]];
        pts.extend((lo..=hi).map(|h| [b_lon(n), h_lat(h)]));
        if nn > h_lat(hi) + 1e-9 {
            pts.push([b_lon(n), nn]);
        }
        out.push(line(json!({"kind": "road", "class": "main", "name": b_name(n)}), &pts));
    }

    // A few streets per county seat (illustrative names 经N路 / 纬N路).
    let k = grid::COUNTY_ROADS;
    let half = grid::county_road_offset(k) + 350.0;
    for c in &COUNTIES {
        let lf = Local::at(c.anchor);
        for i in 1..=k {
            let x = grid::county_road_offset(i);
            let v = lf.all_to_ll(&[[x, -half], [x, half]]);
            out.push(line(
                json!({"kind": "road", "class": "main", "name": format!("经{}路", zh_num(i)), "district": c.name}),
                &v,
            ));
        }
        for j in 1..=k {
            let y = grid::county_road_offset(j);
            let v = lf.all_to_ll(&[[-half, y], [half, y]]);
            out.push(line(
                json!({"kind": "road", "class": "main", "name": format!("纬{}路", zh_num(j)), "district": c.name}),
                &v,
            ));
        }
    }

    out.push(point(json!({"kind": "city_label", "name": "滨州市", "code": "371600"}), [118.01, 37.38]));
    for c in &COUNTIES {
        out.push(point(json!({"kind": "district_label", "name": c.name, "code": c.code}), c.label));
    }
    for (name, p) in grid::pois() {
        out.push(point(json!({"kind": "poi", "name": name}), p));
    }
    out
}
