package dev.harrow.farm.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.harrow.farm.FarmMain;
import dev.harrow.reports.summary.FarmSummary;
import dev.harrow.reports.summary.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The farm's own suite, run again and again as a user runs it, to find what is flaky: {@value #DEFAULT_RUNS} runs of
 * the whole suite on the pool of devices.yml, each a process of its own, then pairs of runs with and without the
 * devices' network paths (alternating, so that the machine's drift falls on both) for what the path costs. Each run's
 * verdicts come from its {@code farm-summary.json}.
 *
 * <p>Run: {@code mvn verify -Pfarm-soak -DskipTests} ({@code -Dharrow.soak.runs=N}, {@code -Dharrow.soak.pairs=M}).
 * Prints a line per run and writes {@code target/benchmarks/farm_soak.json}; fails when a run had a flaky, failed or
 * broken verdict.
 */
public final class FarmSoak {
    static final int DEFAULT_RUNS = 20;
    static final int DEFAULT_PAIRS = 3;

    /** One farm run's figures. */
    record Run(int number, boolean path, long passed, long flaky, long failed, long broken, long notRun,
               double seconds, int exitCode) {
        long verdicts() {
            return passed + flaky + failed + broken + notRun;
        }
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.getInteger("harrow.soak.runs", DEFAULT_RUNS);
        int pairs = Integer.getInteger("harrow.soak.pairs", DEFAULT_PAIRS);
        Path out = Path.of(System.getProperty("harrow.soak.out", "target/soak"));
        List<String> farmArgs = List.of(args);
        List<Run> soak = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            Run run = run(i, true, out, farmArgs);
            soak.add(run);
            print("soak", run);
        }
        List<Run> with = new ArrayList<>();
        List<Run> without = new ArrayList<>();
        for (int i = 1; i <= pairs; i++) {
            Run on = run(runs + 2 * i - 1, true, out, farmArgs);
            print("cost, path on ", on);
            with.add(on);
            Run off = run(runs + 2 * i, false, out, farmArgs);
            print("cost, path off", off);
            without.add(off);
        }
        long verdicts = soak.stream().mapToLong(Run::verdicts).sum();
        long flaky = soak.stream().mapToLong(Run::flaky).sum();
        long failed = soak.stream().mapToLong(Run::failed).sum();
        long broken = soak.stream().mapToLong(Run::broken).sum();
        double medianSeconds = median(soak.stream().mapToDouble(Run::seconds).toArray());
        double on = with.stream().mapToDouble(Run::seconds).average().orElse(0);
        double off = without.stream().mapToDouble(Run::seconds).average().orElse(0);
        double cost = off == 0 ? 0 : on / off;
        System.out.printf(Locale.ROOT, "%nfarm soak: %d runs, %d verdicts: %d flaky (%.1f per 1,000), %d failed, %d "
                + "broken; median run %.1f s; path on %.1f s, off %.1f s on average (x%.3f)%n", soak.size(), verdicts,
                flaky, verdicts == 0 ? 0 : 1000.0 * flaky / verdicts, failed, broken, medianSeconds, on, off, cost);
        System.out.printf(Locale.ROOT, "verdicts: %s; the path's cost: x%.3f, %s its ceiling of x1.05%n",
                flaky + failed + broken == 0 ? "all passed, none flaky" : "NOT all passed", cost,
                cost <= 1.05 ? "within" : "OVER");
        write(Path.of(System.getProperty("harrow.benchmarks.dir", "target/benchmarks")), soak, with, without,
                verdicts, flaky, failed, broken, medianSeconds, cost);
        if (flaky + failed + broken > 0) {
            System.exit(1);
        }
    }

    static Run run(int number, boolean path, Path out, List<String> farmArgs) throws Exception {
        Path dir = out.resolve(String.format("run-%02d", number));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx1g"));
        for (String property : List.of("java.io.tmpdir", "harrow.appium.home", "harrow.allure.home",
                "harrow.work.dir")) {
            if (System.getProperty(property) != null) {
                command.add("-D" + property + "=" + System.getProperty(property));
            }
        }
        if (!path) {
            command.add("-Dharrow.devicePath=off");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FarmMain.class.getName()));
        command.addAll(farmArgs);
        command.addAll(List.of("--out", dir.toString(), "--progress=plain"));
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        Process farm = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("farm.log").toFile()).start();
        int exit = farm.waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;
        FarmSummary summary = FarmSummary.readJson(dir.resolve("farm-summary.json"));
        return new Run(number, path, summary.count(Outcome.PASSED), summary.count(Outcome.FLAKY),
                summary.count(Outcome.FAILED), summary.count(Outcome.BROKEN), summary.count(Outcome.NOT_RUN),
                seconds, exit);
    }

    static void print(String what, Run run) {
        System.out.printf(Locale.ROOT, "%s run %2d: %d passed, %d flaky, %d failed, %d broken, %d not run, %.1f s "
                + "(exit %d)%n", what, run.number(), run.passed(), run.flaky(), run.failed(), run.broken(),
                run.notRun(), run.seconds(), run.exitCode());
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
    }

    static void write(Path dir, List<Run> soak, List<Run> with, List<Run> without, long verdicts, long flaky,
                      long failed, long broken, double medianSeconds, double cost) throws IOException {
        List<Map<String, Object>> measures = new ArrayList<>();
        measures.add(measure("runs", soak.size(), "runs", null, null));
        measures.add(measure("verdicts", verdicts, "verdicts", null, null));
        measures.add(measure("flaky_verdicts", flaky, "verdicts", "<= 0", flaky == 0));
        measures.add(measure("flaky_per_1000_verdicts", verdicts == 0 ? 0 : 1000.0 * flaky / verdicts, "per 1,000",
                "<= 0", flaky == 0));
        measures.add(measure("failed_verdicts", failed, "verdicts", "<= 0", failed == 0));
        measures.add(measure("broken_verdicts", broken, "verdicts", "<= 0", broken == 0));
        measures.add(measure("run_wall_time_median", medianSeconds, "s", null, null));
        measures.add(measure("run_wall_time_with_path_mean", with.stream().mapToDouble(Run::seconds).average()
                .orElse(0), "s", null, null));
        measures.add(measure("run_wall_time_without_path_mean", without.stream().mapToDouble(Run::seconds)
                .average().orElse(0), "s", null, null));
        measures.add(measure("network_path_cost_ratio", cost, "x", "<= 1.05", cost <= 1.05));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", "farm_soak");
        doc.put("recordedAt", Instant.now().toString());
        doc.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(), "java",
                System.getProperty("java.version"), "os", System.getProperty("os.name")));
        doc.put("measures", measures);
        Files.createDirectories(dir);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("farm_soak.json")
                .toFile(), doc);
    }

    static Map<String, Object> measure(String name, double value, String unit, String target, Boolean met) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("value", Math.round(value * 1000) / 1000.0);
        m.put("unit", unit);
        if (target != null) {
            m.put("target", target);
            m.put("met", met);
        }
        return m;
    }
}
