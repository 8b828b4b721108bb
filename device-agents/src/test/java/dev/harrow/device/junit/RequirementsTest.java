package dev.harrow.device.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harrow.device.DeviceCapability;
import dev.harrow.device.DeviceKind;
import dev.harrow.device.Platform;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.config.KindOptions;
import dev.harrow.device.stub.StubDeviceProvider;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequirementsTest {
    static final DeviceSpec EMULATED_IPHONE = new DeviceSpec("iphone", Platform.IOS, DeviceKind.WEB_EMULATED,
            "iPhone SE", null, null, Set.of(), Map.of());
    static final DeviceSpec REAL_IPHONE = new DeviceSpec("lab-iphone", Platform.IOS, DeviceKind.REAL, null, null,
            null, Set.of(), Map.of(), new KindOptions.RemoteAppium(URI.create("http://127.0.0.1:4723"), "00008",
            null, null, KindOptions.AppTarget.browser("Safari")));
    static final DeviceSpec REAL_ANDROID = new DeviceSpec("lab-pixel", Platform.ANDROID, DeviceKind.REAL, null, null,
            null, Set.of(), Map.of(), new KindOptions.RemoteAppium(URI.create("http://127.0.0.1:4723"), "R58M",
            null, null, KindOptions.AppTarget.browser("Chrome")));

    @Needs(DeviceCapability.NETWORK_CONTROL)
    static class OfflineScenarios {
        void anyPlatform() {
        }

        @Needs(value = DeviceCapability.PUSH_INBOX, platform = Platform.IOS)
        void iosPush() {
        }
    }

    static class Plain {
        void anything() {
        }
    }

    @Test
    void aMethodAddsCapabilitiesToItsClassAndNamesItsOwnPlatforms() throws Exception {
        Requirements any = Requirements.of(OfflineScenarios.class,
                OfflineScenarios.class.getDeclaredMethod("anyPlatform"));
        Requirements push = Requirements.of(OfflineScenarios.class,
                OfflineScenarios.class.getDeclaredMethod("iosPush"));

        assertThat(any).isEqualTo(new Requirements(Set.of(), Set.of(DeviceCapability.NETWORK_CONTROL)));
        assertThat(push.platforms()).containsExactly(Platform.IOS);
        assertThat(push.capabilities()).containsExactlyInAnyOrder(DeviceCapability.NETWORK_CONTROL,
                DeviceCapability.PUSH_INBOX);
        assertThat(push).hasToString("ios, network-control, push-inbox");
        assertThat(Requirements.of(Plain.class, Plain.class.getDeclaredMethod("anything"))).isEqualTo(
                Requirements.NONE).hasToString("any device");
    }

    @Test
    void aDeviceMeetsTheNeedsOrSaysWhyNotFromDevicesYmlAlone() {
        Requirements offline = new Requirements(Set.of(), Set.of(DeviceCapability.NETWORK_CONTROL));
        Requirements androidLogs = new Requirements(Set.of(Platform.ANDROID), Set.of(DeviceCapability.DEVICE_LOGS));

        assertThat(offline.unmetBy(EMULATED_IPHONE)).isEmpty();
        assertThat(offline.unmetBy(REAL_ANDROID)).isEmpty();
        assertThat(offline.unmetBy(REAL_IPHONE)).get().asString()
                .startsWith("no network-control: an iOS device switches networks only through a proxy");
        assertThat(androidLogs.unmetBy(REAL_IPHONE)).get().asString().isEqualTo("it runs on android, not ios");
        assertThat(Requirements.NONE.unmetBy(REAL_IPHONE)).isEmpty();
    }

    @Test
    void anOpenDeviceGivesTheSameAnswersAsItsDescription() throws Exception {
        StubDeviceProvider provider = new StubDeviceProvider(DeviceKind.REAL);
        for (DeviceSpec spec : new DeviceSpec[] {REAL_IPHONE, REAL_ANDROID}) {
            var session = provider.open(spec);
            for (DeviceCapability capability : DeviceCapability.values()) {
                assertThat(capability.on(session).reason()).as(spec.name() + " " + capability)
                        .isEqualTo(capability.declinedBy(spec));
            }
        }
        Requirements push = new Requirements(Set.of(), Set.of(DeviceCapability.PUSH_INBOX));
        assertThat(push.unmetBy(provider.open(REAL_ANDROID))).isEqualTo(push.unmetBy(REAL_ANDROID)).isPresent();
    }
}
