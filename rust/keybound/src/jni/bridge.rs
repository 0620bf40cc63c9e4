//! Calls from Rust into `dev.keybound.NativeBridge`, with classes and method
//! ids cached at load time (never `FindClass` from a worker thread: threads
//! Rust attaches only see the system class loader).

use std::sync::Arc;

use jni::errors::Error as JniError;
use jni::ids::{JMethodID, JStaticMethodID};
use jni::objects::{JByteArray, JClass, JIntArray, JObject, JObjectArray, JThrowable};
use jni::refs::Global;
use jni::signature::MethodSignature;
use jni::sys::{jlong, jvalue};
use jni::vm::JavaVM;
use jni::{jni_sig, jni_str, Env, JValue};

use super::registry::Registry;

/// Why a call into Java failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BridgeError {
    /// A `KeyVaultException` with its reason (`KeyVaultException.NOT_FOUND`...).
    #[error("KeyVaultException (reason {reason}): {message}")]
    KeyVault {
        /// `KeyVaultException.reason()`.
        reason: i32,
        /// The exception message.
        message: String,
    },
    /// Any other Java exception, cleared before returning.
    #[error("{class}: {message}")]
    JavaException {
        /// Binary class name, e.g. `java.lang.IllegalStateException`.
        class: String,
        /// `getMessage()`, empty when null.
        message: String,
    },
    /// JNI itself failed (bad reference, missing method, detached thread).
    #[error("JNI failure: {0}")]
    Jni(String),
    /// The bridge has not been initialised (no `JNI_OnLoad` / test init yet).
    #[error("keybound JNI bridge not initialised")]
    NotInitialised,
    /// Java answered with something outside the protocol.
    #[error("protocol violation: {0}")]
    Protocol(String),
}

impl From<JniError> for BridgeError {
    fn from(e: JniError) -> Self {
        BridgeError::Jni(e.to_string())
    }
}

/// `KeyVaultException.NOT_FOUND`.
pub const KV_NOT_FOUND: i32 = 1;
/// `KeyVaultException.INVALIDATED`.
pub const KV_INVALIDATED: i32 = 2;
/// `KeyVaultException.STRONGBOX_UNAVAILABLE`.
pub const KV_STRONGBOX_UNAVAILABLE: i32 = 3;
/// `KeyVaultException.UNSUPPORTED`.
pub const KV_UNSUPPORTED: i32 = 4;
/// `KeyVaultException.FAILED`.
pub const KV_FAILED: i32 = 5;
/// `KeyVaultException.NOT_ENROLLED`: key generation refused, no biometric enrolled.
pub const KV_NOT_ENROLLED: i32 = 6;
/// `KeyVaultException.USER_NOT_AUTHENTICATED`: unlock the device with its credential first.
pub const KV_USER_NOT_AUTHENTICATED: i32 = 7;

/// `NativeBridge.START_ACCEPTED`.
pub const START_ACCEPTED: i32 = 0;
/// `NativeBridge.START_BUSY`.
pub const START_BUSY: i32 = 1;
/// `NativeBridge.OUTCOME_SUCCESS`.
pub const OUTCOME_SUCCESS: i32 = 0;
/// `NativeBridge.OUTCOME_SIGN_FAILED`.
pub const OUTCOME_SIGN_FAILED: i32 = -1;
/// `NativeBridge.OUTCOME_BRIDGE_FAILED`.
pub const OUTCOME_BRIDGE_FAILED: i32 = -2;
/// `NativeBridge.OUTCOME_USER_NOT_AUTHENTICATED`: signing after the prompt
/// was refused until the device is unlocked with its credential.
pub const OUTCOME_USER_NOT_AUTHENTICATED: i32 = -3;
/// `Prompter.AUTH_TYPE_DEVICE_CREDENTIAL`.
pub const AUTH_TYPE_DEVICE_CREDENTIAL: i32 = 1;
/// `Prompter.AUTH_TYPE_BIOMETRIC`.
pub const AUTH_TYPE_BIOMETRIC: i32 = 2;

