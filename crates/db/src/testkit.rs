//! A throwaway PostgreSQL + PostGIS server for the tests: a new cluster in
//! a temporary folder, on a free loopback port, run as the `postgres` user
//! when the tests run as root (PostgreSQL refuses root). It stops by itself
//! when the test process is gone. Each test gets its own database.
//!
//! Without PostgreSQL and PostGIS installed the tests say so and pass,
//! except in CI (`CI` set), where that is a failure.
//!
//! Built with the `testkit` feature, for this crate's tests and the app's.
#![allow(clippy::unwrap_used)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::Target;

/// A running test cluster.
pub struct Server {
    pub port: u16,
    bin: PathBuf,
    pub dir: PathBuf,
    as_postgres: bool,
}

fn find_bin() -> Result<PathBuf, String> {
    if let Ok(b) = std::env::var("BINZHOU_PG_BIN") {
        return Ok(PathBuf::from(b));
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| "PostgreSQL is not installed (no /usr/lib/postgresql)".to_string())?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v: u32 = e.file_name().to_string_lossy().parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    found.sort();
    let (v, bin) = found.pop().ok_or("no initdb under /usr/lib/postgresql/*/bin")?;
    if !Path::new(&format!("/usr/share/postgresql/{v}/extension/postgis.control")).exists() {
        return Err(format!("PostGIS is not installed for PostgreSQL {v} (postgresql-{v}-postgis-3)"));
    }
    Ok(bin)
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

impl Server {
    fn cmd(&self, program: &str) -> Command {
        let exe = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    /// A program run as the cluster's owner (not from PostgreSQL's folder).
    fn cmd_plain(&self, program: &str) -> Command {
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", program]);
            c
        } else {
            Command::new(program)
        }
    }

    fn run(&self, mut c: Command, what: &str) -> Result<(), String> {
        let out = c.stdin(Stdio::null()).output().map_err(|e| format!("{what}: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "{what} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(())
    }

    /// A new cluster, started.
    pub fn start() -> Result<Server, String> {
        Server::start_with(false)
    }

    /// A new cluster that also speaks TLS, with a certificate for 127.0.0.1
    /// and localhost signed by a test root (`dir/ca.crt`).
    pub fn start_with_tls() -> Result<Server, String> {
        Server::start_with(true)
    }

    fn start_with(tls: bool) -> Result<Server, String> {
        let bin = find_bin()?;
        let as_postgres = is_root();
        let dir = tempfile::Builder::new().prefix("binzhou-pg-").tempdir().map_err(|e| e.to_string())?.keep();
        if as_postgres {
            let ok = Command::new("chown").args(["-R", "postgres"]).arg(&dir).status().map(|s| s.success());
            if !matches!(ok, Ok(true)) {
                return Err("cannot give the cluster's folder to the postgres user".into());
            }
        }
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
        let server = Server { port, bin, dir, as_postgres };
        let data = server.dir.join("data");
        let mut c = server.cmd("initdb");
        c.arg("-D").arg(&data).args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8"]);
        server.run(c, "initdb")?;
        let mut opts = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=60",
            server.dir.display()
        );
        if tls {
            // A test root, and a server certificate it signed for 127.0.0.1 and localhost.
            let d = &server.dir;
            let (crt, key) = (d.join("server.crt"), d.join("server.key"));
            std::fs::write(d.join("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n")
                .map_err(|e| e.to_string())?;
            let steps: [&[&str]; 3] = [
                &[
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=binzhou test root",
                    "-keyout",
                    "ca.key",
                    "-out",
                    "ca.crt",
                ],
                &[
                    "req",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-subj",
                    "/CN=localhost",
                    "-keyout",
                    "server.key",
                    "-out",
                    "server.csr",
                ],
                &[
                    "x509",
                    "-req",
                    "-in",
                    "server.csr",
                    "-CA",
                    "ca.crt",
                    "-CAkey",
                    "ca.key",
                    "-CAcreateserial",
                    "-days",
                    "2",
                    "-extfile",
                    "ext.cnf",
                    "-out",
                    "server.crt",
                ],
            ];
            for args in steps {
                let mut c = server.cmd_plain("openssl");
                c.current_dir(d).args(args);
                server.run(c, "openssl")?;
            }
            opts.push_str(&format!(" -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}", crt.display(), key.display()));
        }
        server.start_again(&opts)?;
        std::fs::write(server.dir.join("opts"), &opts).map_err(|e| e.to_string())?;
        // Stops the cluster and removes it once this process is gone.
        let watcher = format!(
            "while [ -d /proc/{pid} ]; do sleep 1; done; {pg_ctl} -D {data} -m immediate stop >/dev/null 2>&1; rm -rf {dir}",
            pid = std::process::id(),
            pg_ctl = server.bin.join("pg_ctl").display(),
            data = data.display(),
            dir = server.dir.display(),
        );
        let mut w = if server.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", "sh", "-c", &watcher]);
            c
        } else {
            let mut c = Command::new("sh");
            c.args(["-c", &watcher]);
            c
        };
        w.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().map_err(|e| e.to_string())?;
        Ok(server)
    }

    fn start_again(&self, opts: &str) -> Result<(), String> {
        let mut c = self.cmd("pg_ctl");
        c.arg("-D").arg(self.dir.join("data")).arg("-l").arg(self.dir.join("log")).args(["-w", "-o", opts, "start"]);
        self.run(c, "pg_ctl start")
    }

    /// Restarts a stopped cluster on the same port.
    pub fn restart(&self) -> Result<(), String> {
        let opts = std::fs::read_to_string(self.dir.join("opts")).map_err(|e| e.to_string())?;
        self.start_again(&opts)
    }

    /// Kills the server at once, as a power cut would.
    pub fn kill(&self) -> Result<(), String> {
        let mut c = self.cmd("pg_ctl");
        c.arg("-D").arg(self.dir.join("data")).args(["-m", "immediate", "stop"]);
        self.run(c, "pg_ctl stop")
    }

    /// The superuser on database `db`.
    pub fn target(&self, db: &str) -> Target {
        Target::parse(&format!("postgresql://postgres@127.0.0.1:{}/{db}", self.port)).expect("a valid URL")
    }

    /// A new, empty database.
    pub fn fresh_db(&self, stem: &str) -> Target {
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!("{stem}_{}", N.fetch_add(1, Ordering::SeqCst));
        let mut c = crate::connect(&self.target("postgres")).expect("the test server answers");
        c.batch_execute(&format!("CREATE DATABASE \"{name}\"")).expect("a test database");
        self.target(&name)
    }
}

/// The server the tests share, started on first use; `None` (and a note)
/// where PostgreSQL or PostGIS is missing outside CI.
pub fn server() -> Option<&'static Server> {
    static SERVER: OnceLock<Option<Server>> = OnceLock::new();
    SERVER
        .get_or_init(|| match Server::start() {
            Ok(s) => Some(s),
            Err(e) if std::env::var_os("CI").is_some() => panic!("the test database server did not start: {e}"),
            Err(e) => {
                eprintln!("skipping the database tests: {e}");
                None
            }
        })
        .as_ref()
}

/// A fresh database with the schema, or `None` to skip.
pub fn db(stem: &str) -> Option<Target> {
    let t = server()?.fresh_db(stem);
    let mut c = crate::connect(&t).expect("connects");
    crate::schema::init(&mut c).expect("the schema is created");
    Some(t)
}
