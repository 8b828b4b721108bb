package dev.harrow.farm;

import dev.harrow.reports.summary.Outcome;
import dev.harrow.reports.summary.ScenarioRun;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** One line per finished run, with how far the farm has got: a person watching sees it move. */
final class Progress {
    private final PrintStream out;
    private final int total;
    private final AtomicInteger done = new AtomicInteger();
    private final long startNanos = System.nanoTime();

    Progress(PrintStream out, int total) {
        this.out = out;
        this.total = total;
    }

    void note(String message) {
        synchronized (out) {
            out.println("[farm] " + message);
        }
    }

    void finished(String device, ScenarioRun run) {
        int n = done.incrementAndGet();
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        String line = String.format(Locale.ROOT, "[farm %d/%d, %.0f s] %-8s %-20s %s (%.1f s)", n, total, elapsed,
                run.outcome().wire().toUpperCase(Locale.ROOT), device, run.displayName(), run.durationMillis() / 1000.0);
        if (run.outcome() != Outcome.PASSED && run.message() != null) {
            line += System.lineSeparator() + "          " + run.message().lines().findFirst().orElse("");
        }
        synchronized (out) {
            out.println(line);
        }
    }
}
