package dev.harrow.device.junit;

import dev.harrow.device.Device;
import dev.harrow.device.DeviceKind;
import dev.harrow.device.config.DevicePool;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.config.DevicesFile;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.provider.DeviceUnavailableException;
import dev.harrow.device.runtime.AppiumServer;
import dev.harrow.device.runtime.WorkDirs;
import dev.harrow.device.webemulated.WebEmulatedProvider;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One device for a scenario run outside the farm: devices.yml is found through {@code -Dharrow.devices} or by
 * walking up from the working directory; the device is {@code -Dharrow.device} or the first web-emulated one.
 */
final class LocalDevice implements AutoCloseable {
    private final AppiumServer appium;
    private final DeviceSession session;

    private LocalDevice(AppiumServer appium, DeviceSession session) {
        this.appium = appium;
        this.session = session;
    }

    static LocalDevice start() {
        DevicePool pool = DevicesFile.load(locateDevicesFile());
        String wanted = System.getProperty("harrow.device");
        DeviceSpec spec = wanted != null
                ? pool.device(wanted).orElseThrow(() -> new IllegalStateException(
                        "-Dharrow.device=" + wanted + " is not in " + pool.source()))
                : pool.devices().stream().filter(d -> d.kind() == DeviceKind.WEB_EMULATED).findFirst()
                        .orElseThrow(() -> new IllegalStateException(pool.source()
                                + " has no web-emulated device to run a scenario on outside the farm"));
        if (spec.kind() != DeviceKind.WEB_EMULATED) {
            throw new IllegalStateException("outside the farm only web-emulated devices can be started; "
                    + spec.name() + " is " + spec.kind().wire());
        }
        AppiumServer appium = AppiumServer.start(WorkDirs.fromSystemProperties());
        try {
            return new LocalDevice(appium, new WebEmulatedProvider(appium.url(), WorkDirs.fromSystemProperties())
                    .open(spec));
        } catch (DeviceUnavailableException | RuntimeException e) {
            appium.close();
            throw new IllegalStateException("could not start " + spec.name() + ": " + e.getMessage(), e);
        }
    }

    static Path locateDevicesFile() {
        String configured = System.getProperty("harrow.devices");
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(DevicesFile.DEFAULT_NAME);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no " + DevicesFile.DEFAULT_NAME + " found from " + Path.of("").toAbsolutePath()
                + " upwards; set -Dharrow.devices");
    }

    Device device() {
        return session;
    }

    @Override
    public void close() {
        try {
            session.close();
        } finally {
            appium.close();
        }
    }
}
