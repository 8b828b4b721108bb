package dev.harrow.farm;

import dev.harrow.device.Platform;
import dev.harrow.device.agent.AgentPolicy;
import dev.harrow.device.config.PoolMode;
import dev.harrow.farm.plan.Pipeline;
import dev.harrow.farm.plan.Shard;
import dev.harrow.farm.schedule.FarmSchedule;
import dev.harrow.farm.schedule.RetryPolicy;
import dev.harrow.farm.schedule.RunProgress;
import dev.harrow.farm.schedule.ScenarioLimits;
import dev.harrow.reports.summary.FarmSummary;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The farm from the command line (and from {@code mvn verify -Pfarm}). Exit codes: 0 every verdict passed, 1 a
 * scenario failed (or was flaky, with {@code --fail-on-flaky true}), 2 a configuration or infrastructure error.
 * Options take their value as the next argument or after '=' ({@code --mode=distribute}); an empty value keeps the
 * default, so that build tools can pass unset properties through.
 */
public final class FarmMain {
    static final String USAGE = """
            usage: farm --devices devices.yml --suite DIR [--suite-classpath FILE] [options]
              --devices FILE          the device pool (docs/DEVICES.md)
              --suite DIR             compiled scenario classes (repeatable)
              --suite-classpath FILE  the suite's classpath, entries separated by ':'
              --out DIR               where results go (default target/farm)
              --report DIR            where the HTML report goes (default OUT/allure-report)
              --timings FILE          scenario durations kept between runs (default .harrow/timings.json
                                      beside the devices file)
            what runs:
              --tag EXPR              scenarios with this JUnit tag expression (repeatable; default: scenario)
              --exclude-tag EXPR      not the scenarios with this tag expression (repeatable)
              --scenario REGEX        scenarios whose Class#method matches (default: all)
              --device NAMES          on these devices, comma-separated (default: all)
              --platform NAMES        on these platforms, android and/or ios (default: all)
              --shard I/N             the I-th of N parts of the suite, split by expected duration (CI matrices);
                                      results go to OUT/shards/I-of-N, merged by farm-merge (docs/CI.md)
              --pipeline ID           the pipeline the shard belongs to (default: the CI's run or pipeline id,
                                      else "local"); its shards plan from the same pinned timings
              --queue REDIS_URI       queue mode: the shards claim scenarios from this Redis as devices free up
            how:
              --mode MODE             matrix, per-platform or distribute (default: pool.mode in the devices file)
              --retries N             retries of a failed scenario, on another device when one can (default 1)
              --retry-budget N        retries in the whole run (default 20)
              --requeues N            times a scenario goes back to the queue after losing its device (default 3)
              --fail-on-flaky BOOL    fail the run when a scenario passed only on a retry (default false)
              --scenario-timeout DUR  the longest one try may take, such as 90s or 10m (default 10m)
              --idle-timeout DUR      the longest a try may leave its device silent (default 2m)
              --progress STYLE        auto, terminal or plain (default auto)
            where devices reach the farm:
              --advertise-host HOST   the host name or address of this machine that the devices are given for
                                      the backend and the app (default 127.0.0.1: devices on this host only)
              --bind ADDRESS          the address the backend and the app listen on (default 127.0.0.1; with
                                      --advertise-host, 0.0.0.0)""";
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private FarmMain() {
    }

    public static void main(String[] args) {
        CommandLine.main("farm", args, FarmMain::run);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLine.parseThenRun("farm", USAGE, args, out, err, FarmMain::parse, options -> run(options, out));
    }

    private static int run(FarmOptions options, PrintStream out) {
        FarmSummary summary = new FarmRun(options, out).run();
        CommandLine.failedBecause(summary, options.runReportDir());
        out.println();
        out.print(summary.toText());
        out.println("Summary:   " + options.summaryFile() + " (page: " + options.summaryPage().getFileName() + ")");
        out.println("JUnit XML: " + options.junitDir());
        Path index = options.runReportDir().resolve("index.html");
        if (Files.isRegularFile(index)) {
            out.println("Report:    " + index);
        }
        Path single = options.singleFileReportDir().resolve("index.html");
        if (Files.isRegularFile(single)) {
            out.println("One file:  " + single + " (opens from disk)");
        }
        return summary.exitCode();
    }

