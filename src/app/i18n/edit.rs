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
