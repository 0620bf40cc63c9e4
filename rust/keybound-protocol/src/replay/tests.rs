use super::*;

const NOW: i64 = 1_000;

#[test]
fn second_use_is_replayed() {
    let cache = MemoryReplayCache::new(10);
    cache
        .check_and_record("kid", "jti-1", NOW + 100, NOW)
        .unwrap();
    assert_eq!(
        cache.check_and_record("kid", "jti-1", NOW + 100, NOW + 1),
        Err(TokenError::Replayed)
    );
    // A different expiry claimed for the same pair changes nothing.
    assert_eq!(
        cache.check_and_record("kid", "jti-1", NOW + 500, NOW + 2),
        Err(TokenError::Replayed)
    );
    // The pair is (kid, jti): same jti under another key is another token.
    cache
        .check_and_record("kid-2", "jti-1", NOW + 100, NOW)
        .unwrap();
    cache
        .check_and_record("kid", "jti-2", NOW + 100, NOW)
        .unwrap();
    assert_eq!(cache.len(), 3);
}

#[test]
fn entry_lives_through_its_last_second_then_expires() {
    let cache = MemoryReplayCache::new(10);
    cache.check_and_record("kid", "jti", NOW + 10, NOW).unwrap();
    assert_eq!(
        cache.check_and_record("kid", "jti", NOW + 10, NOW + 10),
        Err(TokenError::Replayed)
    );
    // After NOW + 10 the token is rejected as expired by verify anyway; the
    // cache refuses it as well rather than accept it unrecorded.
    assert_eq!(
        cache.check_and_record("kid", "jti", NOW + 10, NOW + 11),
        Err(TokenError::Expired)
    );
    assert!(cache.is_empty(), "expired entry purged");
}

#[test]
fn expiry_frees_capacity() {
    let cache = MemoryReplayCache::new(2);
    cache.check_and_record("k", "a", NOW + 10, NOW).unwrap();
    cache.check_and_record("k", "b", NOW + 20, NOW).unwrap();
    assert_eq!(
        cache.check_and_record("k", "c", NOW + 30, NOW + 5),
        Err(TokenError::StoreUnavailable)
    );
    // "a" expires after NOW + 10: one slot frees.
    cache
        .check_and_record("k", "c", NOW + 30, NOW + 11)
        .unwrap();
    assert_eq!(cache.len(), 2);
    assert_eq!(
        cache.check_and_record("k", "d", NOW + 30, NOW + 11),
        Err(TokenError::StoreUnavailable)
    );
    // "b" still live, "c" still live.
    assert_eq!(
        cache.check_and_record("k", "b", NOW + 20, NOW + 12),
        Err(TokenError::Replayed)
    );
}

#[test]
fn full_of_live_entries_fails_closed() {
    let cache = MemoryReplayCache::new(3);
    for jti in ["a", "b", "c"] {
        cache.check_and_record("k", jti, NOW + 100, NOW).unwrap();
    }
    assert_eq!(
        cache.check_and_record("k", "d", NOW + 100, NOW),
        Err(TokenError::StoreUnavailable)
    );
    // Nothing was evicted to make room: every earlier pair is still refused.
    for jti in ["a", "b", "c"] {
        assert_eq!(
            cache.check_and_record("k", jti, NOW + 100, NOW + 1),
            Err(TokenError::Replayed)
        );
    }
    assert_eq!(cache.capacity(), 3);
}

#[test]
fn zero_capacity_refuses_everything() {
    let cache = MemoryReplayCache::new(0);
    assert_eq!(
        cache.check_and_record("k", "a", NOW + 100, NOW),
        Err(TokenError::StoreUnavailable)
    );
}

#[test]
fn clock_stepping_back_does_not_revive_a_purged_pair() {
    let cache = MemoryReplayCache::new(10);
    cache.check_and_record("k", "a", NOW + 10, NOW).unwrap();
    // Another call at a later time purges "a".
    cache
        .check_and_record("k", "b", NOW + 100, NOW + 50)
        .unwrap();
    assert_eq!(cache.len(), 1);
    // The clock steps back to NOW + 5, where "a" would still be acceptable.
    assert_eq!(
        cache.check_and_record("k", "a", NOW + 10, NOW + 5),
        Err(TokenError::Expired)
    );
}

#[test]
fn shared_between_threads() {
    let cache = std::sync::Arc::new(MemoryReplayCache::new(1000));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let cache = cache.clone();
            std::thread::spawn(move || {
                (0..100)
                    .filter(|i| {
                        cache
                            .check_and_record("k", &i.to_string(), NOW + 100, NOW)
                            .is_ok()
                    })
                    .count()
            })
        })
        .collect();
    let accepted: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    // Each of the 100 jtis is accepted by exactly one thread.
    assert_eq!(accepted, 100);
    assert_eq!(cache.len(), 100);
}
