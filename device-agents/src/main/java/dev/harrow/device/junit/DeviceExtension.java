package dev.harrow.device.junit;

import dev.harrow.device.Device;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the {@link Device} a scenario runs on. Under the farm, that is the device the farm leased for this run
 * (configuration parameter {@value #LEASE_PARAMETER}). Run alone, from an IDE or with plain Surefire, the extension
 * starts a local device from devices.yml itself (the first one, or the one named by {@code -Dharrow.device}) and
 * stops it when the run ends.
 */
public final class DeviceExtension implements ParameterResolver {
    public static final String LEASE_PARAMETER = "harrow.device.lease";

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Device.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Optional<String> lease = context.getConfigurationParameter(LEASE_PARAMETER);
        if (lease.isPresent()) {
            return DeviceLeases.get(lease.get()).orElseThrow(() -> new ParameterResolutionException(
                    "the farm's device lease " + lease.get() + " is no longer held"));
        }
        ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.create(
                DeviceExtension.class));
        return store.getOrComputeIfAbsent(LocalDevice.class, key -> LocalDevice.start(), LocalDevice.class).device();
    }
}