/// `NativeBridge.status()` decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JavaStatus {
    /// `Build.VERSION.SDK_INT`.
    pub api_level: i32,
    /// `BiometricManager.canAuthenticate(BIOMETRIC_STRONG)`, -1 unknown.
    pub strong_biometric: i32,
    /// `KeyguardManager.isDeviceSecure()`.
    pub device_secure: bool,
    /// StrongBox feature present.
    pub strongbox: bool,
}

impl JavaStatus {
    /// Length of the `int[]` of `NativeBridge.status()` (`STATUS_LENGTH`).
    pub const LEN: usize = 4;

    /// Decodes the `int[]` of `NativeBridge.status()`, indexed by its
    /// `STATUS_*` constants (booleans as 0/1, anything non-zero is true).
    /// Any other length is a protocol violation.
    pub fn from_layout(values: &[i32]) -> Result<Self, BridgeError> {
        match *values {
            [api_level, strong_biometric, device_secure, strongbox] => Ok(JavaStatus {
                api_level,
                strong_biometric,
                device_secure: device_secure != 0,
                strongbox: strongbox != 0,
            }),
            _ => Err(Self::wrong_length(values.len())),
        }
    }

    fn wrong_length(len: usize) -> BridgeError {
        BridgeError::Protocol(format!("status() returned {len} values"))
    }
}

/// `KeyInfo` decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JavaKeyInfo {
    /// SubjectPublicKeyInfo DER.
    pub public_key_spki: Vec<u8>,
    /// DER certificates, leaf first.
    pub attestation_chain: Vec<Vec<u8>>,
    /// `KeyInfo.LEVEL_*`.
    pub security_level: i32,
}

/// The strings and flags of one prompt (see `NativeBridge.authenticate`).
#[derive(Debug, Clone, Copy)]
pub struct PromptArgs<'a> {
    /// Key alias.
    pub alias: &'a str,
    /// Bytes to sign after a biometric (never logged).
    pub payload: &'a [u8],
    /// Bytes to sign after the device credential; `Some` exactly when it is
    /// allowed.
    pub payload_device_credential: Option<&'a [u8]>,
    /// Title.
    pub title: &'a str,
    /// Optional subtitle.
    pub subtitle: Option<&'a str>,
    /// Optional description.
    pub description: Option<&'a str>,
    /// Negative button label.
    pub negative_button: &'a str,
    /// Offer device credential.
    pub allow_device_credential: bool,
}

// Signatures of the Java methods Rust calls, checked at compile time.
const SIG_STATUS: MethodSignature<'static, 'static> = jni_sig!(() -> jint[]);
const SIG_CREATE_KEY: MethodSignature<'static, 'static> = jni_sig!(
    (alias: JString, challenge: jbyte[], allow_device_credential: jboolean, prefer_strongbox: jboolean)
        -> dev.keybound.KeyInfo
);
const SIG_PUBLIC_KEY: MethodSignature<'static, 'static> = jni_sig!((alias: JString) -> jbyte[]);
const SIG_ALIAS_TO_BOOL: MethodSignature<'static, 'static> = jni_sig!((alias: JString) -> jboolean);
const SIG_AUTHENTICATE: MethodSignature<'static, 'static> = jni_sig!(
    (
        request_id: jlong,
        alias: JString,
        payload: jbyte[],
        payload_device_credential: jbyte[],
        title: JString,
        subtitle: JString,
        description: JString,
        negative_button: JString,
        allow_device_credential: jboolean,
    ) -> jint
);
const SIG_CANCEL: MethodSignature<'static, 'static> = jni_sig!((request_id: jlong) -> void);
const SIG_BYTES: MethodSignature<'static, 'static> = jni_sig!(() -> jbyte[]);
const SIG_BYTES_2D: MethodSignature<'static, 'static> = jni_sig!(() -> jbyte[][]);
const SIG_INT: MethodSignature<'static, 'static> = jni_sig!(() -> jint);

