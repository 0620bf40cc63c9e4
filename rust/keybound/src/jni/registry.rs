//! Request id → waiting future. No JNI here (and no `unsafe`): the registry is
//! plain Rust so its rules are unit-tested without a JVM.
//!
//! - [`Registry::register`] returns a [`Pending`]; the future awaiting the
//!   outcome owns it. Dropping it before an outcome arrived (cancellation, a
//!   timeout) removes the entry and runs its `on_abandon` action, which tells
//!   Java to cancel the prompt.
//! - [`Registry::complete`] delivers an outcome once. Outcomes for unknown,
//!   finished or duplicate ids are ignored and counted.
//! - The lock is `parking_lot::Mutex`, which has no poisoning: a panic while
//!   it is held (there is no code that can panic inside) cannot wedge it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;
use tokio::sync::oneshot;

/// What Java reported for one request (see `NativeBridge.nativeOnResult`).
#[derive(Clone, PartialEq, Eq)]
pub struct CallbackResult {
    /// `NativeBridge.OUTCOME_*` or an Android `BIOMETRIC_ERROR_*` code.
    pub outcome: i32,
    /// DER signature on success.
    pub der_signature: Option<Vec<u8>>,
    /// `Prompter.AUTH_TYPE_*` on success.
    pub auth_type: i32,
    /// Java's message (an OS message or an exception description), if any.
    pub message: Option<String>,
}

impl std::fmt::Debug for CallbackResult {
    // Never print the signature bytes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackResult")
            .field("outcome", &self.outcome)
            .field("signature_len", &self.der_signature.as_ref().map(Vec::len))
            .field("auth_type", &self.auth_type)
            .field("message", &self.message)
            .finish()
    }
}

/// The outcome never came: the callback failed before delivering it (for
/// instance a panic inside the native callback).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the prompt callback was lost before delivering an outcome")]
pub struct CallbackLost;

type Abandon = Box<dyn FnOnce(u64) + Send + 'static>;

/// The table of requests waiting for a Java callback.
#[derive(Default)]
pub struct Registry {
    waiting: Mutex<HashMap<u64, oneshot::Sender<CallbackResult>>>,
    next_id: AtomicU64,
    ignored: AtomicU64,
    abandoned: AtomicU64,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("waiting", &self.len())
            .field("ignored", &self.ignored_callbacks())
            .field("abandoned", &self.abandoned_requests())
            .finish()
    }
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// A fresh request id (never 0, never reused in this process).
    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Registers `id`; `on_abandon(id)` runs if the returned [`Pending`] is
    /// dropped before an outcome arrived.
    pub fn register(self: &Arc<Self>, id: u64, on_abandon: Abandon) -> Pending {
        let (tx, rx) = oneshot::channel();
        // Ids come from `next_id`, so an existing entry is impossible; were it
        // there, its waiter would see `CallbackLost`, never a wrong outcome.
        self.waiting.lock().insert(id, tx);
        Pending {
            registry: Arc::clone(self),
            id,
            rx,
            on_abandon: Some(on_abandon),
        }
    }

    /// Takes the waiting sender for `id`. `None` (and counted as ignored) when
    /// the id is unknown, finished or already completed.
    pub fn take(&self, id: u64) -> Option<oneshot::Sender<CallbackResult>> {
        let sender = self.waiting.lock().remove(&id);
        if sender.is_none() {
            self.ignored.fetch_add(1, Ordering::Relaxed);
        }
        sender
    }

    /// Delivers `result` for `id`. Returns whether a waiter received it;
    /// `false` is counted as an ignored callback.
    pub fn complete(&self, id: u64, result: CallbackResult) -> bool {
        match self.take(id) {
            Some(sender) => {
                let delivered = sender.send(result).is_ok();
                if !delivered {
                    // The waiter was dropping at this very moment.
                    self.note_ignored();
                }
                delivered
            }
            None => false,
        }
    }

    /// Counts a callback that found its waiter gone.
    pub fn note_ignored(&self) {
        self.ignored.fetch_add(1, Ordering::Relaxed);
    }

    /// Ids waiting now.
    pub fn waiting_ids(&self) -> Vec<u64> {
        self.waiting.lock().keys().copied().collect()
    }

    /// Number of requests waiting now.
    pub fn len(&self) -> usize {
        self.waiting.lock().len()
    }

    /// No request is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Callbacks ignored so far (unknown, finished or duplicate ids).
    pub fn ignored_callbacks(&self) -> u64 {
        self.ignored.load(Ordering::Relaxed)
    }

    /// Requests whose waiter went away before an outcome (cancel, timeout).
    pub fn abandoned_requests(&self) -> u64 {
        self.abandoned.load(Ordering::Relaxed)
    }

    fn forget(&self, id: u64) -> bool {
        self.waiting.lock().remove(&id).is_some()
    }
}

/// A registered request. Await [`Pending::outcome`]; drop it to abandon.
pub struct Pending {
    registry: Arc<Registry>,
    id: u64,
    rx: oneshot::Receiver<CallbackResult>,
    on_abandon: Option<Abandon>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending").field("id", &self.id).finish()
    }
}

impl Pending {
    /// The request id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Waits for the outcome.
    pub async fn outcome(&mut self) -> Result<CallbackResult, CallbackLost> {
        (&mut self.rx).await.map_err(|_| CallbackLost)
    }

    /// Forgets the request without running `on_abandon` (the caller knows
    /// Java never started it).
    pub fn disarm(mut self) {
        self.on_abandon = None;
        self.registry.forget(self.id);
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if self.registry.forget(self.id) {
            if let Some(on_abandon) = self.on_abandon.take() {
                self.registry.abandoned.fetch_add(1, Ordering::Relaxed);
                on_abandon(self.id);
            }
        }
    }
}

#[cfg(test)]
mod tests;
