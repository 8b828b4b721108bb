package dev.harrow.farm;

import dev.harrow.reports.summary.FarmSummary;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The farm from the command line (and from {@code mvn verify -Pfarm}). Exit codes: 0 every scenario passed on
 * every device, 1 a scenario failed, 2 a configuration or infrastructure error.
 */
public final class FarmMain {
    static final String USAGE = """
            usage: farm --devices devices.yml --suite DIR [--suite-classpath FILE] [options]
              --devices FILE          the device pool (docs/DEVICES.md)
              --suite DIR             compiled scenario classes (repeatable)
              --suite-classpath FILE  the suite's classpath, entries separated by ':'
              --out DIR               where results go (default target/farm)
              --report DIR            where the HTML report goes (default OUT/allure-report)
              --tag TAG               run scenarios with this JUnit tag (repeatable; default: scenario)
              --scenario REGEX        run scenarios whose Class#method matches (default: all)
              --device NAMES          run on these devices, comma-separated (default: all)""";

    private FarmMain() {
    }

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        int code = FarmRun.INFRASTRUCTURE;
        try {
            code = run(args, System.out, System.err);
        } catch (Throwable t) {
            System.err.println("farm: the run failed: " + t);
            t.printStackTrace();
        } finally {
            // Exit even if a library left a non-daemon thread behind: CI must get the exit code.
            System.exit(code);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        FarmOptions options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("farm: " + e.getMessage());
            err.println(USAGE);
            return FarmRun.INFRASTRUCTURE;
        }
        FarmSummary summary = new FarmRun(options, out).run();
        out.println();
        out.print(summary.toText());
        out.println("Summary: " + options.summaryFile().toAbsolutePath().normalize());
        Path index = options.reportDir().resolve("index.html");
        if (Files.isRegularFile(index)) {
            out.println("Report:  " + index.toAbsolutePath().normalize());
        }
        return summary.exitCode();
    }

    static FarmOptions parse(String[] args) {
        Path devices = null;
        List<Path> suite = new ArrayList<>();
        Path suiteClasspath = null;
        Path out = Path.of("target", "farm");
        Path report = null;
        Set<String> tags = new LinkedHashSet<>();
        Pattern scenario = null;
        Set<String> deviceNames = Set.of();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new IllegalArgumentException("help");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            String value = args[++i];
            switch (arg) {
                case "--devices" -> devices = Path.of(value);
                case "--suite" -> suite.add(Path.of(value));
                case "--suite-classpath" -> suiteClasspath = Path.of(value);
                case "--out" -> out = Path.of(value);
                case "--report" -> report = Path.of(value);
                case "--tag" -> tags.add(value);
                case "--scenario" -> scenario = FarmOptions.scenarioPattern(value);
                case "--device" -> deviceNames = FarmOptions.deviceNames(value);
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
        if (tags.isEmpty()) {
            tags.add(FarmOptions.DEFAULT_TAG);
        }
        return new FarmOptions(devices, ScenarioSuite.load(suite, suiteClasspath), out, report, tags, scenario,
                deviceNames);
    }
}