struct Methods {
    status: JStaticMethodID,
    create_key: JStaticMethodID,
    public_key: JStaticMethodID,
    key_exists: JStaticMethodID,
    delete_key: JStaticMethodID,
    authenticate: JStaticMethodID,
    cancel: JStaticMethodID,
    key_info_spki: JMethodID,
    key_info_chain: JMethodID,
    key_info_level: JMethodID,
    kve_reason: JMethodID,
}

/// The loaded bridge: the VM, cached classes (global refs) and method ids,
/// and the request registry. One per process.
pub struct Bridge {
    vm: JavaVM,
    bridge_class: Global<JClass<'static>>,
    kve_class: Global<JClass<'static>>,
    // Kept so the class (and the cached method ids) can never be unloaded.
    _key_info_class: Global<JClass<'static>>,
    methods: Methods,
    registry: Arc<Registry>,
}

impl std::fmt::Debug for Bridge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bridge")
            .field("registry", &self.registry)
            .finish()
    }
}

impl Bridge {
    /// Caches everything from `bridge_class` (which must be
    /// `dev.keybound.NativeBridge` from the app's class loader). The sibling
    /// classes come from the same loader.
    pub(super) fn new(env: &mut Env<'_>, bridge_class: &JClass<'_>) -> Result<Self, BridgeError> {
        let vm = env.get_java_vm()?;
        let loader = bridge_class.get_class_loader(env)?;
        let loader_ctx = jni::refs::LoaderContext::Loader(&loader);
        let key_info = loader_ctx.load_class(env, jni_str!("dev.keybound.KeyInfo"), true)?;
        let kve = loader_ctx.load_class(env, jni_str!("dev.keybound.KeyVaultException"), true)?;

        let methods = Methods {
            status: env.get_static_method_id(bridge_class, jni_str!("status"), SIG_STATUS)?,
            create_key: env.get_static_method_id(
                bridge_class,
                jni_str!("createKey"),
                SIG_CREATE_KEY,
            )?,
            public_key: env.get_static_method_id(
                bridge_class,
                jni_str!("publicKey"),
                SIG_PUBLIC_KEY,
            )?,
            key_exists: env.get_static_method_id(
                bridge_class,
                jni_str!("keyExists"),
                SIG_ALIAS_TO_BOOL,
            )?,
            delete_key: env.get_static_method_id(
                bridge_class,
                jni_str!("deleteKey"),
                SIG_ALIAS_TO_BOOL,
            )?,
            authenticate: env.get_static_method_id(
                bridge_class,
                jni_str!("authenticate"),
                SIG_AUTHENTICATE,
            )?,
            cancel: env.get_static_method_id(bridge_class, jni_str!("cancel"), SIG_CANCEL)?,
            key_info_spki: env.get_method_id(&key_info, jni_str!("publicKeySpki"), SIG_BYTES)?,
            key_info_chain: env.get_method_id(
                &key_info,
                jni_str!("attestationChain"),
                SIG_BYTES_2D,
            )?,
            key_info_level: env.get_method_id(&key_info, jni_str!("securityLevel"), SIG_INT)?,
            kve_reason: env.get_method_id(&kve, jni_str!("reason"), SIG_INT)?,
        };
        Ok(Self {
            vm,
            bridge_class: env.new_global_ref(bridge_class)?,
            kve_class: env.new_global_ref(&kve)?,
            _key_info_class: env.new_global_ref(&key_info)?,
            methods,
            registry: Arc::new(Registry::new()),
        })
    }

    /// The request registry.
    pub fn registry(&self) -> &Arc<Registry> {
        &self.registry
    }

