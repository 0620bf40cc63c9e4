//! The application Context handed over by `NativeBridge.nativeInit`, kept as
//! a global ref for the life of the process; on Android it initialises
//! `ndk-context` (for crates that need the Context or the VM) and logcat.

use jni::errors::Error;
use jni::objects::JObject;
use jni::refs::Global;
use jni::Env;
use parking_lot::Mutex;

static CONTEXT: Mutex<Option<Global<JObject<'static>>>> = Mutex::new(None);

/// Keeps `context` (first call wins; later calls are no-ops).
pub(super) fn install(env: &mut Env<'_>, context: &JObject<'_>) -> Result<(), Error> {
    let mut slot = CONTEXT.lock();
    if slot.is_some() || context.is_null() {
        return Ok(());
    }
    let global = env.new_global_ref(context)?;
    #[cfg(any(target_os = "android", keybound_android_check))]
    {
        let vm = env.get_java_vm()?;
        // SAFETY: `vm` is the process's JavaVM (valid until exit) and
        // `global` is a global ref stored in CONTEXT just below and never
        // released, so the pointer ndk-context keeps stays valid; the lock
        // makes this the only initialisation (ndk-context panics on a second).
        unsafe {
            ndk_context::initialize_android_context(vm.get_raw().cast(), global.as_raw().cast());
        }
    }
    *slot = Some(global);
    Ok(())
}

/// Whether a Context was installed.
pub fn is_installed() -> bool {
    CONTEXT.lock().is_some()
}
