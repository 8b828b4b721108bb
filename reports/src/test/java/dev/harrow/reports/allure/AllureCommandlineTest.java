package dev.harrow.reports.allure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllureCommandlineTest {
    @TempDir
    Path dir;

    @Test
    void generatesAnOfflineReportWithOneTestCasePerScenarioAndDevice() throws Exception {
        Path results = dir.resolve("allure-results");
        LaneResultsListenerTest.runOn(results, new RunLane("pixel-7", "android", "web-emulated", "Pixel 7", null));
        LaneResultsListenerTest.runOn(results, new RunLane("iphone-se", "ios", "web-emulated", "iPhone SE", null));
        Path report = dir.resolve("allure-report");

        AllureCommandline.locate().generate(results, report, "Harrow test", false);

        assertThat(report.resolve("index.html")).isRegularFile();
        try (Stream<Path> cases = Files.list(report.resolve("data/test-cases"))) {
            assertThat(cases.count()).isEqualTo(8);
        }
        assertThat(Files.readString(report.resolve("widgets/summary.json"))).contains("\"reportName\":\"Harrow test\"");
    }

    @Test
    void aSingleFileReportOpensFromDisk() throws Exception {
        Path results = dir.resolve("allure-results");
        LaneResultsListenerTest.runOn(results, new RunLane("pixel-7", "android", "web-emulated", "Pixel 7", null));
        Path report = dir.resolve("single");

        AllureCommandline.locate().generate(results, report, "Harrow", true);

        try (Stream<Path> files = Files.list(report)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("index.html");
        }
    }

    @Test
    void theNextReportCarriesTheHistorySoThatTheTrendShowsBothRuns() throws Exception {
        Path report = dir.resolve("allure-report");
        for (int run = 1; run <= 2; run++) {
            Path results = dir.resolve("allure-results-" + run);
            LaneResultsListenerTest.runOn(results, new RunLane("pixel-7", "android", "web-emulated", "Pixel 7", null));
            ReportInputs.writeExecutor(results, "Harrow", Instant.parse("2026-11-22T10:00:00Z").plusSeconds(run),
                    null, null);
            assertThat(ReportInputs.carryHistory(report, results)).as("history files carried before run " + run)
                    .isEqualTo(run == 1 ? 0 : 5);
            AllureCommandline.locate().generate(results, report, "Harrow", false);
        }

        JsonNode trend = new ObjectMapper().readTree(report.resolve("history/history-trend.json").toFile());
        assertThat(trend).as("points of the trend chart").hasSize(2);
        assertThat(trend.get(0).get("buildOrder").asLong()).isEqualTo(Instant.parse("2026-11-22T10:00:02Z")
                .getEpochSecond());
    }
}
