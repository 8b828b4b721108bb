package dev.harrow.device;

import dev.harrow.device.config.DeviceSpec;
import java.util.Locale;
import java.util.Optional;

/**
 * What a scenario may need from a device beyond a screen and an app. Which devices offer which is known from
 * devices.yml alone (kind, platform, profile), so the farm matches scenarios to devices before opening a session,
 * and a session declines a capability with the same reason ({@link Capability#declined(String)}).
 */
public enum DeviceCapability {
    /** Offline, online, throttled ({@link Device#network()}). */
    NETWORK_CONTROL,
    /** Time zone and language set by the test ({@link Device#localization()}). */
    LOCALIZATION,
    /** The device's own log ({@link Device#logs()}). */
    DEVICE_LOGS,
    /** Pushes from sandbox gateways handed to the app ({@link Device#pushInbox()}). */
    PUSH_INBOX;

    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Why a device as devices.yml describes it cannot do this; empty when it can. */
    public Optional<String> declinedBy(DeviceSpec spec) {
        // An emulated phone is a browser Harrow drives through DevTools: it can do everything, grid or not.
        boolean emulated = spec.kind() == DeviceKind.WEB_EMULATED
                || spec.kind() == DeviceKind.GRID && spec.profile() != null;
        if (emulated) {
            return Optional.empty();
        }
        return switch (this) {
            case NETWORK_CONTROL -> spec.platform() == Platform.ANDROID ? Optional.empty()
                    : Optional.of("an iOS device switches networks only through a proxy, which Harrow does not run; "
                            + "it does not fake being offline");
            case LOCALIZATION -> Optional.of("the time zone and language of a " + spec.kind().wire()
                    + " device are set in its settings, not by the test");
            case DEVICE_LOGS -> Optional.empty();
            case PUSH_INBOX -> Optional.of("a " + spec.kind().wire() + " device receives pushes from the real APNs "
                    + "or FCM gateways, not from a sandbox");
        };
    }

    /** The device's own answer: offered, or declined with its reason. */
    public Capability<?> on(Device device) {
        return switch (this) {
            case NETWORK_CONTROL -> device.network();
            case LOCALIZATION -> device.localization();
            case DEVICE_LOGS -> device.logs();
            case PUSH_INBOX -> device.pushInbox();
        };
    }

    /**
     * The capability for a session: {@code value} when devices.yml's description of the device offers it, else
     * declined with the reason. Implementations use this so that what the farm matched on and what the session
     * does are one rule.
     */
    public <T> Capability<T> offer(DeviceSpec spec, T value) {
        Optional<String> declined = declinedBy(spec);
        if (declined.isPresent()) {
            return Capability.declined(declined.get());
        }
        return value != null ? Capability.of(value)
                : Capability.declined("this session of " + spec.name() + " cannot do it");
    }
}
