//! The process-wide session behind the frb API, and the runtime it runs on.
//!
//! keybound runs its futures on its own small tokio runtime (timers
//! enabled) rather than relying on whichever executor the bridge polls them
//! with; the API awaits a `JoinHandle`, which any executor can poll. A panic
//! inside becomes an `Internal` error instead of crossing the FFI boundary.

use std::future::Future;
use std::sync::{Arc, OnceLock};

use parking_lot::Mutex;

use crate::clock::SystemClock;
use crate::error::{ErrorCode, KeyboundError};
use crate::platform::Platform;
use crate::session::{AuthSession, SessionConfig};

static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
static SESSION: Mutex<Option<Arc<AuthSession>>> = Mutex::new(None);

fn runtime() -> Result<&'static tokio::runtime::Runtime, KeyboundError> {
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                // Keystore calls run on the blocking pool (platform::android),
                // each thread attached to the JVM: a few suffice, more would
                // only be threads waiting on the same Keystore service.
                .max_blocking_threads(4)
                .thread_name("keybound")
                .enable_time()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| KeyboundError::new(ErrorCode::Internal, format!("no runtime: {e}")))
}

/// Runs `fut` on keybound's runtime; a panic becomes `Internal`.
pub async fn run<T, F>(fut: F) -> Result<T, KeyboundError>
where
    F: Future<Output = Result<T, KeyboundError>> + Send + 'static,
    T: Send + 'static,
{
    match runtime()?.spawn(fut).await {
        Ok(result) => result,
        Err(join_error) => Err(KeyboundError::new(
            ErrorCode::Internal,
            if join_error.is_panic() {
                "keybound panicked; please report this"
            } else {
                "keybound task was cancelled"
            },
        )),
    }
}

/// The platform of this build: the JNI bridge on Android.
#[cfg(any(target_os = "android", keybound_android_check))]
fn default_platform() -> Result<Arc<dyn Platform>, KeyboundError> {
    crate::platform::android::installed().ok_or_else(|| {
        KeyboundError::new(
            ErrorCode::PlatformError,
            "keybound's Android bridge is not initialised: is the KeyboundPlugin registered?",
        )
    })
}

/// The platform of this build: the simulator on hosts (desktop development).
#[cfg(not(any(target_os = "android", keybound_android_check)))]
fn default_platform() -> Result<Arc<dyn Platform>, KeyboundError> {
    Ok(Arc::new(
        crate::platform::simulated::SimulatedPlatform::new(),
    ))
}

/// The session, created on first use.
pub fn session() -> Result<Arc<AuthSession>, KeyboundError> {
    let mut slot = SESSION.lock();
    if let Some(session) = slot.as_ref() {
        return Ok(Arc::clone(session));
    }
    let session = Arc::new(AuthSession::new(
        default_platform()?,
        SessionConfig::default(),
        Arc::new(SystemClock),
    ));
    *slot = Some(Arc::clone(&session));
    Ok(session)
}

/// Replaces the session's platform (hosts: tests, demos, desktop tools).
pub fn install_platform(platform: Arc<dyn Platform>, config: SessionConfig) {
    *SESSION.lock() = Some(Arc::new(AuthSession::new(
        platform,
        config,
        Arc::new(SystemClock),
    )));
}
