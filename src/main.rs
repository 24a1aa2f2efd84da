//! binzhou-sites: with no subcommand, the desktop map; otherwise the CLI.

use clap::Parser;

use binzhou_sites::cli::{Cli, check_first_path, resolve_lang, run};

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        // Every log line is redacted: a Tianditu key in a URL never reaches the log.
        .with_writer(binzhou_tiles::logging::redacting(std::io::stderr))
        .init();
    let cli = Cli::parse();
    let lang = resolve_lang(cli.lang, |k| std::env::var(k).ok());
    let result = match cli.command {
        Some(cmd) => run(cmd, lang, &mut std::io::stdout().lock()),
        None => check_first_path(&cli.data, lang).and_then(|()| {
            open_app(binzhou_sites::app::AppArgs {
                data: cli.data,
                gnss: cli.gnss,
                journal: cli.journal,
                tour: cli.tour,
                db: cli.db,
            })
        }),
    };
    match result {
        Ok(code) => std::process::ExitCode::from(code as u8),
        // `binzhou-sites stats | head` is not an error.
        Err(e) if e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) => {
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("binzhou-sites: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

fn open_app(args: binzhou_sites::app::AppArgs) -> anyhow::Result<i32> {
    binzhou_sites::app::run(args)?;
    Ok(0)
}
