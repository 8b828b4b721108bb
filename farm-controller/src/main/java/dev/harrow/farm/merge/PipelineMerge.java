package dev.harrow.farm.merge;

import dev.harrow.device.runtime.WorkDirs;
import dev.harrow.farm.plan.FileTimingStore;
import dev.harrow.farm.plan.PinnedTimings;
import dev.harrow.farm.plan.TimingStore;
import dev.harrow.reports.summary.DeviceReport;
import dev.harrow.reports.summary.DeviceTelemetry;
import dev.harrow.reports.summary.FarmSummary;
import dev.harrow.reports.summary.NotRunnable;
import dev.harrow.reports.summary.ScenarioRun;
import dev.harrow.reports.summary.ShardPlan;
import dev.harrow.reports.summary.ShardPlan.PlannedSlot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The merge step of a sharded pipeline: reads every shard's summary, checks that together they gave every slot of
 * the plan exactly once, from one plan, and joins their verdicts into one summary. A pipeline whose shards left a
 * slot out, gave one twice or planned from different inputs is not a run of the suite, whatever its verdicts say:
 * the merge names what is wrong and exits 2.
 */
public final class PipelineMerge {
    /** How deep below a {@code from} folder shard summaries are looked for (CI artifacts nest them). */
    static final int DEPTH = 10;
    static final String SUMMARY = "farm-summary.json";

    private PipelineMerge() {
    }

    /** One shard's results as found on disk: its summary and the folder it was in. */
    public record ShardResults(Path dir, FarmSummary summary) {
        public ShardResults {
            Objects.requireNonNull(dir, "dir");
            Objects.requireNonNull(summary, "summary");
        }

        ShardPlan plan() {
            return summary.plan();
        }

        /** The shard's Allure results, beside its summary. */
        public Path allureResults() {
            return dir.resolve("allure-results");
        }
    }

    /**
     * What the merge found.
     *
     * @param shards the shards' results, by shard number
     * @param problems what makes the pipeline incomplete: missing shards, slots not run or run twice, other plans
     * @param summary the whole pipeline's verdicts, with the problems
     * @param pipeline the pipeline's id, or null when no shard said
     */
    public record Merged(List<ShardResults> shards, List<String> problems, FarmSummary summary, String pipeline) {
        public Merged {
            shards = List.copyOf(shards);
            problems = List.copyOf(problems);
        }

        public boolean complete() {
            return problems.isEmpty();
        }
    }

