//! Real traffic from inside namespaces, with real sockets: the flows
//! `predict` models, sent the way the programs it models send them.
//!
//! - ping: ICMP echo requests on a raw socket (what `ping` sends: 8 bytes
//!   of header and `size` bytes of data), each waiting for its reply.
//! - tcp: a listener in the server's namespace (none for `closed`), a
//!   client that connects, writes, and closes first. A connect that gets no
//!   answer is abandoned after [`WAIT`], before the kernel's first SYN
//!   retransmission (1 s), so the kernel sends exactly the one SYN that
//!   `predict` counts.
//! - udp: one datagram, a receiver unless `closed`, and a reply if asked.

use super::ns;
use crate::predict::spec::Spec;
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a sender waits for an answer that may never come: well under
/// the 1 s after which TCP would send its SYN again.
pub const WAIT: Duration = Duration::from_millis(400);

/// Where each address lives: the namespace that owns it.
pub trait Owner: Sync {
    fn netns_of(&self, a: IpAddr) -> Option<String>;
}

/// Sends one SPEC's traffic. `owner` finds the sending (and receiving)
/// namespaces by address; `server` says where the server listens when that
/// is not the destination the client sends to (after a DNAT): namespace,
/// address, port.
pub fn send(spec: &Spec, owner: &dyn Owner, server: Option<(String, IpAddr, u16)>) -> io::Result<()> {
    let src_ns = |a: IpAddr| owner.netns_of(a).ok_or_else(|| io::Error::other(format!("no namespace has the address {a}")));
    match spec {
        Spec::Ping { src, dst, count, size, id } => {
            // One identifier for the run's pings unless the SPEC gives one.
            let id = id.unwrap_or((std::process::id() as u16) ^ 0x5a5a);
            let (src, dst, count, size) = (*src, *dst, *count, *size);
            ns::run_in(&src_ns(src)?, move || ping(src, dst, count, size, id))
        }
        Spec::Tcp { src, dst, sport, dport, data, closed } => {
            let (sns, listen) = listener(*closed, owner, server, *dst, *dport);
            let client_ns = src_ns(*src)?;
            let (src, dst, sport, dport, data) = (*src, *dst, *sport, *dport, *data);
            with_server(
                sns,
                move |ready: mpsc::Sender<()>, done: &AtomicBool| tcp_server(listen, ready, done),
                move || ns::run_in(&client_ns, move || tcp_client(SocketAddr::new(src, sport), SocketAddr::new(dst, dport), data)),
            )
        }
        Spec::Udp { src, dst, sport, dport, size, closed, reply } => {
            let (sns, listen) = listener(*closed, owner, server, *dst, *dport);
            let client_ns = src_ns(*src)?;
            let (src, dst, sport, dport, size, reply) = (*src, *dst, *sport, *dport, *size, *reply);
            with_server(
                sns,
                move |ready: mpsc::Sender<()>, _: &AtomicBool| udp_server(listen, reply, ready),
                move || ns::run_in(&client_ns, move || udp_client(SocketAddr::new(src, sport), SocketAddr::new(dst, dport), size, reply)),
            )
        }
        Spec::Packet { packet } => {
            let ns = src_ns(packet.src)?;
            let p = packet.clone();
            ns::run_in(&ns, move || send_crafted(&[&p]))
        }
    }
}

/// How long verify leaves between two crafted packets: the receiving
/// stack has answered the first (a reset, an ICMP error) long before.
pub const CRAFTED_GAP: Duration = Duration::from_micros(300);

