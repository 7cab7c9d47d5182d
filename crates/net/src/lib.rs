//! What every Plexus listener (the node's RPC, the explorer, the metrics, a miner's axon)
//! shares to stay up when strangers connect: a cap on open sockets in all and per client
//! address, checked when a socket is accepted and released when it closes (after a WebSocket
//! upgrade too), and a deadline for a request's body.
//!
//! The caps keep a stranger from holding a server's file descriptors or every slot: a socket
//! over a cap is answered at once with a short HTTP refusal and closed, so the cost of holding
//! connections open stays with whoever opens them.
//!
//! ```no_run
//! # async fn serve(listener: tokio::net::TcpListener) {
//! use plexus_net::{Admission, Admitted};
//! let admission = Admission::new(256, 32);
//! loop {
//!     // Those over a cap are answered and closed on the way.
//!     let (socket, _peer): (Admitted, _) = admission.accept(&listener).await;
//!     // Serve `socket` with hyper: its slot is freed when it is dropped.
//!     drop(socket);
//! }
//! # }
//! ```
//!
//! # What this is not
//! No protocol: it neither parses HTTP nor knows JSON-RPC or Synapses; servers keep their own
//! request limits (rates, sizes) and use these pieces at their edges.

use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::BTreeMap;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Sleep;

/// Open sockets, in all and by client address.
#[derive(Debug)]
pub struct Admission {
    max_total: usize,
    max_per_address: usize,
    open: Mutex<Open>,
    /// Refused sockets still being answered; beyond [`MAX_ANSWERING`] they are closed at once,
    /// so refusing costs no more descriptors than admitting.
    answering: AtomicUsize,
}

/// Refused sockets answered at once at most; the rest are closed without an answer.
pub const MAX_ANSWERING: usize = 64;

#[derive(Debug, Default)]
struct Open {
    total: usize,
    by_address: BTreeMap<IpAddr, usize>,
}

/// Why a socket was turned away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The server holds as many sockets as it allows.
    Full,
    /// The client's address holds as many sockets as one address may.
    TooManyFromAddress,
}

impl Refusal {
    /// The whole HTTP answer a refused socket gets before it is closed.
    fn response(self) -> &'static [u8] {
        match self {
            Self::Full => {
                b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: text/plain\r\nContent-Length: 41\r\nConnection: close\r\n\r\nthe node has too many connections; retry\n"
            }
            Self::TooManyFromAddress => {
                b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Type: text/plain\r\nContent-Length: 56\r\nConnection: close\r\n\r\ntoo many open connections from your address; close some\n"
            }
        }
    }
}

impl Admission {
    /// At most `max_total` open sockets, and `max_per_address` from one client address.
    pub fn new(max_total: usize, max_per_address: usize) -> Arc<Self> {
        Arc::new(Self {
            max_total,
            max_per_address,
            open: Mutex::new(Open::default()),
            answering: AtomicUsize::new(0),
        })
    }

    /// A slot for a socket from `address`, held until the returned ticket is dropped.
    pub fn admit(self: &Arc<Self>, address: IpAddr) -> Result<Ticket, Refusal> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if open.total >= self.max_total {
            return Err(Refusal::Full);
        }
        let from_address = open.by_address.entry(address).or_insert(0);
        if *from_address >= self.max_per_address {
            return Err(Refusal::TooManyFromAddress);
        }
        *from_address += 1;
        open.total += 1;
        Ok(Ticket {
            admission: Arc::clone(self),
            address,
        })
    }

    /// Answers a refused socket with its short HTTP refusal and closes it, on a task of its own
    /// and within a second, whatever the client does; when [`MAX_ANSWERING`] refusals are
    /// already being answered, closes it at once instead. Must be called within a tokio runtime.
    pub fn turn_away(self: &Arc<Self>, mut socket: TcpStream, refusal: Refusal) {
        if self.answering.fetch_add(1, Ordering::AcqRel) >= MAX_ANSWERING {
            self.answering.fetch_sub(1, Ordering::AcqRel);
            return;
        }
        let admission = Arc::clone(self);
        tokio::spawn(async move {
            let answer = async {
                socket.write_all(refusal.response()).await?;
                socket.shutdown().await
            };
            let _ = tokio::time::timeout(Duration::from_secs(1), answer).await;
            drop(socket);
            admission.answering.fetch_sub(1, Ordering::AcqRel);
        });
    }

    /// The next connection on `listener` that is admitted, with its client's address; those
    /// over a cap are turned away on the way ([`turn_away`](Self::turn_away)). Waits a moment
    /// instead of spinning when accepting fails (out of descriptors, say). Small answers are
    /// not held back for Nagle's algorithm.
    pub async fn accept(self: &Arc<Self>, listener: &TcpListener) -> (Admitted, SocketAddr) {
        loop {
            let (socket, peer) = match listener.accept().await {
                Ok(accepted) => accepted,
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            match self.admit(peer.ip()) {
                Ok(ticket) => {
                    let _ = socket.set_nodelay(true);
                    return (Admitted::new(socket, ticket), peer);
                }
                Err(refusal) => self.turn_away(socket, refusal),
            }
        }
    }

    /// Sockets open now, in all.
    pub fn open(&self) -> usize {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .total
    }

    fn release(&self, address: IpAddr) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.total = open.total.saturating_sub(1);
        if let Some(count) = open.by_address.get_mut(&address) {
            *count -= 1;
            if *count == 0 {
                open.by_address.remove(&address);
            }
        }
    }
}

