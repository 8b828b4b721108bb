package dev.harrow.device.provider;

import dev.harrow.device.DeviceKind;
import dev.harrow.device.emulator.AndroidEmulatorProvider;
import dev.harrow.device.grid.GridProvider;
import dev.harrow.device.remote.RemoteAppiumProvider;
import dev.harrow.device.runtime.WorkDirs;
import dev.harrow.device.webemulated.WebEmulatedProvider;
import java.net.URL;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The providers available in one run, by kind. */
public final class DeviceProviders {
    private final Map<DeviceKind, DeviceProvider> byKind = new EnumMap<>(DeviceKind.class);

    /**
     * A provider for every kind: web-emulated on the local Appium server at {@code localAppium} (null when no device
     * needs one), the others as this host's environment allows (Android SDK, Docker engine). A kind whose
     * prerequisites are missing still has its provider: it says what is missing when a device is opened.
     */
    public static DeviceProviders standard(URL localAppium, WorkDirs dirs) {
        DeviceProviders providers = new DeviceProviders()
                .add(new RemoteAppiumProvider(DeviceKind.REAL))
                .add(new RemoteAppiumProvider(DeviceKind.IOS_SIMULATOR))
                .add(AndroidEmulatorProvider.fromEnvironment(dirs))
                .add(new GridProvider());
        if (localAppium != null) {
            providers.add(new WebEmulatedProvider(localAppium, dirs));
        }
        return providers;
    }

    public DeviceProviders add(DeviceProvider provider) {
        byKind.put(provider.kind(), provider);
        return this;
    }

    public Optional<DeviceProvider> forKind(DeviceKind kind) {
        return Optional.ofNullable(byKind.get(kind));
    }
}
