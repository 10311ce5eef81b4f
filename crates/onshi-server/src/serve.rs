//! The serving loop: accepting connections and serving the router over HTTP/1.1, plain or over TLS,
//! in place of `axum::serve`, which has neither a header-read timeout nor a limit on connections.
//!
//! - **Header-read timeout.** hyper's HTTP/1 connection closes a connection whose request head has
//!   not fully arrived within `header_read_timeout` (10 s by default). hyper starts that clock
//!   whenever it waits for a head, so it also closes a keep-alive connection left idle that long:
//!   a slow or idle client cannot hold a connection. A TLS handshake gets the same time. A request
//!   whose head has arrived is not timed: an event stream (SSE) lasts as long as its screen.
//! - **Connection limit.** At most `max_connections` (256 by default) connections are served at
//!   once. The loop takes a slot before it accepts, so beyond the limit new connections wait in the
//!   kernel's listen backlog, unanswered but not refused, and are served in turn as slots free up;
//!   past the backlog the kernel drops their SYNs and the clients retry. We chose waiting over
//!   closing them at once because a clinic's load is bursts of a few terminals, each with an event
//!   stream and a handful of connections: a burst past the limit should be slow, not fail on a
//!   screen, while the header-read timeout makes sure slots held by idle clients come back within
//!   seconds. 256 is far above what a clinic's terminals open (a browser opens at most six
//!   connections to one HTTP/1.1 server) and far below the process's file limit.
//! - **Graceful shutdown.** When the shutdown future resolves the loop stops accepting, every
//!   connection finishes its request in flight and closes, and after `shutdown_grace` (2 s)
//!   whatever is still open is cut: an event stream never ends by itself (every signed-in screen
//!   holds one), and terminals reconnect with `Last-Event-ID` and miss nothing.
//!
//! HTTP/2 is not offered: HTTP/1.1 is all the app and the contract need, and TLS's ALPN says so.

use std::{future::Future, io, net::SocketAddr, pin::pin, sync::Arc, time::Duration};

use axum::{Router, extract::ConnectInfo};
use hyper::{body::Incoming, server::conn::http1};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::TcpListener,
    sync::{OwnedSemaphorePermit, Semaphore, watch},
    task::JoinSet,
};
use tokio_rustls::{TlsAcceptor, rustls::ServerConfig};
use tower::ServiceExt;

/// The serving loop's bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Connections served at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// How long a request's head (and a TLS handshake) may take to arrive, and how long a
    /// keep-alive connection may stay idle.
    pub header_read_timeout: Duration,
    /// How long requests in flight may take to finish after the shutdown signal.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_connections: 256,
            header_read_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(2),
        }
    }
}

/// What the loop is doing, for tests and for whoever wants to watch it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Load {
    /// Connections being served now. When it equals the limit the loop accepts nothing until one
    /// closes.
    pub open: usize,
    /// Connections accepted since the start.
    pub accepted: u64,
}

/// A server bound to its listener, ready to run.
pub struct Server {
    listener: TcpListener,
    app: Router,
    limits: Limits,
    tls: Option<TlsAcceptor>,
    load: Arc<watch::Sender<Load>>,
}

impl Server {
    /// Serves `app` on `listener` over plain HTTP.
    pub fn new(listener: TcpListener, app: Router, limits: Limits) -> Server {
        Server {
            listener,
            app,
            limits,
            tls: None,
            load: Arc::new(watch::Sender::new(Load::default())),
        }
    }

    /// Serves HTTPS only, with this configuration (`tls::server_config`).
    pub fn with_tls(mut self, config: Arc<ServerConfig>) -> Server {
        self.tls = Some(TlsAcceptor::from(config));
        self
    }

    /// The address the listener is bound to (the port, when port 0 was asked for).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Follows the loop's load as it changes.
    pub fn load(&self) -> watch::Receiver<Load> {
        self.load.subscribe()
    }

    /// Serves until `shutdown` resolves, then lets requests in flight finish for the grace period
    /// and cuts what is left; returns once every connection is closed.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let Server {
            listener,
            app,
            limits,
            tls,
            load,
        } = self;
        let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
        let (stop, stopping) = watch::channel(false);
        let mut connections = JoinSet::new();
        let mut shutdown = pin!(shutdown);
        loop {
            // Finished connections are collected as the loop goes, so the set holds open ones only.
            while connections.try_join_next().is_some() {}
            let permit = tokio::select! {
                () = &mut shutdown => break,
                permit = Arc::clone(&slots).acquire_owned() => {
                    permit.expect("the semaphore is never closed")
                }
            };
            let (stream, peer) = tokio::select! {
                () = &mut shutdown => break,
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        accept_failed(e).await;
                        continue;
                    }
                },
            };
            load.send_modify(|load| {
                load.open += 1;
                load.accepted += 1;
            });
            let slot = Slot {
                _permit: permit,
                load: Arc::clone(&load),
            };
            let app = app.clone();
            let tls = tls.clone();
            let stopping = stopping.clone();
            connections.spawn(async move {
                let _slot = slot;
                match tls {
                    None => serve_connection(stream, peer, app, limits, stopping).await,
                    Some(tls) => {
                        let mut waiting = stopping.clone();
                        let handshake =
                            tokio::time::timeout(limits.header_read_timeout, tls.accept(stream));
                        let stream = tokio::select! {
                            handshake = handshake => match handshake {
                                Ok(Ok(stream)) => stream,
                                // A client that does not finish its handshake in time, or fails
                                // it (e.g. it does not trust the certificate), is simply dropped.
                                Ok(Err(_)) | Err(_) => return,
                            },
                            _ = waiting.wait_for(|stopping| *stopping) => return,
                        };
                        serve_connection(stream, peer, app, limits, stopping).await;
                    }
                }
            });
        }
        // No new connections: those still in the backlog are refused as the listener closes.
        drop(listener);
        stop.send_replace(true);
        let finished = tokio::time::timeout(limits.shutdown_grace, async {
            while connections.join_next().await.is_some() {}
        })
        .await;
        if finished.is_err() {
            connections.shutdown().await;
        }
    }
}

/// One connection's place under the limit; freed when the connection's task ends, however it ends.
struct Slot {
    _permit: OwnedSemaphorePermit,
    load: Arc<watch::Sender<Load>>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.load.send_modify(|load| load.open -= 1);
    }
}

/// Serves one connection until it closes, or, once the loop is stopping, until its request in
/// flight is answered.
async fn serve_connection<I>(
    io: I,
    peer: SocketAddr,
    app: Router,
    limits: Limits,
    mut stopping: watch::Receiver<bool>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    // Each request knows its client's address, as axum's `ConnectInfo`: failed sign-ins are counted
    // per client (src/sign_in.rs).
    let app = app.map_request(move |mut request: axum::extract::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    });
    let mut connection =
        pin!(builder.serve_connection(TokioIo::new(io), TowerToHyperService::new(app)));
    tokio::select! {
        // A connection's own errors (a client gone, a malformed request, the timeout) end only it.
        _ = connection.as_mut() => return,
        _ = stopping.wait_for(|stopping| *stopping) => {}
    }
    connection.as_mut().graceful_shutdown();
    let _ = connection.await;
}

/// After a failed accept: a connection that failed before it was accepted is nobody's concern; any
/// other error (e.g. out of file descriptors) is reported, and the loop pauses a second rather
/// than spin on it.
async fn accept_failed(error: io::Error) {
    if matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    eprintln!("onshi-server: cannot accept a connection: {error}");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
