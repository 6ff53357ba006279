//! Links, addresses and routes inside a namespace, through rtnetlink: the
//! lab's `ip link`/`ip addr`/`ip route`, without running `ip`.

use super::ns;
use futures::TryStreamExt;
use rtnetlink::packet_route::link::{InfoData, InfoVeth};
use rtnetlink::{Handle, LinkUnspec, LinkVeth, RouteMessageBuilder};
use std::io;
use std::net::IpAddr;
use std::os::fd::AsRawFd;

fn err(what: impl std::fmt::Display, e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("{what}: {e}"))
}

/// Runs netlink requests inside namespace `netns`.
pub fn with_handle<T: Send>(netns: &str, f: impl AsyncFnOnce(&Handle) -> io::Result<T> + Send) -> io::Result<T> {
    ns::run_in(netns, move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_io().build()?;
        rt.block_on(async move {
            let (conn, handle, _) = rtnetlink::new_connection()?;
            tokio::spawn(conn);
            f(&handle).await
        })
    })
}

async fn index(h: &Handle, dev: &str) -> io::Result<u32> {
    let mut links = h.link().get().match_name(dev.to_string()).execute();
    match links.try_next().await {
        Ok(Some(l)) => Ok(l.header.index),
        Ok(None) => Err(io::Error::new(io::ErrorKind::NotFound, format!("no interface `{dev}`"))),
        Err(e) => Err(err(format!("interface `{dev}`"), e)),
    }
}

/// A veth pair: `a_dev` in `a_ns`, its peer `b_dev` made directly in
/// `b_ns`, each with the given Ethernet address.
pub fn veth(a_ns: &str, a_dev: &str, a_mac: [u8; 6], b_ns: &str, b_dev: &str, b_mac: [u8; 6]) -> io::Result<()> {
    let peer_ns = ns::open(b_ns)?;
    let fd = peer_ns.as_raw_fd();
    let (a_dev, b_dev) = (a_dev.to_string(), b_dev.to_string());
    with_handle(a_ns, async move |h: &Handle| {
        let peer = LinkUnspec::new_with_name(&b_dev).setns_by_fd(fd).address(b_mac.to_vec()).build();
        let msg = LinkVeth::new(&a_dev, &b_dev).set_info_data(InfoData::Veth(InfoVeth::Peer(peer))).address(a_mac.to_vec()).build();
        h.link().add(msg).execute().await.map_err(|e| err(format!("veth {a_dev}/{b_dev}"), e))
    })
}

/// Brings `dev` up.
pub fn up(netns: &str, dev: &str) -> io::Result<()> {
    let dev = dev.to_string();
    with_handle(netns, async move |h: &Handle| {
        let i = index(h, &dev).await?;
        h.link().set(LinkUnspec::new_with_index(i).up().build()).execute().await.map_err(|e| err(format!("{dev} up"), e))
    })
}

pub fn add_address(netns: &str, dev: &str, addr: IpAddr, len: u8) -> io::Result<()> {
    let dev = dev.to_string();
    with_handle(netns, async move |h: &Handle| {
        let i = index(h, &dev).await?;
        let r = h.address().add(i, addr, len).execute().await;
        r.map_err(|e| err(format!("address {addr}/{len} on {dev}"), e))
    })
}

pub fn add_route(netns: &str, dst: (IpAddr, u8), via: Option<IpAddr>, dev: Option<&str>) -> io::Result<()> {
    let dev = dev.map(str::to_string);
    with_handle(netns, async move |h: &Handle| {
        let what = format!("route {}/{}", dst.0, dst.1);
        let mut b = RouteMessageBuilder::<IpAddr>::new().destination_prefix(dst.0, dst.1).map_err(|e| err(&what, e))?;
        if let Some(g) = via {
            b = b.gateway(g).map_err(|e| err(&what, e))?;
        }
        if let Some(d) = &dev {
            b = b.output_interface(index(h, d).await?);
        }
        h.route().add(b.build()).execute().await.map_err(|e| err(&what, e))
    })
}

/// A permanent neighbour entry (`ip neigh add ADDR lladdr MAC dev DEV nud
/// permanent`): the lab's IPv6 hosts need no neighbour discovery, whose
/// packets would move ip6tables counters fwcheck does not predict.
pub fn add_neighbour(netns: &str, dev: &str, addr: IpAddr, mac: [u8; 6]) -> io::Result<()> {
    use rtnetlink::packet_route::neighbour::NeighbourState;
    let dev = dev.to_string();
    with_handle(netns, async move |h: &Handle| {
        let i = index(h, &dev).await?;
        h.neighbours()
            .add(i, addr)
            .link_layer_address(&mac)
            .state(NeighbourState::Permanent)
            .execute()
            .await
            .map_err(|e| err(format!("neighbour {addr} on {dev}"), e))
    })
}
