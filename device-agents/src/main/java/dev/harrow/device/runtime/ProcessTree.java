package dev.harrow.device.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Ends a process that this program started, and its descendants, by PID. */
public final class ProcessTree {
    private ProcessTree() {
    }

    /**
     * Asks the process to stop (SIGTERM), waits up to {@code grace}, then kills what is left of it and of the
     * descendants it had when asked, so that a driver or browser it spawned does not outlive it.
     */
    public static void terminate(ProcessHandle root, Duration grace) {
        List<ProcessHandle> descendants = new ArrayList<>(root.descendants().toList());
        root.destroy();
        await(root, grace);
        if (root.isAlive()) {
            root.destroyForcibly();
            await(root, Duration.ofSeconds(5));
        }
        for (ProcessHandle child : descendants) {
            if (child.isAlive()) {
                child.destroy();
            }
        }
        for (ProcessHandle child : descendants) {
            await(child, Duration.ofSeconds(3));
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }

    /**
     * Ends every process this program started and theirs, all at once, each as {@link #terminate} does: what a
     * program stopped by a signal owes the host, so that no browser, driver or server outlives it.
     */
    public static void terminateChildren(Duration grace) {
        List<CompletableFuture<Void>> ends = ProcessHandle.current().children()
                .map(child -> CompletableFuture.runAsync(() -> terminate(child, grace))).toList();
        ends.forEach(CompletableFuture::join);
    }

    private static void await(ProcessHandle handle, Duration timeout) {
        CompletableFuture<ProcessHandle> exit = handle.onExit();
        try {
            exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // still alive: the caller escalates
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
