package dev.keybound.host;

import dev.keybound.NativeBridge;
import dev.keybound.Prompter;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;

/**
 * The host platform as one static facade, so Rust tests drive it with simple
 * JNI calls: {@link #reset()} installs a fresh device, vault and scripted
 * prompter into {@link NativeBridge}, on a fresh single-thread "main"
 * executor; the other methods script and inspect it.
 */
public final class HostPlatform {
    private static HostDeviceInfo device;
    private static HostKeyVault vault;
    private static HostPrompter prompter;
    private static ScheduledExecutorService main;
    private static NativeBridge.Installation installation;

    private HostPlatform() {}

    /** A fresh platform, installed in NativeBridge. */
    public static synchronized void reset() {
        ScheduledExecutorService previous = main;
        main = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "host-main");
            t.setDaemon(true);
            return t;
        });
        device = new HostDeviceInfo();
        vault = new HostKeyVault(device);
        prompter = new HostPrompter(main);
        if (installation != null) {
            installation.uninstall();
        }
        installation = NativeBridge.install(device, vault, prompter, main::execute);
        if (previous != null) {
            previous.shutdown();
        }
    }

    public static synchronized HostDeviceInfo device() {
        return device;
    }

    public static synchronized HostKeyVault vault() {
        return vault;
    }

    public static synchronized HostPrompter prompter() {
        return prompter;
    }

    // Scripting, with JNI-friendly signatures.

    public static void scriptSuccess(long delayMs, int authType) {
        prompter().script(HostPrompter.Step.success(delayMs, authType));
    }

    public static void scriptError(int code, long delayMs) {
        prompter().script(HostPrompter.Step.error(code, delayMs));
    }

    public static void scriptFailedThenSuccess(int failures) {
        prompter().script(HostPrompter.Step.failedThenSuccess(failures));
    }

    public static void scriptHang() {
        prompter().script(HostPrompter.Step.hang());
    }

    public static boolean releaseHang() {
        return prompter().releaseHang();
    }

    public static void scriptWrongSignature() {
        prompter().script(HostPrompter.Step.wrongSignature());
    }

    public static void scriptThrow() {
        prompter().script(HostPrompter.Step.throwing());
    }

    public static void setDevice(int apiLevel, int strongStatus, boolean secure, boolean strongBox) {
        device().set(apiLevel, strongStatus, secure, strongBox);
    }

    public static void failNextDeviceCall(String message) {
        device().failNextCall(message);
    }

    public static void invalidate(String alias) {
        vault().invalidate(alias);
    }

    public static void breakStrongBox(boolean broken) {
        vault().breakStrongBox(broken);
    }

    public static byte[] rootCertificate() {
        return vault().certs().rootCertificate();
    }

    public static void background() {
        NativeBridge.Installation current;
        synchronized (HostPlatform.class) {
            current = installation;
        }
        current.onBackgrounded();
    }

    public static int promptsShown() {
        return prompter().promptsShown();
    }

    public static int cancelsReceived() {
        return prompter().cancelsReceived();
    }

    public static int failedReads() {
        return prompter().failedReads();
    }

    public static String lastPromptTitle() {
        return prompter().lastTitle();
    }

    public static int pendingRequests() {
        return NativeBridge.pendingRequests();
    }

    public static boolean promptShowing() {
        return NativeBridge.isPromptShowing();
    }

    /** Waits until everything queued on the main thread so far has run. */
    public static boolean drainMain(long timeoutMs) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        ScheduledExecutorService m;
        synchronized (HostPlatform.class) {
            m = main;
        }
        m.execute(done::countDown);
        return done.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Biometric auth type constant, for Rust tests. */
    public static int authTypeBiometric() {
        return Prompter.AUTH_TYPE_BIOMETRIC;
    }

    /**
     * JNI global references alive in this JVM, from HotSpot's thread dump
     * ("JNI global refs: N"); -1 when the VM does not say.
     */
    public static int jniGlobalRefs() throws Exception {
        Object dump = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "threadPrint",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        String s = String.valueOf(dump);
        String marker = "JNI global refs: ";
        int i = s.indexOf(marker);
        if (i < 0) {
            return -1;
        }
        int start = i + marker.length();
        int end = start;
        while (end < s.length() && Character.isDigit(s.charAt(end))) {
            end++;
        }
        return Integer.parseInt(s.substring(start, end));
    }
}
