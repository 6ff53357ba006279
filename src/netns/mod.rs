//! The kernel side: namespaces, links, addresses and routes (rtnetlink and
//! system calls, never the `ip` program), the iptables binaries that load
//! and read rules inside a namespace, and real traffic from inside one.
//!
//! This is the only module below `main` that performs I/O. Nothing in it
//! touches the host namespace: every operation names a namespace, and code
//! runs inside one on a thread of its own.

pub mod craft;
pub mod kernel;
pub mod lab;
pub mod link;
pub mod nfnl;
pub mod nft;
pub mod ns;
pub mod traffic;
pub mod verify;
