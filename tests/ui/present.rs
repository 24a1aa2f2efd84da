//! Presentation mode (F5): every working panel hidden, the title, legend,
//! scale bar and north arrow over the map, a large card for a clicked
//! site, and Esc puts the layout back.

use egui_kittest::kittest::Queryable as _;

use crate::support::{app_builder, loaded_app};

fn key(h: &mut egui_kittest::Harness<'_, binzhou_sites::app::App>, key: egui::Key) {
    h.event(egui::Event::Key { key, physical_key: None, pressed: true, repeat: false, modifiers: Default::default() });
    h.event(egui::Event::Key { key, physical_key: None, pressed: false, repeat: false, modifiers: Default::default() });
    h.run();
}

#[test]
fn f5_hides_the_panels_for_the_room_and_esc_restores_them() {
    let mut h = loaded_app(app_builder(1400.0, 900.0));
    h.state_mut().state_mut().panels.dashboard = true;
    h.run();
    let zoom = h.ctx.zoom_factor();
    assert!(h.query_by_label("文件").is_some() && h.query_by_label("图层").is_some());
    key(&mut h, egui::Key::F5);
    assert!(h.state().is_presenting());
    assert!(h.query_by_label("文件").is_none(), "no menu bar");
    assert!(h.query_by_label("图层").is_none(), "no layer panel");
    assert!(h.query_by_label_contains("目标完成情况").is_none(), "no dashboard");
    assert!(h.query_by_label("滨州市城市品质提升三年行动（2020—2022年）").is_some(), "the plan's title");
    assert!(h.query_by_label("示意数据").is_some(), "the bundled data is marked illustrative");
    assert!(h.query_by_label_contains("已完成 ").is_some(), "the legend counts");
    assert!((h.ctx.zoom_factor() - zoom * 1.6).abs() < 1e-3, "text and symbols are larger for the room");

    // A clicked site gets a large card, not the identify panel.
    let i = h.state().data().dataset.find_by_id("UV-2020-20").unwrap();
    h.state_mut().select_site(i);
    h.run();
    let name = h.state().data().dataset.sites[i].name().to_string();
    assert!(h.query_all_by_label(&name).count() >= 1, "the card names the site");
    assert!(h.query_by_label_contains("牵头单位：").is_some());
    assert!(h.query_by_label("规划目标").is_some(), "and quotes the plan's target");
    assert!(h.query_by_label("要素信息").is_none(), "the identify panel stays hidden");

    key(&mut h, egui::Key::Escape);
    assert!(!h.state().is_presenting());
    assert!(
        h.query_all_by_label("文件").count() >= 1 && h.query_all_by_label("图层").count() >= 1,
        "the layout is back"
    );
    assert!(h.state().state().panels.dashboard, "as it was");
    assert!((h.ctx.zoom_factor() - zoom).abs() < 1e-3);
}

/// The colour at a screen point of a rendered frame.
fn pixel(h: &mut egui_kittest::Harness<'_, binzhou_sites::app::App>, at: egui::Pos2) -> [u8; 3] {
    let img = h.render().expect("a wgpu render");
    let ppp = h.ctx.pixels_per_point();
    let p = img.get_pixel((at.x * ppp) as u32, (at.y * ppp) as u32);
    [p[0], p[1], p[2]]
}

#[test]
fn a_before_after_swipe_shows_each_year_on_its_side_of_the_divider() {
    use binzhou_core::model::YearView::EndOf;
    let mut h = loaded_app(app_builder(1280.0, 800.0).wgpu());
    // Not started at the end of 2020, done at the end of 2022.
    let i = h.state().data().dataset.find_by_id("UV-2022-03").unwrap();
    h.state_mut().start_swipe(EndOf(2020), EndOf(2022));
    h.state_mut().select_site(i);
    for _ in 0..40 {
        h.run();
        if !h.state().is_flying() {
            break;
        }
    }
    let at = h.state().site_screen_pos(i).unwrap();
    let map = h.state().map_rect().unwrap();
    let frac = (at.x - map.left()) / map.width();
    let probe = at + egui::vec2(0.0, 6.0);
    h.state_mut().set_swipe_at(frac + 0.2);
    h.run();
    let left = pixel(&mut h, probe);
    h.state_mut().set_swipe_at(frac - 0.2);
    h.run();
    let right = pixel(&mut h, probe);
    assert_ne!(left, right, "the site looks different on the two sides");
    // 2022 (done) is green, 2020 (not started) grey.
    let greenness = |c: [u8; 3]| c[1] as i32 - (c[0] as i32 + c[2] as i32) / 2;
    assert!(greenness(right) > greenness(left) + 15, "right of the divider it is done: {left:?} → {right:?}");
    assert_eq!(h.state().state().year, EndOf(2020), "the map's own year is the earlier one");
}
