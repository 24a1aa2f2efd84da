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
    /// `names` are the first `shown` of the `n` sites.
    pub fn db_changed(self, n: usize, shown: usize, names: &str) -> String {
        let more = n > shown;
        match (self, n) {
            (Lang::Zh, 1) => format!("其他用户更新了项目：{names}"),
            (Lang::Zh, n) => format!("其他用户更新了 {n} 个项目：{names}{}", if more { "等" } else { "" }),
            (Lang::En, 1) => format!("Another user changed {names}"),
            (Lang::En, n) => format!("Other users changed {n} sites: {names}{}", if more { "…" } else { "" }),
        }
    }
}
