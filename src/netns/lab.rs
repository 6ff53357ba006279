//! A scenario's namespaces and links, built for real and always removed:
//! when the [`Lab`] is dropped (also on an error or a panic) and, through
//! [`on_interrupt`], on Ctrl-C.

use super::{link, ns};
use crate::scenario::{End, Scenario};
use std::io;
use std::sync::Mutex;

/// Namespaces this process made and has not removed yet, for Ctrl-C.
static LIVE: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Removes every namespace this process made, then exits with 130, on
/// SIGINT or SIGTERM. `main` installs it once.
pub fn on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        let names: Vec<String> = LIVE.lock().map(|v| v.clone()).unwrap_or_default();
        for n in names {
            let _ = ns::delete(&n);
        }
        eprintln!("interrupted: the lab's namespaces were removed");
        std::process::exit(130);
    });
}

/// How long a new lab is left alone before it is used: the MLD reports of
/// its IPv6 interfaces (two each, 10 ms apart at most) are over by then.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(100);

pub struct Lab {
    /// (scenario name, real name) of each namespace, in scenario order.
    pub names: Vec<(String, String)>,
    /// Leave the namespaces in place when dropped (`--keep`, `lab up`).
    pub keep: bool,
}

/// The Ethernet address the lab gives end `end` (0 or 1) of veth number
/// `veth`: locally administered, so it never clashes with real hardware,
/// and known before the lab exists, so `predict` can use it.
pub fn mac(veth: usize, end: usize) -> [u8; 6] {
    [0x02, 0xf1, 0x0c, (veth >> 8) as u8, veth as u8, end as u8]
}

/// The address [`mac`] gives a scenario's veth end.
pub fn mac_of(sc: &Scenario, e: &End) -> Option<[u8; 6]> {
    sc.veths.iter().enumerate().find_map(|(i, v)| {
        if v.a == *e {
            Some(mac(i, 0))
        } else if v.b == *e {
            Some(mac(i, 1))
        } else {
            None
        }
    })
}

impl Lab {
    /// Builds the scenario's namespaces, named `prefix` + the scenario's
    /// name. Nothing is left behind if a step fails.
    pub fn up(sc: &Scenario, prefix: &str) -> io::Result<Lab> {
        let mut lab = Lab { names: Vec::new(), keep: false };
        for n in &sc.namespaces {
            let real = format!("{prefix}{}", n.name);
            ns::create(&real)?;
            LIVE.lock().map_err(|_| io::Error::other("lock"))?.push(real.clone());
            lab.names.push((n.name.clone(), real));
        }
        // IPv6 sends packets of its own (duplicate address detection,
        // router solicitations, MLD reports and their repetition) that would
        // move ip6tables counters: the first two are switched off for every
        // interface made from here on, and MLD repeats its unsolicited
        // reports within 10 ms instead of a second, so they are all sent
        // before any rule is loaded (see SETTLE).
        for (_, real) in &lab.names {
            ns::run_in(real, || {
                for conf in ["all", "default"] {
                    for (k, v) in [
                        ("accept_dad", "0"),
                        ("router_solicitations", "0"),
                        ("accept_ra", "0"),
                        ("mldv1_unsolicited_report_interval", "10"),
                        ("mldv2_unsolicited_report_interval", "10"),
                    ] {
                        let path = format!("/proc/sys/net/ipv6/conf/{conf}/{k}");
                        std::fs::write(&path, v).map_err(|e| io::Error::new(e.kind(), format!("{path}: {e}")))?;
                    }
                }
                // The kernel's ICMP error rate limits (per destination, and
                // 50 at once per namespace) would drop answers predict
                // counts when many packets go to closed ports; the lab's
                // namespaces have none. A scenario's sysctls come later
                // and may set them back.
                for (path, v) in
                    [("/proc/sys/net/ipv4/icmp_ratemask", "0"), ("/proc/sys/net/ipv6/icmp/ratelimit", "0"), ("/proc/sys/net/ipv6/icmp/ratemask", "255")]
                {
                    match std::fs::write(path, v) {
                        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(io::Error::new(e.kind(), format!("{path}: {e}"))),
                        _ => {}
                    }
                }
                Ok(())
            })?;
        }
        for (i, v) in sc.veths.iter().enumerate() {
            link::veth(lab.real(&v.a.netns), &v.a.dev, mac(i, 0), lab.real(&v.b.netns), &v.b.dev, mac(i, 1))?;
        }
        for n in &sc.namespaces {
            let real = lab.real(&n.name).to_string();
            link::up(&real, "lo")?;
            for v in &sc.veths {
                for e in [&v.a, &v.b] {
                    if e.netns == n.name {
                        link::up(&real, &e.dev)?;
                    }
                }
            }
            for (dev, a, l) in &n.addrs {
                link::add_address(&real, dev, *a, *l)?;
            }
            for (k, v) in &n.sysctls {
                let path = format!("/proc/sys/{}", k.replace('.', "/"));
                let v = v.clone();
                ns::run_in(&real, move || std::fs::write(&path, &v).map_err(|e| io::Error::new(e.kind(), format!("{path}: {e}"))))?;
            }
        }
        // Each end knows the other end's IPv6 addresses without asking.
        for (i, v) in sc.veths.iter().enumerate() {
            for (here, there, there_mac) in [(&v.a, &v.b, mac(i, 1)), (&v.b, &v.a, mac(i, 0))] {
                let peer = sc
                    .namespace(&there.netns)
                    .map(|n| n.addrs.iter().filter(|(d, a, _)| *d == there.dev && a.is_ipv6()).map(|(_, a, _)| *a).collect::<Vec<_>>())
                    .unwrap_or_default();
                for a in peer {
                    link::add_neighbour(lab.real(&here.netns), &here.dev, a, there_mac)?;
                }
            }
        }
        for n in &sc.namespaces {
            let real = lab.real(&n.name).to_string();
            for r in &n.routes {
                link::add_route(&real, r.dst, r.via, r.dev.as_deref())?;
            }
        }
        std::thread::sleep(SETTLE);
        Ok(lab)
    }

