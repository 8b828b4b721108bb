package dev.harrow.farm.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Timings in a JSON file ({@code .harrow/timings.json} by default; CI caches it between runs):
 * {@code {"format":1,"scenarios":{"pkg.Class#method":[1200,1310,...]}}}, milliseconds, oldest first. A missing or
 * unreadable file is an empty store, not an error: timings only make the schedule better.
 */
public final class FileTimingStore implements TimingStore {
    static final int FORMAT = 1;
    private static final Logger log = LoggerFactory.getLogger(FileTimingStore.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final Map<String, List<Duration>> passes = new TreeMap<>();

    private FileTimingStore(Path file) {
        this.file = file;
    }

    public static FileTimingStore open(Path file) {
        FileTimingStore store = new FileTimingStore(file);
        if (Files.isRegularFile(file)) {
            try {
                store.read(JSON.readTree(file.toFile()));
            } catch (IOException | RuntimeException e) {
                log.warn("{} is not a timings file ({}); starting without timings", file, e.getMessage());
                store.passes.clear();
            }
        }
        return store;
    }

    public Path file() {
        return file;
    }

    private void read(JsonNode root) {
        if (root.path("format").asInt() != FORMAT) {
            throw new IllegalArgumentException("format " + root.path("format") + ", expected " + FORMAT);
        }
        Iterator<Map.Entry<String, JsonNode>> fields = root.path("scenarios").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            List<Duration> durations = new ArrayList<>();
            for (JsonNode millis : entry.getValue()) {
                if (millis.canConvertToLong() && millis.asLong() >= 0) {
                    durations.add(Duration.ofMillis(millis.asLong()));
                }
            }
            if (!durations.isEmpty()) {
                passes.put(entry.getKey(), List.copyOf(durations.subList(Math.max(0, durations.size() - KEPT),
                        durations.size())));
            }
        }
    }

    @Override
    public synchronized List<Duration> recentPasses(String scenarioId) {
        return passes.getOrDefault(scenarioId, List.of());
    }

    @Override
    public synchronized void recordPass(String scenarioId, Duration took) {
        passes.put(scenarioId, TimingStore.keepRecent(passes.get(scenarioId), took));
    }

    /** Writes the file atomically, so that a run killed while saving leaves the previous timings. */
    @Override
    public synchronized void save() {
        try {
            Path partial = writePartial(file);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save timings to " + file, e);
        }
    }

    /**
     * Writes these timings to {@code target} unless a file is there already (another shard pinned first): true when
     * this call wrote it. Never leaves a half-written file for the other to read.
     */
    synchronized boolean saveIfAbsent(Path target) {
        try {
            Path partial = writePartial(target);
            try {
                Files.createLink(target, partial);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write timings to " + target, e);
        }
    }

    private Path writePartial(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path partial = Files.createTempFile(dir, target.getFileName().toString(), ".partial");
        Files.write(partial, canonical());
        return partial;
    }

    /** The timings as the file holds them: the same timings give the same bytes (ids sorted, fixed layout). */
    private byte[] canonical() throws IOException {
        ObjectNode root = JSON.createObjectNode().put("format", FORMAT);
        ObjectNode scenarios = root.putObject("scenarios");
        passes.forEach((id, durations) -> {
            ArrayNode list = scenarios.putArray(id);
            durations.forEach(d -> list.add(d.toMillis()));
        });
        return JSON.writeValueAsBytes(root);
    }

    /**
     * A short name for exactly these timings (SHA-256 of their canonical form, 16 hex digits): shards that balanced
     * their parts with the same timings show the same digest.
     */
    public synchronized String digest() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical());
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
