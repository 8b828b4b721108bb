package dev.harrow.reports.junit;

import dev.harrow.reports.summary.Attempt;
import dev.harrow.reports.summary.FarmSummary;
import dev.harrow.reports.summary.NotRunnable;
import dev.harrow.reports.summary.Outcome;
import dev.harrow.reports.summary.ScenarioRun;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * A farm run as JUnit XML in the format Maven Surefire writes ({@code TEST-<class>.xml}, one per scenario class), so
 * that any CI server shows it as it shows unit tests. Each verdict is a test case named {@code method[slot]}; a
 * flaky one carries its failed tries as {@code flakyFailure}/{@code flakyError}, a failed one its earlier tries as
 * {@code rerunFailure}/{@code rerunError}, as Surefire does with {@code rerunFailingTestsCount}.
 */
public final class SurefireXml {
    /** The version of Surefire's report format this follows. */
    static final String FORMAT_VERSION = "3.0.2";
    private static final Pattern EXCEPTION_PREFIX = Pattern.compile("^([A-Za-z_$][\\w$.]*(?:Error|Exception|Failure)"
            + "[\\w$]*):");

    private SurefireXml() {
    }

    /** Writes one file per scenario class into {@code dir} (emptied of earlier TEST-*.xml first); returns them. */
    public static List<Path> write(FarmSummary summary, Path dir) {
        Map<String, List<ScenarioRun>> byClass = new LinkedHashMap<>();
        summary.scenarios().forEach(run -> byClass.computeIfAbsent(run.className(), c -> new ArrayList<>()).add(run));
        Map<String, List<NotRunnable>> gapsByClass = new LinkedHashMap<>();
        for (NotRunnable gap : summary.notRunnable()) {
            String className = gap.scenario().contains("#") ? gap.scenario().substring(0, gap.scenario().indexOf('#'))
                    : gap.scenario();
            gapsByClass.computeIfAbsent(className, c -> new ArrayList<>()).add(gap);
            byClass.putIfAbsent(className, new ArrayList<>());
        }
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            try (var old = Files.newDirectoryStream(dir, "TEST-*.xml")) {
                for (Path file : old) {
                    Files.delete(file);
                }
            }
            for (Map.Entry<String, List<ScenarioRun>> entry : byClass.entrySet()) {
                Path file = dir.resolve("TEST-" + entry.getKey() + ".xml");
                try (OutputStream out = Files.newOutputStream(file)) {
                    writeSuite(summary, entry.getKey(), entry.getValue(),
                            gapsByClass.getOrDefault(entry.getKey(), List.of()), out);
                }
                written.add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JUnit XML to " + dir, e);
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write JUnit XML to " + dir, e);
        }
        return written;
    }

    private static void writeSuite(FarmSummary summary, String className, List<ScenarioRun> runs,
                                   List<NotRunnable> gaps, OutputStream out) throws XMLStreamException {
        XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
        xml.writeStartDocument("UTF-8", "1.0");
        xml.writeCharacters("\n");
        xml.writeStartElement("testsuite");
        xml.writeAttribute("version", FORMAT_VERSION);
        xml.writeAttribute("name", className);
        xml.writeAttribute("time", seconds(runs.stream().mapToLong(ScenarioRun::durationMillis).sum()));
        xml.writeAttribute("tests", String.valueOf(runs.size() + gaps.size()));
        xml.writeAttribute("errors", String.valueOf(runs.stream().filter(r -> r.outcome() == Outcome.BROKEN
                || r.outcome() == Outcome.NOT_RUN).count()));
        xml.writeAttribute("skipped", String.valueOf(runs.stream().filter(r -> r.outcome() == Outcome.SKIPPED)
                .count() + gaps.size()));
        xml.writeAttribute("failures", String.valueOf(runs.stream().filter(r -> r.outcome() == Outcome.FAILED)
                .count()));
        xml.writeCharacters("\n  ");
        xml.writeStartElement("properties");
        property(xml, "harrow.pool", summary.pool());
        property(xml, "harrow.mode", summary.mode());
        if (summary.shard() != null) {
            property(xml, "harrow.shard", summary.shard());
        }
        xml.writeCharacters("\n  ");
        xml.writeEndElement();
        for (ScenarioRun run : runs) {
            writeCase(xml, run);
        }
        for (NotRunnable gap : gaps) {
            xml.writeCharacters("\n  ");
            xml.writeStartElement("testcase");
            xml.writeAttribute("name", gap.scenario().substring(gap.scenario().indexOf('#') + 1));
            xml.writeAttribute("classname", className);
            xml.writeAttribute("time", "0");
            xml.writeEmptyElement("skipped");
            xml.writeAttribute("message", "not runnable on this pool (needs " + gap.needs() + "): " + gap.reason());
            xml.writeEndElement();
        }
        xml.writeCharacters("\n");
        xml.writeEndElement();
        xml.writeCharacters("\n");
        xml.writeEndDocument();
        xml.close();
    }