/// A socket's slot; dropping it frees the slot.
#[derive(Debug)]
pub struct Ticket {
    admission: Arc<Admission>,
    address: IpAddr,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.admission.release(self.address);
    }
}

/// An admitted socket: the slot goes with the I/O, so it is held for as long as the socket is
/// open, whoever ends up owning it (hyper, or the WebSocket task after an upgrade).
#[derive(Debug)]
pub struct Admitted {
    socket: TcpStream,
    _ticket: Ticket,
}

impl Admitted {
    /// `socket`, holding `ticket`'s slot until it is dropped.
    pub fn new(socket: TcpStream, ticket: Ticket) -> Self {
        Self {
            socket,
            _ticket: ticket,
        }
    }
}

impl AsyncRead for Admitted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.socket).poll_read(cx, buf)
    }
}

impl AsyncWrite for Admitted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.socket).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.socket).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.socket).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.socket).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.socket.is_write_vectored()
    }
}

/// A request body that must arrive whole by a deadline: a client that sends its body a byte at
/// a time cannot hold a slot for longer than that.
#[derive(Debug)]
pub struct DeadlineBody<B> {
    inner: B,
    deadline: Pin<Box<Sleep>>,
}

impl<B> DeadlineBody<B> {
    /// `inner`, which must have arrived whole within `timeout` from now.
    pub fn new(inner: B, timeout: Duration) -> Self {
        Self {
            inner,
            deadline: Box::pin(tokio::time::sleep(timeout)),
        }
    }
}

/// The body did not arrive in time.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
pub struct BodyTimeout;

impl<B> Body for DeadlineBody<B>
where
    B: Body + Unpin,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Data = B::Data;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTimeout)))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The limits of an HTTP/1.1 listener served by [`serve_http1`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Open connections at most; more are answered 503 and closed.
    pub max_connections: usize,
    /// Open connections from one client address at most; more are answered 429 and closed.
    pub max_per_address: usize,
    /// How long a client may take to send a request's headers, and may sit idle between
    /// requests, before its connection is closed.
    pub header_timeout: Duration,
}

/// The client's address, in the extensions of every request [`serve_http1`] hands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer(pub SocketAddr);

/// `S` with the connection's [`Peer`] put in each request.
#[derive(Clone)]
struct WithPeer<S> {
    inner: S,
    peer: SocketAddr,
}

impl<S, B> tower_service::Service<http::Request<B>> for WithPeer<S>
where
    S: tower_service::Service<http::Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        request.extensions_mut().insert(Peer(self.peer));
        self.inner.call(request)
    }
}

