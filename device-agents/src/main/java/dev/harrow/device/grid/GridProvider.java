package dev.harrow.device.grid;

import dev.harrow.device.DeviceKind;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.config.KindOptions;
import dev.harrow.device.provider.DeviceProvider;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.provider.DeviceUnavailableException;
import dev.harrow.device.remote.RemoteAppiumProvider;
import dev.harrow.device.webemulated.WebEmulatedProvider;
import java.net.MalformedURLException;

/**
 * Devices behind a Selenium Grid 4 hub: the distributed engine, for pools beyond one host. Each grid device of
 * devices.yml takes one slot whose stereotype matches; with a {@code profile} the slot is an emulated phone in
 * Chromium on the node's host (a relay node in front of that host's Appium), else a device of the node's Appium
 * (UiAutomator2, XCUITest). The hub queues a request while every matching slot is busy.
 */
public final class GridProvider implements DeviceProvider {

    @Override
    public DeviceKind kind() {
        return DeviceKind.GRID;
    }

    @Override
    public DeviceSession open(DeviceSpec spec) throws DeviceUnavailableException {
        KindOptions.Grid grid = spec.options(KindOptions.Grid.class);
        if (spec.profile() != null) {
            try {
                return WebEmulatedProvider.throughGrid(grid.gridUrl().toURL(), grid.stereotype()).open(spec);
            } catch (MalformedURLException e) {
                throw new DeviceUnavailableException("bad grid URL " + grid.gridUrl(), e);
            }
        }
        return RemoteAppiumProvider.openAt(grid.gridUrl(), spec, null, null, null,
                KindOptions.AppTarget.browser(spec.platform() == dev.harrow.device.Platform.ANDROID ? "Chrome"
                        : "Safari"), grid.stereotype(), () -> { });
    }
}
