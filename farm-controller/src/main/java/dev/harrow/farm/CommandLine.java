package dev.harrow.farm;

import dev.harrow.device.runtime.ProcessTree;
import dev.harrow.reports.summary.FarmSummary;
import dev.harrow.reports.summary.Outcome;
import dev.harrow.reports.summary.ScenarioRun;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * How the farm's commands read their options: {@code --name value} or {@code --name=value}; an empty value keeps
 * the default, so that build tools can pass unset properties through; {@code --help} (or {@code -h}) anywhere asks
 * for the usage, printed to standard output with exit code 0.
 */
final class CommandLine {
    /**
     * Where a failed run writes why it failed, when the build asks ({@code -Dharrow.failureFile=}): Maven then
     * fails with those words as its message (farm-controller/pom.xml) instead of a plugin's stack trace.
     */
    static final String FAILURE_FILE_PROPERTY = "harrow.failureFile";
    private static volatile String failure;

    private CommandLine() {
    }

    /** Why this run fails, in the words the build should end with. */
    static void failedBecause(String message) {
        failure = message;
    }

    /**
     * Why a run that ended with {@code summary} fails: its problems (configuration, infrastructure), else its
     * verdicts that were not passes, and its report when it has one; nothing when it passed.
     */
    static void failedBecause(FarmSummary summary, Path report) {
        if (summary.exitCode() == 0) {
            return;
        }
        List<String> lines = new ArrayList<>(summary.problems());
        if (lines.isEmpty()) {
            List<ScenarioRun> bad = summary.scenarios().stream().filter(r -> r.outcome() != Outcome.PASSED
                    && r.outcome() != Outcome.SKIPPED).toList();
            lines.add(bad.size() + " of " + summary.scenarios().size() + " verdicts did not pass:");
            bad.stream().limit(10).forEach(r -> lines.add("  " + r.outcome().wire().toUpperCase(Locale.ROOT) + " "
                    + r.displayName() + " [" + r.slot() + "]"));
            if (bad.size() > 10) {
                lines.add("  ... and " + (bad.size() - 10) + " more");
            }
        }
        if (Files.isRegularFile(report.resolve("index.html"))) {
            lines.add("Report: " + report.resolve("index.html"));
        }
        failure = String.join("\n", lines);
    }

    /** A command: its exit code for these arguments. */
    interface Command {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    /**
     * Runs a command as a process's main: JUL through SLF4J, an unexpected error reported as the infrastructure's
     * (exit 2), and the process ended with the command's exit code even if a library left a non-daemon thread
     * behind: CI must get the code. Stopped by SIGTERM or Ctrl-C, it ends the processes it started (Appium and
     * the drivers and browsers under it, embedded Redis servers) before it goes: try blocks do not unwind then.
     */
    static void main(String name, String[] args, Command command) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Path failureFile = Optional.ofNullable(System.getProperty(FAILURE_FILE_PROPERTY)).filter(f -> !f.isBlank())
                .map(Path::of).orElse(null);
        writeFailure(failureFile, null);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessTree.terminateChildren(Duration.ofSeconds(5)),
                name + "-stop"));
        int code = FarmRun.INFRASTRUCTURE;
        try {
            code = command.run(args, System.out, System.err);
        } catch (Throwable t) {
            System.err.println(name + ": failed: " + t);
            t.printStackTrace();
            failure = name + ": failed: " + t;
        } finally {
            writeFailure(failureFile, code == 0 ? null : failure != null ? failure
                    : name + " exited with code " + code + "; see its output above");
            System.exit(code);
        }
    }

    /**
     * Parses the arguments and runs the command on what they say: the usage on standard output and exit 0 for
     * {@code --help}; the problem and the usage on standard error and exit 2 for arguments that cannot be used.
     */
    static <T> int parseThenRun(String name, String usage, String[] args, PrintStream out, PrintStream err,
                                Function<String[], T> parse, ToIntFunction<T> run) {
        T options;
        try {
            options = parse.apply(args);
        } catch (HelpRequested e) {
            out.println(usage);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println(name + ": " + e.getMessage());
            err.println(usage);
            failedBecause(name + ": " + e.getMessage() + " (" + name + " --help lists every option)");
            return FarmRun.INFRASTRUCTURE;
        }
        return run.applyAsInt(options);
    }

    /** Writes the failure file ({@code null} text: removes a stale one), if the build asked for one. */
    private static void writeFailure(Path file, String text) {
        if (file == null) {
            return;
        }
        try {
            if (text == null) {
                Files.deleteIfExists(file);
            } else {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, text + System.lineSeparator());
            }
        } catch (IOException e) {
            System.err.println("cannot write " + file + ": " + e.getMessage());
        }
    }

    /** Thrown by {@link #options} when the user asked for the usage rather than a run. */
    static final class HelpRequested extends IllegalArgumentException {
        HelpRequested() {
            super("help");
        }
    }

    /** Every option with a non-empty value, name and value, in order. */
    static List<Map.Entry<String, String>> options(String[] args) {
        List<Map.Entry<String, String>> options = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new HelpRequested();
            }
            String value;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                value = arg.substring(equals + 1).trim();
                arg = arg.substring(0, equals);
            } else if (i + 1 < args.length) {
                value = args[++i].trim();
            } else {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            if (!value.isEmpty()) {
                options.add(Map.entry(arg, value));
            }
        }
        return options;
    }
}
