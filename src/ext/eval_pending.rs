//! Matches whose evaluation is not written yet: each answers unknown.
//! Work in progress on the predict branch; every line goes away when its
//! extension's file implements `MatchEval`, and then this file does.

use super::MatchEval;
use crate::predict::{EvalCx, Packet, Tri};

macro_rules! pending {
    ($($t:path),* $(,)?) => {
        $(impl MatchEval for $t {
            fn eval(&self, _: &Packet, _: &EvalCx) -> Tri {
                Tri::unknown("not evaluated yet")
            }
        })*
    };
}

pending!(
    super::addrtype::Addrtype,
    super::comment::Comment,
    super::connmark::Connmark,
    super::conntrack::Conntrack,
    super::icmp::Icmp,
    super::icmp6::Icmp6,
    super::iprange::Iprange,
    super::length::Length,
    super::limit::Limit,
    super::mac::Mac,
    super::mark::Mark,
    super::multiport::Multiport,
    super::owner::Owner,
    super::physdev::Physdev,
    super::pkttype::Pkttype,
    super::recent::Recent,
    super::set::Set,
    super::state::State,
    super::tcp::Tcp,
    super::ttl::Ttl,
    super::ttl::Hl,
    super::udp::Udp,
);
