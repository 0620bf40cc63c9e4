package dev.keybound.hosttest;

import dev.keybound.KeyVault;
import dev.keybound.NativeBridge;
import dev.keybound.host.HostDeviceInfo;
import dev.keybound.host.HostKeyVault;
import dev.keybound.host.HostPrompter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A host platform whose {@link KeyVault} blocks in one chosen method, the way
 * a Keystore call blocks on a device (StrongBox: hundreds of ms), until the
 * test releases it. The Rust tests use it to prove that such a call does not
 * hold one of the async runtime's worker threads.
 *
 * <p>The vault is a {@link Proxy} over a {@link HostKeyVault}, so it follows
 * the {@code KeyVault} interface whatever methods it has. The gate gives up
 * after {@link #GIVE_UP_MS} (and says so in {@link #gaveUp()}), so a runtime
 * that the blocking call does stall fails its test instead of hanging.
 */
public final class GatedVault {
    /** The longest a gated call waits for {@link #release()}. */
    public static final long GIVE_UP_MS = 10_000;

    private static ScheduledExecutorService main;
    private static NativeBridge.Installation installation;
    private static HostKeyVault inner;
    private static HostPrompter prompter;
    private static volatile String gated = "";
    private static volatile CountDownLatch gate = new CountDownLatch(0);
    private static volatile int entered;
    private static volatile boolean inside;
    private static volatile boolean gaveUp;

    private GatedVault() {}

    /**
     * Installs a fresh host platform in {@link NativeBridge} whose vault
     * blocks in {@code method} (a {@code KeyVault} method name; "" for none).
     */
    public static synchronized void install(String method) {
        ScheduledExecutorService previous = main;
        main = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gated-main");
            t.setDaemon(true);
            return t;
        });
        HostDeviceInfo device = new HostDeviceInfo();
        inner = new HostKeyVault(device);
        KeyVault vault = (KeyVault) Proxy.newProxyInstance(
                KeyVault.class.getClassLoader(), new Class<?>[] {KeyVault.class}, GatedVault::invoke);
        gated = "";
        gate = new CountDownLatch(0);
        entered = 0;
        inside = false;
        gaveUp = false;
        prompter = new HostPrompter(main);
        if (installation != null) {
            installation.uninstall();
        }
        installation = NativeBridge.install(device, vault, prompter, main::execute);
        if (previous != null) {
            previous.shutdown();
        }
        arm(method);
    }

    /** From now on, calls of {@code method} block until {@link #release()}. */
    public static synchronized void arm(String method) {
        gate = new CountDownLatch(1);
        gated = method;
    }

    /** Lets every blocked and later gated call through. */
    public static void release() {
        gate.countDown();
    }

    /**
     * The next prompt succeeds only after {@code delayMs}; a cancel ends it
     * at once (unlike a hung prompt, which ignores cancels).
     */
    public static synchronized void scriptSlowSuccess(long delayMs) {
        prompter.script(HostPrompter.Step.success(delayMs, dev.keybound.Prompter.AUTH_TYPE_BIOMETRIC));
    }

    /** Cancels the prompter received. */
    public static synchronized int cancelsReceived() {
        return prompter.cancelsReceived();
    }

    /** Gated calls that have started. */
    public static int entered() {
        return entered;
    }

    /** A gated call is blocked in the vault right now. */
    public static boolean inside() {
        return inside;
    }

    /** A gated call stopped waiting for {@link #release()} after {@link #GIVE_UP_MS}. */
    public static boolean gaveUp() {
        return gaveUp;
    }

    private static Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return method.invoke(inner, args);
        }
        if (method.getName().equals(gated)) {
            CountDownLatch latch = gate;
            inside = true;
            synchronized (GatedVault.class) {
                entered++;
            }
            try {
                if (!latch.await(GIVE_UP_MS, TimeUnit.MILLISECONDS)) {
                    gaveUp = true;
                }
            } finally {
                inside = false;
            }
        }
        try {
            return method.invoke(inner, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
