package dev.harrow.farm.schedule;

import dev.harrow.device.agent.AgentState;
import dev.harrow.reports.summary.Attempt;
import dev.harrow.reports.summary.Outcome;
import dev.harrow.reports.summary.ScenarioRun;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What a person or a CI log sees while the farm runs: a line per finished try, and a status line (done/total,
 * what each device does, the expected time left). On a terminal the status line stays at the bottom and is redrawn
 * every second; in a log it is printed as a plain line every so often, since a log cannot redraw.
 */
public final class RunProgress implements AutoCloseable {
    /** How the status line is shown. */
    public enum Style {
        /** Redrawn in place: a terminal. */
        TERMINAL,
        /** A plain line now and then: CI logs, files, pipes. */
        PLAIN;

        /** A terminal when there is a console and no CI variable says otherwise. */
        public static Style detect() {
            return System.console() != null && System.getenv("CI") == null ? TERMINAL : PLAIN;
        }
    }

    private static final String CLEAR_LINE = "\r\u001b[2K";

    private final PrintStream out;
    private final Style style;
    private final Duration plainEvery;
    private final long startNanos = System.nanoTime();
    private final Map<String, String> deviceStates = new LinkedHashMap<>();
    private volatile WorkQueue queue;
    private ScheduledExecutorService ticker;
    private boolean statusShown;
    private long observedMillis;
    private long expectedMillis;

    public RunProgress(PrintStream out, Style style, Duration plainEvery) {
        this.out = out;
        this.style = style;
        this.plainEvery = plainEvery;
    }

    public RunProgress(PrintStream out, Style style) {
        this(out, style, Duration.ofSeconds(30));
    }

    /** Starts showing the status of the run's queue. */
    public synchronized void watch(WorkQueue queue, List<String> devices) {
        this.queue = queue;
        devices.forEach(d -> deviceStates.put(d, "waiting"));
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "farm-progress");
            t.setDaemon(true);
            return t;
        });
        long period = style == Style.TERMINAL ? 1000 : plainEvery.toMillis();
        ticker.scheduleAtFixedRate(this::status, period, period, TimeUnit.MILLISECONDS);
    }

    public void note(String message) {
        line("[farm] " + message);
    }

    public void deviceState(String device, AgentState state) {
        synchronized (this) {
            deviceStates.put(device, switch (state) {
                case PROVISIONING -> "starting";
                case READY -> "idle";
                case LEASED -> "running";
                case RESETTING -> "resetting";
                case QUARANTINED -> "QUARANTINED";
                case RETIRED -> deviceStates.getOrDefault(device, "").equals("QUARANTINED") ? "QUARANTINED" : "done";
            });
        }
        // Outside the lock: the status line takes the console's, and lines take the console's before this one's.
        if (style == Style.TERMINAL) {
            status();
        }
    }

    /** A try ended, and what the queue made of it. */
    public void tried(String device, WorkQueue.Assignment work, Attempt attempt, WorkQueue.Decision decision) {
        synchronized (this) {
            if (attempt.outcome() == Outcome.PASSED) {
                observedMillis += attempt.durationMillis();
                expectedMillis += work.expected().toMillis();
            }
        }
        String what = switch (decision) {
            case RETRY -> attempt.outcome().wire().toUpperCase(Locale.ROOT) + ", retrying";
            case REQUEUED -> "LOST, requeued";
            case DONE -> attempt.infrastructure() ? "LOST" : verdictWord(work, attempt);
        };
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, " %-16s %-18s %s (%.1f s)", what, device,
                work.slot().label(), attempt.durationMillis() / 1000.0));
        if (attempt.outcome() != Outcome.PASSED && attempt.message() != null) {
            text.append(System.lineSeparator()).append("          ")
                    .append(attempt.message().lines().findFirst().orElse(""));
        }
        countedLine(text.toString());
    }

    /** Slots that ended unrun because the devices that could run them left the run. */
    public void stranded(String device, String reason, List<ScenarioRun> runs) {
        countedLine(" " + device + " is out of the run: " + reason);
        if (!runs.isEmpty()) {
            List<String> names = new ArrayList<>();
            runs.forEach(r -> names.add(r.displayName() + " [" + r.slot() + "]"));
            line("[farm] STOPPED " + runs.size() + " scenario(s) no remaining device can run: "
                    + String.join(", ", names));
        }
    }

    private static String verdictWord(WorkQueue.Assignment work, Attempt attempt) {
        if (attempt.outcome() == Outcome.PASSED && work.afterFailure()) {
            return "FLAKY";
        }
        return attempt.outcome().wire().toUpperCase(Locale.ROOT);
    }

    /** {@code [farm 12/40 · 1:05 · ETA 2:10]}. */
    private String prefix() {
        WorkQueue q = queue;
        if (q == null) {
            return "[farm]";
        }
        WorkQueue.Snapshot s = q.snapshot();
        return String.format(Locale.ROOT, "[farm %d/%d · %s%s]", s.done(), s.total(), clock(elapsedMillis()),
                eta(s).map(e -> " · ETA " + clock(e)).orElse(""));
    }

    /**
     * The expected work left, spread over the devices still in the run, corrected by how the passes so far
     * compared with what was expected of them.
     */
    private java.util.Optional<Long> eta(WorkQueue.Snapshot s) {
        if (s.devices() == 0 || s.done() == s.total()) {
            return java.util.Optional.empty();
        }
        double pace;
        synchronized (this) {
            pace = expectedMillis == 0 ? 1.0 : (double) observedMillis / expectedMillis;
        }
        return java.util.Optional.of(Math.round(s.remainingMillis() * pace / s.devices()));
    }

    private void status() {
        WorkQueue q = queue;
        if (q == null) {
            return;
        }
        WorkQueue.Snapshot s = q.snapshot();
        StringBuilder text = new StringBuilder(prefix());
        synchronized (this) {
            deviceStates.forEach((device, state) -> {
                WorkQueue.Snapshot.Busy busy = s.busy().get(device);
                text.append(' ').append(device).append(": ");
                text.append(busy != null ? busy.label() + " " + busy.elapsedMillis() / 1000 + "s" : state);
                text.append(" |");
            });
        }
        if (text.charAt(text.length() - 1) == '|') {
            text.setLength(text.length() - 2);
        }
        synchronized (out) {
            if (style == Style.TERMINAL) {
                int width = terminalWidth();
                String shown = text.length() > width - 1 ? text.substring(0, width - 2) + "…" : text.toString();
                out.print(CLEAR_LINE + shown);
                out.flush();
                statusShown = true;
            } else {
                out.println(text);
            }
        }
    }

    /** A line after the run's count, taken as it is printed, so that counts in the log only go up. */
    private void countedLine(String text) {
        synchronized (out) {
            line(prefix() + text);
        }
    }

    private void line(String text) {
        synchronized (out) {
            if (statusShown) {
                out.print(CLEAR_LINE);
                statusShown = false;
            }
            out.println(text);
        }
    }

    private long elapsedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static String clock(long millis) {
        long seconds = millis / 1000;
        return seconds >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60,
                seconds % 60) : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }

    private static int terminalWidth() {
        try {
            return Math.max(40, Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "120")));
        } catch (NumberFormatException e) {
            return 120;
        }
    }

    @Override
    public void close() {
        ScheduledExecutorService t;
        synchronized (this) {
            t = ticker;
            ticker = null;
        }
        if (t != null) {
            t.shutdownNow();
        }
        synchronized (out) {
            if (statusShown) {
                out.print(CLEAR_LINE);
                statusShown = false;
            }
            out.flush();
        }
    }
}
