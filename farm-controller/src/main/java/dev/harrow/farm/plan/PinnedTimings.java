package dev.harrow.farm.plan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timings the shards of one pipeline balance their parts with, pinned in {@code pinned/<pipeline>.json} beside
 * the timings file by the first shard that starts and read, never written, by the others: a shard that starts after
 * another run saved new timings still plans as the first did. The merge step saves the pipeline's timings for the
 * next one and unpins. Shards on machines of their own pin their own copy of the timings their CI cache restored,
 * which is the same file when every runner restores the same cache (the merge step checks it by digest).
 */
public final class PinnedTimings {
    /** Pins of pipelines that never merged are cleared after this. */
    static final Duration ABANDONED = Duration.ofDays(7);
    private static final Logger log = LoggerFactory.getLogger(PinnedTimings.class);

    private PinnedTimings() {
    }

    /** Where a pipeline's pin lives for a timings file. */
    public static Path file(Path timingsFile, String pipeline) {
        return timingsFile.toAbsolutePath().resolveSibling("pinned").resolve(pipeline + ".json");
    }

    /**
     * The pipeline's pinned timings, pinning what {@code timingsFile} holds now when no shard of the pipeline has
     * yet. Read-only for the run: it records nothing into them.
     */
    public static FileTimingStore open(Path timingsFile, String pipeline) {
        Path pin = file(timingsFile, pipeline);
        if (!Files.isRegularFile(pin)) {
            clearAbandoned(pin.getParent());
            FileTimingStore.open(timingsFile).saveIfAbsent(pin);
        }
        return FileTimingStore.open(pin);
    }

    /** Drops the pipeline's pin: its shards are merged, the next pipeline plans from the saved timings. */
    public static void release(Path timingsFile, String pipeline) {
        try {
            Files.deleteIfExists(file(timingsFile, pipeline));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpin the timings of pipeline " + pipeline, e);
        }
    }

    private static void clearAbandoned(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        Instant before = Instant.now().minus(ABANDONED);
        try (Stream<Path> pins = Files.list(dir)) {
            for (Path pin : pins.toList()) {
                if (Files.getLastModifiedTime(pin).toInstant().isBefore(before)) {
                    Files.deleteIfExists(pin);
                }
            }
        } catch (IOException e) {
            log.warn("cannot clear old pinned timings in {}: {}", dir, e.getMessage());
        }
    }
}
