//! Host-JVM harness for the JNI backend tests.
//!
//! - libjvm from `JAVA_HOME`, else from `java -XshowSettings:properties`;
//! - one JVM per process (a `OnceLock`), created (with `-Xcheck:jni` in tests, unchecked in the bench) on a
//!   dedicated thread that then parks forever (the creating thread stays
//!   attached as the JVM's "main" thread, whatever test threads come and go);
//! - the plain-Java sources of `android/src/main` (files without android.* /
//!   io.flutter.* imports), the host platform of `android/src/test/.../host`
//!   and the Rust tests' own Java (`tests/java`) compiled by javac into a
//!   content-addressed directory, and loaded through
//!   a `URLClassLoader` (not the class path), like an app class loader;
//! - the keybound bridge initialised from that loader's `NativeBridge`.
//!
//! Works under `cargo test` (threads share the JVM; tests take
//! [`exclusive`]) and `cargo nextest` (one process, hence one JVM, per test).
//! `make demo` includes it too (`examples/demo.rs`), to run the phone side
//! through the real JNI bridge.
#![allow(dead_code)] // each test binary uses part of the harness
#![allow(clippy::unwrap_used, clippy::expect_used)] // test harness: a failure here fails the test

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{mpsc, Arc, OnceLock};
use std::time::{Duration, Instant};

use jni::objects::{JByteArray, JClass, JClassLoader, JObject, JObjectArray, JString};
use jni::refs::{Global, LoaderContext};
use jni::vm::{InitArgsBuilder, JavaVM};
use jni::JNIVersion;
use jni::{jni_sig, jni_str, Env, JValue};
use keybound::testing::platform::Platform;
use parking_lot::{Mutex, MutexGuard};

/// The JVM and the classes the tests use.
pub struct Jvm {
    pub vm: JavaVM,
    pub host: Global<JClass<'static>>,
    pub bridge_class: Global<JClass<'static>>,
    pub classes_dir: PathBuf,
}

static JVM: OnceLock<Jvm> = OnceLock::new();
static EXCLUSIVE: Mutex<()> = Mutex::new(());

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `java.home` of the JDK to use.
pub fn java_home() -> PathBuf {
    if let Some(home) = std::env::var_os("JAVA_HOME").filter(|h| !h.is_empty()) {
        return PathBuf::from(home);
    }
    let out = Command::new("java")
        .args(["-XshowSettings:properties", "-version"])
        .output()
        .expect("JAVA_HOME unset and `java` not runnable: install a JDK");
    let text =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    let home = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("java.home = "))
        .expect("`java -XshowSettings:properties` printed no java.home");
    PathBuf::from(home.trim())
}

/// Path of libjvm under `java_home`.
pub fn libjvm_path(home: &Path) -> PathBuf {
    for candidate in [
        "lib/server/libjvm.so",
        "lib/server/libjvm.dylib",
        "jre/lib/amd64/server/libjvm.so",
    ] {
        let p = home.join(candidate);
        if p.exists() {
            return p;
        }
    }
    panic!("no libjvm under {}", home.display());
}

/// Plain-Java sources: the bridge and its interfaces (no android.* types), the
/// host platform and the test-only Java under `tests/java`.
pub fn java_sources() -> Vec<PathBuf> {
    let root = repo_root();
    let mut out = Vec::new();
    for dir in [
        "android/src/main/java/dev/keybound",
        "android/src/test/java/dev/keybound/host",
        // Test-only Java of the Rust tests (a vault that blocks on demand).
        "rust/keybound/tests/java/dev/keybound/hosttest",
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "java"))
            .filter(|p| {
                let text = std::fs::read_to_string(p).unwrap();
                !text.lines().any(|l| {
                    let l = l.trim_start();
                    l.starts_with("import android.")
                        || l.starts_with("import androidx.")
                        || l.starts_with("import io.flutter.")
                })
            })
            .collect();
        files.sort();
        out.extend(files);
    }
    out
}

