use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::*;

fn ok_result() -> CallbackResult {
    CallbackResult {
        outcome: 0,
        der_signature: Some(vec![0x30, 0x00]),
        auth_type: 2,
        message: None,
    }
}

fn counting_abandon(counter: &Arc<AtomicUsize>) -> Box<dyn FnOnce(u64) + Send> {
    let counter = Arc::clone(counter);
    Box::new(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    })
}

#[tokio::test]
async fn an_outcome_reaches_its_waiter_once_and_duplicates_are_counted() {
    let registry = Arc::new(Registry::new());
    let abandoned = Arc::new(AtomicUsize::new(0));
    let id = registry.next_id();
    let mut pending = registry.register(id, counting_abandon(&abandoned));
    assert_eq!(registry.len(), 1);

    assert!(registry.complete(id, ok_result()));
    assert!(
        !registry.complete(id, ok_result()),
        "duplicate must be ignored"
    );
    assert_eq!(pending.outcome().await, Ok(ok_result()));
    drop(pending);

    assert!(registry.is_empty());
    assert_eq!(registry.ignored_callbacks(), 1);
    assert_eq!(
        abandoned.load(Ordering::SeqCst),
        0,
        "a finished request is not cancelled"
    );
}

#[test]
fn unknown_ids_are_ignored_and_counted() {
    let registry = Registry::new();
    assert!(!registry.complete(42, ok_result()));
    assert!(!registry.complete(0, ok_result()));
    assert_eq!(registry.ignored_callbacks(), 2);
}

#[test]
fn dropping_a_waiter_removes_the_entry_and_cancels_once() {
    let registry = Arc::new(Registry::new());
    let abandoned = Arc::new(AtomicUsize::new(0));
    let id = registry.next_id();
    let pending = registry.register(id, counting_abandon(&abandoned));
    drop(pending);
    assert!(registry.is_empty());
    assert_eq!(abandoned.load(Ordering::SeqCst), 1);
    assert_eq!(registry.abandoned_requests(), 1);
    // The late callback for the abandoned request is ignored.
    assert!(!registry.complete(id, ok_result()));
    assert_eq!(registry.ignored_callbacks(), 1);
}

#[test]
fn disarm_forgets_without_cancelling() {
    let registry = Arc::new(Registry::new());
    let abandoned = Arc::new(AtomicUsize::new(0));
    let pending = registry.register(registry.next_id(), counting_abandon(&abandoned));
    pending.disarm();
    assert!(registry.is_empty());
    assert_eq!(abandoned.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_sender_dropped_without_sending_is_a_lost_callback() {
    let registry = Arc::new(Registry::new());
    let id = registry.next_id();
    let mut pending = registry.register(id, Box::new(|_| {}));
    let sender = registry.take(id);
    assert!(sender.is_some());
    drop(sender);
    assert_eq!(pending.outcome().await, Err(CallbackLost));
}

#[test]
fn ids_are_unique_and_non_zero() {
    let registry = Registry::new();
    let ids: std::collections::HashSet<u64> = (0..1000).map(|_| registry.next_id()).collect();
    assert_eq!(ids.len(), 1000);
    assert!(!ids.contains(&0));
}

#[test]
fn debug_output_never_contains_signature_bytes() {
    let result = CallbackResult {
        outcome: 0,
        der_signature: Some(vec![0xAB; 8]),
        auth_type: 2,
        message: None,
    };
    let shown = format!("{result:?}");
    assert!(shown.contains("signature_len: Some(8)"), "{shown}");
    assert!(!shown.contains("171"), "{shown}");
}
