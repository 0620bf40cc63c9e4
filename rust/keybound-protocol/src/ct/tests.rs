use super::*;

#[test]
fn compares_contents_and_lengths() {
    assert!(ct_eq(b"", b""));
    assert!(ct_eq(b"challenge", b"challenge"));
    assert!(!ct_eq(b"challenge", b"challengf"));
    assert!(!ct_eq(b"challenge", b"Challenge"));
    assert!(!ct_eq(b"challenge", b"challeng"));
    assert!(!ct_eq(b"challeng", b"challenge"));
    assert!(!ct_eq(b"", b"x"));
}
