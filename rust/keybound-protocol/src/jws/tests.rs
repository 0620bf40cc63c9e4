use super::*;
use crate::claims::AuthMethod;

const KID: &str = "cn-I_WNMClehiVp51i_0VpOENW1upEerA8sEam5hn-s";

fn claims() -> Claims {
    Claims {
        aud: "aud".into(),
        nonce: "n".into(),
        iat: 100,
        exp: 200,
        jti: "AAECAwQFBgcICQoLDA0ODw".into(),
        auth: AuthMethod::Biometric,
        txn: None,
    }
}

fn decode_text(segment: &str) -> String {
    String::from_utf8(b64::decode(segment).unwrap()).unwrap()
}

#[test]
fn signing_input_has_the_exact_header_and_payload() {
    let input = signing_input(KID, &claims()).unwrap();
    let (header, payload) = input.split_once('.').unwrap();
    assert_eq!(
        decode_text(header),
        format!(r#"{{"alg":"ES256","typ":"keybound+jwt","kid":"{KID}"}}"#)
    );
    assert_eq!(
        decode_text(payload),
        r#"{"aud":"aud","nonce":"n","iat":100,"exp":200,"jti":"AAECAwQFBgcICQoLDA0ODw","auth":"biometric"}"#
    );
    assert!(!input.contains('='));
}

#[test]
fn signing_input_rejects_bad_kid_and_claims() {
    for kid in [
        "",
        "kid-1",
        &KID[..42],
        &format!("{KID}A"),
        &KID.replace('-', "+"),
    ] {
        assert!(
            matches!(signing_input(kid, &claims()), Err(BuildError::InvalidKid)),
            "{kid}"
        );
    }
    let bad = Claims {
        exp: 100,
        ..claims()
    };
    assert!(matches!(
        signing_input(KID, &bad),
        Err(BuildError::InvalidClaim("exp"))
    ));
}

#[test]
fn assemble_appends_the_base64url_signature() {
    let token = assemble("a.b", &[0xfb; 64]);
    let (input, signature) = token.rsplit_once('.').unwrap();
    assert_eq!(input, "a.b");
    assert_eq!(signature.len(), 86);
    assert_eq!(b64::decode(signature).unwrap(), vec![0xfb; 64]);
    assert!(signature.contains('_') && !signature.contains('/'));
}

#[test]
fn decode_splits_the_signing_input() {
    let input = signing_input(KID, &claims()).unwrap();
    let token = assemble(&input, &[1; 64]);
    let parts = decode(&token).unwrap();
    assert_eq!(parts.signing_input, input);
    assert_eq!(parts.header.kid(), KID);
    assert_eq!(parts.signature, vec![1; 64]);
    assert_eq!(
        parts.payload.as_slice(),
        serde_json::to_vec(&claims()).unwrap().as_slice()
    );
}