    /// The real name of the scenario's namespace `name`.
    pub fn real<'a>(&'a self, name: &'a str) -> &'a str {
        self.names.iter().find(|(s, _)| s == name).map_or(name, |(_, r)| r.as_str())
    }

    /// Removes the namespaces now, reporting the first failure.
    pub fn down(mut self) -> io::Result<()> {
        self.keep = true;
        remove(&self.names)
    }
}

fn remove(names: &[(String, String)]) -> io::Result<()> {
    let mut first = Ok(());
    for (_, real) in names {
        if ns::exists(real) {
            let r = ns::delete(real);
            if first.is_ok() {
                first = r;
            }
        }
        if let Ok(mut live) = LIVE.lock() {
            live.retain(|n| n != real);
        }
    }
    first
}

impl Drop for Lab {
    fn drop(&mut self) {
        if !self.keep {
            let _ = remove(&self.names);
        } else if let Ok(mut live) = LIVE.lock() {
            live.retain(|n| !self.names.iter().any(|(_, r)| r == n));
        }
    }
}

/// Removes the namespaces of a scenario built with `prefix` (`lab down`).
pub fn down(sc: &Scenario, prefix: &str) -> io::Result<usize> {
    let names: Vec<(String, String)> = sc.namespaces.iter().map(|n| (n.name.clone(), format!("{prefix}{}", n.name))).filter(|(_, r)| ns::exists(r)).collect();
    remove(&names)?;
    Ok(names.len())
}

/// The pid in a name that `verify` made for a process, `fwck-PID-…`.
fn owner_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix("fwck-")?;
    let (pid, tail) = rest.split_once('-')?;
    if tail.is_empty() || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// The namespaces of labs whose fwcheck process is gone: named `fwck-PID-…`
/// (the prefix `verify` gives its labs) for a PID that no longer runs. A
/// process killed with SIGKILL cannot remove its lab, so these are what it
/// left. A lab kept on purpose (`verify --keep`) is named `fwck-keep-PID-…`
/// and is never taken for one; a PID that was reused by a new process
/// hides a stale lab rather than exposing a live one.
pub fn stale() -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    let dir = match std::fs::read_dir(ns::RUN_DIR) {
        Ok(d) => d,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
    };
    for entry in dir {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if let Some(pid) = owner_pid(&name) {
            if pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists() {
                out.push(name);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Removes the namespaces [`stale`] finds, returning their names.
pub fn remove_stale() -> io::Result<Vec<String>> {
    let names = stale()?;
    for n in &names {
        ns::delete(n)?;
    }
    Ok(names)
}

#[cfg(test)]
mod stale_tests {
    use super::owner_pid;

    #[test]
    fn only_verify_names_carry_an_owner() {
        assert_eq!(owner_pid("fwck-1234-test-1"), Some(1234));
        assert_eq!(owner_pid("fwck-keep-1234-test-1"), None);
        assert_eq!(owner_pid("fwck-1234-"), None);
        assert_eq!(owner_pid("fwck-test-1"), None);
        assert_eq!(owner_pid("test-1"), None);
        assert_eq!(owner_pid("fwck-12a4-x"), None);
    }
}
