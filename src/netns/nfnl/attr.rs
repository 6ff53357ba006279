//! Netlink messages and their attributes, written into one growing buffer:
//! the type-length-value layout of `linux/netlink.h` (a 16-byte message
//! header, a 4-byte `nfgenmsg`, then attributes each padded to 4 bytes).
//!
//! Lengths are native endian (netlink is host-local); nf_tables values
//! inside attributes are big endian unless the kernel keeps them in host
//! order (marks, uids, conntrack state bits), which the caller decides.

/// `NLA_F_NESTED`: the attribute holds attributes (libmnl sets it on
/// every nest, and so does nft).
pub const NLA_F_NESTED: u16 = 0x8000;
/// Netlink aligns messages and attributes to 4 bytes.
pub const ALIGN: usize = 4;

fn align(n: usize) -> usize {
    (n + ALIGN - 1) & !(ALIGN - 1)
}

/// A batch being written: messages one after the other.
#[derive(Default, Debug, Clone)]
pub struct Buf {
    pub bytes: Vec<u8>,
}

/// Where an open message or nest starts, to write its length when closed.
#[must_use]
pub struct Open(usize);

impl Buf {
    /// Opens a message: `nlmsghdr` (type, flags, sequence, port 0) and the
    /// `nfgenmsg` (family, version 0, resource id big endian).
    pub fn msg(&mut self, ty: u16, flags: u16, seq: u32, family: u8, res_id: u16) -> Open {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(&0u32.to_ne_bytes());
        self.bytes.extend_from_slice(&ty.to_ne_bytes());
        self.bytes.extend_from_slice(&flags.to_ne_bytes());
        self.bytes.extend_from_slice(&seq.to_ne_bytes());
        self.bytes.extend_from_slice(&0u32.to_ne_bytes());
        self.bytes.push(family);
        self.bytes.push(0);
        self.bytes.extend_from_slice(&res_id.to_be_bytes());
        Open(start)
    }

    /// Closes a message: its length covers everything written since.
    pub fn end_msg(&mut self, o: Open) {
        let len = (self.bytes.len() - o.0) as u32;
        self.bytes[o.0..o.0 + 4].copy_from_slice(&len.to_ne_bytes());
    }

    /// One attribute; its length counts the 4-byte header and the data, the
    /// padding after it does not.
    pub fn put(&mut self, ty: u16, data: &[u8]) {
        self.put_parts(ty, data, &[]);
    }

    /// The 4-byte attribute header: length, then type.
    fn header(len: usize, ty: u16) -> [u8; 4] {
        let (l, t) = ((len as u16).to_ne_bytes(), ty.to_ne_bytes());
        [l[0], l[1], t[0], t[1]]
    }

    /// An attribute whose data is `a` then `b`, without joining them first.
    fn put_parts(&mut self, ty: u16, a: &[u8], b: &[u8]) {
        let len = 4 + a.len() + b.len();
        let pad = align(len) - len;
        self.bytes.reserve(len + pad);
        self.bytes.extend_from_slice(&Self::header(len, ty));
        self.bytes.extend_from_slice(a);
        self.bytes.extend_from_slice(b);
        self.bytes.extend_from_slice(&[0; ALIGN][..pad]);
    }

    /// An attribute of fixed size, written without padding or length
    /// arithmetic at run time (the common numbers).
    fn put_fixed<const N: usize>(&mut self, ty: u16, data: [u8; N]) {
        debug_assert_eq!(N % ALIGN, 0);
        self.bytes.extend_from_slice(&Self::header(4 + N, ty));
        self.bytes.extend_from_slice(&data);
    }

    pub fn put_u32(&mut self, ty: u16, v: u32) {
        self.put_fixed(ty, v.to_be_bytes());
    }

    pub fn put_u64(&mut self, ty: u16, v: u64) {
        self.put_fixed(ty, v.to_be_bytes());
    }

    /// A string with its terminating NUL, as libmnl's `mnl_attr_put_strz`.
    pub fn put_strz(&mut self, ty: u16, s: &str) {
        self.put_parts(ty, s.as_bytes(), &[0]);
    }

    /// Opens a nested attribute.
    pub fn nest(&mut self, ty: u16) -> Open {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(&Self::header(0, ty | NLA_F_NESTED));
        Open(start)
    }

    /// Closes a nest: its length covers its (already padded) contents.
    pub fn end_nest(&mut self, o: Open) {
        let len = (self.bytes.len() - o.0) as u16;
        self.bytes[o.0..o.0 + 2].copy_from_slice(&len.to_ne_bytes());
    }
}

/// nft's user data (`libnftnl/udata.h`): one byte type, one byte length,
/// the value, no padding.
pub fn udata(out: &mut Vec<u8>, ty: u8, value: &[u8]) {
    out.push(ty);
    out.push(value.len() as u8);
    out.extend_from_slice(value);
}

// The expected bytes are written for a little-endian host (x86-64, arm64).
#[cfg(all(test, target_endian = "little"))]
mod tests {
    use super::*;

    #[test]
    fn an_attribute_is_padded_but_its_length_is_not() {
        let mut b = Buf::default();
        b.put_strz(1, "filter");
        // len 11 = 4 + "filter\0", then one byte of padding.
        assert_eq!(b.bytes, [11, 0, 1, 0, b'f', b'i', b'l', b't', b'e', b'r', 0, 0]);
    }

    #[test]
    fn numbers_are_big_endian_and_lengths_native() {
        let mut b = Buf::default();
        b.put_u32(2, 1);
        b.put_u64(1, 60);
        assert_eq!(b.bytes[..8], [8, 0, 2, 0, 0, 0, 0, 1]);
        assert_eq!(b.bytes[8..], [12, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 60]);
    }

    #[test]
    fn a_nest_counts_its_padded_contents_and_is_flagged() {
        let mut b = Buf::default();
        let n = b.nest(4);
        b.put(1, &[0xaa]);
        b.put_u32(2, 7);
        b.end_nest(n);
        assert_eq!(
            b.bytes,
            [
                20, 0, 4, 0x80, // nest: 4 + 8 + 8, type 4 | NLA_F_NESTED
                5, 0, 1, 0, 0xaa, 0, 0, 0, // 1-byte value, 3 bytes padding
                8, 0, 2, 0, 0, 0, 0, 7,
            ]
        );
    }

    #[test]
    fn a_message_has_its_total_length_and_the_nfgenmsg() {
        let mut b = Buf::default();
        let m = b.msg(0x0a00, 0x0001, 3, 2, 0);
        b.put_strz(1, "nat");
        b.end_msg(m);
        // The table message nft sends for `add table ip nat` (seq 3).
        assert_eq!(b.bytes, [28, 0, 0, 0, 0x00, 0x0a, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 8, 0, 1, 0, b'n', b'a', b't', 0]);
        assert_eq!(b.bytes.len(), 28);
    }

    #[test]
    fn user_data_is_type_length_value_without_padding() {
        let mut u = Vec::new();
        udata(&mut u, 0, b"ssh in\0");
        assert_eq!(u, [0, 7, b's', b's', b'h', b' ', b'i', b'n', 0]);
    }
}
