package dev.harrow.device.config;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What Appium 3 takes in a device's {@code capabilities:}: W3C names as they are, every other name behind a vendor
 * prefix ({@code appium:}, {@code goog:}, ...), and the values of the capabilities whose type is known. A mistake
 * here would otherwise surface only when a session is created, on a device, minutes into a run.
 */
final class Capabilities {
    /** The W3C WebDriver capabilities, which take no prefix. */
    private static final Set<String> W3C = Set.of("browserName", "browserVersion", "platformName",
            "acceptInsecureCerts", "pageLoadStrategy", "proxy", "setWindowRect", "timeouts",
            "strictFileInteractability", "unhandledPromptBehavior", "webSocketUrl");
    private static final Set<String> BOOLEANS = Set.of("acceptInsecureCerts", "setWindowRect",
            "strictFileInteractability", "appium:noReset", "appium:fullReset", "appium:autoGrantPermissions",
            "appium:autoAcceptAlerts", "appium:autoDismissAlerts", "appium:ensureWebviewsHavePages",
            "appium:skipUnlock", "appium:printPageSourceOnFindFailure", "appium:enforceAppInstall",
            "appium:autoWebview", "appium:nativeWebScreenshot", "appium:isHeadless");
    private static final Set<String> TEXTS = Set.of("browserName", "browserVersion", "platformName",
            "pageLoadStrategy", "unhandledPromptBehavior", "appium:automationName", "appium:platformVersion",
            "appium:deviceName", "appium:udid", "appium:app", "appium:appPackage", "appium:appActivity",
            "appium:bundleId", "appium:language", "appium:locale", "appium:orientation", "appium:avd");
    private static final Map<String, Set<String>> CHOICES = Map.of(
            "pageLoadStrategy", Set.of("none", "eager", "normal"),
            "appium:orientation", Set.of("PORTRAIT", "LANDSCAPE"),
            "platformName", Set.of("Android", "iOS", "android", "ios"));

    private Capabilities() {
    }

    /** What is wrong with a capability, with its fix; empty when Appium would take it. */
    static Optional<String> problem(String name, Object value) {
        if (!name.contains(":") && !W3C.contains(name)) {
            return Optional.of("Appium 3 takes only W3C capabilities and vendor-prefixed ones; write 'appium:" + name
                    + "'");
        }
        if (BOOLEANS.contains(name) && !(value instanceof Boolean)) {
            return Optional.of("must be true or false, was " + shown(value));
        }
        if (TEXTS.contains(name) && !(value instanceof String)) {
            return Optional.of("must be text, was " + shown(value));
        }
        Set<String> choices = CHOICES.get(name);
        if (choices != null && value instanceof String text && !choices.contains(text)) {
            return Optional.of("must be one of " + String.join(", ", new java.util.TreeSet<>(choices)) + ", was "
                    + shown(value));
        }
        // appium:newCommandTimeout (seconds), appium:*Timeout and appium:*Duration (milliseconds) are counts.
        if (name.startsWith("appium:") && (name.endsWith("Timeout") || name.endsWith("Duration"))) {
            if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())) {
                return Optional.of("must be a whole number (" + unit(name) + "), was " + shown(value));
            }
            if (number.longValue() < 0) {
                return Optional.of("must not be negative (" + unit(name) + "; 0 means no limit), was " + value);
            }
        }
        return Optional.empty();
    }

    private static String unit(String name) {
        return name.equals("appium:newCommandTimeout") ? "seconds" : "milliseconds";
    }

    private static String shown(Object value) {
        return value instanceof String text ? "'" + text + "'" : String.valueOf(value);
    }
}