/// Compiles the sources once per content (javac --release 11) and returns the
/// classes directory. Concurrent processes (nextest) each compile into a
/// private directory and rename it into place; the first rename wins.
pub fn compile_java(home: &Path) -> PathBuf {
    let sources = java_sources();
    let mut hasher = DefaultHasher::new();
    for s in &sources {
        s.file_name().hash(&mut hasher);
        std::fs::read(s).unwrap().hash(&mut hasher);
    }
    // Tests get cargo's scratch directory; the demo (an example, where cargo
    // sets none) uses the system temp directory.
    let base = option_env!("CARGO_TARGET_TMPDIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("keybound-demo"))
        .join("jvm-classes");
    let dir = base.join(format!("{:016x}", hasher.finish()));
    if dir.join("dev/keybound/NativeBridge.class").exists() {
        return dir;
    }
    std::fs::create_dir_all(&base).unwrap();
    let staging = base.join(format!(
        "staging-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&staging);
    let javac = home.join("bin/javac");
    let javac = if javac.exists() {
        javac
    } else {
        PathBuf::from("javac")
    };
    let status = Command::new(javac)
        .args([
            "--release",
            "11",
            "-Xlint:all",
            "-Werror",
            "-encoding",
            "UTF-8",
            "-d",
        ])
        .arg(&staging)
        .args(&sources)
        .status()
        .expect("javac not runnable");
    assert!(status.success(), "javac failed");
    if std::fs::rename(&staging, &dir).is_err() {
        // Another process won the race.
        let _ = std::fs::remove_dir_all(&staging);
        assert!(dir.join("dev/keybound/NativeBridge.class").exists());
    }
    dir
}

/// The process's JVM with the bridge initialised (created on first use).
pub fn jvm() -> &'static Jvm {
    JVM.get_or_init(|| {
        let home = java_home();
        let classes_dir = compile_java(&home);
        let libjvm = libjvm_path(&home);
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("jvm-main".into())
            .spawn(move || {
                let result = start(&libjvm, &classes_dir).map(|(vm, host, bridge_class)| Jvm {
                    vm,
                    host,
                    bridge_class,
                    classes_dir,
                });
                tx.send(result).unwrap();
                loop {
                    std::thread::park();
                }
            })
            .unwrap();
        rx.recv()
            .unwrap()
            .unwrap_or_else(|e| panic!("JVM start failed: {e}"))
    })
}

type Started = (JavaVM, Global<JClass<'static>>, Global<JClass<'static>>);

fn start(libjvm: &Path, classes: &Path) -> Result<Started, String> {
    let mut args = InitArgsBuilder::new().version(JNIVersion::V1_8);
    // Tests check every JNI call; the bridge bench (`cargo bench`, built
    // without cfg(test)) measures the bridge as a device runs it, unchecked.
    if cfg!(test) {
        args = args.option("-Xcheck:jni");
    }
    let args = args
        .option("-Xrs") // leave SIGQUIT/SIGINT to the test runner
        .build()
        .map_err(|e| e.to_string())?;
    let libjvm = libjvm.to_path_buf();
    let vm = JavaVM::with_libjvm(args, move || Ok(libjvm)).map_err(|e| e.to_string())?;
    let classes = classes.to_path_buf();
    let (host, bridge) = vm
        .attach_current_thread(|env| -> Result<_, keybound::testing::jni::BridgeError> {
            let loader = url_class_loader(env, &classes)?;
            let ctx = LoaderContext::Loader(&loader);
            let bridge = ctx.load_class(env, jni_str!("dev.keybound.NativeBridge"), true)?;
            let host = ctx.load_class(env, jni_str!("dev.keybound.host.HostPlatform"), true)?;
            keybound::testing::jni::init_with_bridge_class(env, &bridge)?;
            Ok((env.new_global_ref(&host)?, env.new_global_ref(&bridge)?))
        })
        .map_err(|e| e.to_string())?;
    Ok((vm, host, bridge))
}

/// `new URLClassLoader(new URL[]{dir.toURI().toURL()}, systemLoader)`.
fn url_class_loader<'local>(
    env: &mut Env<'local>,
    dir: &Path,
) -> jni::errors::Result<JClassLoader<'local>> {
    let path = env.new_string(dir.to_str().unwrap())?;
    let file = env.new_object(
        jni_str!("java/io/File"),
        jni_sig!((path: JString) -> void),
        &[JValue::Object(&path)],
    )?;
    let uri = env
        .call_method(&file, jni_str!("toURI"), jni_sig!(() -> java.net.URI), &[])?
        .l()?;
    let url = env
        .call_method(&uri, jni_str!("toURL"), jni_sig!(() -> java.net.URL), &[])?
        .l()?;
    let urls = env.new_object_array(1, jni_str!("java/net/URL"), &url)?;
    let parent = JClassLoader::get_system_class_loader(env)?;
    let loader = env.new_object(
        jni_str!("java/net/URLClassLoader"),
        jni_sig!((urls: java.net.URL[], parent: java.lang.ClassLoader) -> void),
        &[JValue::Object(&urls), JValue::Object(&parent)],
    )?;
    env.cast_local::<JClassLoader<'_>>(loader)
}

