package dev.keybound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keybound.host.HostDeviceInfo;
import dev.keybound.host.HostKeyVault;
import dev.keybound.host.HostPrompter;
import java.security.Signature;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scripted prompter: each step ends exactly once, on the main thread. */
class HostPrompterTest {
    private final ScheduledExecutorService main = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "main"));
    private final HostKeyVault vault = new HostKeyVault(new HostDeviceInfo());
    private final HostPrompter prompter = new HostPrompter(main);
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        main.shutdownNow();
    }

    private void show() throws Exception {
        vault.create("k", new byte[] {1}, false, false);
        Signature s = vault.signatureFor("k");
        main.execute(() -> prompter.authenticate(s, new PromptText("t", null, null, "c"), false, new Prompter.Callback() {
            @Override
            public void onSucceeded(Signature authorised, int authType) {
                events.add("success:" + authType + ":" + Thread.currentThread().getName());
                ended.countDown();
            }

            @Override
            public void onError(int code, CharSequence message) {
                events.add("error:" + code + ":" + Thread.currentThread().getName());
                ended.countDown();
            }

            @Override
            public void onFailed() {
                events.add("failed");
            }

            @Override
            public void onHelp(int code, CharSequence message) {
                events.add("help");
            }
        }));
    }

    @Test
    void aScriptedErrorEndsThePromptOnTheMainThread() throws Exception {
        prompter.script(HostPrompter.Step.error(7, 10));
        show();
        assertTrue(ended.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("error:7:main"), events);
    }

    @Test
    void failedReadsKeepThePromptUpUntilSuccess() throws Exception {
        prompter.script(HostPrompter.Step.failedThenSuccess(2));
        show();
        assertTrue(ended.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("failed", "failed", "success:2:main"), events);
        assertEquals(2, prompter.failedReads());
    }

    @Test
    void cancelEndsAShowingPromptOnce() throws Exception {
        prompter.script(HostPrompter.Step.success(10_000, Prompter.AUTH_TYPE_BIOMETRIC));
        show();
        main.execute(prompter::cancel);
        main.execute(prompter::cancel);
        assertTrue(ended.await(5, TimeUnit.SECONDS));
        Thread.sleep(50);
        assertEquals(List.of("error:5:main"), events);
        assertEquals(2, prompter.cancelsReceived());
    }

    @Test
    void aHungPromptIgnoresCancelAndAnswersLateWhenReleased() throws Exception {
        prompter.script(HostPrompter.Step.hang());
        show();
        main.execute(prompter::cancel);
        assertFalse(ended.await(200, TimeUnit.MILLISECONDS), "a hung prompt does not end");
        assertTrue(prompter.releaseHang());
        assertTrue(ended.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("success:2:main"), events);
        assertFalse(prompter.releaseHang(), "only once");
    }
}
