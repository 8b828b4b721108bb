package dev.harrow.reports.allure;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What Allure reads beside the results, so that a release manager can trust the report: the categories that sort
 * failures into product defects, infrastructure and flaky; the executor (who made the run, which run it was); and the
 * history of earlier runs, carried over from the previous report so that the trend charts and each result's
 * history tab work.
 */
public final class ReportInputs {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportInputs() {
    }

    /**
     * {@code categories.json}. Allure puts a result in the first category that matches, so the flaky ones (passed on a
     * retry) come first; a failed scenario is a product defect (the scenario judged what the app or backend did), a
     * broken one an infrastructure problem (a device lost, a timeout, a setup error).
     */
    public static void writeCategories(Path results) {
        List<Map<String, Object>> categories = List.of(
                category("Flaky: passed on a retry", List.of("passed", "failed", "broken"), null, true),
                category("Product defects", List.of("failed"), null, false),
                category("Infrastructure problems", List.of("broken"), null, false),
                category("Not run", List.of("skipped"), ".*", false));
        write(results.resolve("categories.json"), categories);
    }

    /**
     * {@code executor.json}: the run's name and order, so that the trend charts label their points; a CI build's URL
     * when the run has one; and a link to the farm summary page ({@code summaryUrl}, relative to the report), shown
     * in the report's Executors widget.
     */
    public static void writeExecutor(Path results, String reportName, Instant started, String buildUrl,
                                     String summaryUrl) {
        Map<String, Object> executor = new LinkedHashMap<>();
        executor.put("name", "Harrow farm");
        executor.put("type", "harrow");
        executor.put("reportName", reportName);
        executor.put("buildName", reportName + " " + started);
        executor.put("buildOrder", started.getEpochSecond());
        if (buildUrl != null) {
            executor.put("buildUrl", buildUrl);
        }
        if (summaryUrl != null) {
            executor.put("reportUrl", summaryUrl);
        }
        write(results.resolve("executor.json"), executor);
    }

    /**
     * Copies the history of the previous report ({@code previousReport/history}) into the results, where Allure reads
     * it; returns how many files were carried (0 for a first run).
     */
    public static int carryHistory(Path previousReport, Path results) {
        Path from = previousReport.resolve("history");
        if (!Files.isDirectory(from)) {
            return 0;
        }
        Path to = results.resolve("history");
        int carried = 0;
        try (Stream<Path> files = Files.list(from)) {
            Files.createDirectories(to);
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                carried++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot carry the report history from " + from, e);
        }
        return carried;
    }

    private static Map<String, Object> category(String name, List<String> statuses, String messageRegex,
                                                boolean flaky) {
        Map<String, Object> category = new LinkedHashMap<>();
        category.put("name", name);
        category.put("matchedStatuses", statuses);
        if (messageRegex != null) {
            category.put("messageRegex", messageRegex);
        }
        if (flaky) {
            category.put("flaky", true);
        }
        return category;
    }

    private static void write(Path file, Object value) {
        try {
            Files.createDirectories(file.getParent());
            JSON.writeValue(file.toFile(), value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
