package dev.harrow.device.config;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/** What a device kind needs beyond the common fields of devices.yml; one record per kind (docs/DEVICES.md). */
public sealed interface KindOptions
        permits KindOptions.WebEmulated, KindOptions.RemoteAppium, KindOptions.AndroidEmulator, KindOptions.Grid {

    /**
     * Chromium's mobile emulation: the common fields ({@code profile}, time zone, locale) and the web app under test.
     *
     * @param app the web app or PWA the device opens (any http(s) URL, on loopback or the LAN); null for the
     *            sample app
     */
    record WebEmulated(URI app) implements KindOptions {
        public WebEmulated() {
            this(null);
        }
    }

    /** A real device or a simulator behind an Appium server that someone else runs. */
    record RemoteAppium(URI appiumUrl, String udid, String deviceName, String platformVersion, AppTarget app)
            implements KindOptions {
        public RemoteAppium {
            Objects.requireNonNull(appiumUrl, "appiumUrl");
            Objects.requireNonNull(app, "app");
        }
    }

    /**
     * An Android emulator: an AVD booted with the SDK's {@code emulator} CLI (then {@code appiumUrl} is the Appium
     * server, with the UiAutomator2 driver, that drives it), or a container image started through the Docker Engine
     * API that runs the emulator and Appium inside.
     */
    record AndroidEmulator(String avd, String image, URI appiumUrl, Map<String, String> containerEnv, AppTarget app)
            implements KindOptions {
        public AndroidEmulator {
            if ((avd == null) == (image == null)) {
                throw new IllegalArgumentException("exactly one of avd and image");
            }
            containerEnv = containerEnv == null ? Map.of() : Map.copyOf(containerEnv);
            Objects.requireNonNull(app, "app");
        }
    }

    /**
     * A slot of a Selenium Grid 4 hub. {@code stereotype} holds the capabilities that pick the slot; with a
     * {@code profile} the slot is an emulated phone in Chromium on the node's host.
     */
    record Grid(URI gridUrl, Map<String, Object> stereotype, URI app) implements KindOptions {
        public Grid(URI gridUrl, Map<String, Object> stereotype) {
            this(gridUrl, stereotype, null);
        }

        public Grid {
            Objects.requireNonNull(gridUrl, "gridUrl");
            stereotype = stereotype == null ? Map.of() : Map.copyOf(stereotype);
        }
    }

    /**
     * The app under test on a native device: the web app in the device's browser ({@code browser}: Chrome on
     * Android, Safari on iOS), or an installed app ({@code app} path or URL, and its package and activity or
     * bundle id).
     */
    record AppTarget(String browser, String app, String appPackage, String appActivity, String bundleId) {
        public static AppTarget browser(String browser) {
            return new AppTarget(browser, null, null, null, null);
        }

        public boolean isBrowser() {
            return browser != null;
        }
    }
}
