package dev.harrow.scenarios.shop;

import dev.harrow.device.AppLaunch;
import dev.harrow.scenario.AppTelemetry;
import dev.harrow.scenario.Backend;
import dev.harrow.device.Device;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The sample shop as a user sees it: screens and buttons found by their {@code data-testid}, never by layout. The
 * chromium driver has no {@code By.id}; CSS selectors work on every kind.
 */
public final class ShopApp implements AppTelemetry {
    static final Duration WAIT = Duration.ofSeconds(15);
    private final Device device;

    private ShopApp(Device device) {
        this.device = device;
    }

    /** Launches the app on {@code device}, reporting to {@code backend}, and waits for its home screen. */
    public static ShopApp launch(Device device, Backend backend) {
        return launch(device, backend.launchFor(device));
    }

    /**
     * A fresh install ({@link dev.harrow.device.AppControl#clearData}) launched against {@code backend}, sending each
     * event within 200 ms: for scenarios that count what the app sent.
     */
    public static ShopApp launchFresh(Device device, Backend backend) {
        device.app().clearData();
        return launch(device, backend.launchFor(device).with("flushDelayMs", "200"));
    }

    /** Launches the app as {@code launch} says ({@link Backend#launchFor} and more) and waits for its home screen. */
    public static ShopApp launch(Device device, AppLaunch launch) {
        for (Breakage breakage : Breakage.values()) {
            if (breakage.active() && breakage.launchParameter().isPresent()) {
                launch = launch.with(breakage.launchParameter().get(), "1");
            }
        }
        device.app().launch(launch);
        ShopApp app = new ShopApp(device);
        app.awaitScreen("home");
        return app;
    }

    public ShopApp openCatalog() {
        tap("open-catalog");
        return awaitScreen("catalog");
    }

    public ShopApp openItem(String itemId) {
        tap("catalog-item-" + itemId);
        return awaitScreen("item");
    }

    public ShopApp buy() {
        tap("buy");
        return awaitScreen("purchased");
    }

    /**
     * Waits until the app can start without a network (its service worker holds the app shell). Before that, an app
     * opened offline has nothing to show, as a freshly installed app would.
     */
    public ShopApp awaitOfflineReady() {
        new WebDriverWait(device.driver(), WAIT).until(d -> "true".equals(((JavascriptExecutor) d)
                .executeScript("return document.body.dataset.offlineReady")));
        return this;
    }

    /** Kills the app and opens it again, keeping its stored data and the network state, and waits for home. */
    public ShopApp restart() {
        device.app().restart();
        return awaitScreen("home");
    }

    public String text(String testId) {
        return find(testId).getText();
    }

    public String screen() {
        return device.driver().findElement(By.cssSelector("[data-testid='screen']")).getDomAttribute("data-screen");
    }

    /** The SDK's debug surface: queue length, in-flight batch, last error, counters. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> telemetry() {
        return (Map<String, Object>) ((JavascriptExecutor) device.driver())
                .executeScript("return window.HarrowTelemetry.debug()");
    }

    public String sessionId() {
        return (String) telemetry().get("sessionId");
    }

    /** One of the SDK's counters: created, sent, duplicates, rejected, retries, dropped, registrations... */
    @SuppressWarnings("unchecked")
    @Override
    public long counter(String name) {
        Object value = ((Map<String, Object>) telemetry().get("counters")).get(name);
        return value == null ? 0 : ((Number) value).longValue();
    }

    /** Events waiting in the SDK's durable queue. */
    @Override
    public long queueLength() {
        return ((Number) telemetry().get("queueLength")).longValue();
    }

    /** The HTTP status of the SDK's recent deliveries, oldest first (0: no answer). */
    @SuppressWarnings("unchecked")
    public List<Integer> recentStatuses() {
        return ((List<Map<String, Object>>) telemetry().get("recentAttempts")).stream()
                .map(a -> ((Number) a.get("status")).intValue()).toList();
    }

    /** The push banner's title once it shows. */
    public String awaitPushBanner() {
        WebElement title = new WebDriverWait(device.driver(), WAIT).until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("[data-testid='push-title']")));
        return title.getText();
    }

    public boolean pushBannerShown() {
        return find("push-banner").isDisplayed();
    }

    /** Taps the push banner; the app opens what the push points at. */
    public ShopApp tapPushBanner() {
        tap("push-banner");
        return this;
    }

    public ShopApp openSettings() {
        tap("tab-settings");
        return awaitScreen("settings");
    }

    /**
     * Settings, "Test crash": the app logs a line to its console (the device's log) and throws an error that nothing
     * catches, naming its session in both.
     */
    public ShopApp testCrash() {
        tap("crash-test");
        return this;
    }

    private void tap(String testId) {
        WebElement element = new WebDriverWait(device.driver(), WAIT)
                .until(ExpectedConditions.elementToBeClickable(By.cssSelector("[data-testid='" + testId + "']")));
        element.click();
    }

    private WebElement find(String testId) {
        return device.driver().findElement(By.cssSelector("[data-testid='" + testId + "']"));
    }

    public ShopApp awaitScreen(String name) {
        new WebDriverWait(device.driver(), WAIT).until(d -> name.equals(screen()));
        return this;
    }
}
