//! The shared database's strings: where the link stands, and others' changes.

use super::Lang;

impl Lang {
    /// The status bar while connecting.
    pub fn db_connecting(self, at: &str) -> String {
        match self {
            Lang::Zh => format!("数据库 {at}：正在连接……"),
            Lang::En => format!("Database {at}: connecting…"),
        }
    }

    /// The status bar while connected and listening.
    pub fn db_online(self, at: &str) -> String {
        match self {
            Lang::Zh => format!("数据库 {at}：在线，实时更新"),
            Lang::En => format!("Database {at}: online, live"),
        }
    }

    /// The status bar while the server cannot be reached.
    pub fn db_offline(self, at: &str, why: &str) -> String {
        match self {
            Lang::Zh => format!("数据库 {at}：离线（{why}），正在重试"),
            Lang::En => format!("Database {at}: offline ({why}), retrying"),
        }
    }

    /// Another user changed sites.
    /// `names` are the first few of the `n` sites.
    pub fn db_changed(self, n: usize, names: &[String]) -> String {
        let more = n > names.len();
        let names = names.join(if self == Lang::Zh { "、" } else { ", " });
        match (self, n) {
            (Lang::Zh, 1) => format!("其他用户更新了项目：{names}"),
            (Lang::Zh, n) => format!("其他用户更新了 {n} 个项目：{names}{}", if more { "等" } else { "" }),
            (Lang::En, 1) => format!("Another user changed {names}"),
            (Lang::En, n) => format!("Other users changed {n} sites: {names}{}", if more { "…" } else { "" }),
        }
    }

    /// A site that cannot go to the server: it has no id.
    pub fn db_no_id(self, name: &str) -> String {
        match self {
            Lang::Zh => format!("{name} 没有编号（id），不能保存到数据库：请先填写编号"),
            Lang::En => format!("{name} has no id and cannot be saved to the database: give it one first"),
        }
    }

    /// Too many saves waiting already.
    pub fn db_busy(self) -> String {
        match self {
            Lang::Zh => "等待发送的修改太多，请稍后再保存".into(),
            Lang::En => "Too many changes are waiting to be sent; save again in a moment".into(),
        }
    }

    /// Edits sent and applied.
    pub fn db_saved(self, n: usize) -> String {
        match self {
            Lang::Zh => format!("已保存到数据库：{n} 个项目"),
            Lang::En => format!("Saved to the database: {n} sites"),
        }
    }

    /// A write refused by the user's role.
    pub fn db_denied(self, name: &str) -> String {
        match self {
            Lang::Zh => format!("无权修改 {name}（不属于您负责的区县或您的角色只读），已恢复为数据库中的版本"),
            Lang::En => format!(
                "Not allowed to change {name} (another district's site, or a read-only role); back to the database's version"
            ),
        }
    }

    /// A site changed that someone else had deleted.
    pub fn db_gone(self, name: &str) -> String {
        match self {
            Lang::Zh => format!("{name} 已被其他用户删除，您的修改未保存"),
            Lang::En => format!("{name} was deleted by another user; your change was not saved"),
        }
    }

    /// A delete of a site someone else had changed meanwhile.
    pub fn db_delete_conflict(self, name: &str) -> String {
        match self {
            Lang::Zh => format!("{name} 已被其他用户修改，未删除；显示其最新版本"),
            Lang::En => format!("{name} was changed by another user and was not deleted; showing their version"),
        }
    }

    /// A write the server refused for another reason.
    pub fn db_write_failed(self, name: &str, why: &str) -> String {
        match self {
            Lang::Zh => format!("{name} 未能保存到数据库：{why}"),
            Lang::En => format!("{name} could not be saved to the database: {why}"),
        }
    }

    /// Writes sent and not yet answered, after the status line.
    pub fn db_waiting(self, n: usize) -> String {
        match self {
            Lang::Zh => format!("；{n} 项修改等待发送"),
            Lang::En => format!("; {n} changes waiting to be sent"),
        }
    }