/// Runs `f` attached to the JVM.
pub fn with_env<T>(f: impl FnOnce(&mut Env<'_>) -> jni::errors::Result<T>) -> T {
    jvm()
        .vm
        .attach_current_thread(f)
        .unwrap_or_else(|e| panic!("JNI call failed: {e}"))
}

/// Calls a static method of `dev.keybound.host.HostPlatform`; `=> i` (or
/// `z`, `j`) converts the result, no conversion means `void`.
macro_rules! host {
    ($name:literal, ($($sig:tt)*) $(, [$($arg:expr),*])? $(=> $conv:ident)?) => {{
        let jvm = jvm();
        with_env(|env| {
            let args: &[jni::JValue<'_>] = &[$($($arg),*)?];
            let _v = env.call_static_method(&jvm.host, jni::jni_str!($name), jni::jni_sig!($($sig)*), args)?;
            host!(@conv _v $($conv)?)
        })
    }};
    (@conv $v:ident) => { Ok(()) };
    (@conv $v:ident $conv:ident) => { $v.$conv() };
}

/// Exclusive use of the (process-wide) host platform, freshly reset.
pub struct Exclusive {
    _guard: MutexGuard<'static, ()>,
    pub platform: Arc<dyn Platform>,
}

/// Takes the host platform for one test: serialises tests of this process
/// (the Java bridge allows one prompt at a time), resets the host platform.
pub fn exclusive() -> Exclusive {
    let guard = EXCLUSIVE.lock();
    jvm();
    reset();
    let platform = keybound::testing::platform::android::installed().expect("bridge initialised");
    Exclusive {
        _guard: guard,
        platform,
    }
}

pub fn reset() {
    host!("reset", (() -> void));
}

pub fn prompts_shown() -> i32 {
    host!("promptsShown", (() -> jint) => i)
}

pub fn cancels_received() -> i32 {
    host!("cancelsReceived", (() -> jint) => i)
}

pub fn pending_java_requests() -> i32 {
    host!("pendingRequests", (() -> jint) => i)
}

pub fn prompt_showing() -> bool {
    host!("promptShowing", (() -> jboolean) => z)
}

pub fn jni_global_refs() -> i32 {
    host!("jniGlobalRefs", (() -> jint) => i)
}

pub fn drain_main() {
    assert!(host!("drainMain", ((timeout: jlong) -> jboolean), [JValue::Long(10_000)] => z));
}

pub fn script_success(delay_ms: i64) {
    host!("scriptSuccess", ((delay: jlong, auth: jint) -> void), [JValue::Long(delay_ms), JValue::Int(2)]);
}

pub fn script_device_credential_success() {
    host!("scriptSuccess", ((delay: jlong, auth: jint) -> void), [JValue::Long(0), JValue::Int(1)]);
}

pub fn script_error(code: i32, delay_ms: i64) {
    host!("scriptError", ((code: jint, delay: jlong) -> void), [JValue::Int(code), JValue::Long(delay_ms)]);
}

pub fn script_failed_then_success(failures: i32) {
    host!("scriptFailedThenSuccess", ((n: jint) -> void), [JValue::Int(failures)]);
}

pub fn failed_reads() -> i32 {
    host!("failedReads", (() -> jint) => i)
}

pub fn script_hang() {
    host!("scriptHang", (() -> void));
}

pub fn release_hang() -> bool {
    host!("releaseHang", (() -> jboolean) => z)
}

pub fn script_wrong_signature() {
    host!("scriptWrongSignature", (() -> void));
}

pub fn script_throw() {
    host!("scriptThrow", (() -> void));
}

pub fn background() {
    host!("background", (() -> void));
}

pub fn set_device(api: i32, strong: i32, secure: bool, strongbox: bool) {
    host!(
        "setDevice",
        ((api: jint, strong: jint, secure: jboolean, sb: jboolean) -> void),
        [JValue::Int(api), JValue::Int(strong), JValue::Bool(secure), JValue::Bool(strongbox)]
    );
}

pub fn fail_next_device_call(message: &str) {
    let jvm = jvm();
    with_env(|env| {
        let msg = env.new_string(message)?;
        env.call_static_method(
            &jvm.host,
            jni_str!("failNextDeviceCall"),
            jni_sig!((m: JString) -> void),
            &[JValue::Object(&msg)],
        )?;
        Ok(())
    });
}

pub fn invalidate(alias: &str) {
    let jvm = jvm();
    with_env(|env| {
        let a = env.new_string(alias)?;
        env.call_static_method(
            &jvm.host,
            jni_str!("invalidate"),
            jni_sig!((a: JString) -> void),
            &[JValue::Object(&a)],
        )?;
        Ok(())
    });
}

pub fn break_strongbox(broken: bool) {
    host!("breakStrongBox", ((b: jboolean) -> void), [JValue::Bool(broken)]);
}

pub fn last_prompt_title() -> Option<String> {
    let jvm = jvm();
    with_env(|env| {
        let v = env
            .call_static_method(
                &jvm.host,
                jni_str!("lastPromptTitle"),
                jni_sig!(() -> JString),
                &[],
            )?
            .l()?;
        if v.is_null() {
            return Ok(None);
        }
        let s = env.cast_local::<JString<'_>>(v)?;
        Ok(Some(s.try_to_string(env)?))
    })
}

pub fn root_certificate() -> Vec<u8> {
    let jvm = jvm();
    with_env(|env| {
        let v = env
            .call_static_method(
                &jvm.host,
                jni_str!("rootCertificate"),
                jni_sig!(() -> jbyte[]),
                &[],
            )?
            .l()?;
        let bytes = env.cast_local::<JByteArray<'_>>(v)?;
        env.convert_byte_array(&bytes)
    })
}

/// `dev.keybound.hosttest.GatedVault`, from the app-like class loader.
fn gated_class() -> &'static Global<JClass<'static>> {
    static CLASS: OnceLock<Global<JClass<'static>>> = OnceLock::new();
    CLASS.get_or_init(|| {
        let jvm = jvm();
        with_env(|env| {
            let loader = jvm.host.get_class_loader(env)?;
            let class = LoaderContext::Loader(&loader).load_class(
                env,
                jni_str!("dev.keybound.hosttest.GatedVault"),
                true,
            )?;
            env.new_global_ref(&class)
        })
    })
}

/// Calls a static method of `GatedVault` (same conversions as `host!`).
macro_rules! gated {
    ($name:literal, ($($sig:tt)*) $(, [$($arg:expr),*])? $(=> $conv:ident)?) => {{
        let class = gated_class();
        with_env(|env| {
            let args: &[jni::JValue<'_>] = &[$($($arg),*)?];
            let _v = env.call_static_method(class, jni::jni_str!($name), jni::jni_sig!($($sig)*), args)?;
            host!(@conv _v $($conv)?)
        })
    }};
}

/// Installs a fresh host platform whose vault blocks in the `KeyVault`
/// method `method` ("" for none) until [`gated_release`].
pub fn gated_install(method: &str) {
    let class = gated_class();
    with_env(|env| {
        let m = env.new_string(method)?;
        env.call_static_method(
            class,
            jni_str!("install"),
            jni_sig!((m: JString) -> void),
            &[JValue::Object(&m)],
        )?;
        Ok(())
    });
}

/// From now on, calls of `method` block until [`gated_release`].
pub fn gated_arm(method: &str) {
    let class = gated_class();
    with_env(|env| {
        let m = env.new_string(method)?;
        env.call_static_method(
            class,
            jni_str!("arm"),
            jni_sig!((m: JString) -> void),
            &[JValue::Object(&m)],
        )?;
        Ok(())
    });
}

/// Lets the blocked (and later) gated calls through.
pub fn gated_release() {
    gated!("release", (() -> void));
}

/// Gated calls started so far.
pub fn gated_entered() -> i32 {
    gated!("entered", (() -> jint) => i)
}

/// A gated call is blocked in the vault right now.
pub fn gated_inside() -> bool {
    gated!("inside", (() -> jboolean) => z)
}

/// A gated call gave up waiting for the release (the caller was stalled).
pub fn gated_gave_up() -> bool {
    gated!("gaveUp", (() -> jboolean) => z)
}

/// The gated platform's next prompt succeeds after `delay_ms` unless cancelled.
pub fn gated_script_slow_success(delay_ms: i64) {
    gated!("scriptSlowSuccess", ((delay: jlong) -> void), [JValue::Long(delay_ms)]);
}

/// Cancels the gated platform's prompter received.
pub fn gated_cancels_received() -> i32 {
    gated!("cancelsReceived", (() -> jint) => i)
}

/// Polls `cond` until true or `timeout`.
pub fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    cond()
}

/// A sign request for `alias` with `payload`.
pub fn sign_request(alias: &str, payload: &[u8]) -> keybound::testing::platform::SignRequest {
    keybound::testing::platform::SignRequest {
        alias: alias.into(),
        payload: zeroize::Zeroizing::new(payload.to_vec()),
        payload_device_credential: None,
        prompt: keybound::testing::platform::PromptText {
            title: "Confirm".into(),
            subtitle: Some("sub".into()),
            description: None,
            negative_button: "Cancel".into(),
        },
        allow_device_credential: false,
    }
}

/// A key-creation request.
pub fn create_request(
    alias: &str,
    challenge: &[u8],
) -> keybound::testing::platform::CreateKeyRequest {
    keybound::testing::platform::CreateKeyRequest {
        alias: alias.into(),
        attestation_challenge: challenge.to_vec(),
        allow_device_credential: false,
        prefer_strongbox: true,
    }
}

/// Times one full round trip (prompt request → Java → callback → Rust) with
/// an immediate scripted success: for the benchmarks, never asserted here.
pub async fn time_round_trip(
    platform: &dyn Platform,
    alias: &str,
) -> Result<Duration, keybound::testing::platform::PlatformError> {
    let start = Instant::now();
    platform
        .sign_with_prompt(sign_request(alias, b"timing"))
        .await?;
    Ok(start.elapsed())
}

/// Silences "unused" for items only some binaries use.
pub fn _unused(_: JObjectArray<'_>, _: JObject<'_>) {}