    /// The bridge class (for `RegisterNatives`).
    pub(super) fn bridge_class(&self) -> &Global<JClass<'static>> {
        &self.bridge_class
    }

    /// The VM.
    pub fn vm(&self) -> &JavaVM {
        &self.vm
    }

    /// Runs `f` attached to the VM (attaching this thread permanently if it
    /// was not), inside a fresh local frame.
    fn with_env<T>(
        &self,
        f: impl FnOnce(&mut Env<'_>) -> Result<T, BridgeError>,
    ) -> Result<T, BridgeError> {
        self.vm.attach_current_thread(|env| f(env))
    }

    /// `NativeBridge.status()`.
    pub fn status(&self) -> Result<JavaStatus, BridgeError> {
        self.with_env(|env| {
            let value = self.call_static(env, self.methods.status, &SIG_STATUS, &[])?;
            let array = self.object(env, value)?;
            let array = env.cast_local::<JIntArray<'_>>(array)?;
            let len = array.len(env)?;
            // Checked before copying anything out of Java.
            if len != JavaStatus::LEN {
                return Err(JavaStatus::wrong_length(len));
            }
            let mut values = [0i32; JavaStatus::LEN];
            array.get_region(env, 0, &mut values)?;
            JavaStatus::from_layout(&values)
        })
    }

    /// `NativeBridge.createKey(...)`.
    pub fn create_key(
        &self,
        alias: &str,
        attestation_challenge: &[u8],
        allow_device_credential: bool,
        prefer_strongbox: bool,
    ) -> Result<JavaKeyInfo, BridgeError> {
        self.with_env(|env| {
            let alias = env.new_string(alias)?;
            let challenge = env.byte_array_from_slice(attestation_challenge)?;
            let args = [
                JValue::Object(&alias).as_jni(),
                JValue::Object(&challenge).as_jni(),
                JValue::Bool(allow_device_credential).as_jni(),
                JValue::Bool(prefer_strongbox).as_jni(),
            ];
            let value = self.call_static(env, self.methods.create_key, &SIG_CREATE_KEY, &args)?;
            let info = self.object(env, value)?;
            if info.is_null() {
                return Err(BridgeError::Protocol("createKey returned null".into()));
            }
            let spki = self.call_method(env, &info, self.methods.key_info_spki, &SIG_BYTES)?;
            let spki = self.object(env, spki)?;
            let public_key_spki = bytes(env, spki)?;

            let chain = self.call_method(env, &info, self.methods.key_info_chain, &SIG_BYTES_2D)?;
            let chain = self.object(env, chain)?;
            let chain = env.cast_local::<JObjectArray<'_, JByteArray<'_>>>(chain)?;
            let mut attestation_chain = Vec::new();
            if !chain.is_null() {
                let n = chain.len(env)?;
                for i in 0..n {
                    let cert = chain.get_element(env, i)?;
                    attestation_chain.push(env.convert_byte_array(&cert)?);
                    env.delete_local_ref(cert);
                }
            }
            let level = self.call_method(env, &info, self.methods.key_info_level, &SIG_INT)?;
            Ok(JavaKeyInfo {
                public_key_spki,
                attestation_chain,
                security_level: level.i()?,
            })
        })
    }

    /// `NativeBridge.publicKey(alias)`: SPKI DER.
    pub fn public_key(&self, alias: &str) -> Result<Vec<u8>, BridgeError> {
        self.with_env(|env| {
            let alias = env.new_string(alias)?;
            let args = [JValue::Object(&alias).as_jni()];
            let value = self.call_static(env, self.methods.public_key, &SIG_PUBLIC_KEY, &args)?;
            let array = self.object(env, value)?;
            bytes(env, array)
        })
    }

    /// `NativeBridge.keyExists(alias)`.
    pub fn key_exists(&self, alias: &str) -> Result<bool, BridgeError> {
        self.alias_to_bool(alias, self.methods.key_exists)
    }

    /// `NativeBridge.deleteKey(alias)`.
    pub fn delete_key(&self, alias: &str) -> Result<bool, BridgeError> {
        self.alias_to_bool(alias, self.methods.delete_key)
    }

    fn alias_to_bool(&self, alias: &str, method: JStaticMethodID) -> Result<bool, BridgeError> {
        self.with_env(|env| {
            let alias = env.new_string(alias)?;
            let args = [JValue::Object(&alias).as_jni()];
            let value = self.call_static(env, method, &SIG_ALIAS_TO_BOOL, &args)?;
            Ok(value.z()?)
        })
    }

    /// `NativeBridge.authenticate(...)`: `START_ACCEPTED` or `START_BUSY`.
    pub fn authenticate(
        &self,
        request_id: u64,
        prompt: &PromptArgs<'_>,
    ) -> Result<i32, BridgeError> {
        let request_id = jlong::try_from(request_id)
            .map_err(|_| BridgeError::Protocol("request id out of range".into()))?;
        self.with_env(|env| {
            let alias = env.new_string(prompt.alias)?;
            let payload = env.byte_array_from_slice(prompt.payload)?;
            let payload_dc: JObject<'_> = match prompt.payload_device_credential {
                Some(bytes) => env.byte_array_from_slice(bytes)?.into(),
                None => JObject::null(),
            };
            let title = env.new_string(prompt.title)?;
            let subtitle = optional_string(env, prompt.subtitle)?;
            let description = optional_string(env, prompt.description)?;
            let negative = env.new_string(prompt.negative_button)?;
            let args = [
                JValue::Long(request_id).as_jni(),
                JValue::Object(&alias).as_jni(),
                JValue::Object(&payload).as_jni(),
                JValue::Object(&payload_dc).as_jni(),
                JValue::Object(&title).as_jni(),
                JValue::Object(&subtitle).as_jni(),
                JValue::Object(&description).as_jni(),
                JValue::Object(&negative).as_jni(),
                JValue::Bool(prompt.allow_device_credential).as_jni(),
            ];
            let value = self.call_static(env, self.methods.authenticate, &SIG_AUTHENTICATE, &args);
            // Java copied the payloads; wipe these arrays before anything else.
            let wiped = wipe(env, &payload, prompt.payload.len()).and_then(|()| {
                match prompt.payload_device_credential {
                    Some(bytes) => {
                        let array = env.cast_local::<JByteArray<'_>>(payload_dc)?;
                        wipe(env, &array, bytes.len())
                    }
                    None => Ok(()),
                }
            });
            let code = value?.i()?;
            if let Err(e) = wiped {
                // Java has answered the start; losing that answer would
                // orphan a prompt nobody waits for. The arrays are local
                // refs the GC reclaims.
                tracing::warn!(error = %e, "could not wipe the payload copies passed to Java");
            }
            Ok(code)
        })
    }

    /// `NativeBridge.cancel(requestId)`.
    pub fn cancel(&self, request_id: u64) -> Result<(), BridgeError> {
        let Ok(request_id) = jlong::try_from(request_id) else {
            return Ok(()); // never issued by us
        };
        self.with_env(|env| {
            let args = [JValue::Long(request_id).as_jni()];
            self.call_static(env, self.methods.cancel, &SIG_CANCEL, &args)?;
            Ok(())
        })
    }

    /// Calls a cached static method of `NativeBridge`; a Java exception
    /// becomes a typed error and is cleared.
    fn call_static<'local>(
        &self,
        env: &mut Env<'local>,
        method: JStaticMethodID,
        sig: &MethodSignature<'_, '_>,
        args: &[jvalue],
    ) -> Result<jni::JValueOwned<'local>, BridgeError> {
        // SAFETY: `method` was looked up on `self.bridge_class` with exactly
        // `sig` (see `Bridge::new`), so the return type passed and the
        // argument count/types built by every caller from the same `SIG_*`
        // constant match the method; the class is held by a global ref.
        let result = unsafe {
            env.call_static_method_unchecked(&self.bridge_class, method, sig.ret(), args)
        };
        self.check(env, result)
    }

    /// Calls a cached instance method on `obj`; exceptions as above.
    fn call_method<'local>(
        &self,
        env: &mut Env<'local>,
        obj: &JObject<'_>,
        method: JMethodID,
        sig: &MethodSignature<'_, '_>,
    ) -> Result<jni::JValueOwned<'local>, BridgeError> {
        // SAFETY: `method` was looked up with `sig` on the class `obj` is an
        // instance of (`KeyInfo` or `KeyVaultException`, checked by the
        // callers through the declared return type / `is_instance_of`), and
        // takes no arguments, as `sig` says.
        let result = unsafe { env.call_method_unchecked(obj, method, sig.ret(), &[]) };
        self.check(env, result)
    }

    fn object<'local>(
        &self,
        _env: &mut Env<'local>,
        value: jni::JValueOwned<'local>,
    ) -> Result<JObject<'local>, BridgeError> {
        Ok(value.l()?)
    }

    /// Turns a pending Java exception into a typed error and clears it.
    fn check<T>(&self, env: &mut Env<'_>, result: Result<T, JniError>) -> Result<T, BridgeError> {
        match result {
            Ok(value) if !env.exception_check() => Ok(value),
            Ok(_) | Err(JniError::JavaException) => Err(self.take_exception(env)),
            Err(other) => {
                if env.exception_check() {
                    env.exception_clear();
                }
                Err(other.into())
            }
        }
    }

    fn take_exception(&self, env: &mut Env<'_>) -> BridgeError {
        let Some(throwable) = env.exception_occurred() else {
            return BridgeError::Jni("exception reported but none pending".into());
        };
        env.exception_clear();
        let described = env.with_local_frame(8, |env| -> Result<BridgeError, JniError> {
            self.describe(env, &throwable)
        });
        env.delete_local_ref(throwable);
        match described {
            Ok(error) => error,
            Err(e) => {
                if env.exception_check() {
                    env.exception_clear();
                }
                BridgeError::JavaException {
                    class: "<unknown>".into(),
                    message: format!("(could not describe the exception: {e})"),
                }
            }
        }
    }

    fn describe(
        &self,
        env: &mut Env<'_>,
        throwable: &JThrowable<'_>,
    ) -> Result<BridgeError, JniError> {
        let message = throwable.get_message(env)?;
        let message = if message.is_null() {
            String::new()
        } else {
            message.try_to_string(env)?
        };
        if env.is_instance_of(throwable, &self.kve_class)? {
            // SAFETY: `throwable` is an instance of `KeyVaultException` (just
            // checked), `kve_reason` is its `int reason()` with no arguments.
            let reason = unsafe {
                env.call_method_unchecked(throwable, self.methods.kve_reason, SIG_INT.ret(), &[])
            }?
            .i()?;
            return Ok(BridgeError::KeyVault { reason, message });
        }
        let class = env.get_object_class(throwable)?;
        let class = class.get_name(env)?.try_to_string(env)?;
        Ok(BridgeError::JavaException { class, message })
    }
}

fn bytes(env: &mut Env<'_>, array: JObject<'_>) -> Result<Vec<u8>, BridgeError> {
    if array.is_null() {
        return Err(BridgeError::Protocol("Java returned a null byte[]".into()));
    }
    let array = env.cast_local::<JByteArray<'_>>(array)?;
    Ok(env.convert_byte_array(&array)?)
}

fn wipe(env: &Env<'_>, array: &JByteArray<'_>, len: usize) -> Result<(), JniError> {
    array.set_region(env, 0, &vec![0i8; len])
}

fn optional_string<'local>(
    env: &mut Env<'local>,
    value: Option<&str>,
) -> Result<JObject<'local>, BridgeError> {
    Ok(match value {
        Some(s) => env.new_string(s)?.into(),
        None => JObject::null(),
    })
}
