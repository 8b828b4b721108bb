package dev.harrow.reports.allure;

import static org.awaitility.Awaitility.await;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.harrow.reports.fixtures.LaneFixture;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The report a release manager opens: the single-file report, opened from disk in real headless Chromium, shows the
 * run's results by device and sorts the flaky one into its category. Keeps a screenshot in
 * {@code target/report-screenshots}.
 */
@DisabledIfSystemProperty(named = "harrow.skipBrowserTests", matches = "true")
class SingleFileReportChromiumTest {
    @TempDir
    Path dir;
    ChromeDriver browser;

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
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

        browser = openChromium();
        browser.get(report.resolve("index.html").toUri() + "#categories");
        awaitText("Flaky: passed on a retry");
        awaitText("Product defects");
        awaitText("Infrastructure problems");
        keepScreenshot("categories");

        browser.get(report.resolve("index.html").toUri() + "#timeline");
        awaitText("pixel-7");
        awaitText("iphone-se");
        keepScreenshot("timeline");

        browser.get(report.resolve("index.html").toUri() + "#suites");
        awaitText("android");
        awaitText("ios");
        keepScreenshot("suites");
    }

    private void awaitText(String text) {
        await("the report shows " + text).atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> browser.findElement(By.tagName("body")).getText().contains(text));
    }

    private void keepScreenshot(String name) throws Exception {
        Path shots = Path.of("target", "report-screenshots");
        Files.createDirectories(shots);
        Files.write(shots.resolve("single-file-report-" + name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    private static ChromeDriver openChromium() {
        ChromeOptions options = new ChromeOptions().setBinary(executable("chromium", "chromium-browser"))
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(executable("chromedriver"))).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static String executable(String... names) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : names) {
                File f = new File(dir, name);
                if (f.canExecute()) {
                    return f.getAbsolutePath();
                }
            }
        }
        throw new IllegalStateException("none of " + List.of(names) + " on the PATH: install Chromium and its driver "
                + "(packages chromium and chromium-driver)");
    }
}
