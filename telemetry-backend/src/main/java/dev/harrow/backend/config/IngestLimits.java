package dev.harrow.backend.config;

/**
 * Bounds on what one {@code POST /v1/events} may carry. A batch over a bound is refused whole (413); an event over
 * {@code maxEventBytes} is rejected alone and the rest of its batch is kept. More than {@code maxConcurrentBatches}
 * batches in flight at once get 429.
 */
public record IngestLimits(
        int maxEventsPerBatch,
        int maxEventBytes,
        int maxBatchBytes,
        int maxDecompressedBytes,
        int maxNestingDepth,
        int maxConcurrentBatches,
        EventRules rules) {

    public IngestLimits(int maxEventsPerBatch, int maxEventBytes, int maxBatchBytes, int maxDecompressedBytes,
                        int maxNestingDepth, int maxConcurrentBatches) {
        this(maxEventsPerBatch, maxEventBytes, maxBatchBytes, maxDecompressedBytes, maxNestingDepth,
                maxConcurrentBatches, EventRules.defaults());
    }

    public IngestLimits withRules(EventRules value) {
        return new IngestLimits(maxEventsPerBatch, maxEventBytes, maxBatchBytes, maxDecompressedBytes, maxNestingDepth,
                maxConcurrentBatches, value);
    }

    public IngestLimits {
        if (rules == null) {
            rules = EventRules.defaults();
        }
        positive("maxEventsPerBatch", maxEventsPerBatch);
        positive("maxEventBytes", maxEventBytes);
        positive("maxBatchBytes", maxBatchBytes);
        positive("maxDecompressedBytes", maxDecompressedBytes);
        positive("maxNestingDepth", maxNestingDepth);
        positive("maxConcurrentBatches", maxConcurrentBatches);
        if (maxEventBytes > maxDecompressedBytes) {
            throw new ConfigException("limits.maxEventBytes: must not exceed limits.maxDecompressedBytes");
        }
    }

    /**
     * 500 events or 1 MiB a batch (4 MiB once decompressed), 32 KiB an event, 16 levels of nesting, 64 batches being
     * stored at once (beyond: 429, come back in a second).
     */
    public static IngestLimits defaults() {
        return new IngestLimits(500, 32 * 1024, 1024 * 1024, 4 * 1024 * 1024, 16, 64);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new ConfigException("limits." + name + ": must be positive, was " + value);
        }
    }
}
