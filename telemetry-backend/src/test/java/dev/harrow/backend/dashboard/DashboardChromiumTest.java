package dev.harrow.backend.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.analytics.AnalyticsFixtures;
import dev.harrow.backend.analytics.MetricsEndpoint;
import dev.harrow.backend.client.BackendClient;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The dashboard in real headless Chromium: the admin signs in, every chart is drawn with the figures of the APIs,
 * the console stays free of errors, and a screenshot is kept ({@code target/dashboard/dashboard.png}).
 */
class DashboardChromiumTest {
    static final String KEY = "dashboard-app-key-1";
    static final String ADMIN = "dashboard-admin-token-1";
    static final LocalDate FIRST = LocalDate.parse("2026-08-01");
    static final ObjectMapper JSON = new ObjectMapper();

    TelemetryBackend backend;
    BackendClient client;
    ChromeDriver browser;

    @BeforeEach
    void start() {
        backend = TelemetryBackend.start(AnalyticsFixtures.backfill(BackendConfig.embedded(List.of(new AppKey("shop", KEY)),
                ADMIN)));
        client = new BackendClient(backend.baseUri(), ADMIN);
        AnalyticsFixtures.ingest(client, KEY, 20261123L, 2000, FIRST, 30);
        ChromeOptions options = new ChromeOptions().setBinary(executable("chromium", "chromium-browser"))
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(executable("chromedriver"))).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        backend.close();
    }

    @Test
    void everyChartShowsTheFiguresOfTheApis() throws Exception {
        // A push to two devices; one reports it delivered and opened.
        client.registerPushToken(KEY, Map.of("deviceId", "pixel-1", "token", "fcm-dash-1", "platform", "android",
                "timeZone", "UTC"));
        client.registerPushToken(KEY, Map.of("deviceId", "pixel-2", "token", "fcm-dash-2", "platform", "android",
                "timeZone", "UTC"));
        String id = client.sendPush(Map.of("target", Map.of("everyone", true), "content",
                Map.of("title", "Hello", "body", "Welcome back"))).get("id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> client.pushStatus(id).get("counts").get("accepted")
                .asInt() == 2);
        List<Map<String, Object>> receipts = new ArrayList<>();
        for (String type : List.of("push_delivered", "push_opened")) {
            receipts.add(Map.of("eventId", java.util.UUID.randomUUID().toString(), "type", type, "ts",
                    java.time.Instant.now().toString(), "deviceId", "pixel-1", "platform", "android",
                    "props", Map.of("messageId", id)));
        }
        client.send(KEY, receipts);

        String from = FIRST.plusDays(5).toString();
        String to = FIRST.plusDays(29).toString();
        browser.get(backend.baseUri().resolve("/dashboard?from=" + from + "&to=" + to + "&tz=UTC").toString());
        browser.findElement(By.id("token")).sendKeys(ADMIN);
        browser.findElement(By.id("signin-button")).click();
        JavascriptExecutor js = browser;
        await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.TRUE.equals(
                js.executeScript("return window.harrowDashboard.ready")));
        JsonNode drawn = JSON.valueToTree(js.executeScript("return window.harrowDashboard.drawn"));

        JsonNode rows = JSON.readTree(client.metrics(MetricsEndpoint.METRICS, Map.of("from", from, "to", to,
                "tz", "UTC"))).get("rows");
        assertThat(drawn.at("/active/labels")).hasSize(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertThat(drawn.at("/active/labels/" + i).asText()).isEqualTo(rows.get(i).get("period").asText());
            assertThat(drawn.at("/active/datasets/0/data/" + i).asDouble()).isEqualTo(rows.get(i).get("dau").asDouble());
            assertThat(drawn.at("/active/datasets/2/data/" + i).asInt()).isEqualTo(rows.get(i).get("mau").asInt());
            assertThat(drawn.at("/stickiness/datasets/0/data/" + i).asDouble())
                    .isEqualTo(rows.get(i).get("stickiness").asDouble());
            assertThat(drawn.at("/revenue/datasets/0/data/" + i).asDouble())
                    .isEqualTo(rows.get(i).get("revenue").asDouble());
        }
        assertThat(rows.get(10).get("dau").asDouble()).isPositive();

        JsonNode retention = JSON.readTree(client.metrics(MetricsEndpoint.RETENTION, Map.of("from", from, "to", to,
                "tz", "UTC", "offsets", "1,3,7,14,30"))).get("rows");
        assertThat(drawn.get("retention")).hasSize(retention.size());
        assertThat(drawn.at("/retention/0/rate")).isEqualTo(retention.get(0).get("rate"));
        assertThat(browser.findElements(By.cssSelector("#retention td"))).hasSize(retention.size() * 6);

        // Targeted 2, accepted 2, delivered 1, opened 1.
        assertThat(drawn.at("/funnel/datasets/0/data").toString()).isEqualTo("[2,2,1,1]");
        await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) js.executeScript(
                "return window.harrowDashboard.drawn.live.labels.length")).intValue() >= 1);

        Path shots = Path.of("target", "dashboard");
        Files.createDirectories(shots);
        Files.write(shots.resolve("dashboard.png"), browser.getScreenshotAs(OutputType.BYTES));
        List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
        assertThat(errors).isEmpty();
        JsonNode pageErrors = JSON.valueToTree(js.executeScript("return window.harrowDashboard.errors"));
        assertThat(pageErrors).isEmpty();
    }

    @Test
    void aWrongTokenIsRefusedAndTheSignInComesBack() {
        browser.get(backend.baseUri().resolve("/dashboard").toString());
        browser.findElement(By.id("token")).sendKeys("not-the-admin-token");
        browser.findElement(By.id("signin-button")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("signin")).isDisplayed());
        assertThat(browser.findElement(By.id("signin-problem")).getText()).contains("sign in again");
    }

    /** The first of {@code names} on the PATH: the browser and driver come from the system's packages. */
    static String executable(String... names) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : names) {
                File f = new File(dir, name);
                if (f.canExecute()) {
                    return f.getAbsolutePath();
                }
            }
        }
        throw new IllegalStateException("none of " + List.of(names) + " on the PATH: install Chromium and its "
                + "driver (packages chromium and chromium-driver)");
    }
}
