package dev.harrow.device.junit;

import dev.harrow.device.Device;
import dev.harrow.device.DeviceCapability;
import dev.harrow.device.Platform;
import dev.harrow.device.config.DeviceSpec;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one scenario needs from its device, read from its {@link Needs} annotations.
 *
 * @param platforms the platforms it runs on; empty means any
 * @param capabilities what it uses beyond a screen and an app
 */
public record Requirements(Set<Platform> platforms, Set<DeviceCapability> capabilities) {
    public static final Requirements NONE = new Requirements(Set.of(), Set.of());

    public Requirements {
        platforms = platforms.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(platforms));
        capabilities = capabilities.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(capabilities));
    }

    /** The class's needs, then the method's: capabilities add up, the method's platforms win when it names some. */
    public static Requirements of(Class<?> type, Method method) {
        Needs onClass = type == null ? null : type.getAnnotation(Needs.class);
        Needs onMethod = method == null ? null : method.getAnnotation(Needs.class);
        Set<Platform> platforms = EnumSet.noneOf(Platform.class);
        Set<DeviceCapability> capabilities = EnumSet.noneOf(DeviceCapability.class);
        for (Needs needs : new Needs[] {onClass, onMethod}) {
            if (needs == null) {
                continue;
            }
            capabilities.addAll(List.of(needs.value()));
            if (needs.platform().length > 0) {
                platforms = EnumSet.copyOf(List.of(needs.platform()));
            }
        }
        return new Requirements(platforms, capabilities);
    }

    /** Why a device described so in devices.yml cannot run the scenario; empty when it can. */
    public Optional<String> unmetBy(DeviceSpec device) {
        List<String> why = new ArrayList<>();
        if (!platforms.isEmpty() && !platforms.contains(device.platform())) {
            why.add("it runs on " + platformList() + ", not " + device.platform().wire());
        }
        for (DeviceCapability capability : EnumSet.copyOf(capabilitiesOrNone())) {
            capability.declinedBy(device).ifPresent(reason -> why.add("no " + capability.wire() + ": " + reason));
        }
        return why.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", why));
    }

    /** Why an open device cannot run the scenario, by its own answers; empty when it can. */
    public Optional<String> unmetBy(Device device) {
        List<String> why = new ArrayList<>();
        if (!platforms.isEmpty() && !platforms.contains(device.platform())) {
            why.add("it runs on " + platformList() + ", not " + device.platform().wire());
        }
        for (DeviceCapability capability : EnumSet.copyOf(capabilitiesOrNone())) {
            capability.on(device).reason().ifPresent(reason -> why.add("no " + capability.wire() + ": " + reason));
        }
        return why.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", why));
    }

    public boolean isEmpty() {
        return platforms.isEmpty() && capabilities.isEmpty();
    }

    /** "android, network-control", for reports; "any device" when there is nothing to say. */
    @Override
    public String toString() {
        if (isEmpty()) {
            return "any device";
        }
        List<String> parts = new ArrayList<>();
        if (!platforms.isEmpty()) {
            parts.add(platformList());
        }
        EnumSet.copyOf(capabilitiesOrNone()).forEach(c -> parts.add(c.wire()));
        return String.join(", ", parts);
    }

    private String platformList() {
        return EnumSet.copyOf(platforms).stream().map(Platform::wire).collect(Collectors.joining(" or "));
    }

    private Set<DeviceCapability> capabilitiesOrNone() {
        return capabilities.isEmpty() ? EnumSet.noneOf(DeviceCapability.class) : EnumSet.copyOf(capabilities);
    }
}
