package dev.harrow.device.junit;

import dev.harrow.device.Device;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the {@link Device} a scenario runs on. Under the farm, that is the device the farm leased for this run
 * (configuration parameter {@value #LEASE_PARAMETER}). Run alone, from an IDE or with plain Surefire, the extension
 * starts a local device from devices.yml itself (the first one, or the one named by {@code -Dharrow.device}) and
 * stops it when the run ends.
 *
 * <p>A scenario whose {@link Needs} the device does not meet is skipped with the device's reason. The farm never
 * leases such a device; this is for runs outside it.
 */
public final class DeviceExtension implements ParameterResolver, ExecutionCondition {
    public static final String LEASE_PARAMETER = "harrow.device.lease";

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Device.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return device(context);
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isEmpty()) {
            return ConditionEvaluationResult.enabled("decided per scenario");
        }
        Requirements needs = Requirements.of(context.getRequiredTestClass(), context.getRequiredTestMethod());
        if (needs.isEmpty()) {
            return ConditionEvaluationResult.enabled("needs any device");
        }
        Device device = device(context);
        return needs.unmetBy(device)
                .map(why -> ConditionEvaluationResult.disabled(device.name() + " cannot run this scenario: " + why))
                .orElseGet(() -> ConditionEvaluationResult.enabled(device.name() + " has what it needs"));
    }

    private static Device device(ExtensionContext context) {
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
