//! Connecting: a libpq connection string (`postgresql://user@host:5432/db`
//! or `host=… dbname=…`), completed from the usual `PGHOST`, `PGPORT`,
//! `PGUSER`, `PGDATABASE` and `PGPASSWORD` variables and from the password
//! file (`PGPASSFILE`, else `~/.pgpass`) as libpq does, so that a password
//! never has to sit in the app's settings. Nothing shown to the user holds
//! the password: [`Target::shown`] and [`redact_text`].

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use postgres::config::Host;
use postgres::{Client, Config, NoTls};

use crate::DbError;

/// A database to connect to.
#[derive(Clone)]
pub struct Target {
    config: Config,
    /// How much of the server's certificate is checked (`sslmode`).
    verify: crate::tls::Verify,
    /// `sslrootcert`, when given.
    root_file: Option<PathBuf>,
    home: Option<PathBuf>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown())
    }
}

/// The environment a target is completed from (the process's, or a test's).
pub trait Env {
    fn var(&self, key: &str) -> Option<String>;
    fn home(&self) -> Option<PathBuf>;
}

/// The process's own environment.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, key: &str) -> Option<String> {
        std::env::var(key).ok().filter(|v| !v.is_empty())
    }
    fn home(&self) -> Option<PathBuf> {
        std::env::var_os("HOME").map(PathBuf::from)
    }
}

impl Target {
    /// Reads a connection string, completed from the process's environment.
    pub fn parse(url: &str) -> Result<Target, DbError> {
        Target::parse_with(url, &ProcessEnv)
    }

    /// Reads a connection string, completed from `env`.
    pub fn parse_with(url: &str, env: &dyn Env) -> Result<Target, DbError> {
        // libpq options the client library does not read: taken out here.
        let (url, mode, root_file) = libpq_only(url.trim());
        let mut config = if url.is_empty() {
            Config::new()
        } else {
            Config::from_str(&url).map_err(|e| DbError::BadUrl(redact_text(&e.to_string())))?
        };
        let mode = mode.or_else(|| env.var("PGSSLMODE"));
        let verify = match mode.as_deref() {
            Some("verify-ca") => crate::tls::Verify::Ca,
            Some("verify-full") => crate::tls::Verify::Full,
            _ => crate::tls::Verify::Nothing,
        };
        match mode.as_deref() {
            Some("verify-ca" | "verify-full" | "require") => {
                config.ssl_mode(postgres::config::SslMode::Require);
            }
            Some("disable") => {
                config.ssl_mode(postgres::config::SslMode::Disable);
            }
            Some("prefer" | "allow") | None => {}
            Some(other) => return Err(DbError::BadUrl(format!("sslmode={other:?} is not a libpq sslmode"))),
        }
        let root_file = root_file.or_else(|| env.var("PGSSLROOTCERT")).map(PathBuf::from);
        if config.get_hosts().is_empty() {
            let host = env.var("PGHOST").unwrap_or_else(|| "localhost".into());
            for h in host.split(',') {
                config.host(h);
            }
        }
        if config.get_ports().is_empty()
            && let Some(p) = env.var("PGPORT")
        {
            let port = p.parse::<u16>().map_err(|_| DbError::BadUrl(format!("PGPORT={p:?} is not a port")))?;
            config.port(port);
        }
        if config.get_user().is_none() {
            let user = env.var("PGUSER").or_else(|| env.var("USER")).unwrap_or_else(|| "postgres".into());
            config.user(&user);
        }
        if config.get_dbname().is_none() {
            let db = env.var("PGDATABASE").or_else(|| config.get_user().map(str::to_string));
            if let Some(db) = db {
                config.dbname(&db);
            }
        }
        if config.get_password().is_none() {
            if let Some(p) = env.var("PGPASSWORD") {
                config.password(p);
            } else if let Some(p) = password_from_file(&config, env) {
                config.password(p);
            }
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        config.application_name("binzhou-sites");
        Ok(Target { config, verify, root_file, home: env.home() })
    }

    /// `user@host:port/dbname`, for messages: never the password.
    pub fn shown(&self) -> String {
        let user = self.config.get_user().unwrap_or("?");
        let host = self.config.get_hosts().first().map(host_text).unwrap_or_else(|| "?".into());
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        let db = self.config.get_dbname().unwrap_or("?");
        format!("{user}@{host}:{port}/{db}")
    }

    /// The user it logs in as.
    pub fn user(&self) -> &str {
        self.config.get_user().unwrap_or("")
    }

    /// The same server and database as another user (for tests and `grant`).
    pub fn as_user(&self, user: &str, password: Option<&str>) -> Target {
        let mut config = self.config.clone();
        config.user(user);
        if let Some(p) = password {
            config.password(p);
        }
        Target { config, ..self.clone() }
    }

    /// The same server, another database.
    pub fn with_dbname(&self, db: &str) -> Target {
        let mut config = self.config.clone();
        config.dbname(db);
        Target { config, ..self.clone() }
    }
}

fn host_text(h: &Host) -> String {
    match h {
        Host::Tcp(s) => s.clone(),
        Host::Unix(p) => p.display().to_string(),
    }
}

/// Opens a connection, encrypted as `sslmode` says.
pub fn connect(target: &Target) -> Result<Client, DbError> {
    let done = match target.config.get_ssl_mode() {
        postgres::config::SslMode::Disable => target.config.connect(NoTls),
        _ => {
            let tls = crate::tls::connector(target.verify, target.root_file.as_ref(), target.home.clone())?;
            target.config.connect(tls)
        }
    };
    done.map_err(|e| DbError::Connect {
        target: target.shown(),
        detail: e.as_db_error().map(|d| d.message().to_string()).unwrap_or_else(|| crate::chain(&e)),
    })
}

/// Takes out of a connection string what libpq reads and the client
/// library does not: an `sslmode` of any value (returned) and
/// `sslrootcert`. Both forms: `postgresql://…?sslmode=verify-full` and
/// `host=… sslmode=verify-full`.
fn libpq_only(url: &str) -> (String, Option<String>, Option<String>) {
    let (mut mode, mut root) = (None, None);
    let mut take = |key: &str, value: String| match key {
        "sslmode" => {
            mode = Some(value);
            true
        }
        "sslrootcert" => {
            root = Some(value);
            true
        }
        _ => false,
    };
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let Some((base, query)) = url.split_once('?') else { return (url.to_string(), None, None) };
        let kept: Vec<&str> = query
            .split('&')
            .filter(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                !take(k, percent_decoded(v))
            })
            .collect();
        let cleaned = if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) };
        return (cleaned, mode, root);
    }
    // key=value pairs, values maybe in single quotes with \ escapes.
    let chars: Vec<char> = url.chars().collect();
    let mut kept = Vec::new();
    let mut i = 0;
    let skip_space = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_whitespace() {
            *i += 1;
        }
    };
    loop {
        skip_space(&mut i);
        if i >= chars.len() {
            break;
        }
        let from = i;
        while i < chars.len() && chars[i] != '=' && !chars[i].is_whitespace() {
            i += 1;
        }
        let key: String = chars[from..i].iter().collect();
        skip_space(&mut i);
        let mut value = String::new();
        if i < chars.len() && chars[i] == '=' {
            i += 1;
            skip_space(&mut i);
            if i < chars.len() && chars[i] == '\'' {
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        i += 1;
                    }
                    value.push(chars[i]);
                    i += 1;
                }
                i = (i + 1).min(chars.len());
            } else {
                while i < chars.len() && !chars[i].is_whitespace() {
                    value.push(chars[i]);
                    i += 1;
                }
            }
        }
        if !take(&key, value) {
            kept.push(chars[from..i].iter().collect::<String>());
        }
    }
    (kept.join(" "), mode, root)
}

