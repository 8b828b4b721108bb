package dev.harrow.backend.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A benchmark's figures as a program reads them: {@code target/benchmarks/<name>.json} with
 * {@code {"benchmark", "recordedAt", "machine", "measures": [{"name", "value", "unit", "target", "met"}]}}, so that
 * a CI job can compare run after run. Each measure with a target is compared in the same run; {@link #write}
 * prints the table too.
 */
public final class BenchmarkReport {
    /** Whether a bigger or a smaller value is better. */
    public enum Goal { AT_LEAST, AT_MOST }

    private final String name;
    private final List<Map<String, Object>> measures = new ArrayList<>();
    private final Map<String, Object> notes = new LinkedHashMap<>();

    public BenchmarkReport(String name) {
        this.name = name;
    }

    /** A figure with no target: context for the ones that have one. */
    public BenchmarkReport measure(String measure, double value, String unit) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", measure);
        m.put("value", round(value));
        m.put("unit", unit);
        measures.add(m);
        return this;
    }

    /** A figure compared with its target in this run. */
    public BenchmarkReport measure(String measure, double value, String unit, Goal goal, double target) {
        measure(measure, value, unit);
        Map<String, Object> m = measures.get(measures.size() - 1);
        m.put("target", (goal == Goal.AT_LEAST ? ">= " : "<= ") + round(target));
        m.put("met", goal == Goal.AT_LEAST ? value >= target : value <= target);
        return this;
    }

    /** Something a reader needs to make sense of the figures (workload, settings). */
    public BenchmarkReport note(String key, Object value) {
        notes.put(key, value);
        return this;
    }

    /** Whether every measure with a target met it. */
    public boolean allMet() {
        return measures.stream().allMatch(m -> !m.containsKey("met") || Boolean.TRUE.equals(m.get("met")));
    }

    /** Prints the figures and writes them under {@code dir} (the module's {@code target/benchmarks}). */
    public Path write(Path dir) {
        System.out.printf("%n%s%n", name);
        for (Map<String, Object> m : measures) {
            System.out.printf("  %-44s %14s %-10s %s%n", m.get("name"), m.get("value"), m.get("unit"),
                    m.containsKey("target") ? "target " + m.get("target") + (Boolean.TRUE.equals(m.get("met"))
                            ? "  met" : "  NOT MET") : "");
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("benchmark", name);
        document.put("recordedAt", Instant.now().toString());
        document.put("machine", machine());
        if (!notes.isEmpty()) {
            document.put("workload", notes);
        }
        document.put("measures", measures);
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".json");
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), document);
            System.out.printf("  written to %s%n", file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The module's {@code target/benchmarks}, however the benchmark was started. */
    public static Path defaultDir() {
        return Path.of(System.getProperty("harrow.benchmarks.dir", "target/benchmarks"));
    }

    static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("memoryMiB", ((com.sun.management.OperatingSystemMXBean) ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize() / (1024 * 1024));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return machine;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
