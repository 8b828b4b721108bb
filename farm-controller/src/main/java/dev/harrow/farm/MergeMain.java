package dev.harrow.farm;

import dev.harrow.farm.merge.PipelineMerge;
import dev.harrow.reports.junit.SurefireXml;
import dev.harrow.reports.summary.FarmSummary;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The merge step of a sharded pipeline ({@code mvn verify -Pfarm-merge}): after the shard jobs, checks that their
 * summaries cover the plan exactly once and writes one farm summary, one JUnit XML set and one Allure report for the
 * whole pipeline, then the timings for the next one. Exit codes as the farm's: 0 every verdict passed, 1 a scenario
 * failed, 2 a shard or slot is missing, twice, or planned differently (named on the console and in the summary).
 */
public final class MergeMain {
    static final String USAGE = """
            usage: farm-merge [--from DIR]... [--out DIR] [--report DIR] [--timings FILE | --devices FILE]
              --from DIR       where the shards' results are, searched for farm-summary.json (repeatable;
                               default OUT/shards)
              --out DIR        where the merged summary, JUnit XML and Allure results go (default target/farm)
              --report DIR     where the merged HTML report goes (default OUT/allure-report)
              --timings FILE   the timings file to save the pipeline's durations to (default .harrow/timings.json
                               beside the devices file)
              --devices FILE   the device pool, to find the default timings file""";

    private MergeMain() {
    }

    public static void main(String[] args) {
        CommandLine.main("farm-merge", args, MergeMain::run);
    }

    /** What to merge and where the merged results go. */
    record Options(List<Path> from, Path out, Path report, Path timings) {
        Options {
            out = out.toAbsolutePath().normalize();
            from = from.isEmpty() ? List.of(FarmOptions.shardsDir(out)) : List.copyOf(from);
            report = report == null ? out.resolve("allure-report") : report.toAbsolutePath().normalize();
        }

        Path summaryFile() {
            return out.resolve("farm-summary.json");
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLine.parseThenRun("farm-merge", USAGE, args, out, err, MergeMain::parse,
                options -> merge(options, out));
    }

    static int merge(Options options, PrintStream out) {
        List<PipelineMerge.ShardResults> found;
        try {
            found = PipelineMerge.find(options.from(), options.summaryFile());
        } catch (UncheckedIOException e) {
            out.println("farm-merge: " + e.getMessage());
            CommandLine.failedBecause("farm-merge: " + e.getMessage());
            return FarmRun.INFRASTRUCTURE;
        }
        PipelineMerge.Merged merged = PipelineMerge.merge(found, options.from());
        out.println("farm-merge: " + merged.shards().size() + " shard summar" + (merged.shards().size() == 1 ? "y"
                : "ies") + " under " + options.from() + (merged.complete() ? ": every slot of the plan exactly once"
                : ": the pipeline is NOT complete"));
        for (PipelineMerge.ShardResults shard : merged.shards()) {
            out.println("  shard " + shard.summary().shard() + ": " + shard.summary().scenarios().size()
                    + " verdict(s), plan " + shard.summary().plan().fingerprint() + ", exit "
                    + shard.summary().exitCode() + " (" + shard.dir() + ")");
        }
        Path results = options.out().resolve("allure-results");
        PipelineMerge.copyAllureResults(merged.shards(), results);
        Path page = options.summaryFile().resolveSibling("farm-summary.html");
        List<String> reportProblem = new ArrayList<>();
        FarmReport.generate(results, options.report(), page, merged.summary().startedAt())
                .ifPresent(reportProblem::add);
        FarmSummary summary = merged.summary();
        if (!reportProblem.isEmpty()) {
            List<String> problems = new ArrayList<>(summary.problems());
            problems.addAll(reportProblem);
            summary = new FarmSummary(summary.startedAt(), summary.finishedAt(), summary.pool(), summary.mode(),
                    null, FarmRun.INFRASTRUCTURE, problems, summary.totals(), summary.scenarios(), summary.devices(),
                    summary.notRunnable(), summary.telemetry(), null);
        }
        summary.writeJson(options.summaryFile());
        CommandLine.failedBecause(summary, options.report());
        summary.writeText(options.summaryFile().resolveSibling("farm-summary.txt"));
        summary.writeHtml(page);
        SurefireXml.write(summary, options.out().resolve("junit"));
        if (merged.complete()) {
            int passes = PipelineMerge.saveTimings(merged, options.timings());
            out.println("farm-merge: " + passes + " passing duration(s) saved to " + options.timings()
                    + " for the next pipeline");
        } else {
            out.println("farm-merge: timings not saved: a shard of this pipeline run again plans as before");
        }
        out.println();
        out.print(summary.toText());
        out.println("Summary:   " + options.summaryFile() + " (page: " + page.getFileName() + ")");
        out.println("JUnit XML: " + options.out().resolve("junit"));
        Path index = options.report().resolve("index.html");
        if (Files.isRegularFile(index)) {
            out.println("Report:    " + index);
        }
        return summary.exitCode();
    }

    static Options parse(String[] args) {
        List<Path> from = new ArrayList<>();
        Path out = Path.of("target", "farm");
        Path report = null;
        Path timings = null;
        Path devices = null;
        for (Map.Entry<String, String> option : CommandLine.options(args)) {
            String arg = option.getKey();
            String value = option.getValue();
            switch (arg) {
                case "--from" -> from.add(Path.of(value));
                case "--out" -> out = Path.of(value);
                case "--report" -> report = Path.of(value);
                case "--timings" -> timings = Path.of(value);
                case "--devices" -> devices = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (timings == null && devices == null) {
            throw new IllegalArgumentException("--timings or --devices is required: the merge saves the pipeline's "
                    + "timings for the next one");
        }
        return new Options(from, out, report, timings != null ? timings.toAbsolutePath().normalize()
                : FarmOptions.defaultTimings(devices.toAbsolutePath().normalize()));
    }
}
