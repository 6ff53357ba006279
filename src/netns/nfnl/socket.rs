//! Sending a batch on a NETLINK_NETFILTER socket and reading the kernel's
//! answer. The kernel handles a netfilter batch while `sendto` runs, so
//! when it returns every reply is queued: the errors (one per refused
//! message, carrying its sequence number; the kernel reports an error
//! whether or not the message asked for an acknowledgement) and the
//! acknowledgement of the last message, which asked for one.

use super::batch::Batch;
use nix::errno::Errno;
use nix::sys::socket::{self, sockopt, AddressFamily, MsgFlags, NetlinkAddr, SockFlag, SockProtocol, SockType};
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};

const NLMSG_ERROR: u16 = 2;
const NLMSG_HDRLEN: usize = 16;

/// What the kernel said about the batch.
#[derive(Debug, Default)]
pub struct Reply {
    /// (sequence number, errno) of each refused message.
    pub errors: Vec<(u32, i32)>,
    /// The last message was acknowledged.
    pub acked: bool,
}

/// Set by [`close_at_exit`].
static CLOSE_AT_EXIT: AtomicBool = AtomicBool::new(false);

/// Leaves the sockets of later batches to be closed by process exit, for a
/// command that exits once its batch is in. Closing an nftables socket
/// waits for the kernel to free the rules a batch replaced, after an RCU
/// grace period (`nft_rcv_nl_event`): 8 to 30 ms after replacing 2,000
/// rules. Process exit tears the address space down before it closes files,
/// so left to exit that wait overlaps the teardown (4 % of `fwcheck apply`
/// of the 2,000-rule set). A long-lived caller must not use this: every
/// batch would keep a socket.
pub fn close_at_exit() {
    CLOSE_AT_EXIT.store(true, Ordering::Relaxed);
}

fn nix_err(what: &str, e: Errno) -> io::Error {
    io::Error::new(io::Error::from(e).kind(), format!("netlink {what}: {e}"))
}

/// Sends the batch from the calling thread's network namespace.
pub fn send(batch: &Batch) -> io::Result<Reply> {
    let fd = socket::socket(AddressFamily::Netlink, SockType::Raw, SockFlag::SOCK_CLOEXEC, SockProtocol::NetlinkNetFilter).map_err(|e| nix_err("socket", e))?;
    // The batch goes in one datagram, which must fit the send buffer (nft
    // raises it the same way); the receive buffer holds the errors, each
    // with a copy of the message it refuses.
    let want = batch.bytes.len() + 64 * 1024;
    socket::setsockopt(&fd, sockopt::SndBufForce, &want).map_err(|e| nix_err("SO_SNDBUFFORCE", e))?;
    socket::setsockopt(&fd, sockopt::RcvBufForce, &(want.max(1 << 20))).map_err(|e| nix_err("SO_RCVBUFFORCE", e))?;
    let kernel = NetlinkAddr::new(0, 0);
    let n = socket::sendto(std::os::fd::AsRawFd::as_raw_fd(&fd), &batch.bytes, &kernel, MsgFlags::empty()).map_err(|e| nix_err("send", e))?;
    if n != batch.bytes.len() {
        return Err(io::Error::other(format!("netlink send: {n} of {} bytes sent", batch.bytes.len())));
    }
    let mut reply = Reply::default();
    // One reply per datagram: an error holds a copy of the refused
    // message (a rule is a few hundred bytes).
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = match socket::recv(std::os::fd::AsRawFd::as_raw_fd(&fd), &mut buf, MsgFlags::MSG_DONTWAIT) {
            Ok(n) => n,
            Err(Errno::EAGAIN) => break,
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(nix_err("receive", e)),
        };
        parse(&buf[..n], batch, &mut reply);
    }
    if CLOSE_AT_EXIT.load(Ordering::Relaxed) {
        std::mem::forget(fd);
    }
    Ok(reply)
}

/// The error and acknowledgement messages of one datagram.
fn parse(mut d: &[u8], batch: &Batch, reply: &mut Reply) {
    while d.len() >= NLMSG_HDRLEN {
        let len = u32::from_ne_bytes([d[0], d[1], d[2], d[3]]) as usize;
        let ty = u16::from_ne_bytes([d[4], d[5]]);
        if len < NLMSG_HDRLEN || len > d.len() {
            break;
        }
        // nlmsgerr: the error, then the header of the message it answers.
        if ty == NLMSG_ERROR && len >= NLMSG_HDRLEN + 4 + NLMSG_HDRLEN {
            let body = &d[NLMSG_HDRLEN..len];
            let err = i32::from_ne_bytes([body[0], body[1], body[2], body[3]]);
            let seq = u32::from_ne_bytes([body[12], body[13], body[14], body[15]]);
            if err == 0 {
                reply.acked |= seq == batch.last_seq;
            } else {
                reply.errors.push((seq, -err));
            }
        }
        d = &d[(len + 3) & !3..];
    }
}
