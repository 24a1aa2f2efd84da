//! The editing strings: the attribute form, undo and redo, saving, the
//! prompts on quit, on a conflict and on recovery.

use binzhou_core::edit::fields::Field;

use binzhou_core::model::Msg;

use super::Lang;

/// The fixed strings of editing, one table per language.
#[derive(Debug)]
pub struct EditText {
    pub edit_attributes: &'static str,
    pub edit_attributes_hint: &'static str,
    pub mark_started: &'static str,
    pub mark_completed: &'static str,
    pub month_hint: &'static str,
    pub progress_heading: &'static str,
    pub delete_site: &'static str,
    pub delete_confirm_yes: &'static str,
    pub cancel: &'static str,
    pub apply: &'static str,
    pub apply_hint: &'static str,
    pub close_form: &'static str,
    pub form_heading: &'static str,
    pub move_point: &'static str,
    pub move_point_hint: &'static str,
    pub other_properties: &'static str,
    pub add_property: &'static str,
    pub property_key: &'static str,
    pub property_value: &'static str,
    pub remove_property: &'static str,
    pub key_taken: &'static str,
    pub menu_edit: &'static str,
    pub undo: &'static str,
    pub redo: &'static str,
    pub save: &'static str,
    pub save_as: &'static str,
    pub nothing_to_save: &'static str,
    pub unsaved_mark: &'static str,
    pub quit_title: &'static str,
    pub save_and_quit: &'static str,
    pub quit_without_saving: &'static str,
    pub conflict_title: &'static str,
    pub overwrite: &'static str,
    pub recovery_title: &'static str,
    pub recover: &'static str,
    pub discard: &'static str,
    pub recovered_label: &'static str,
    pub busy_loading: &'static str,
    pub geojson_filter: &'static str,
    pub unchanged: &'static str,
    pub save_failed_title: &'static str,
    pub edits_kept: &'static str,
    pub edit_geometry: &'static str,
    pub edit_geometry_hint: &'static str,
    pub no_vertex_tool: &'static str,
    pub no_vertices_yet: &'static str,
    pub no_file_for_new: &'static str,
    pub vertex_tool_help: &'static str,
    pub finish_tool: &'static str,
    pub new_site: &'static str,
    pub new_site_hint: &'static str,
    pub new_site_layer: &'static str,
    pub shape_point: &'static str,
    pub shape_line: &'static str,
    pub shape_polygon: &'static str,
    pub draw_help: &'static str,
    pub new_site_name: &'static str,
    pub batch_menu: &'static str,
    pub batch_field: &'static str,
    pub batch_value: &'static str,
}

pub static ZH: EditText = EditText {
    edit_attributes: "编辑属性",
    edit_attributes_hint: "修改这个项目的名称、编号、日期和其他属性；可撤销（Ctrl+Z）",
    mark_started: "记为已开工",
    mark_completed: "记为已完工",
    month_hint: "年月，如 2021-10",
    progress_heading: "进度更新",
    delete_site: "删除项目",
    delete_confirm_yes: "确定删除",
    cancel: "取消",
    apply: "应用",
    apply_hint: "把改动写入数据（Ctrl+S 保存到文件）",
    close_form: "关闭",
    form_heading: "编辑属性",
    move_point: "移动位置",
    move_point_hint: "然后在地图上点击新位置（Esc 取消）",
    other_properties: "其他属性",
    add_property: "＋ 添加属性",
    property_key: "属性名",
    property_value: "值",
    remove_property: "删除这个属性",
    key_taken: "已有同名属性",
    menu_edit: "编辑",
    undo: "撤销",
    redo: "重做",
    save: "保存",
    save_as: "另存为…",
    nothing_to_save: "没有未保存的编辑",
    unsaved_mark: "（未保存）",
    quit_title: "有未保存的编辑",
    save_and_quit: "保存并退出",
    quit_without_saving: "不保存，退出",
    conflict_title: "文件已被他人修改",
    overwrite: "仍然覆盖",
    recovery_title: "发现上次未保存的编辑",
    recover: "恢复这些编辑",
    discard: "丢弃",
    recovered_label: "恢复上次未保存的编辑",
    busy_loading: "正在加载数据，加载完成后再编辑",
    geojson_filter: "GeoJSON 文件",
    unchanged: "没有改动",
    save_failed_title: "未能保存",
    edits_kept: "编辑都还在（也已记入日志）：可另存为其他文件。",
    edit_geometry: "编辑几何",
    edit_geometry_hint: "拖动顶点、插入或删除顶点（含内环）",
    no_vertex_tool: "这种几何类型不能逐点编辑",
    no_vertices_yet: "这个项目尚无位置：先用“移动位置”把它放到地图上",
    no_file_for_new: "没有可以加入新项目的 GeoJSON 文件：请先打开或另存一个",
    vertex_tool_help: "拖动方块移动顶点；拖动边中点的小圆插入顶点；右键顶点删除；靠近其他项目的顶点或边时自动吸附。Esc 结束。",
    finish_tool: "完成",
    new_site: "新建项目",
    new_site_hint: "在地图上画出新项目的点、线或面",
    new_site_layer: "图层",
    shape_point: "点",
    shape_line: "线",
    shape_polygon: "面",
    draw_help: "在地图上点击添加顶点（吸附到附近项目）；Backspace 撤回上一点；Enter 或“完成”结束；Esc 取消。",
    new_site_name: "新建项目",
    batch_menu: "批量设置所选项目…",
    batch_field: "字段",
    batch_value: "值",
};