/// Serves HTTP/1.1 on `listener` within `limits` until `stop` changes or its sender is
/// dropped: each admitted connection is served by a clone of `service`, with the client's
/// [`Peer`] in every request's extensions, and a stopped server drops its connections. Runs
/// until stopped; spawn it.
pub async fn serve_http1<S, B>(
    listener: TcpListener,
    limits: Limits,
    service: S,
    stop: tokio::sync::watch::Receiver<()>,
) where
    S: tower_service::Service<http::Request<Incoming>, Response = http::Response<B>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let admission = Admission::new(limits.max_connections.max(1), limits.max_per_address.max(1));
    let stopped = |mut stop: tokio::sync::watch::Receiver<()>| async move {
        let _ = stop.changed().await;
    };
    let mut serving = std::pin::pin!(stopped(stop.clone()));
    loop {
        let (socket, peer) = tokio::select! {
            admitted = admission.accept(&listener) => admitted,
            () = &mut serving => return,
        };
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .serve_connection(
                TokioIo::new(socket),
                TowerToHyperService::new(WithPeer {
                    inner: service.clone(),
                    peer,
                }),
            );
        let stop = stopped(stop.clone());
        tokio::spawn(async move {
            tokio::select! {
                _ = connection => {}
                () = stop => {}
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;
    use tokio::io::AsyncReadExt;

    #[test]
    fn test_caps_in_all_and_per_address_and_release_on_drop() {
        let admission = Admission::new(3, 2);
        let a = IpAddr::from(Ipv4Addr::new(127, 0, 0, 2));
        let b = IpAddr::from(Ipv4Addr::new(127, 0, 0, 3));
        let first = admission.admit(a).unwrap();
        let _second = admission.admit(a).unwrap();
        assert_eq!(admission.admit(a).err(), Some(Refusal::TooManyFromAddress));
        let _third = admission.admit(b).unwrap();
        assert_eq!(admission.admit(b).err(), Some(Refusal::Full));
        assert_eq!(admission.open(), 3);
        drop(first);
        assert_eq!(admission.open(), 2);
        assert!(admission.admit(a).is_ok(), "a closed socket frees its slot");
    }

    #[test]
    fn test_refusals_are_complete_http_answers() {
        for refusal in [Refusal::Full, Refusal::TooManyFromAddress] {
            let text = std::str::from_utf8(refusal.response()).unwrap();
            let (head, body) = text.split_once("\r\n\r\n").unwrap();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("Content-Length: "))
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(length, body.len(), "{head}");
        }
    }

    #[tokio::test]
    async fn test_a_body_that_does_not_arrive_in_time_fails() {
        use futures::StreamExt;
        use http_body_util::{BodyExt, StreamBody};
        use hyper::body::Bytes;
        // One byte, then nothing: a client dribbling its body.
        let dribble = futures::stream::once(async {
            Ok::<_, std::convert::Infallible>(Frame::data(Bytes::from_static(b"{")))
        })
        .chain(futures::stream::pending());
        let body = DeadlineBody::new(
            StreamBody::new(Box::pin(dribble)),
            Duration::from_millis(50),
        );
        let error = body.collect().await.err().unwrap();
        assert!(
            error.to_string().contains("did not arrive in time"),
            "{error}"
        );
        // A body that arrives in time is passed through whole.
        let whole = http_body_util::Full::new(Bytes::from_static(b"{}"));
        let body = DeadlineBody::new(whole, Duration::from_secs(5));
        assert_eq!(&body.collect().await.unwrap().to_bytes()[..], b"{}");
    }

    #[tokio::test]
    async fn test_a_turned_away_client_reads_its_refusal() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (socket, _) = listener.accept().await.unwrap();
        let admission = Admission::new(1, 1);
        admission.turn_away(socket, Refusal::TooManyFromAddress);
        let mut answer = Vec::new();
        client.read_to_end(&mut answer).await.unwrap();
        assert!(answer.starts_with(b"HTTP/1.1 429 Too Many Requests\r\n"));
        // The answering task is done once the client has read to the end.
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(admission.answering.load(Ordering::Acquire), 0);
    }

    /// Answers every request with "ok".
    #[derive(Clone)]
    struct Ok200;

    impl tower_service::Service<http::Request<Incoming>> for Ok200 {
        type Response = http::Response<String>;
        type Error = std::convert::Infallible;
        type Future = std::future::Ready<Result<Self::Response, Self::Error>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: http::Request<Incoming>) -> Self::Future {
            std::future::ready(Ok(http::Response::new("ok".to_string())))
        }
    }

    /// Sends one request from `local` and returns the whole answer (the server closes).
    async fn get(server: SocketAddr, local: [u8; 4]) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::from((local, 0))).unwrap();
        let mut stream = socket.connect(server).await.unwrap();
        stream
            .write_all(b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        String::from_utf8_lossy(&answer).into_owned()
    }

    #[tokio::test]
    async fn test_serve_http1_within_its_limits() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = listener.local_addr().unwrap();
        let limits = Limits {
            max_connections: 2,
            max_per_address: 1,
            header_timeout: Duration::from_millis(300),
        };
        let (stop, stopped) = tokio::sync::watch::channel(());
        let serving = tokio::spawn(serve_http1(listener, limits, Ok200, stopped));
        // An idle connection holds its address's one place; the address is refused meanwhile,
        // and another address is served.
        let idle = TcpStream::connect(server).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(get(server, [127, 0, 0, 1])
            .await
            .starts_with("HTTP/1.1 429"));
        assert!(get(server, [127, 0, 0, 2])
            .await
            .starts_with("HTTP/1.1 200"));
        // The idle one is closed at the header timeout, and its place is free again.
        let mut idle = idle;
        let mut rest = Vec::new();
        let closed = tokio::time::timeout(Duration::from_secs(2), idle.read_to_end(&mut rest));
        assert!(closed.await.is_ok(), "the idle connection is still open");
        assert!(get(server, [127, 0, 0, 1])
            .await
            .starts_with("HTTP/1.1 200"));
        // Stopping ends the server and its connections.
        let mut open = TcpStream::connect(server).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        drop(stop);
        serving.await.unwrap();
        let closed = tokio::time::timeout(Duration::from_secs(2), open.read_to_end(&mut rest));
        assert!(closed.await.is_ok(), "a connection outlived the server");
    }
}