/// Sends crafted packets in order from the current namespace, each as the
/// bytes [`super::craft::ip_packet`] makes, on a raw socket that includes
/// the IP header: they leave through this namespace's OUTPUT and
/// POSTROUTING hooks and its routes, as predict has them leave, with any
/// source address the SPEC gives. `out IFACE` binds the socket to it.
pub fn send_crafted(packets: &[&crate::predict::packet::Packet]) -> io::Result<()> {
    let (mut v4, mut v6): (Option<Socket>, Option<Socket>) = (None, None);
    for p in packets {
        let slot = if p.src.is_ipv4() { &mut v4 } else { &mut v6 };
        if slot.is_none() {
            let dom = if p.src.is_ipv4() { Domain::IPV4 } else { Domain::IPV6 };
            // IPPROTO_RAW: the header is the caller's (IP_HDRINCL, and its
            // IPv6 counterpart since Linux 4.5).
            *slot = Some(Socket::new(dom, Type::RAW, Some(Protocol::from(255)))?);
        }
        let sock = slot.as_ref().expect("just made");
        sock.bind_device(p.oif.as_deref().map(str::as_bytes))?;
        let bytes = super::craft::ip_packet(p);
        sock.send_to(&bytes, &SockAddr::from(SocketAddr::new(p.dst, 0)))
            .map_err(|e| io::Error::new(e.kind(), format!("sending the crafted packet {} -> {}: {e}", p.src, p.dst)))?;
        std::thread::sleep(CRAFTED_GAP);
    }
    Ok(())
}

/// The namespace and address a server listens on; no namespace for a
/// closed port.
fn listener(closed: bool, owner: &dyn Owner, server: Option<(String, IpAddr, u16)>, dst: IpAddr, dport: u16) -> (Option<String>, SocketAddr) {
    match server {
        _ if closed => (None, SocketAddr::new(dst, dport)),
        Some((ns, a, p)) => (Some(ns), SocketAddr::new(a, p)),
        None => (owner.netns_of(dst), SocketAddr::new(dst, dport)),
    }
}

/// Runs `server` in its namespace (if any) until it is ready, then
/// `client`, then waits for the server to finish; `done` tells the server
/// that the client has finished.
fn with_server(
    server_ns: Option<String>,
    server: impl FnOnce(mpsc::Sender<()>, &AtomicBool) -> io::Result<()> + Send,
    client: impl FnOnce() -> io::Result<()> + Send,
) -> io::Result<()> {
    let Some(sns) = server_ns else { return client() };
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::channel();
        let done = &done;
        let h = s.spawn(move || ns::run_in(&sns, move || server(tx, done)));
        // The server says when it listens; if it fails first, report that.
        if rx.recv_timeout(Duration::from_secs(5)).is_err() {
            return h.join().unwrap_or_else(|_| Err(io::Error::other("server thread panicked"))).and(Err(io::Error::other("the server did not start")));
        }
        let c = client();
        done.store(true, Ordering::SeqCst);
        let sr = h.join().unwrap_or_else(|_| Err(io::Error::other("server thread panicked")));
        c.and(sr)
    })
}

/// `count` echo requests of `size` data bytes from `src`, each waiting up
/// to [`WAIT`] for its reply.
fn ping(src: IpAddr, dst: IpAddr, count: u32, size: u32, id: u16) -> io::Result<()> {
    let v6 = dst.is_ipv6();
    let (dom, proto, req_type, rep_type) = if v6 { (Domain::IPV6, Protocol::ICMPV6, 128u8, 129u8) } else { (Domain::IPV4, Protocol::ICMPV4, 8, 0) };
    let sock = Socket::new(dom, Type::RAW, Some(proto))?;
    sock.bind(&SockAddr::from(SocketAddr::new(src, 0)))?;
    for seq in 1..=count as u16 {
        let mut pkt = vec![req_type, 0, 0, 0];
        pkt.extend_from_slice(&id.to_be_bytes());
        pkt.extend_from_slice(&seq.to_be_bytes());
        pkt.extend((0..size).map(|i| i as u8));
        if !v6 {
            // The kernel fills in the ICMPv6 checksum itself, not ICMP's.
            let c = super::craft::checksum(&pkt);
            pkt[2..4].copy_from_slice(&c.to_be_bytes());
        }
        sock.send_to(&pkt, &SockAddr::from(SocketAddr::new(dst, 0)))?;
        let deadline = Instant::now() + WAIT;
        let mut buf = [std::mem::MaybeUninit::<u8>::uninit(); 65536];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            sock.set_read_timeout(Some(left))?;
            let n = match sock.recv(&mut buf) {
                Ok(n) => n,
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => break,
                Err(e) => return Err(e),
            };
            // SAFETY: recv initialised the first n bytes.
            let got: Vec<u8> = buf[..n].iter().map(|b| unsafe { b.assume_init() }).collect();
            // An IPv4 raw socket gives the IP header too; IPv6 does not.
            let icmp = if v6 { &got[..] } else { got.get(usize::from(got[0] & 0x0f) * 4..).unwrap_or(&[]) };
            if icmp.len() >= 8 && icmp[0] == rep_type && icmp[4..6] == id.to_be_bytes() && icmp[6..8] == seq.to_be_bytes() {
                break;
            }
        }
    }
    Ok(())
}