pub static EN: EditText = EditText {
    edit_attributes: "Edit attributes",
    edit_attributes_hint: "Change this site's name, id, dates and other properties; undo with Ctrl+Z",
    mark_started: "Mark started",
    mark_completed: "Mark completed",
    month_hint: "year-month, e.g. 2021-10",
    progress_heading: "Progress update",
    delete_site: "Delete site",
    delete_confirm_yes: "Delete",
    cancel: "Cancel",
    apply: "Apply",
    apply_hint: "Put the changes into the data (Ctrl+S saves to the file)",
    close_form: "Close",
    form_heading: "Edit attributes",
    move_point: "Move",
    move_point_hint: "then click the new position on the map (Esc cancels)",
    other_properties: "Other properties",
    add_property: "+ Add property",
    property_key: "Property",
    property_value: "Value",
    remove_property: "Remove this property",
    key_taken: "a property of that name exists",
    menu_edit: "Edit",
    undo: "Undo",
    redo: "Redo",
    save: "Save",
    save_as: "Save as…",
    nothing_to_save: "No unsaved edits",
    unsaved_mark: " (unsaved)",
    quit_title: "Unsaved edits",
    save_and_quit: "Save and quit",
    quit_without_saving: "Quit without saving",
    conflict_title: "The file was changed by someone else",
    overwrite: "Overwrite anyway",
    recovery_title: "Unsaved edits found",
    recover: "Recover these edits",
    discard: "Discard",
    recovered_label: "recover last session's unsaved edits",
    busy_loading: "Data is loading; edit once it has loaded",
    geojson_filter: "GeoJSON files",
    unchanged: "nothing changed",
    save_failed_title: "Not saved",
    edits_kept: "Every edit is still here (and in the journal): save as another file.",
    edit_geometry: "Edit geometry",
    edit_geometry_hint: "Drag, insert or delete vertices (holes included)",
    no_vertex_tool: "This kind of geometry cannot be edited vertex by vertex",
    no_vertices_yet: "This site has no location yet: place it on the map with Move first",
    no_file_for_new: "No GeoJSON file to add the new site to: open or save one first",
    vertex_tool_help: "Drag a square to move a vertex; drag a segment's middle circle to insert one; right-click a vertex to delete it; positions snap to other sites' vertices and edges. Esc ends.",
    finish_tool: "Done",
    new_site: "New site",
    new_site_hint: "Draw a new site's point, line or polygon on the map",
    new_site_layer: "Layer",
    shape_point: "Point",
    shape_line: "Line",
    shape_polygon: "Polygon",
    draw_help: "Click the map to add vertices (they snap to sites nearby); Backspace takes the last back; Enter or Done finishes; Esc cancels.",
    new_site_name: "New site",
    batch_menu: "Set a field of the selected sites…",
    batch_field: "Field",
    batch_value: "Value",
};

