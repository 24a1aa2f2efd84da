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