fn percent_decoded(v: &str) -> String {
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(x) = std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(x);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The password for `config` from the password file, as libpq finds it:
/// the first line `host:port:database:user:password` whose fields match
/// (`*` matches anything; `\:` and `\\` are escapes).
fn password_from_file(config: &Config, env: &dyn Env) -> Option<String> {
    let path = env.var("PGPASSFILE").map(PathBuf::from).or_else(|| env.home().map(|h| h.join(".pgpass")))?;
    let text = std::fs::read_to_string(path).ok()?;
    let host = config.get_hosts().first().map(host_text).unwrap_or_default();
    let host = if host.starts_with('/') { "localhost".to_string() } else { host };
    let port = config.get_ports().first().copied().unwrap_or(5432).to_string();
    let db = config.get_dbname().unwrap_or("");
    let user = config.get_user().unwrap_or("");
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields = split_pgpass(line);
        if fields.len() != 5 {
            continue;
        }
        let matches = |pat: &str, v: &str| pat == "*" || pat == v;
        if matches(&fields[0], &host)
            && matches(&fields[1], &port)
            && matches(&fields[2], db)
            && matches(&fields[3], user)
        {
            return Some(fields[4].clone());
        }
    }
    None
}

fn split_pgpass(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next()
                    && let Some(last) = out.last_mut()
                {
                    last.push(n);
                }
            }
            ':' if out.len() < 5 => out.push(String::new()),
            c => {
                if let Some(last) = out.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    out
}

