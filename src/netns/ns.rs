//! Named network namespaces, made the way `ip netns add` makes them (a
//! bind mount of the namespace under `/run/netns`), so `ip netns exec`
//! works on a lab fwcheck built, and code that runs inside one.

use nix::mount::{mount, umount2, MntFlags, MsFlags};
use nix::sched::{setns, unshare, CloneFlags};
use std::fs::File;
use std::io;
use std::path::PathBuf;

pub const RUN_DIR: &str = "/run/netns";

fn path(name: &str) -> PathBuf {
    PathBuf::from(RUN_DIR).join(name)
}

fn nix_err(what: &str, e: nix::Error) -> io::Error {
    io::Error::other(format!("{what}: {e}"))
}

/// Whether a namespace of that name exists.
pub fn exists(name: &str) -> bool {
    path(name).exists()
}

/// Creates the namespace `name`; an existing one is an error (fwcheck
/// never takes over a namespace it did not make).
pub fn create(name: &str) -> io::Result<()> {
    if name.is_empty() || name.contains('/') || name == "." || name == ".." {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("`{name}` is not a namespace name")));
    }
    std::fs::create_dir_all(RUN_DIR)?;
    // As iproute2 does: make /run/netns a shared mount point, so that the
    // namespace mounts show in every mount namespace.
    if mount(Some(""), RUN_DIR, Some("none"), MsFlags::MS_SHARED | MsFlags::MS_REC, None::<&str>).is_err() {
        mount(Some(RUN_DIR), RUN_DIR, Some("none"), MsFlags::MS_BIND | MsFlags::MS_REC, None::<&str>).map_err(|e| nix_err("bind /run/netns", e))?;
        mount(Some(""), RUN_DIR, Some("none"), MsFlags::MS_SHARED | MsFlags::MS_REC, None::<&str>).map_err(|e| nix_err("share /run/netns", e))?;
    }
    let p = path(name);
    std::fs::OpenOptions::new().write(true).create_new(true).open(&p).map_err(|e| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            io::Error::new(e.kind(), format!("namespace `{name}` already exists"))
        } else {
            e
        }
    })?;
    // A fresh thread takes the new namespace, so the caller's thread keeps
    // its own; the bind mount keeps the namespace alive after the thread.
    let target = p.clone();
    let made = std::thread::spawn(move || -> io::Result<()> {
        unshare(CloneFlags::CLONE_NEWNET).map_err(|e| nix_err("unshare(CLONE_NEWNET)", e))?;
        mount(Some("/proc/thread-self/ns/net"), &target, Some("none"), MsFlags::MS_BIND, None::<&str>).map_err(|e| nix_err("bind mount", e))
    })
    .join()
    .unwrap_or_else(|_| Err(io::Error::other("namespace thread panicked")));
    if made.is_err() {
        let _ = std::fs::remove_file(&p);
    }
    made
}

/// Removes the namespace `name` (as `ip netns del`).
pub fn delete(name: &str) -> io::Result<()> {
    let p = path(name);
    let _ = umount2(&p, MntFlags::MNT_DETACH);
    std::fs::remove_file(&p)
}

/// Runs `f` on a new thread inside namespace `name` and returns its
/// result. Everything the thread opens (sockets, netlink, /proc/sys/net
/// files) and every process it starts belongs to that namespace.
pub fn run_in<T: Send>(name: &str, f: impl FnOnce() -> io::Result<T> + Send) -> io::Result<T> {
    let file = File::open(path(name)).map_err(|e| io::Error::new(e.kind(), format!("namespace `{name}`: {e}")))?;
    std::thread::scope(|s| {
        s.spawn(move || {
            setns(&file, CloneFlags::CLONE_NEWNET).map_err(|e| nix_err("setns", e))?;
            f()
        })
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("namespace thread panicked")))
    })
}

/// An open handle on namespace `name`, for moving links into it.
pub fn open(name: &str) -> io::Result<File> {
    File::open(path(name))
}
