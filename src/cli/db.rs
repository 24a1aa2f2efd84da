//! `db init|push|pull|sync|grant`: the shared plan on PostgreSQL + PostGIS.

use std::io::Write;

use binzhou_db::sites::NotSent;
use binzhou_db::{Target, connect};

use super::{DbCommand, Lang};

pub fn run(out: &mut dyn Write, cmd: DbCommand, lang: Lang) -> anyhow::Result<i32> {
    let zh = lang == Lang::Zh;
    // The database's errors in the user's language.
    run_in(out, cmd, zh).map_err(|e| match e.downcast::<binzhou_db::DbError>() {
        Ok(db) => anyhow::anyhow!(db.text(zh)),
        Err(e) => e,
    })
}

fn run_in(out: &mut dyn Write, cmd: DbCommand, zh: bool) -> anyhow::Result<i32> {
    match cmd {
        DbCommand::Init { url } => {
            let t = Target::parse(&url)?;
            let mut c = connect(&t)?;
            let r = binzhou_db::schema::init(&mut c)?;
            let now = binzhou_db::schema::latest();
            match (r.applied.is_empty(), zh) {
                (true, true) => writeln!(out, "{}：数据库结构已是最新（版本 {now}）", t.shown())?,
                (true, false) => writeln!(out, "{}: the schema is up to date (version {now})", t.shown())?,
                (false, true) => writeln!(out, "{}：数据库结构由版本 {} 升级到 {now}", t.shown(), r.from)?,
                (false, false) => writeln!(out, "{}: schema brought from version {} to {now}", t.shown(), r.from)?,
            }
            Ok(0)
        }
        DbCommand::Push { url, files, author, read } => {
            let opts = read.options(None)?;
            let (ds, _) = binzhou_formats::load_paths(&files, &opts);
            let errors = ds.problems.iter().filter(|p| p.severity == binzhou_core::model::Severity::Error).count();
            let t = Target::parse(&url)?;
            let mut c = connect(&t)?;
            binzhou_db::schema::require(&mut c)?;
            let author = author.unwrap_or_else(|| t.user().to_string());
            let r = binzhou_db::sites::push(&mut c, &ds, &author)?;
            let reference = r.not_sent.iter().filter(|(_, w)| *w == NotSent::Reference).count();
            let no_id = r.not_sent.len() - reference;
            let sent = r.inserted + r.updated + r.unchanged;
            let (new, changed, same, secs, rate) = (r.inserted, r.updated, r.unchanged, r.seconds, r.per_second());
            let who = t.shown();
            let mut lines = vec![if zh {
                format!(
                    "已推送 {sent} 个项目到 {who}：新增 {new}，更新 {changed}，未变 {same}；用时 {secs:.2} 秒（每秒 {rate:.0} 个）"
                )
            } else {
                format!(
                    "pushed {sent} sites to {who}: {new} new, {changed} changed, {same} unchanged, in {secs:.2} s ({rate:.0} sites/s)"
                )
            }];
            if reference > 0 {
                lines.push(pick(zh, format!("未推送参考要素（非规划项目）{reference} 个"), || {
                    format!("not pushed: {reference} reference features (not plan sites)")
                }));
            }
            if no_id > 0 {
                lines.push(pick(
                    zh,
                    format!("未推送没有编号（id）的项目 {no_id} 个：请先在文件中补上编号"),
                    || format!("not pushed: {no_id} sites without an id; give them one in the file first"),
                ));
            }
            for d in &r.duplicates {
                lines.push(pick(zh, format!("编号重复，只推送了第一个：{d}"), || {
                    format!("duplicate id, only the first pushed: {d}")
                }));
            }
            if errors > 0 {
                lines.push(pick(
                    zh,
                    format!("文件中有 {errors} 处错误，已推送其余有效部分（用 validate 查看）"),
                    || format!("the files have {errors} errors; the valid part was pushed (see validate)"),
                ));
            }
            for l in lines {
                writeln!(out, "{l}")?;
            }
            Ok(0)
        }
        DbCommand::Pull { url, out: file } => {
            let t = Target::parse(&url)?;
            let mut c = connect(&t)?;
            binzhou_db::schema::require(&mut c)?;
            let name = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "sites".into());
            let (ds, r) = binzhou_db::sites::pull(&mut c, &name)?;
            let rows: Vec<usize> = (0..ds.sites.len()).collect();
            let written = binzhou_formats::write(&file, &ds, &rows, zh).map_err(|e| anyhow::anyhow!("{e}"))?;
            let files: Vec<String> = written.files.iter().map(|f| f.display().to_string()).collect();
            match zh {
                true => writeln!(out, "已从 {} 取回 {} 个项目，写入 {}", t.shown(), r.sites, files.join("、"))?,
                false => writeln!(out, "pulled {} sites from {} into {}", r.sites, t.shown(), files.join(", "))?,
            }
            for n in &written.notes {
                writeln!(out, "{}", n.text(zh))?;
            }
            Ok(0)
        }
        DbCommand::Sync { url, journals } => {
            let t = Target::parse(&url)?;
            let mut c = connect(&t)?;
            binzhou_db::schema::require(&mut c)?;
            let r = binzhou_db::checks::sync(&mut c, &journals)?;
            match zh {
                true => writeln!(
                    out,
                    "已同步核查记录到 {}：新发送 {} 条，服务器已有 {} 条，照片 {} 张",
                    t.shown(),
                    r.sent,
                    r.already,
                    r.photos_sent
                )?,
                false => writeln!(
                    out,
                    "synced checks to {}: {} sent, {} already there, {} photos",
                    t.shown(),
                    r.sent,
                    r.already,
                    r.photos_sent
                )?,
            }
            for m in &r.photos_missing {
                match zh {
                    true => writeln!(out, "照片文件不在日志文件夹中，未发送：{m}")?,
                    false => writeln!(out, "photo not in the journal's folder, not sent: {m}")?,
                }
            }
            Ok(if r.photos_missing.is_empty() { 0 } else { 1 })
        }
        DbCommand::Bench { url, clients, edits, sites } => {
            let t = Target::parse(&url)?;
            binzhou_db::schema::require(&mut connect(&t)?)?;
            let b = binzhou_db::sites::bench_edits(&t, clients, edits, sites)?;
            let rate = b.per_second();
            let line = if zh {
                format!(
                    "{} 个客户端共 {} 次修改：成功 {}，冲突 {}；用时 {:.2} 秒，每秒 {rate:.0} 次",
                    b.clients,
                    b.applied + b.conflicts,
                    b.applied,
                    b.conflicts,
                    b.seconds
                )
            } else {
                format!(
                    "{} clients, {} edits: {} applied, {} conflicts, in {:.2} s: {rate:.0} edits/s",
                    b.clients,
                    b.applied + b.conflicts,
                    b.applied,
                    b.conflicts,
                    b.seconds
                )
            };
            writeln!(out, "{line}")?;
            Ok(0)
        }
        DbCommand::Grant { url, user, role, district } => {
            let role = binzhou_db::roles::Role::parse(&role, &district)?;
            let t = Target::parse(&url)?;
            let mut c = connect(&t)?;
            binzhou_db::schema::require(&mut c)?;
            binzhou_db::roles::grant(&mut c, &user, &role)?;
            let what = match (&role, zh) {
                (binzhou_db::roles::Role::DistrictEditor(d), true) => format!("编辑（仅限 {}）", d.join("、")),
                (binzhou_db::roles::Role::DistrictEditor(d), false) => format!("an editor of {} only", d.join(", ")),
                (binzhou_db::roles::Role::Viewer, true) => "查看者（只读）".into(),
                (binzhou_db::roles::Role::Inspector, true) => "核查员（可提交核查记录）".into(),
                (binzhou_db::roles::Role::Editor, true) => "编辑（全市项目）".into(),
                (binzhou_db::roles::Role::Viewer, false) => "a viewer (read only)".into(),
                (binzhou_db::roles::Role::Inspector, false) => "an inspector (may send checks)".into(),
                (binzhou_db::roles::Role::Editor, false) => "an editor (every site)".into(),
            };
            match zh {
                true => writeln!(out, "{user} 现在是 {what}")?,
                false => writeln!(out, "{user} is now {what}")?,
            }
            Ok(0)
        }
    }
}

/// The Chinese text, or the English one.
fn pick(zh: bool, chinese: String, english: impl FnOnce() -> String) -> String {
    if zh { chinese } else { english() }
}
