package dev.harrow.farm.schedule;

import dev.harrow.device.provider.DeviceActivity;
import dev.harrow.reports.summary.Outcome;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a try on a thread of its own and ends it when it takes longer than the timeout, or leaves its device silent
 * longer than the idle limit. Ending means: say why (the report shows it), end the device's session (a scenario
 * blocked on the device gets an error at once), interrupt the thread, and give it a grace period; a thread that
 * still does not stop is abandoned, and the run goes on without it.
 */
final class Watchdog {
    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);
    static final Duration POLL = Duration.ofMillis(100);

    private final ScenarioLimits limits;

    Watchdog(ScenarioLimits limits) {
        this.limits = limits;
    }

    /**
     * How a try ended.
     *
     * @param interruption why the watchdog ended it, or null when it ended by itself
     */
    record Ended(AttemptResult result, String interruption) {
        boolean interrupted() {
            return interruption != null;
        }
    }

    Ended run(String name, ClassLoader loader, Callable<AttemptResult> body, DeviceActivity activity,
              AtomicReference<String> interruption, Consumer<String> endSession) throws InterruptedException {
        long start = System.nanoTime();
        FutureTask<AttemptResult> task = new FutureTask<>(body);
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.setContextClassLoader(loader);
        activity.touch();
        thread.start();
        while (true) {
            try {
                return new Ended(task.get(POLL.toMillis(), TimeUnit.MILLISECONDS), null);
            } catch (ExecutionException e) {
                return new Ended(new AttemptResult(Outcome.BROKEN, millisSince(start), "the scenario could not be run: "
                        + e.getCause()), null);
            } catch (TimeoutException e) {
                String reason = overstepped(start, activity);
                if (reason != null) {
                    return end(name, thread, task, start, reason, interruption, endSession);
                }
            }
        }
    }

    private String overstepped(long start, DeviceActivity activity) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (elapsed.compareTo(limits.timeout()) >= 0) {
            return "ended by the farm: still running after " + human(limits.timeout()) + " (scenario timeout)";
        }
        Duration idle = activity.idle();
        if (idle.compareTo(limits.idle()) >= 0) {
            return "ended by the farm: the device was silent for " + human(idle) + " (idle limit "
                    + human(limits.idle()) + "); the scenario or the device hung";
        }
        return null;
    }

    private Ended end(String name, Thread thread, FutureTask<AttemptResult> task, long start, String reason,
                      AtomicReference<String> interruption, Consumer<String> endSession) throws InterruptedException {
        interruption.set(reason);
        try {
            endSession.accept(reason);
        } catch (RuntimeException e) {
            log.warn("{}: ending the session failed: {}", name, e.getMessage());
        }
        thread.interrupt();
        try {
            AttemptResult late = task.get(limits.grace().toMillis(), TimeUnit.MILLISECONDS);
            // Finished in the instant between the check and the end: its own verdict stands.
            if (late.outcome() == Outcome.PASSED) {
                return new Ended(late, null);
            }
        } catch (ExecutionException e) {
            log.debug("{}: the ended try threw {}", name, e.getCause().toString());
        } catch (TimeoutException e) {
            log.warn("{}: the scenario's thread did not stop within {}; it is abandoned", name,
                    human(limits.grace()));
        }
        return new Ended(new AttemptResult(Outcome.BROKEN, millisSince(start), reason), reason);
    }

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    static String human(Duration d) {
        long seconds = d.toSeconds();
        if (seconds < 1) {
            return d.toMillis() + " ms";
        }
        if (seconds < 120) {
            return seconds + " s";
        }
        return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
    }
}
