package dev.harrow.reports.allure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
