//! `-m pkttype [!] --pkt-type TYPE` (libxt_pkttype): the link-layer class of
//! the packet (skb->pkt_type): unicast to this host, broadcast, multicast,
//! or otherhost (unicast to another host, seen in promiscuous mode or on a
//! bridge).
//!
//! Names are case-insensitive; `host`, `bcast` and `mcast` are aliases, and
//! save prints the canonical name. There are no numbers and no
//! abbreviations; `outgoing` and `loopback`, which the kernel has, are not
//! accepted by iptables.

use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, SaveWriter};
use serde::Serialize;

/// The packet types iptables accepts (PACKET_HOST … in linux/if_packet.h).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PktType {
    Unicast,
    Broadcast,
    Multicast,
    Otherhost,
}

impl PktType {
    fn parse(s: &str) -> ExtResult<PktType> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "unicast" | "host" => PktType::Unicast,
            "broadcast" | "bcast" => PktType::Broadcast,
            "multicast" | "mcast" => PktType::Multicast,
            "otherhost" => PktType::Otherhost,
            _ => {
                return Err(ExtError::new(format!("bad packet type `{s}`"))
                    .help("the packet types are unicast (host), broadcast (bcast), multicast (mcast) and otherhost"))
            }
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PktType::Unicast => "unicast",
            PktType::Broadcast => "broadcast",
            PktType::Multicast => "multicast",
            PktType::Otherhost => "otherhost",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Pkttype {
    /// `--pkt-type` with its negation.
    pub pkt_type: Option<(bool, PktType)>,
}

/// The match for the prover (see `verify::pred`): the packet type field.
impl Pkttype {
    pub fn pred(&self, _: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        use crate::verify::pred::{Field, Pred};
        match self.pkt_type {
            None => Pred::True,
            Some((neg, t)) => Pred::eq(Field::PktType, t as u128).negate_if(neg),
        }
    }
}

impl Extension for Pkttype {
    const NAME: &'static str = "pkttype";
    const OPTIONS: &'static [Opt] = &[Opt::value(&["pkt-type"], true)];

    fn new(_: &Cx) -> Pkttype {
        Pkttype::default()
    }

    fn parse(&mut self, _: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        if self.pkt_type.is_some() {
            return Err(ExtError::new("`--pkt-type` given twice").help("give one --pkt-type per match"));
        }
        self.pkt_type = Some((a.neg, PktType::parse(a.value)?));
        Ok(())
    }

    fn finish(&mut self, _: &Cx) -> ExtResult {
        if self.pkt_type.is_none() {
            return Err(ExtError::new("`-m pkttype` without `--pkt-type`").help("write `-m pkttype --pkt-type broadcast`"));
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        if let Some((neg, t)) = self.pkt_type {
            w.opt(neg, "pkt-type", t.as_str());
        }
    }
}

use super::MatchEval;
use crate::predict::{EvalCx, Packet, Tri};

/// `pkttype_mt` (xt_pkttype.c): the link-layer class the driver gave the
/// packet (skb->pkt_type), compared with the one named.
impl MatchEval for Pkttype {
    fn eval(&self, p: &Packet, _: &EvalCx) -> Tri {
        use crate::predict::PktType as Skb;
        let Some((neg, want)) = self.pkt_type else {
            return Tri::Yes;
        };
        let have = match p.pkt_type {
            Skb::Host => PktType::Unicast,
            Skb::Broadcast => PktType::Broadcast,
            Skb::Multicast => PktType::Multicast,
            Skb::OtherHost => PktType::Otherhost,
        };
        Tri::from_bool(have == want).negate_if(neg)
    }
}

/// libxt_pkttype's print: ` PKTTYPE = broadcast`, ` PKTTYPE != unicast`.
impl super::ListForm for Pkttype {
    fn list(&self, out: &mut String) {
        if let Some((neg, t)) = self.pkt_type {
            out.push_str(if neg { " PKTTYPE != " } else { " PKTTYPE = " });
            out.push_str(t.as_str());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::predict::PktType as Skb;

    fn eval(spec: &str, t: Skb) -> Tri {
        use crate::ir::{Family, Hook};
        use crate::predict::packet::rule_matches;
        let m = rule_matches(Family::Ipv4, "filter", "INPUT", spec);
        let mut p = Packet::udp([10, 0, 0, 1], [255, 255, 255, 255], 68, 67);
        p.pkt_type = t;
        m[0].eval(&p, &EvalCx { hook: Hook::Input, local: &[], lab: None })
    }

    #[test]
    fn link_layer_class() {
        assert_eq!(eval("-m pkttype --pkt-type broadcast", Skb::Broadcast), Tri::Yes);
        assert_eq!(eval("-m pkttype --pkt-type broadcast", Skb::Host), Tri::No);
        assert_eq!(eval("-m pkttype --pkt-type unicast", Skb::Host), Tri::Yes);
        assert_eq!(eval("-m pkttype --pkt-type multicast", Skb::Multicast), Tri::Yes);
        assert_eq!(eval("-m pkttype --pkt-type otherhost", Skb::OtherHost), Tri::Yes);
        assert_eq!(eval("-m pkttype --pkt-type otherhost", Skb::Host), Tri::No);
        assert_eq!(eval("-m pkttype ! --pkt-type unicast", Skb::Host), Tri::No);
        assert_eq!(eval("-m pkttype ! --pkt-type unicast", Skb::Multicast), Tri::Yes);
    }
}

/// `pkttype broadcast`; otherhost is nft's `other`.
impl crate::translate::ToNft for Pkttype {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        use crate::translate::nft;
        if let Some((neg, t)) = &self.pkt_type {
            let name = match t {
                PktType::Unicast => "host",
                PktType::Broadcast => "broadcast",
                PktType::Multicast => "multicast",
                PktType::Otherhost => "other",
            };
            cx.push(nft::eq(nft::meta(nftables::expr::MetaKey::Pkttype), *neg, nft::s(name)));
        }
        Ok(())
    }
}