    /** Every shard summary below the folders (each shard in a folder of its own), read. */
    public static List<ShardResults> find(List<Path> from, Path excluded) {
        List<ShardResults> found = new ArrayList<>();
        Set<Path> seen = new LinkedHashSet<>();
        for (Path root : from) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root, DEPTH)) {
                for (Path file : files.filter(f -> f.getFileName().toString().equals(SUMMARY)).sorted().toList()) {
                    Path real = file.toAbsolutePath().normalize();
                    if (real.equals(excluded) || !seen.add(real)) {
                        continue;
                    }
                    found.add(new ShardResults(real.getParent(), FarmSummary.readJson(real)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot look for shard summaries in " + root, e);
            }
        }
        return found;
    }

    /** Checks the shards against their plan and joins them; writes nothing. */
    public static Merged merge(List<ShardResults> found, List<Path> from) {
        List<String> problems = new ArrayList<>();
        List<ShardResults> shards = new ArrayList<>();
        for (ShardResults results : found) {
            if (results.plan() == null) {
                problems.add(results.dir().resolve(SUMMARY) + " is not a shard's summary: it was not run with "
                        + "-Dfarm.shard=I/N");
            } else {
                shards.add(results);
            }
        }
        shards.sort(Comparator.comparingInt(s -> s.plan().index()));
        if (shards.isEmpty()) {
            problems.add("no shard summary (" + SUMMARY + " of a run with -Dfarm.shard=I/N) under " + from
                    + ": did the shard jobs run, and were their results (OUT/shards/) passed to this job?");
            return new Merged(shards, problems, joined(List.of(), problems), null);
        }
        checkShards(shards, problems);
        checkPlans(shards, problems);
        checkCoverage(shards, problems);
        return new Merged(shards, problems, joined(shards, problems), shards.get(0).plan().pipeline());
    }

    /** One summary per shard number, all of one count and one pipeline. */
    private static void checkShards(List<ShardResults> shards, List<String> problems) {
        Set<Integer> counts = shards.stream().map(s -> s.plan().count()).collect(Collectors.toCollection(TreeSet::new));
        if (counts.size() > 1) {
            problems.add("the shards do not agree on how many there are: " + shards.stream().map(s -> s.plan().shard())
                    .collect(Collectors.joining(", ")));
        }
        Set<String> pipelines = shards.stream().map(s -> s.plan().pipeline()).collect(Collectors.toCollection(
                TreeSet::new));
        if (pipelines.size() > 1) {
            problems.add("the summaries come from more than one pipeline: " + shards.stream().map(s -> s.plan().shard()
                    + " of " + s.plan().pipeline()).collect(Collectors.joining(", ")));
        }
        Map<Integer, List<ShardResults>> byIndex = shards.stream().collect(Collectors.groupingBy(
                s -> s.plan().index(), TreeMap::new, Collectors.toList()));
        byIndex.forEach((index, same) -> {
            if (same.size() > 1) {
                problems.add("shard " + same.get(0).plan().shard() + " has " + same.size() + " summaries: "
                        + same.stream().map(s -> s.dir().toString()).collect(Collectors.joining(", ")));
            }
        });
        int count = counts.stream().max(Integer::compare).orElse(0);
        List<String> missing = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            if (!byIndex.containsKey(i)) {
                missing.add(i + "/" + count);
            }
        }
        if (!missing.isEmpty()) {
            problems.add((missing.size() == 1 ? "shard " : "shards ") + String.join(", ", missing)
                    + " left no summary: the job did not run, failed before its summary, or its results were not "
                    + "passed to the merge");
        }
    }

    /** Every shard planned from the same fingerprint. */
    private static void checkPlans(List<ShardResults> shards, List<String> problems) {
        Map<String, List<ShardResults>> byPlan = shards.stream().collect(Collectors.groupingBy(
                s -> s.plan().fingerprint(), LinkedHashMap::new, Collectors.toList()));
        if (byPlan.size() > 1) {
            problems.add("the shards planned from different plans, so their parts do not fit together: "
                    + byPlan.entrySet().stream().map(e -> e.getValue().stream().map(s -> s.plan().shard())
                            .collect(Collectors.joining(", ")) + " from plan " + e.getKey() + " (timings "
                            + e.getValue().get(0).plan().timings() + ", " + e.getValue().get(0).plan().planned().size()
                            + " slots)").collect(Collectors.joining("; "))
                    + ". Every shard job must see the same suite, devices and timings: restore one timings cache in "
                    + "every job, and let only the merge job save it (docs/CI.md)");
        }
    }

    /** Every planned slot given by exactly one shard, and nothing given that was not planned. */
    private static void checkCoverage(List<ShardResults> shards, List<String> problems) {
        Set<PlannedSlot> planned = new LinkedHashSet<>();
        shards.forEach(s -> planned.addAll(s.plan().planned()));
        Map<PlannedSlot, List<String>> givenBy = new LinkedHashMap<>();
        for (ShardResults shard : shards) {
            for (PlannedSlot slot : given(shard.summary())) {
                givenBy.computeIfAbsent(slot, k -> new ArrayList<>()).add(shard.plan().shard());
            }
        }
        List<String> notRun = planned.stream().filter(s -> !givenBy.containsKey(s)).map(PlannedSlot::toString)
                .toList();
        if (!notRun.isEmpty()) {
            problems.add(notRun.size() + " slot(s) of the plan were run by no shard: " + String.join(", ", notRun));
        }
        List<String> twice = givenBy.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .map(e -> e.getKey() + " (shards " + String.join(", ", e.getValue()) + ")").toList();
        if (!twice.isEmpty()) {
            problems.add(twice.size() + " slot(s) were run by more than one shard: " + String.join(", ", twice));
        }
        List<String> unplanned = givenBy.keySet().stream().filter(s -> !planned.contains(s))
                .map(PlannedSlot::toString).toList();
        if (!unplanned.isEmpty()) {
            problems.add(unplanned.size() + " verdict(s) are of no shard's plan: " + String.join(", ", unplanned));
        }
    }

    /** The slots a shard's summary gave a verdict for, including the scenarios it reported not runnable. */
    static List<PlannedSlot> given(FarmSummary summary) {
        List<PlannedSlot> out = new ArrayList<>();
        summary.scenarios().forEach(v -> out.add(new PlannedSlot(v.scenario(), v.slot())));
        summary.notRunnable().forEach(g -> out.add(new PlannedSlot(g.scenario(), PlannedSlot.NOT_RUNNABLE)));
        return out;
    }

    /**
     * The shards' summaries as one: every verdict (in the order of the plan), the devices' work added up, each
     * shard's problems under its name, then the merge's own. Exit code: 2 when the merge found a problem, else the
     * worst shard's.
     */
    static FarmSummary joined(List<ShardResults> shards, List<String> mergeProblems) {
        Instant started = shards.stream().map(s -> s.summary().startedAt()).min(Comparator.naturalOrder())
                .orElse(Instant.now());
        Instant finished = shards.stream().map(s -> s.summary().finishedAt()).max(Comparator.naturalOrder())
                .orElse(started);
        List<String> problems = new ArrayList<>();
        List<ScenarioRun> verdicts = new ArrayList<>();
        List<NotRunnable> gaps = new ArrayList<>();
        Map<String, DeviceReport> devices = new LinkedHashMap<>();
        Map<String, DeviceTelemetry> telemetry = new LinkedHashMap<>();
        int exit = 0;
        for (ShardResults shard : shards) {
            FarmSummary summary = shard.summary();
            summary.problems().forEach(p -> problems.add("shard " + summary.shard() + ": " + p));
            verdicts.addAll(summary.scenarios());
            gaps.addAll(summary.notRunnable());
            summary.devices().forEach(d -> devices.merge(d.device(), d, PipelineMerge::sameDevice));
            summary.telemetry().forEach(t -> telemetry.merge(t.device(), t, DeviceTelemetry::plus));
            exit = Math.max(exit, summary.exitCode());
        }
        problems.addAll(mergeProblems);
        if (!mergeProblems.isEmpty()) {
            exit = 2;
        }
        List<PlannedSlot> order = shards.isEmpty() ? List.of() : shards.get(0).plan().planned();
        verdicts.sort(Comparator.comparingInt(v -> {
            int at = order.indexOf(new PlannedSlot(v.scenario(), v.slot()));
            return at < 0 ? Integer.MAX_VALUE : at;
        }));
        FarmSummary first = shards.isEmpty() ? null : shards.get(0).summary();
        return FarmSummary.of(started, finished, first == null ? null : first.pool(),
                first == null ? null : first.mode(), null, exit, problems, verdicts,
                devices.values().stream().map(PipelineMerge::settled).toList(), gaps)
                .withTelemetry(List.copyOf(telemetry.values()));
    }

    /** One device's work in two shards: tries and busy time added, the worse state kept with its reason. */
    private static DeviceReport sameDevice(DeviceReport a, DeviceReport b) {
        DeviceReport worse = rank(b.state()) > rank(a.state()) ? b : a;
        return new DeviceReport(a.device(), a.platform(), a.kind(), a.profile(), worse.state(), worse.reason(),
                a.tries() + b.tries(), a.busyMillis() + b.busyMillis());
    }

    /** A device that worked in some shard is not "idle" because another shard had nothing for it. */
    private static DeviceReport settled(DeviceReport device) {
        if (device.state().equals(DeviceReport.OK) && device.tries() > 0 && device.reason() != null) {
            return new DeviceReport(device.device(), device.platform(), device.kind(), device.profile(),
                    device.state(), null, device.tries(), device.busyMillis());
        }
        return device;
    }

    private static int rank(String state) {
        return switch (state) {
            case DeviceReport.UNAVAILABLE -> 2;
            case DeviceReport.QUARANTINED -> 1;
            default -> 0;
        };
    }

    /**
     * Copies every shard's Allure results into one folder: each try's result, container and attachment once (they
     * are named by unique ids), the environments joined; categories, executor and history are the merged report's.
     */
    public static int copyAllureResults(List<ShardResults> shards, Path into) {
        WorkDirs.deleteTree(into);
        Map<String, Set<String>> environment = new TreeMap<>();
        int copied = 0;
        try {
            Files.createDirectories(into);
            for (ShardResults shard : shards) {
                Path results = shard.allureResults();
                if (!Files.isDirectory(results)) {
                    continue;
                }
                try (Stream<Path> files = Files.list(results)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        String name = file.getFileName().toString();
                        switch (name) {
                            case "environment.properties" -> readEnvironment(file, environment);
                            case "executor.json", "categories.json" -> {
                            }
                            default -> {
                                Files.copy(file, into.resolve(name));
                                copied++;
                            }
                        }
                    }
                }
            }
            environment.remove("Shard");
            environment.put("Shards", Set.of(shards.size() + (shards.isEmpty() ? ""
                    : " (pipeline " + shards.get(0).plan().pipeline() + ", plan " + shards.get(0).plan().fingerprint()
                    + ")")));
            writeEnvironment(into.resolve("environment.properties"), environment);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot merge the shards' Allure results into " + into, e);
        }
        return copied;
    }

    private static void readEnvironment(Path file, Map<String, Set<String>> into) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        properties.stringPropertyNames().forEach(key -> into.computeIfAbsent(key, k -> new LinkedHashSet<>())
                .add(properties.getProperty(key)));
    }

    private static void writeEnvironment(Path file, Map<String, Set<String>> environment) throws IOException {
        Properties properties = new Properties();
        environment.forEach((key, values) -> properties.setProperty(key, String.join("; ", values)));
        try (OutputStream out = Files.newOutputStream(file)) {
            properties.store(out, null);
        }
    }

    /**
     * Saves the pipeline's passing durations for the next pipeline and unpins the timings its shards planned with.
     * Only for a complete pipeline: while shards may be run again, they must plan as before.
     */
    public static int saveTimings(Merged merged, Path timingsFile) {
        FileTimingStore timings = FileTimingStore.open(timingsFile);
        int recorded = TimingStore.recordPasses(timings, merged.summary().scenarios());
        timings.save();
        if (merged.pipeline() != null) {
            PinnedTimings.release(timingsFile, merged.pipeline());
        }
        return recorded;
    }
}
