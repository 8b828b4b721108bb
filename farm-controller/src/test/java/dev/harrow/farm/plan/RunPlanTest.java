package dev.harrow.farm.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.harrow.device.DeviceCapability;
import dev.harrow.device.DeviceKind;
import dev.harrow.device.Platform;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.config.KindOptions;
import dev.harrow.device.config.PoolMode;
import dev.harrow.device.junit.Requirements;
import dev.harrow.farm.stub.StubPool;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunPlanTest {
    static final DeviceSpec PIXEL = StubPool.device("pixel", Platform.ANDROID);
    static final DeviceSpec GALAXY = StubPool.device("galaxy", Platform.ANDROID);
    static final DeviceSpec IPHONE = StubPool.device("iphone", Platform.IOS);
    static final DeviceSpec LAB_IPHONE = new DeviceSpec("lab-iphone", Platform.IOS, DeviceKind.REAL, null, null, null,
            Set.of(), Map.of(), new KindOptions.RemoteAppium(URI.create("http://127.0.0.1:4723"), "0008", null, null,
            KindOptions.AppTarget.browser("Safari")));
    static final List<DeviceSpec> POOL = List.of(PIXEL, GALAXY, IPHONE, LAB_IPHONE);

    static final ScenarioRef ANY = ScenarioRef.of("shop.S", "any");
    static final ScenarioRef OFFLINE = ScenarioRef.of("shop.S", "offline").needing(
            new Requirements(Set.of(), Set.of(DeviceCapability.NETWORK_CONTROL)));
    static final ScenarioRef IOS_PUSH = ScenarioRef.of("shop.S", "iosPush").needing(
            new Requirements(Set.of(Platform.IOS), Set.of(DeviceCapability.PUSH_INBOX)));

    @Test
    void matrixRunsEachScenarioOnEveryDeviceThatCanRunIt() {
        RunPlan plan = RunPlan.of(List.of(ANY, OFFLINE), POOL, PoolMode.MATRIX);

        assertThat(plan.slots()).extracting(s -> s.scenario().methodName(), Slot::key).containsExactly(
                tuple("any", "pixel"), tuple("any", "galaxy"), tuple("any", "iphone"), tuple("any", "lab-iphone"),
                tuple("offline", "pixel"), tuple("offline", "galaxy"), tuple("offline", "iphone"));
        assertThat(plan.slots()).allSatisfy(s -> assertThat(s.eligible()).hasSize(1));
        assertThat(plan.notRunnable()).isEmpty();
    }

    @Test
    void perPlatformRunsEachScenarioOncePerPlatformOnAnyCapableDeviceOfIt() {
        RunPlan plan = RunPlan.of(List.of(ANY, OFFLINE), POOL, PoolMode.PER_PLATFORM);

        assertThat(plan.slots()).extracting(s -> s.scenario().methodName(), Slot::key).containsExactly(
                tuple("any", "android"), tuple("any", "ios"), tuple("offline", "android"), tuple("offline", "ios"));
        assertThat(plan.slots().get(1).eligible()).containsExactly(IPHONE, LAB_IPHONE);
        assertThat(plan.slots().get(3).eligible()).as("a real iPhone cannot go offline").containsExactly(IPHONE);
    }

    @Test
    void distributeRunsEachScenarioOnceOnAnyCapableDevice() {
        RunPlan plan = RunPlan.of(List.of(ANY, IOS_PUSH), POOL, PoolMode.DISTRIBUTE);

        assertThat(plan.slots()).extracting(Slot::key).containsOnly(Slot.POOL);
        assertThat(plan.slots().get(0).eligible()).containsExactlyElementsOf(POOL);
        assertThat(plan.slots().get(1).eligible()).containsExactly(IPHONE);
    }

    @Test
    void aScenarioNoDeviceCanRunIsNotRunnableWithEachDevicesReason() {
        RunPlan plan = RunPlan.of(List.of(ANY, IOS_PUSH), List.of(PIXEL, GALAXY, LAB_IPHONE), PoolMode.MATRIX);

        assertThat(plan.slots()).extracting(s -> s.scenario().methodName()).containsOnly("any");
        assertThat(plan.notRunnable()).singleElement().satisfies(gap -> {
            assertThat(gap.scenario()).isEqualTo("shop.S#iosPush");
            assertThat(gap.needs()).isEqualTo("ios, push-inbox");
            assertThat(gap.reason()).startsWith("pixel, galaxy: it runs on ios, not android; lab-iphone: no "
                    + "push-inbox: a real device receives pushes from the real APNs or FCM gateways");
        });
    }

    @Test
    void aShardsPlanKeepsOnlyItsScenarios() {
        RunPlan plan = RunPlan.of(List.of(ANY, OFFLINE, IOS_PUSH), List.of(PIXEL), PoolMode.MATRIX);

        RunPlan part = plan.only(Set.of("shop.S#offline", "shop.S#iosPush"));

        assertThat(part.slots()).extracting(s -> s.scenario().id()).containsExactly("shop.S#offline");
        assertThat(part.notRunnable()).hasSize(1);
        assertThat(plan.slotsPerScenario()).containsEntry("shop.S#any", 1L).doesNotContainKey("shop.S#iosPush");
    }
}
