//! `onshi-server`: the reference endpoint and the server of the built app, on loopback by default
//! (decisions.md D5).

use std::{net::SocketAddr, path::PathBuf, process::ExitCode, sync::Arc, time::Duration};

use clap::{Parser, Subcommand};
use onshi_server::{
    ServeConfig,
    bridge::Timing,
    csp,
    endpoint::Endpoint,
    host::AllowedHosts,
    serve::{Limits, Server},
    start::{self, Mode, Options},
    tls,
};

#[derive(Parser, Debug)]
#[command(
    name = "onshi-server",
    version,
    about = "Onshi's reference endpoint and app server"
)]
struct Args {
    /// The address to listen on; loopback by default. On 0.0.0.0 or [::] (every address) the names
    /// and addresses other PCs use to reach this one must be given with --host-name.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// A name or address requests may name in their Host (repeatable), e.g. the terminal's
    /// onshi-terminal.local or 192.168.1.10, without a port. Loopback names and the --listen address
    /// are always answered; any other host gets 421, which keeps pages of other sites out through
    /// DNS rebinding.
    #[arg(long = "host-name", value_name = "NAME")]
    host_names: Vec<String>,
    /// Serve HTTPS only, with this certificate chain (PEM: the server's certificate first, then any
    /// intermediates). Needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM: PKCS#8, PKCS#1 or SEC1). Needs --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Connections served at once; more wait, unanswered, until one closes.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: u32,
    /// How long a request's head (or a TLS handshake) may take to arrive, and how long a
    /// keep-alive connection may stay idle, in seconds; then the connection is closed.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    header_read_timeout: f64,
    /// The built app to serve (trunk's dist/).
    #[arg(long, default_value = "dist")]
    app_dir: PathBuf,
    /// An endpoint origin the app may connect to (repeatable); loopback when none is given.
    #[arg(long = "connect-src")]
    connect_src: Vec<String>,
    /// Serve the contract with the training data and the training group (decisions.md D3): the
    /// simulated national side answers, and tests may set the clock.
    #[arg(long, conflicts_with = "bridge")]
    training: bool,
    /// Serve the contract with real data, answered through the national system's file interface:
    /// the 資格確認端末's OQS share, holding req, res and face.
    #[arg(long, value_name = "OQS_SHARE")]
    bridge: Option<PathBuf>,
    /// The SQLite database; created when missing. Without it a training endpoint keeps its data in
    /// memory; a real endpoint needs one.
    #[arg(long, value_name = "FILE")]
    database: Option<PathBuf>,
    /// A new real database's 医療機関コード (first run only).
    #[arg(long)]
    institution_code: Option<String>,
    /// A new real database's institution name (first run only).
    #[arg(long)]
    institution_name: Option<String>,
    /// How long the national side may take to answer, in seconds (then 504, and a request file it
    /// has not taken is withdrawn). Terminals learn it from the capabilities and wait longer.
    #[arg(long, default_value_t = 60.0, value_name = "SECONDS")]
    national_timeout: f64,
    /// How long the request files this endpoint wrote and their answers stay in the share, in hours
    /// (and how long an answer to a taken request is still waited for). Files it did not write are
    /// never removed.
    #[arg(long, default_value_t = 24.0, value_name = "HOURS")]
    share_retention: f64,
    /// How often the share's folders are looked at, in milliseconds (tests look more often).
    #[arg(long, default_value_t = 200, hide = true)]
    share_poll_ms: u64,
    /// Break the clauses of contract/broken.tsv (decisions.md D7; test builds only).
    #[cfg(feature = "conformance-broken")]
    #[arg(long)]
    deliberately_broken: bool,
    /// Failed sign-ins one client (address) may have per minute before it is refused for the rest
    /// of the minute (429); 0 sets no limit.
    #[arg(long, default_value_t = onshi_server::sign_in::FAILURES_PER_MINUTE, value_name = "N")]
    failed_sign_ins_per_minute: u32,
    /// The origin of an app served elsewhere that may call this endpoint (CORS; repeatable).
    #[arg(long = "app-origin")]
    app_origins: Vec<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Writes the Content-Security-Policy into a page as a <meta> tag, for hosting without this server.
    CspMeta {
        /// The page to rewrite, e.g. dist/index.html.
        page: PathBuf,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match args.command {
        Some(Command::CspMeta { page }) => write_meta(&page, &args.connect_src),
        None => serve(args).await,
    }
}

fn write_meta(page: &PathBuf, connect_src: &[String]) -> ExitCode {
    let policy = csp::policy(connect_src, csp::Delivery::Meta);
    let result = std::fs::read_to_string(page)
        .map_err(|e| e.to_string())
        .and_then(|html| csp::with_meta(&html, &policy).map_err(|e| e.to_string()))
        .and_then(|html| std::fs::write(page, html).map_err(|e| e.to_string()));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "onshi-server: cannot write the policy into {}: {e}",
                page.display()
            );
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: Args) -> ExitCode {
    if !args.app_dir.join("index.html").is_file() {
        eprintln!(
            "onshi-server: {} has no index.html; build the app first (scripts/run does)",
            args.app_dir.display()
        );
        return ExitCode::FAILURE;
    }
    let limits = match Duration::try_from_secs_f64(args.header_read_timeout) {
        Ok(timeout) if !timeout.is_zero() => Limits {
            max_connections: usize::try_from(args.max_connections).unwrap_or(usize::MAX),
            header_read_timeout: timeout,
            ..Limits::default()
        },
        _ => {
            eprintln!(
                "onshi-server: --header-read-timeout must be a positive number, not {}",
                args.header_read_timeout
            );
            return ExitCode::FAILURE;
        }
    };
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(certificate), Some(key)) => match tls::server_config(certificate, key) {
            Ok(config) => Some(config),
            Err(e) => {
                eprintln!("onshi-server: {e}");
                return ExitCode::FAILURE;
            }
        },
        // clap makes each of the two flags require the other.
        _ => None,
    };
    let hosts = match AllowedHosts::new(args.listen.ip(), &args.host_names) {
        Ok(hosts) => hosts,
        Err(e) => {
            eprintln!("onshi-server: {e}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("onshi-server: cannot listen on {}: {e}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    let address = listener.local_addr().map_or(args.listen, |a| a);
    let endpoint = match endpoint(&args) {
        Ok(endpoint) => endpoint,
        Err(message) => {
            eprintln!("onshi-server: {message}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(endpoint) = &endpoint {
        tokio::spawn(Arc::clone(endpoint).watch_share());
    }
    if address.ip().is_unspecified() && args.host_names.is_empty() {
        eprintln!(
            "onshi-server: listening on every address, but only loopback names are answered; give the names other PCs use with --host-name"
        );
    }
    let app = onshi_server::router(
        &ServeConfig {
            app_dir: args.app_dir.clone(),
            connect_src: args.connect_src.clone(),
            app_origins: args.app_origins.clone(),
            hosts,
        },
        endpoint,
    );
    let mut server = Server::new(listener, app, limits);
    let scheme = match tls {
        Some(config) => {
            server = server.with_tls(config);
            "https"
        }
        None => "http",
    };
    // Tests and scripts read this line to learn the port when they asked for port 0.
    println!(
        "onshi-server: serving {} on {scheme}://{address}",
        args.app_dir.display()
    );
    // Requests in flight get the grace period after the signal; open event streams are then cut
    // (src/serve.rs).
    server.run(shutdown()).await;
    ExitCode::SUCCESS
}

/// The endpoint the arguments ask for, or none when only the app is to be served.
fn endpoint(args: &Args) -> Result<Option<Arc<Endpoint>>, String> {
    let seconds = |what: &str, value: f64| {
        Duration::try_from_secs_f64(value)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| format!("{what} must be a positive number, not {value}"))
    };
    let mode = match (&args.bridge, args.training) {
        (Some(share), _) => Mode::Bridge {
            share: share.clone(),
            timing: Timing {
                poll: Duration::from_millis(args.share_poll_ms.max(10)),
                ..Timing::default()
            },
            national_timeout: seconds("--national-timeout", args.national_timeout)?,
            retention: seconds("--share-retention", args.share_retention * 3600.0)?,
        },
        (None, true) => Mode::Training,
        (None, false) => return Ok(None),
    };
    let institution = match (&args.institution_code, &args.institution_name) {
        (Some(code), Some(name)) => Some((code.clone(), name.clone())),
        _ => None,
    };
    let opened = start::open(Options {
        database: args.database.clone(),
        institution,
        #[cfg(feature = "conformance-broken")]
        broken: args.deliberately_broken,
        ..Options::new(mode)
    })
    .map_err(|e| e.to_string())?;
    if let Some(password) = opened.master_password {
        // Shown once, to whoever set the endpoint up; it must be changed at the first sign-in.
        println!(
            "onshi-server: created the account {} with the initial password {password} (it must be changed at the first sign-in)",
            onshi_core::setup::MASTER_USER_ID
        );
    }
    let limit = Some(args.failed_sign_ins_per_minute).filter(|n| *n > 0);
    Ok(Some(Arc::new(opened.endpoint.with_sign_in_limit(limit))))
}

/// Resolves on Ctrl-C or SIGTERM, letting requests in flight finish.
async fn shutdown() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