/// Accepts the one connection, if it gets through, and reads it to the end.
/// Once the client has given up (its connect timed out or was refused) and
/// no connection is waiting, the listener closes at once: a half-open
/// connection (the SYN-ACK was dropped) must not live on to send the SYN-ACK
/// again after the kernel's 1 s retransmission timeout, an attempt
/// `predict` does not count (it counts the first attempt of a flow).
fn tcp_server(addr: SocketAddr, ready: mpsc::Sender<()>, client_done: &AtomicBool) -> io::Result<()> {
    let sock = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    sock.set_reuse_address(true)?;
    sock.bind(&addr.into())?;
    sock.listen(1)?;
    let _ = ready.send(());
    // Wait for the one connection, if it gets through.
    sock.set_nonblocking(true)?;
    let deadline = Instant::now() + WAIT * 3;
    let (conn, _) = loop {
        match sock.accept() {
            Ok(c) => break c,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && client_done.load(Ordering::SeqCst) => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
            Err(e) => return Err(e),
        }
    };
    conn.set_nonblocking(false)?;
    conn.set_read_timeout(Some(WAIT * 3))?;
    let mut s: std::net::TcpStream = conn.into();
    let mut buf = [0u8; 65536];
    // Read until the client closes, then close: the client closes first.
    loop {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => break,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn tcp_client(src: SocketAddr, dst: SocketAddr, data: u32) -> io::Result<()> {
    let sock = Socket::new(Domain::for_address(dst), Type::STREAM, Some(Protocol::TCP))?;
    sock.set_reuse_address(true)?;
    sock.bind(&src.into())?;
    match sock.connect_timeout(&dst.into(), WAIT) {
        Ok(()) => {}
        // Refused (RST or ICMP error) or no answer: the flow ends here, as
        // `predict` models it.
        Err(_) => return Ok(()),
    }
    let mut s: std::net::TcpStream = sock.into();
    if data > 0 {
        s.write_all(&vec![b'x'; data as usize])?;
    }
    drop(s);
    // Let the close-down finish before the counters are read.
    std::thread::sleep(Duration::from_millis(200));
    Ok(())
}

fn udp_server(addr: SocketAddr, reply: bool, ready: mpsc::Sender<()>) -> io::Result<()> {
    let sock = std::net::UdpSocket::bind(addr)?;
    let _ = ready.send(());
    sock.set_read_timeout(Some(WAIT))?;
    let mut buf = [0u8; 65536];
    match sock.recv_from(&mut buf) {
        Ok((n, from)) if reply => {
            sock.send_to(&buf[..n], from)?;
        }
        Ok(_) => {}
        Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {}
        Err(e) => return Err(e),
    }
    Ok(())
}

fn udp_client(src: SocketAddr, dst: SocketAddr, size: u32, reply: bool) -> io::Result<()> {
    let sock = std::net::UdpSocket::bind(src)?;
    sock.send_to(&vec![b'x'; size as usize], dst)?;
    sock.set_read_timeout(Some(WAIT))?;
    let mut buf = [0u8; 65536];
    // Wait for the reply, or for an ICMP error to come back.
    if reply {
        let _ = sock.recv_from(&mut buf);
    } else {
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}
