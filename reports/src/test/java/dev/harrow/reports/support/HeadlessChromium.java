package dev.harrow.reports.support;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium and ChromeDriver, headless, for the tests that look at a page the way its reader will: open it,
 * wait for a text, keep a screenshot in {@code target/report-screenshots}.
 */
public final class HeadlessChromium implements AutoCloseable {
    private final ChromeDriver browser;

    public HeadlessChromium() {
        ChromeOptions options = new ChromeOptions().setBinary(executable("chromium", "chromium-browser"))
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(executable("chromedriver"))).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    public ChromeDriver browser() {
        return browser;
    }

    public void open(String url) {
        browser.get(url);
    }

    public void awaitText(String text) {
        await("the page shows " + text).atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> browser.findElement(By.tagName("body")).getText().contains(text));
    }

    /** Writes the window as {@code target/report-screenshots/NAME.png} and returns where. */
    public Path keepScreenshot(String name) throws Exception {
        Path shots = Path.of("target", "report-screenshots");
        Files.createDirectories(shots);
        return Files.write(shots.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        browser.quit();
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