    static FarmOptions parse(String[] args) {
        Path devices = null;
        List<Path> suite = new ArrayList<>();
        Path suiteClasspath = null;
        Path out = Path.of("target", "farm");
        Path report = null;
        Path timings = null;
        Set<String> tags = new LinkedHashSet<>();
        Set<String> excluded = new LinkedHashSet<>();
        Pattern scenario = null;
        Set<String> deviceNames = Set.of();
        Set<Platform> platforms = EnumSet.noneOf(Platform.class);
        Shard shard = null;
        Pipeline pipeline = Pipeline.detect();
        PoolMode mode = null;
        RetryPolicy retries = RetryPolicy.defaults();
        ScenarioLimits limits = ScenarioLimits.defaults();
        RunProgress.Style progress = RunProgress.Style.detect();
        String advertiseHost = null;
        String bind = null;
        for (Map.Entry<String, String> option : CommandLine.options(args)) {
            String arg = option.getKey();
            String value = option.getValue();
            switch (arg) {
                case "--devices" -> devices = Path.of(value);
                case "--suite" -> suite.add(Path.of(value));
                case "--suite-classpath" -> suiteClasspath = Path.of(value);
                case "--out" -> out = Path.of(value);
                case "--report" -> report = Path.of(value);
                case "--timings" -> timings = Path.of(value);
                case "--tag" -> tags.add(value);
                case "--exclude-tag" -> excluded.add(value);
                case "--scenario" -> scenario = FarmOptions.scenarioPattern(value);
                case "--device" -> deviceNames = FarmOptions.names(value);
                case "--platform" -> FarmOptions.names(value).forEach(p -> platforms.add(Platform.fromWire(p)
                        .orElseThrow(() -> new IllegalArgumentException("--platform " + p + " is not a platform; "
                                + "use android or ios"))));
                case "--shard" -> shard = Shard.parse(value);
                case "--pipeline" -> pipeline = pipeline.withId(value);
                case "--queue" -> pipeline = pipeline.withQueue(value);
                case "--mode" -> mode = PoolMode.fromWire(value).orElseThrow(() -> new IllegalArgumentException(
                        "--mode " + value + " is not a mode; use one of " + PoolMode.allWire()));
                case "--retries" -> retries = new RetryPolicy(count(arg, value), retries.budget(),
                        retries.infrastructure(), retries.flakyFails());
                case "--retry-budget" -> retries = new RetryPolicy(retries.perScenario(), count(arg, value),
                        retries.infrastructure(), retries.flakyFails());
                case "--requeues" -> retries = new RetryPolicy(retries.perScenario(), retries.budget(),
                        count(arg, value), retries.flakyFails());
                case "--fail-on-flaky" -> retries = new RetryPolicy(retries.perScenario(), retries.budget(),
                        retries.infrastructure(), bool(arg, value));
                case "--scenario-timeout" -> limits = new ScenarioLimits(duration(arg, value), limits.idle(),
                        limits.grace());
                case "--idle-timeout" -> limits = new ScenarioLimits(limits.timeout(), duration(arg, value),
                        limits.grace());
                case "--progress" -> progress = progressStyle(value);
                case "--advertise-host" -> advertiseHost = value;
                case "--bind" -> bind = value;
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (devices == null) {
            throw new IllegalArgumentException("--devices is required");
        }
        if (suite.isEmpty()) {
            throw new IllegalArgumentException("--suite is required");
        }
        if (suiteClasspath != null && !Files.isRegularFile(suiteClasspath)) {
            throw new IllegalArgumentException("--suite-classpath " + suiteClasspath + " does not exist; build the "
                    + "scenarios first");
        }
        FarmOptions.Selection selection = new FarmOptions.Selection(tags, excluded, scenario, deviceNames, platforms,
                shard);
        FarmSchedule.Settings schedule = new FarmSchedule.Settings(retries, limits, AgentPolicy.defaults());
        return new FarmOptions(devices, ScenarioSuite.load(suite, suiteClasspath), out, report, timings, selection,
                mode, schedule, progress, pipeline, Reach.of(advertiseHost, bind));
    }

    static Duration duration(String option, String text) {
        Matcher m = DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(option + " '" + text + "' is not a duration such as 500ms, 90s, 10m "
                    + "or 1h");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        if (d.isZero()) {
            throw new IllegalArgumentException(option + " must be longer than zero");
        }
        return d;
    }

    private static int count(String option, String text) {
        try {
            int n = Integer.parseInt(text);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + text + "' is not a count (0 or more)");
        }
    }

    private static boolean bool(String option, String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw new IllegalArgumentException(option + " '" + text + "' is not true or false");
        };
    }

    private static RunProgress.Style progressStyle(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "auto" -> RunProgress.Style.detect();
            case "terminal", "tty" -> RunProgress.Style.TERMINAL;
            case "plain" -> RunProgress.Style.PLAIN;
            default -> throw new IllegalArgumentException("--progress '" + text + "' is not auto, terminal or plain");
        };
    }
}
