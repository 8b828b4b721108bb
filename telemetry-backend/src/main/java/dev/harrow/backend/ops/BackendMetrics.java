package dev.harrow.backend.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * The backend's metrics, served at {@code /metrics} in the Prometheus text format. Counters and histograms are
 * cheap to update from any thread; gauges are read when scraped. Label values never carry keys or tokens.
 */
public final class BackendMetrics {
    /** Store write latency buckets, in seconds: 1 ms to 10 s. */
    static final double[] LATENCY_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    public static final String BATCHES = "harrow_ingest_batches_total";
    public static final String ACCEPTED = "harrow_ingest_events_accepted_total";
    public static final String DUPLICATES = "harrow_ingest_events_duplicate_total";
    public static final String REJECTED = "harrow_ingest_events_rejected_total";
    public static final String STORE_WRITE = "harrow_store_write_seconds";
    public static final String DRAINED = "harrow_spill_drained_events_total";
    public static final String DRAIN_DUPLICATES = "harrow_spill_drain_duplicate_total";

    private final Map<String, Family> families = new ConcurrentSkipListMap<>();

    /** One answered {@code POST /v1/events}, by status. */
    public void batch(int status) {
        count(BATCHES, "Batches answered by the collector, by HTTP status.", 1, "status", Integer.toString(status));
    }

    /** Events acknowledged: stored in MongoDB, or held in the Redis spill. */
    public void accepted(String app, int events, boolean spilled) {
        count(ACCEPTED, "Events acknowledged to clients, by where they are held.", events, "app", app, "held_in",
                spilled ? "spill" : "store");
    }

    public void duplicates(String app, int events) {
        count(DUPLICATES, "Events received again (a retry or a replay) and not stored twice.", events, "app", app);
    }

    public void rejected(String app, String reason) {
        count(REJECTED, "Events rejected one by one, by reason.", 1, "app", app, "reason", reason);
    }

    /** How long a write to a store took, and whether it worked. */
    public void storeWrite(String store, boolean ok, long nanos) {
        observeSeconds(STORE_WRITE, "Write latency of the stores.", nanos / 1e9, "store", store, "outcome",
                ok ? "ok" : "error");
    }

    /** Events moved from the spill back to MongoDB; duplicates among them were already there. */
    public void drained(int events, int duplicates) {
        count(DRAINED, "Events moved from the Redis spill back to MongoDB.", events);
        count(DRAIN_DUPLICATES, "Drained events MongoDB already had (counted, not stored twice).", duplicates);
    }

    /** Adds {@code by} to a counter. {@code labels} alternate names and values. */
    public void count(String name, String help, long by, String... labels) {
        family(name, help, "counter").counter(labelText(labels)).add(by);
    }

    /** Records a duration in a histogram. */
    public void observeSeconds(String name, String help, double seconds, String... labels) {
        family(name, help, "histogram").histogram(labelText(labels)).observe(seconds);
    }

    /** A value read at each scrape; NaN when it cannot be read now. */
    public void gauge(String name, String help, DoubleSupplier value, String... labels) {
        family(name, help, "gauge").gauges.put(labelText(labels), value);
    }

    /** The current value of a counter, for tests and the admin stats. */
    public long counterValue(String name, String... labels) {
        Family family = families.get(name);
        if (family == null) {
            return 0;
        }
        LongAdder adder = family.counters.get(labelText(labels));
        return adder == null ? 0 : adder.sum();
    }

    /** Sums a counter over every label set whose labels include {@code labels}. */
    public long counterSum(String name, String... labels) {
        Family family = families.get(name);
        if (family == null) {
            return 0;
        }
        String[] wanted = pairs(labels);
        long total = 0;
        for (Map.Entry<String, LongAdder> entry : family.counters.entrySet()) {
            boolean matches = true;
            for (String pair : wanted) {
                matches &= entry.getKey().contains(pair);
            }
            if (matches) {
                total += entry.getValue().sum();
            }
        }
        return total;
    }

    /** Every family in the Prometheus text exposition format, version 0.0.4. */
    public String scrape() {
        StringBuilder out = new StringBuilder();
        for (Family family : families.values()) {
            out.append("# HELP ").append(family.name).append(' ').append(family.help).append('\n');
            out.append("# TYPE ").append(family.name).append(' ').append(family.type).append('\n');
            family.counters.forEach((labels, adder) -> line(out, family.name, labels, adder.sum()));
            family.gauges.forEach((labels, supplier) -> {
                double value;
                try {
                    value = supplier.getAsDouble();
                } catch (RuntimeException e) {
                    value = Double.NaN;
                }
                line(out, family.name, labels, value);
            });
            family.histograms.forEach((labels, h) -> h.write(out, family.name, labels));
        }
        return out.toString();
    }

    private Family family(String name, String help, String type) {
        Family family = families.computeIfAbsent(name, n -> new Family(n, help, type));
        if (!family.type.equals(type)) {
            throw new IllegalArgumentException(name + " is a " + family.type + ", not a " + type);
        }
        return family;
    }

    static String labelText(String... labels) {
        if (labels.length == 0) {
            return "";
        }
        return "{" + String.join(",", pairs(labels)) + "}";
    }

    private static String[] pairs(String... labels) {
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name, value pairs");
        }
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < labels.length; i += 2) {
            String value = labels[i + 1].replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
            pairs.add(labels[i] + "=\"" + value + "\"");
        }
        return pairs.toArray(String[]::new);
    }

    private static void line(StringBuilder out, String name, String labels, double value) {
        out.append(name).append(labels).append(' ').append(format(value)).append('\n');
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%s", value);
    }

    private static final class Family {
        final String name;
        final String help;
        final String type;
        final Map<String, LongAdder> counters = new ConcurrentSkipListMap<>();
        final Map<String, DoubleSupplier> gauges = new ConcurrentSkipListMap<>();
        final Map<String, Histogram> histograms = new ConcurrentHashMap<>();

        Family(String name, String help, String type) {
            this.name = name;
            this.help = help;
            this.type = type;
        }

        LongAdder counter(String labels) {
            return counters.computeIfAbsent(labels, l -> new LongAdder());
        }

        Histogram histogram(String labels) {
            return histograms.computeIfAbsent(labels, l -> new Histogram());
        }
    }

    private static final class Histogram {
        final LongAdder[] buckets = new LongAdder[LATENCY_BUCKETS.length];
        final LongAdder count = new LongAdder();
        final DoubleAdder sum = new DoubleAdder();

        Histogram() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void observe(double value) {
            for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
                if (value <= LATENCY_BUCKETS[i]) {
                    buckets[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(value);
        }

        void write(StringBuilder out, String name, String labels) {
            long cumulative = 0;
            String inner = labels.isEmpty() ? "" : labels.substring(1, labels.length() - 1) + ",";
            for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
                cumulative += buckets[i].sum();
                out.append(name).append("_bucket{").append(inner).append("le=\"").append(format(LATENCY_BUCKETS[i]))
                        .append("\"} ").append(cumulative).append('\n');
            }
            out.append(name).append("_bucket{").append(inner).append("le=\"+Inf\"} ").append(count.sum()).append('\n');
            out.append(name).append("_sum").append(labels).append(' ').append(format(sum.sum())).append('\n');
            out.append(name).append("_count").append(labels).append(' ').append(count.sum()).append('\n');
        }
    }
}