    private static void writeCase(XMLStreamWriter xml, ScenarioRun run) throws XMLStreamException {
        xml.writeCharacters("\n  ");
        xml.writeStartElement("testcase");
        xml.writeAttribute("name", run.methodName() + "[" + run.slot() + "]");
        xml.writeAttribute("classname", run.className());
        xml.writeAttribute("time", seconds(run.durationMillis()));
        List<Attempt> earlier = run.attempts().isEmpty() ? List.of()
                : run.attempts().subList(0, run.attempts().size() - 1);
        switch (run.outcome()) {
            case PASSED -> { }
            case FLAKY -> tries(xml, earlier, "flakyFailure", "flakyError");
            case FAILED -> {
                problem(xml, "failure", run.message(), null);
                tries(xml, earlier, "rerunFailure", "rerunError");
            }
            case BROKEN -> {
                problem(xml, "error", run.message(), null);
                tries(xml, earlier, "rerunFailure", "rerunError");
            }
            case SKIPPED -> {
                xml.writeEmptyElement("skipped");
                if (run.message() != null) {
                    xml.writeAttribute("message", run.message());
                }
            }
            case NOT_RUN -> problem(xml, "error", "not run: " + run.message(), "NotRun");
            default -> throw new IllegalStateException("unknown outcome " + run.outcome());
        }
        if (run.attempts().size() > 1) {
            xml.writeStartElement("system-out");
            xml.writeCData(run.attempts().stream().map(a -> String.format(Locale.ROOT, "try on %s: %s%s (%s s)%s",
                    a.device(), a.outcome().wire(), a.infrastructure() ? ", lost to the infrastructure" : "",
                    seconds(a.durationMillis()), a.message() == null ? "" : ": " + a.message()))
                    .collect(Collectors.joining("\n")) + "\n");
            xml.writeEndElement();
        }
        xml.writeEndElement();
    }

    /** The failed tries before the deciding one; tries lost to the infrastructure are errors, not failures. */
    private static void tries(XMLStreamWriter xml, List<Attempt> attempts, String failure, String error)
            throws XMLStreamException {
        for (Attempt attempt : attempts) {
            if (attempt.outcome() == Outcome.FAILED && !attempt.infrastructure()) {
                problem(xml, failure, attempt.message(), null);
            } else if (attempt.outcome().isFailure() || attempt.infrastructure()) {
                problem(xml, error, attempt.message(), attempt.infrastructure() ? "Infrastructure" : null);
            }
        }
    }

    private static void problem(XMLStreamWriter xml, String element, String message, String type)
            throws XMLStreamException {
        String text = message == null ? "" : message;
        xml.writeStartElement(element);
        xml.writeAttribute("message", text.lines().findFirst().orElse(""));
        String kind = type != null ? type : exceptionType(text);
        if (kind != null) {
            xml.writeAttribute("type", kind);
        }
        if (element.startsWith("flaky") || element.startsWith("rerun")) {
            xml.writeStartElement("stackTrace");
            xml.writeCharacters(text);
            xml.writeEndElement();
        } else {
            xml.writeCharacters(text);
        }
        xml.writeEndElement();
    }

    private static String exceptionType(String message) {
        Matcher m = EXCEPTION_PREFIX.matcher(message);
        return m.find() ? m.group(1) : null;
    }

    private static void property(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
        xml.writeCharacters("\n    ");
        xml.writeEmptyElement("property");
        xml.writeAttribute("name", name);
        xml.writeAttribute("value", value == null ? "" : value);
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }
}
