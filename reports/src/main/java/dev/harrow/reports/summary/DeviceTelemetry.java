package dev.harrow.reports.summary;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The telemetry verdict of one device over a run, as its app's SDK counted it at the end of every try (the app is
 * installed afresh for each): events made, acknowledged as stored, acknowledged as already held (a retry the
 * collector absorbed), refused one by one, dropped (queue bound, age, a batch refused as a whole), and still waiting
 * when the try ended. Lost is refused plus dropped; waiting is not lost yet, but was not delivered while watched.
 * Stored and duplicates are the collector's answers as the app saw them: a batch sent again while MongoDB was down
 * is acknowledged into the Redis spill again, so the two may add up to more than was emitted.
 * {@link #pushes()} is what the farm's backend recorded of the pushes it sent the device meanwhile.
 */
public record DeviceTelemetry(String device, long tries, long emitted, long stored, long duplicates, long refused,
                              long dropped, long waiting, Pushes pushes) {
    public DeviceTelemetry {
        Objects.requireNonNull(device, "device");
        pushes = pushes == null ? Pushes.NONE : pushes;
    }

    /** A device before its first try. */
    public static DeviceTelemetry none(String device) {
        return new DeviceTelemetry(device, 0, 0, 0, 0, 0, 0, 0, Pushes.NONE);
    }

    @JsonProperty("lost")
    public long lost() {
        return refused + dropped;
    }

    /** Adds one try's counters. */
    public DeviceTelemetry plus(long emitted, long stored, long duplicates, long refused, long dropped,
                                long waiting) {
        return new DeviceTelemetry(device, tries + 1, this.emitted + emitted, this.stored + stored,
                this.duplicates + duplicates, this.refused + refused, this.dropped + dropped, this.waiting + waiting,
                pushes);
    }

    /** Adds one try's pushes. */
    public DeviceTelemetry plus(Pushes more) {
        return new DeviceTelemetry(device, tries, emitted, stored, duplicates, refused, dropped, waiting,
                pushes.plus(more));
    }

    /** Both tallies of one device added together. */
    public DeviceTelemetry plus(DeviceTelemetry other) {
        return new DeviceTelemetry(device, tries + other.tries, emitted + other.emitted, stored + other.stored,
                duplicates + other.duplicates, refused + other.refused, dropped + other.dropped,
                waiting + other.waiting, pushes.plus(other.pushes));
    }

    /**
     * Pushes to one device, as the backend recorded them: copies targeted at it, answered by a gateway (sent:
     * accepted or rejected), accepted, rejected, and the receipts its app reported (delivered, opened), with the
     * latency of each receipt from the gateway's acceptance, in milliseconds.
     */
    public record Pushes(long targeted, long sent, long accepted, long rejected, long delivered, long opened,
                         List<Long> deliveryMillis, List<Long> openMillis) {
        public static final Pushes NONE = new Pushes(0, 0, 0, 0, 0, 0, List.of(), List.of());

        public Pushes {
            deliveryMillis = List.copyOf(deliveryMillis);
            openMillis = List.copyOf(openMillis);
        }

        public Pushes plus(Pushes more) {
            return new Pushes(targeted + more.targeted, sent + more.sent, accepted + more.accepted,
                    rejected + more.rejected, delivered + more.delivered, opened + more.opened,
                    joined(deliveryMillis, more.deliveryMillis), joined(openMillis, more.openMillis));
        }

        /** Delivery latency: {@code n}, and with a sample, {@code p50}, {@code p90}, {@code max} (nearest rank). */
        @JsonProperty("deliveryLatencyMillis")
        public Map<String, Long> deliveryLatency() {
            return percentiles(deliveryMillis);
        }

        /** Open latency, as {@link #deliveryLatency()}. */
        @JsonProperty("openLatencyMillis")
        public Map<String, Long> openLatency() {
            return percentiles(openMillis);
        }

        private static List<Long> joined(List<Long> a, List<Long> b) {
            List<Long> out = new ArrayList<>(a);
            out.addAll(b);
            return out;
        }

        static Map<String, Long> percentiles(List<Long> sample) {
            Map<String, Long> out = new LinkedHashMap<>();
            out.put("n", (long) sample.size());
            if (!sample.isEmpty()) {
                List<Long> sorted = new ArrayList<>(sample);
                Collections.sort(sorted);
                for (int p : new int[] {50, 90}) {
                    int rank = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
                    out.put("p" + p, sorted.get(Math.max(0, rank)));
                }
                out.put("max", sorted.get(sorted.size() - 1));
            }
            return out;
        }
    }
}
