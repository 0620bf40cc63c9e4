use super::*;

#[test]
fn parses_an_object() {
    let map = parse_object(br#"{"a":1,"b":[1,2.5,"x",null,true],"c":{"d":"e"}}"#).unwrap();
    assert_eq!(map.len(), 3);
    assert_eq!(map["b"][1], serde_json::json!(2.5));
    assert_eq!(map["c"]["d"], "e");
    assert_eq!(map["a"].as_i64(), Some(1));
}

#[test]
fn rejects_duplicate_names_at_any_level() {
    for input in [
        r#"{"a":1,"a":1}"#,
        r#"{"a":1,"b":2,"a":3}"#,
        r#"{"x":{"a":1,"a":2}}"#,
        r#"{"x":[{"a":1,"a":2}]}"#,
        // The same name after unescaping.
        r#"{"alg":"ES256","\u0061lg":"none"}"#,
    ] {
        assert_eq!(
            parse_object(input.as_bytes()),
            Err(JsonError::Invalid),
            "{input}"
        );
    }
    // Same name in sibling objects is fine.
    assert!(parse_object(br#"{"x":{"a":1},"y":{"a":2}}"#).is_ok());
}

#[test]
fn rejects_non_objects_and_bad_json() {
    for input in ["[]", "1", "\"s\"", "null", "true"] {
        assert_eq!(parse_object(input.as_bytes()), Err(JsonError::NotObject));
    }
    for input in [
        &b"{"[..],
        b"{} {}",
        b"{}x",
        b"",
        b"{'a':1}",
        b"{\"a\":\xff}",
        b"{\"a\":NaN}",
    ] {
        assert_eq!(parse_object(input), Err(JsonError::Invalid));
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("{{\"a\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(parse_object(deep.as_bytes()), Err(JsonError::Invalid));
}
