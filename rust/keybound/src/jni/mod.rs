//! The JNI bridge to the Java side (`dev.keybound.NativeBridge`), the only
//! module of the crate with `unsafe`.
//!
//! Loading:
//! - On Android, `System.loadLibrary("keybound")` runs [`JNI_OnLoad`] on a
//!   thread whose `FindClass` sees the app's class loader. It keeps the
//!   `JavaVM`, takes the bridge class, caches it and its sibling classes as
//!   global refs with their method ids, and registers the native callbacks
//!   with `RegisterNatives` (no exported `Java_...` names).
//! - Tests (host JVM) call [`init_with_bridge_class`] with the class loaded
//!   through a `URLClassLoader`, the same path minus `FindClass`.
//!
//! Threads Rust attaches later see only the system class loader, so nothing
//! here calls `FindClass` after load.
//!
//! Prompts: [`Bridge::authenticate`] starts one on the Java side under a
//! request id from the [`Registry`]; the outcome comes back through the
//! `nativeOnResult` callback (`callbacks`), which never lets a Rust error
//! or panic into Java.

use std::ffi::c_void;
use std::sync::{Arc, OnceLock};

use jni::objects::JClass;
use jni::sys::{jint, JNI_ERR, JNI_VERSION_1_6};
use jni::vm::JavaVM;
use jni::{jni_str, Env};
use parking_lot::Mutex;

mod bridge;
mod callbacks;
mod context;
mod registry;

pub use bridge::{
    Bridge, BridgeError, JavaKeyInfo, JavaStatus, PromptArgs, AUTH_TYPE_BIOMETRIC,
    AUTH_TYPE_DEVICE_CREDENTIAL, KV_FAILED, KV_INVALIDATED, KV_NOT_ENROLLED, KV_NOT_FOUND,
    KV_STRONGBOX_UNAVAILABLE, KV_UNSUPPORTED, KV_USER_NOT_AUTHENTICATED, OUTCOME_BRIDGE_FAILED,
    OUTCOME_SIGN_FAILED, OUTCOME_SUCCESS, OUTCOME_USER_NOT_AUTHENTICATED, START_ACCEPTED,
    START_BUSY,
};
#[cfg(feature = "jni-test-driver")]
pub mod test_driver;
pub use callbacks::{callback_failures, SwallowAndCount};
pub use context::is_installed as context_installed;
pub use registry::{CallbackLost, CallbackResult, Pending, Registry};

static BRIDGE: OnceLock<Arc<Bridge>> = OnceLock::new();
static INIT: Mutex<()> = Mutex::new(());

/// The bridge, once [`JNI_OnLoad`] or [`init_with_bridge_class`] ran.
pub fn bridge() -> Option<&'static Arc<Bridge>> {
    BRIDGE.get()
}

/// Initialises the bridge from `dev.keybound.NativeBridge` as loaded by the
/// app's class loader: caches classes and method ids, registers the native
/// methods. Idempotent: later calls return the first bridge.
pub fn init_with_bridge_class(
    env: &mut Env<'_>,
    bridge_class: &JClass<'_>,
) -> Result<Arc<Bridge>, BridgeError> {
    if let Some(bridge) = BRIDGE.get() {
        return Ok(Arc::clone(bridge));
    }
    let _serialised = INIT.lock();
    if let Some(bridge) = BRIDGE.get() {
        return Ok(Arc::clone(bridge));
    }
    let bridge = Arc::new(Bridge::new(env, bridge_class)?);
    // SAFETY: every entry of NATIVE_METHODS comes from `native_method!`, which
    // generates the `extern "system"` wrapper from the same signature it
    // registers (compile-time checked); both are declared `static`, as in
    // NativeBridge.java (`static native void nativeOnResult(long, int,
    // byte[], int, String)` and `static native void nativeInit(Object)`),
    // and the macro's ABI check verifies the static flag at the first call.
    unsafe { env.register_native_methods(bridge.bridge_class(), callbacks::NATIVE_METHODS) }?;
    let _ = BRIDGE.set(Arc::clone(&bridge));
    Ok(bridge)
}

/// Called by the JVM when `System.loadLibrary("keybound")` loads this
/// library; see the module docs. Returns `JNI_ERR` (so `loadLibrary`
/// throws) when `NativeBridge` cannot be set up: a missing class is a
/// packaging error the plugin author must see at once.
///
/// # Safety
///
/// Only the JVM calls this, with its valid `JavaVM` pointer, on a thread
/// attached to it and with the loading class's loader in effect.
// Not exported from the unit-test binary: it also links the library itself
// (the dev-dependency that enables `test-support`), whose `JNI_OnLoad`
// would be a duplicate symbol; no unit test loads the library into a JVM.
#[cfg_attr(not(test), no_mangle)]
#[cfg_attr(test, allow(non_snake_case, reason = "the name the JVM looks up"))]
pub unsafe extern "system" fn JNI_OnLoad(
    vm: *mut jni::sys::JavaVM,
    _reserved: *mut c_void,
) -> jint {
    let loaded = std::panic::catch_unwind(|| {
        if vm.is_null() {
            return Err(BridgeError::Jni("JNI_OnLoad without a JavaVM".into()));
        }
        // SAFETY: the JVM passes its own, valid JavaVM pointer (checked
        // non-null above), which supports JNI 1.6 on Android and desktop.
        let vm = unsafe { JavaVM::from_raw(vm) };
        init_logging();
        vm.attach_current_thread(|env| -> Result<(), BridgeError> {
            let class = env.find_class(jni_str!("dev/keybound/NativeBridge"))?;
            init_with_bridge_class(env, &class)?;
            Ok(())
        })
    });
    match loaded {
        Ok(Ok(())) => JNI_VERSION_1_6,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "keybound: JNI_OnLoad failed");
            JNI_ERR
        }
        Err(_) => JNI_ERR,
    }
}

/// Test hook: the next callback for a waiting request panics inside Rust
/// (to prove the panic stays on the Rust side and the waiter gets an error).
#[doc(hidden)]
pub fn inject_panic_in_next_callback() {
    callbacks::inject_panic_in_next_callback();
}

#[cfg(any(target_os = "android", keybound_android_check))]
fn init_logging() {
    use tracing_subscriber::layer::SubscriberExt as _;
    if let Ok(layer) = tracing_android::layer("keybound") {
        // Another subscriber may already be set by the app: keep it.
        let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer));
    }
}

#[cfg(not(any(target_os = "android", keybound_android_check)))]
fn init_logging() {}