impl Lang {
    /// The editing strings.
    pub fn edits(self) -> &'static EditText {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// A field's name in the form.
    pub fn field_name(self, f: Field) -> &'static str {
        let t = self.text();
        match f {
            Field::Name => t.f_name,
            Field::Id => t.f_id,
            Field::Layer => t.f_layer,
            Field::Kind => t.f_kind,
            Field::Task => t.f_task,
            Field::LeadUnit => t.f_lead_unit,
            Field::District => t.f_district,
            Field::Scope => t.f_scope,
            Field::PlanYear => t.f_plan_year,
            Field::Started => t.f_started,
            Field::Completed => t.f_completed,
        }
    }

    /// What an edit of these properties is called in the undo menu.
    pub fn edit_label(keys: &[String], site: &str) -> Msg {
        Msg::new(format!("edit {} of {site}", keys.join(", ")), format!("编辑“{site}”的{}", keys.join("、")))
    }

    /// A geometry edit, for the undo menu.
    pub fn geometry_label(site: &str) -> Msg {
        Msg::new(format!("edit the geometry of {site}"), format!("编辑“{site}”的几何"))
    }

    /// A new site, for the undo menu.
    pub fn new_site_label(id: &str) -> Msg {
        Msg::new(format!("new site {id}"), format!("新建项目 {id}"))
    }

    /// A batch edit, for the undo menu.
    pub fn batch_label(key: &str, n: usize) -> Msg {
        Msg::new(format!("set {key} of {n} sites"), format!("为 {n} 个项目设置 {key}"))
    }

    /// The vertex tool's title.
    pub fn vertex_tool_title(self, site: &str) -> String {
        match self {
            Lang::Zh => format!("编辑几何：{site}"),
            Lang::En => format!("Editing the geometry of {site}"),
        }
    }

    /// Vertices drawn so far.
    pub fn vertex_count(self, n: usize) -> String {
        match self {
            Lang::Zh => format!("已画 {n} 个顶点"),
            Lang::En => format!("{n} vertices so far"),
        }
    }

    /// The batch form's title.
    pub fn batch_title(self, n: usize) -> String {
        match self {
            Lang::Zh => format!("批量设置 {n} 个项目"),
            Lang::En => format!("Set a field of {n} sites"),
        }
    }

    /// A property name typed twice (or a model field's) in the form.
    pub fn key_taken(key: &str) -> Msg {
        Msg::new(format!("{key}: a property of that name exists"), format!("{key}：已有同名属性"))
    }

    /// The writer thread is gone.
    pub fn writer_stopped() -> Msg {
        Msg::new("the edit writer stopped", "编辑写入线程已停止")
    }

    /// An edit made, with a warning from the validator.
    pub fn edited_with_problem(p: &binzhou_core::model::Problem) -> Msg {
        Msg::new(format!("Edited, with a problem: {}", p.message()), format!("已编辑，但有问题：{}", p.message_zh()))
    }

    /// The edit journal could not be written.
    pub fn journal_io(journal: &std::path::Path, e: &std::io::Error) -> Msg {
        Msg::io(format!("edit journal {}", journal.display()), format!("编辑日志 {}", journal.display()), e)
    }

    /// "Mark completed 2021-10" for the undo menu, in both languages.
    pub fn progress_label(started: bool, month: &str, site: &str) -> binzhou_core::model::Msg {
        if started {
            binzhou_core::model::Msg::new(format!("{site} started {month}"), format!("“{site}”记为 {month} 开工"))
        } else {
            binzhou_core::model::Msg::new(format!("{site} completed {month}"), format!("“{site}”记为 {month} 完工"))
        }
    }

    /// Deleting or moving a site, for the undo menu.
    pub fn site_label(delete: bool, site: &str) -> binzhou_core::model::Msg {
        if delete {
            binzhou_core::model::Msg::new(format!("delete {site}"), format!("删除“{site}”"))
        } else {
            binzhou_core::model::Msg::new(format!("move {site}"), format!("移动“{site}”"))
        }
    }

    /// "Undo: …" with what it undoes.
    pub fn undo_what(self, what: Option<&binzhou_core::model::Msg>) -> String {
        let t = self.edits();
        match what {
            Some(m) => format!("{}{}{}", t.undo, if self == Lang::Zh { "：" } else { ": " }, self.pick(m)),
            None => t.undo.to_string(),
        }
    }

    /// "Redo: …" with what it redoes.
    pub fn redo_what(self, what: Option<&binzhou_core::model::Msg>) -> String {
        let t = self.edits();
        match what {
            Some(m) => format!("{}{}{}", t.redo, if self == Lang::Zh { "：" } else { ": " }, self.pick(m)),
            None => t.redo.to_string(),
        }
    }

    /// The unsaved-edits line of the layer panel.
    pub fn unsaved_count(self, n: usize) -> String {
        match self {
            Lang::Zh => format!("{n} 处编辑未保存"),
            Lang::En => format!("{n} unsaved edit{}", if n == 1 { "" } else { "s" }),
        }
    }

    /// The question on quit.
    pub fn quit_question(self, n: usize) -> String {
        match self {
            Lang::Zh => format!("{n} 处编辑尚未保存到文件。编辑都已记入日志：不保存退出，下次启动时仍可恢复。"),
            Lang::En => format!(
                "{n} edit{} not saved to the file yet. Every edit is in the journal: quit without saving and it can still be recovered at the next start.",
                if n == 1 { " is" } else { "s are" }
            ),
        }
    }

    /// After a save.
    pub fn saved_file(self, file: &str, backup: &str) -> String {
        match self {
            Lang::Zh => format!("已保存 {file}（原文件保留为 {backup}）"),
            Lang::En => format!("Saved {file} (the previous version is {backup})"),
        }
    }

    /// Why a save asks for a new file.
    pub fn save_source_as(self, file: &str) -> String {
        match self {
            Lang::Zh => format!(
                "{file} 不是 GeoJSON，不能直接写回：请把它的项目另存为新文件（之后的保存都写入新文件，原文件不变）"
            ),
            Lang::En => format!(
                "{file} is not GeoJSON and is not written over: save its sites as a new file (later saves go there; the original stays as it is)"
            ),
        }
    }

    /// A copy written in another format (the edits stay unsaved).
    pub fn saved_copy(self, file: &str) -> String {
        match self {
            Lang::Zh => format!("已写出副本 {file}；编辑仍未保存（只有 GeoJSON 能接着编辑保存）"),
            Lang::En => {
                format!("Wrote a copy, {file}; the edits are still unsaved (only GeoJSON can be saved into again)")
            }
        }
    }

    /// The recovery offer.
    pub fn recovery_question(self, file: &str, n: usize, last: &str) -> String {
        match self {
            Lang::Zh => format!("{file} 有 {n} 处上次未保存的编辑（最后一处在 {last}）。"),
            Lang::En => format!(
                "{file} has {n} edit{} not saved last time (the last at {last}).",
                if n == 1 { "" } else { "s" }
            ),
        }
    }

    /// A refused edit or failed save, with the reason.
    pub fn edit_failed(self, reason: &str) -> String {
        match self {
            Lang::Zh => format!("未能完成编辑：{reason}"),
            Lang::En => format!("The edit was not made: {reason}"),
        }
    }

    /// While moving a point.
    pub fn moving(self, site: &str) -> String {
        match self {
            Lang::Zh => format!("在地图上点击“{site}”的新位置（Esc 取消）"),
            Lang::En => format!("Click the new position of {site} on the map (Esc cancels)"),
        }
    }

    /// The delete confirmation.
    pub fn delete_question(self, site: &str) -> String {
        match self {
            Lang::Zh => format!("删除“{site}”？保存前可撤销（Ctrl+Z）。"),
            Lang::En => format!("Delete {site}? It can be undone until saved (Ctrl+Z)."),
        }
    }
}
