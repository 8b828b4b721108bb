package dev.harrow.reports.allure;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.harrow.reports.fixtures.LaneFixture;
import dev.harrow.reports.support.HeadlessChromium;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report a release manager opens: the single-file report, opened from disk in real headless Chromium, shows the
 * run's results by device and sorts the flaky one into its category. Keeps a screenshot in
 * {@code target/report-screenshots}.
 */
@DisabledIfSystemProperty(named = "harrow.skipBrowserTests", matches = "true")
class SingleFileReportChromiumTest {
    @TempDir
    Path dir;
    HeadlessChromium browser;

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void theSingleFileReportShowsTheRunByDeviceAndTheFlakyResult() throws Exception {
        Path results = dir.resolve("allure-results");
        RunLane pixel = new RunLane("pixel-7", "android", "web-emulated", "Pixel 7", null);
        RunLane iphone = new RunLane("iphone-se", "ios", "web-emulated", "iPhone SE", null);
        LaneResultsListenerTest.runOn(results, iphone, RunAttempt.first("iphone-se"), selectClass(LaneFixture.class));
        // A scenario that failed on the pixel and passed on the retry, on the iPhone: flaky.
        LaneResultsListenerTest.runOn(results, pixel, new RunAttempt("pool", 1, false, null),
                selectMethod(LaneFixture.class, "failsAnAssertion"));
        LaneResultsListenerTest.runOn(results, iphone, new RunAttempt("pool", 2, true, null),
                selectMethod(LaneFixture.class, "passes"));
        ReportInputs.writeCategories(results);
        ReportInputs.writeExecutor(results, "Harrow farm", Instant.parse("2026-11-22T10:00:00Z"), null, null);
        Path report = dir.resolve("single");
        AllureCommandline.locate().generate(results, report, "Harrow farm", true);

        browser = new HeadlessChromium();
        browser.open(report.resolve("index.html").toUri() + "#categories");
        browser.awaitText("Flaky: passed on a retry");
        browser.awaitText("Product defects");
        browser.awaitText("Infrastructure problems");
        browser.keepScreenshot("single-file-report-categories");

        browser.open(report.resolve("index.html").toUri() + "#timeline");
        browser.awaitText("pixel-7");
        browser.awaitText("iphone-se");
        browser.keepScreenshot("single-file-report-timeline");

        browser.open(report.resolve("index.html").toUri() + "#suites");
        browser.awaitText("android");
        browser.awaitText("ios");
        browser.keepScreenshot("single-file-report-suites");
    }
}
