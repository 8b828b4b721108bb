package dev.harrow.reports.summary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harrow.reports.support.HeadlessChromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The farm summary page as a release manager sees it, opened from disk in real headless Chromium: the devices'
 * timeline is drawn, the push funnel shows each device's bars with the undelivered step in red, and nothing on the
 * page asks for the network. Keeps {@code target/report-screenshots/farm-summary.png}.
 */
@DisabledIfSystemProperty(named = "harrow.skipBrowserTests", matches = "true")
class FarmSummaryPageChromiumTest {
    @TempDir
    Path dir;

    @Test
    void thePageDrawsTheTimelineAndEachDevicesPushFunnel() throws Exception {
        Path file = dir.resolve("farm-summary.html");
        SummaryFixtures.everyKindOfVerdict().withTelemetry(List.of(
                DeviceTelemetry.none("pixel-7").plus(12, 10, 1, 0, 2, 0)
                        .plus(new DeviceTelemetry.Pushes(2, 2, 2, 0, 2, 1, List.of(210L, 260L), List.of(2700L))),
                DeviceTelemetry.none("iphone-se").plus(6, 6, 0, 0, 0, 0)
                        .plus(new DeviceTelemetry.Pushes(1, 1, 1, 0, 0, 0, List.of(), List.of())))).writeHtml(file);

        try (HeadlessChromium chromium = new HeadlessChromium()) {
            chromium.open(file.toUri().toString());
            chromium.awaitText("Pushes, as the farm's backend recorded them");
            chromium.awaitText("210 / 260 / 260 ms");

            WebElement timeline = chromium.browser().findElement(By.cssSelector("[data-testid='timeline']"));
            assertThat(timeline.getSize().getWidth()).as("the timeline is drawn").isGreaterThan(500);
            List<WebElement> rows = chromium.browser().findElements(By.cssSelector("[data-testid='pushes'] tr"));
            assertThat(rows).hasSize(3);
            // Each funnel has its four bars; iphone-se's delivered bar is red and as low as nothing delivered.
            List<WebElement> bars = rows.get(2).findElements(By.cssSelector("svg rect"));
            assertThat(bars).hasSize(4);
            assertThat(bars.get(2).getAttribute("fill")).isEqualTo("#e53935");
            assertThat(bars.get(0).getSize().getHeight()).isGreaterThan(bars.get(2).getSize().getHeight());
            Object failedRequests = chromium.browser().executeScript(
                    "return performance.getEntriesByType('resource').length");
            assertThat(((Number) failedRequests).intValue()).as("nothing fetched").isZero();
            Path shot = chromium.keepScreenshot("farm-summary");
            assertThat(Files.size(shot)).isGreaterThan(10_000);
        }
    }
}
