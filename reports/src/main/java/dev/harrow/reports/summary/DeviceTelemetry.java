package dev.harrow.reports.summary;

import java.util.Objects;

/**
 * The telemetry verdict of one device over a run, as its app's SDK counted it at the end of every try (the app is
 * installed afresh for each): events made, acknowledged as stored, acknowledged as already held (a retry the
 * collector absorbed), refused one by one, dropped (queue bound, age, a batch refused as a whole), and still waiting
 * when the try ended. Lost is refused plus dropped; waiting is not lost yet, but was not delivered while watched.
 * Stored and duplicates are the collector's answers as the app saw them: a batch sent again while MongoDB was down
 * is acknowledged into the Redis spill again, so the two may add up to more than was emitted.
 */
public record DeviceTelemetry(String device, long tries, long emitted, long stored, long duplicates, long refused,
                              long dropped, long waiting) {
    public DeviceTelemetry {
        Objects.requireNonNull(device, "device");
    }

    public long lost() {
        return refused + dropped;
    }

    /** Adds one try's counters. */
    public DeviceTelemetry plus(long emitted, long stored, long duplicates, long refused, long dropped,
                                long waiting) {
        return new DeviceTelemetry(device, tries + 1, this.emitted + emitted, this.stored + stored,
                this.duplicates + duplicates, this.refused + refused, this.dropped + dropped, this.waiting + waiting);
    }
}