    pub fn db_conflict_title(self) -> &'static str {
        match self {
            Lang::Zh => "修改冲突",
            Lang::En => "Conflicting changes",
        }
    }

    pub fn db_conflict_help(self) -> &'static str {
        match self {
            Lang::Zh => {
                "您保存时，这些项目已被其他用户修改。请逐项选择保留哪个版本；未选用的版本保存在数据库的修改历史中。"
            }
            Lang::En => {
                "These sites were changed by someone else before your save. Choose which version to keep; the other stays in the database's history."
            }
        }
    }

    /// Who wrote the other version, and when.
    pub fn db_theirs_by(self, who: &str, when: &str) -> String {
        let when = super::checks::beijing_time(when);
        match self {
            Lang::Zh => format!("对方版本：{who}，{when}"),
            Lang::En => format!("Their version: {who}, {when}"),
        }
    }

    pub fn db_field(self) -> &'static str {
        match self {
            Lang::Zh => "字段",
            Lang::En => "Field",
        }
    }

    pub fn db_mine(self) -> &'static str {
        match self {
            Lang::Zh => "我的",
            Lang::En => "Mine",
        }
    }

    pub fn db_theirs(self) -> &'static str {
        match self {
            Lang::Zh => "对方的",
            Lang::En => "Theirs",
        }
    }

    pub fn db_keep_mine(self) -> &'static str {
        match self {
            Lang::Zh => "保留我的",
            Lang::En => "Keep mine",
        }
    }

    pub fn db_take_theirs(self) -> &'static str {
        match self {
            Lang::Zh => "采用对方的",
            Lang::En => "Take theirs",
        }
    }

    pub fn db_geometry(self) -> &'static str {
        match self {
            Lang::Zh => "图形",
            Lang::En => "Geometry",
        }
    }

    pub fn db_differs(self) -> &'static str {
        match self {
            Lang::Zh => "（不同）",
            Lang::En => "(differs)",
        }
    }

    pub fn db_open_menu(self) -> &'static str {
        match self {
            Lang::Zh => "打开数据库…",
            Lang::En => "Open a database…",
        }
    }

    pub fn db_open_title(self) -> &'static str {
        match self {
            Lang::Zh => "打开共享数据库",
            Lang::En => "Open a shared database",
        }
    }

    pub fn db_url_label(self) -> &'static str {
        match self {
            Lang::Zh => "连接字符串（PostgreSQL + PostGIS）",
            Lang::En => "Connection string (PostgreSQL + PostGIS)",
        }
    }

    pub fn db_url_help(self) -> &'static str {
        match self {
            Lang::Zh => "密码请放在 ~/.pgpass 或环境变量 PGPASSWORD 中；本程序不保存密码。",
            Lang::En => "Keep the password in ~/.pgpass or PGPASSWORD; the app never stores it.",
        }
    }

    pub fn db_connect(self) -> &'static str {
        match self {
            Lang::Zh => "连接",
            Lang::En => "Connect",
        }
    }

    pub fn db_save_first(self) -> &'static str {
        match self {
            Lang::Zh => "有未保存的修改：请先保存或撤销，再打开数据库",
            Lang::En => "There are unsaved edits: save or undo them before opening a database",
        }
    }

    pub fn db_closed(self) -> &'static str {
        match self {
            Lang::Zh => "已断开共享数据库，改为显示打开的文件",
            Lang::En => "Disconnected from the shared database; showing the files opened",
        }
    }

    /// Field checks sent to the server.
    pub fn db_checks_synced(self, n: usize) -> String {
        match self {
            Lang::Zh => format!("已将 {n} 条核查记录同步到数据库"),
            Lang::En => format!("{n} field checks sent to the database"),
        }
    }

    /// Field checks the server refused.
    pub fn db_checks_failed(self, why: &str) -> String {
        match self {
            Lang::Zh => format!("核查记录未能同步到数据库：{why}"),
            Lang::En => format!("The field checks could not be sent to the database: {why}"),
        }
    }

    /// The status bar while only the first view of a large plan is read.
    pub fn db_partial(self, at: &str) -> String {
        match self {
            Lang::Zh => format!("数据库 {at}：已显示当前范围，正在读取其余项目……"),
            Lang::En => format!("Database {at}: showing the view, reading the rest…"),
        }
    }
}