/// `text` with anything that looks like a password replaced by `***`:
/// `password=…` pairs and the `user:secret@` part of a URL.
pub fn redact_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // password=… (up to a space or a quote)
    while let Some(at) = rest.find("password=") {
        out.push_str(&rest[..at + "password=".len()]);
        out.push_str("***");
        let tail = &rest[at + "password=".len()..];
        let end = tail.find([' ', '\'', '"', '&']).unwrap_or(tail.len());
        rest = &tail[end..];
    }
    out.push_str(rest);
    // scheme://user:secret@host
    let mut result = String::with_capacity(out.len());
    let mut s = out.as_str();
    while let Some(at) = s.find("://") {
        result.push_str(&s[..at + 3]);
        let tail = &s[at + 3..];
        let auth_end = tail.find(['/', ' ']).unwrap_or(tail.len());
        match tail[..auth_end].rfind('@') {
            Some(atsign) => {
                let auth = &tail[..atsign];
                match auth.find(':') {
                    Some(colon) => {
                        result.push_str(&auth[..colon]);
                        result.push_str(":***");
                    }
                    None => result.push_str(auth),
                }
                result.push_str(&tail[atsign..auth_end]);
            }
            None => result.push_str(&tail[..auth_end]),
        }
        s = &tail[auth_end..];
    }
    result.push_str(s);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    struct FakeEnv(Vec<(&'static str, String)>, Option<PathBuf>);

    impl Env for FakeEnv {
        fn var(&self, key: &str) -> Option<String> {
            self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone())
        }
        fn home(&self) -> Option<PathBuf> {
            self.1.clone()
        }
    }

    #[test]
    fn a_url_is_completed_from_the_pg_variables() {
        let env = FakeEnv(
            vec![("PGHOST", "db.example".into()), ("PGPORT", "6543".into()), ("PGUSER", "planner".into())],
            None,
        );
        let t = Target::parse_with("dbname=plan", &env).unwrap();
        assert_eq!(t.shown(), "planner@db.example:6543/plan");
        let t = Target::parse_with("postgresql://wang@10.0.0.5:5433/binzhou", &env).unwrap();
        assert_eq!(t.shown(), "wang@10.0.0.5:5433/binzhou", "the URL wins over the variables");
    }

    #[test]
    fn the_password_file_gives_the_password_of_the_first_matching_line() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".pgpass");
        std::fs::write(
            &file,
            "# comment\nother:5432:*:*:nope\ndb.example:*:plan:planner:s\\:ecret\n*:*:*:*:fallback\n",
        )
        .unwrap();
        let env = FakeEnv(vec![], Some(dir.path().to_path_buf()));
        let t = Target::parse_with("postgresql://planner@db.example/plan", &env).unwrap();
        assert_eq!(t.config.get_password(), Some(&b"s:ecret"[..]));
        let t = Target::parse_with("postgresql://someone@elsewhere/x", &env).unwrap();
        assert_eq!(t.config.get_password(), Some(&b"fallback"[..]));
    }

    #[test]
    fn libpq_ssl_options_are_read_in_both_forms() {
        let env = FakeEnv(vec![], None);
        let t = Target::parse_with(
            "postgresql://wang@db.example/plan?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&connect_timeout=5",
            &env,
        )
        .unwrap();
        assert_eq!(t.verify, crate::tls::Verify::Full);
        assert_eq!(t.root_file, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(t.config.get_ssl_mode(), postgres::config::SslMode::Require);
        assert_eq!(t.config.get_connect_timeout(), Some(&Duration::from_secs(5)), "the rest still read");
        let t =
            Target::parse_with("host=db.example sslmode=verify-ca sslrootcert='/my ca.pem' dbname=plan", &env).unwrap();
        assert_eq!((t.verify, t.root_file.clone()), (crate::tls::Verify::Ca, Some(PathBuf::from("/my ca.pem"))));
        assert_eq!(t.shown(), format!("{}@db.example:5432/plan", t.user()));
        let t = Target::parse_with("host=db.example sslmode=disable", &env).unwrap();
        assert_eq!(t.config.get_ssl_mode(), postgres::config::SslMode::Disable);
        assert!(Target::parse_with("host=x sslmode=sometimes", &env).is_err());
    }

    #[test]
    fn no_message_shows_a_password() {
        let env = FakeEnv(vec![], None);
        let t = Target::parse_with("postgresql://wang:hunter2@db.example:5432/plan", &env).unwrap();
        assert!(!format!("{t:?} {}", t.shown()).contains("hunter2"));
        assert_eq!(
            redact_text("cannot reach postgresql://wang:hunter2@db.example/plan password=hunter2 sslmode=require"),
            "cannot reach postgresql://wang:***@db.example/plan password=*** sslmode=require"
        );
        let bad = Target::parse_with("host=x password='hunter2 port=notaport", &env).unwrap_err();
        assert!(!bad.to_string().contains("hunter2"), "{bad}");
    }
}
