//! The part of the map no overlay covers: where a selection is fitted so
//! that nothing floats over it.

use egui::Rect;

/// The largest part of `map` left when each overlay (a rect drawn over the
/// map, such as the zoom buttons or a notice) is cut away by the side that
/// keeps the most area. Overlays that miss the map are ignored; when an
/// overlay would leave almost nothing, it is ignored too.
///
/// ```
/// use egui::{Rect, pos2};
/// use binzhou_sites::app::map::clear::clear_rect;
/// let map = Rect::from_min_max(pos2(0.0, 0.0), pos2(1000.0, 600.0));
/// let zoom_buttons = Rect::from_min_max(pos2(950.0, 10.0), pos2(990.0, 110.0));
/// let clear = clear_rect(map, &[zoom_buttons]);
/// assert_eq!(clear, Rect::from_min_max(pos2(0.0, 0.0), pos2(950.0, 600.0)));
/// ```
pub fn clear_rect(map: Rect, overlays: &[Rect]) -> Rect {
    let mut clear = map;
    for o in overlays {
        let o = o.intersect(clear);
        if !o.is_positive() {
            continue;
        }
        let options = [
            Rect::from_min_max(clear.min, egui::pos2(o.min.x, clear.max.y)), // keep left of it
            Rect::from_min_max(egui::pos2(o.max.x, clear.min.y), clear.max), // keep right of it
            Rect::from_min_max(clear.min, egui::pos2(clear.max.x, o.min.y)), // keep above it
            Rect::from_min_max(egui::pos2(clear.min.x, o.max.y), clear.max), // keep below it
        ];
        if let Some(best) = options.into_iter().filter(|r| r.is_positive()).max_by(|a, b| a.area().total_cmp(&b.area()))
            && best.area() > 0.25 * map.area()
        {
            clear = best;
        }
    }
    clear
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::pos2;

    fn r(x0: f32, y0: f32, x1: f32, y1: f32) -> Rect {
        Rect::from_min_max(pos2(x0, y0), pos2(x1, y1))
    }

    #[test]
    fn a_notice_at_the_top_centre_is_cut_away_from_above() {
        let clear = clear_rect(r(0.0, 0.0, 1000.0, 600.0), &[r(300.0, 10.0, 700.0, 50.0)]);
        assert_eq!(clear, r(0.0, 50.0, 1000.0, 600.0));
    }

    #[test]
    fn overlays_off_the_map_change_nothing() {
        let map = r(100.0, 100.0, 500.0, 400.0);
        assert_eq!(clear_rect(map, &[r(0.0, 0.0, 50.0, 50.0)]), map);
    }

    #[test]
    fn an_overlay_covering_most_of_the_map_is_ignored_rather_than_leaving_a_sliver() {
        let map = r(0.0, 0.0, 1000.0, 600.0);
        assert_eq!(clear_rect(map, &[r(10.0, 10.0, 990.0, 590.0)]), map);
    }

    #[test]
    fn two_overlays_are_both_cut_away() {
        let map = r(0.0, 0.0, 1000.0, 600.0);
        let clear = clear_rect(map, &[r(950.0, 10.0, 990.0, 110.0), r(300.0, 10.0, 700.0, 50.0)]);
        assert_eq!(clear, r(0.0, 50.0, 950.0, 600.0));
    }
}
