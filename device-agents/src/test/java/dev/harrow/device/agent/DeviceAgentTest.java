package dev.harrow.device.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harrow.device.DeviceKind;
import dev.harrow.device.Platform;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.provider.DeviceUnavailableException;
import dev.harrow.device.stub.StubDeviceProvider;
import dev.harrow.device.stub.StubDeviceProvider.Script;
import dev.harrow.device.stub.StubDeviceSession;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class DeviceAgentTest {
    static final AgentPolicy FAST = new AgentPolicy(3, Duration.ZERO, 3, Duration.ZERO);
    final StubDeviceProvider provider = new StubDeviceProvider(DeviceKind.WEB_EMULATED);
    final List<AgentEvent> events = new CopyOnWriteArrayList<>();

    static DeviceSpec spec(String name) {
        return new DeviceSpec(name, Platform.ANDROID, DeviceKind.WEB_EMULATED, "Pixel 7", null, null, Set.of(),
                Map.of());
    }

    DeviceAgent agent(String name) {
        return new DeviceAgent(spec(name), provider, FAST).onChange(events::add);
    }

    @Test
    void aHealthyDeviceIsReusedBetweenScenariosWithAResetNotANewSession() throws Exception {
        DeviceAgent agent = agent("a");
        agent.provision();

        for (int i = 0; i < 3; i++) {
            DeviceSession leased = agent.lease();
            assertThat(agent.state()).isEqualTo(AgentState.LEASED);
            assertThat(leased).isSameAs(provider.sessions().get(0));
            agent.release();
            assertThat(agent.state()).isEqualTo(AgentState.READY);
        }

        assertThat(provider.opens("a")).isEqualTo(1);
        assertThat(provider.sessions().get(0).resets()).isEqualTo(3);
        assertThat(agent.resets()).hasSize(3);
        assertThat(events).extracting(AgentEvent::to).containsExactly(AgentState.READY,
                AgentState.LEASED, AgentState.RESETTING, AgentState.READY,
                AgentState.LEASED, AgentState.RESETTING, AgentState.READY,
                AgentState.LEASED, AgentState.RESETTING, AgentState.READY);
        agent.close();
        assertThat(agent.state()).isEqualTo(AgentState.RETIRED);
        assertThat(provider.sessions().get(0).closed()).isTrue();
    }

    @Test
    void aResetThatJustWentThroughStandsInForTheHealthCheckOfTheNextLease() throws Exception {
        DeviceAgent agent = new DeviceAgent(spec("quick"), provider, new AgentPolicy(3, Duration.ZERO, 3,
                Duration.ofMinutes(1)));
        agent.provision();

        agent.lease();
        agent.release();
        agent.lease();

        assertThat(provider.sessions().get(0).healthChecks()).isZero();
    }

    @Test
    void sessionCreationIsRetriedWithinItsBound() throws Exception {
        provider.script("flaky", Script.failsToOpen(2));
        DeviceAgent agent = agent("flaky");

        agent.provision();

        assertThat(provider.opens("flaky")).isEqualTo(3);
        assertThat(agent.state()).isEqualTo(AgentState.READY);
        assertThat(agent.sessionCreations()).hasSize(1);
    }

    @Test
    void aDeviceThatNeverOpensIsQuarantinedWithTheReason() {
        provider.script("dead", Script.neverOpens());
        DeviceAgent agent = agent("dead");

        assertThatThrownBy(agent::provision).isInstanceOf(DeviceUnavailableException.class);

        assertThat(agent.state()).isEqualTo(AgentState.QUARANTINED);
        assertThat(agent.quarantineReason()).contains("no session after 3 attempts").contains("scripted session failure");
        assertThatThrownBy(agent::lease).isInstanceOf(DeviceUnavailableException.class)
                .hasMessageContaining("quarantined");
    }

    @Test
    void aSessionThatDiesBetweenScenariosIsReplacedBeforeTheNextLease() throws Exception {
        DeviceAgent agent = agent("fragile");
        agent.provision();
        agent.lease();
        agent.release();
        StubDeviceSession first = provider.sessions().get(0);
        first.die();

        DeviceSession second = agent.lease();

        assertThat(second).isNotSameAs(first);
        assertThat(first.closed()).isTrue();
        assertThat(provider.opens("fragile")).isEqualTo(2);
        assertThat(events).extracting(AgentEvent::to).contains(AgentState.PROVISIONING);
    }

    @Test
    void repeatedInfrastructureFailuresQuarantineTheDevice() throws Exception {
        provider.script("crashy", Script.failingResets());
        DeviceAgent agent = agent("crashy");
        agent.provision();

        for (int i = 0; i < 3; i++) {
            agent.lease();
            agent.release();
        }

        assertThat(agent.state()).isEqualTo(AgentState.QUARANTINED);
        assertThat(agent.quarantineReason()).contains("3 infrastructure failures in a row")
                .contains("scripted reset failure");
        assertThat(provider.sessions()).allSatisfy(s -> assertThat(s.closed()).isTrue());
        assertThat(events).last().satisfies(e -> {
            assertThat(e.to()).isEqualTo(AgentState.QUARANTINED);
            assertThat(e.reason()).contains("infrastructure failures");
        });
    }

    @Test
    void aSuccessfulResetClearsTheFailureCount() throws Exception {
        DeviceAgent agent = agent("recovering");
        agent.provision();
        agent.lease();
        agent.infrastructureFailure("a hiccup");
        agent.infrastructureFailure("another");
        agent.lease();
        agent.release();

        agent.infrastructureFailure("a third, after a good reset");

        assertThat(agent.state()).isEqualTo(AgentState.PROVISIONING);
    }

    @Test
    void aLeaseProvisionsFirstIfNeededAndARetiredAgentTakesNoMoreWork() throws Exception {
        DeviceAgent agent = agent("strict");

        agent.lease();
        assertThat(events).extracting(AgentEvent::to).containsExactly(AgentState.READY, AgentState.LEASED);
        agent.close();

        assertThatThrownBy(agent::provision).isInstanceOf(DeviceUnavailableException.class)
                .hasMessageContaining("retired");
        assertThatThrownBy(agent::lease).isInstanceOf(DeviceUnavailableException.class);
        agent.release();
        assertThat(agent.state()).isEqualTo(AgentState.RETIRED);
    }

    @Test
    void aDeviceLostDuringAScenarioComesBackNotReadyAndTheNextLeaseOpensANewSession() throws Exception {
        DeviceAgent agent = agent("dropping");
        StubDeviceSession first = (StubDeviceSession) agent.lease();
        first.die();

        assertThat(agent.release()).as("the reset finds the device gone").isFalse();
        assertThat(agent.state()).isEqualTo(AgentState.PROVISIONING);
        assertThat(agent.lease()).isNotSameAs(first);
        assertThat(agent.release()).isTrue();
        assertThat(provider.opens("dropping")).isEqualTo(2);
    }

    @Test
    void aSessionTheFarmEndedIsRenewedWithoutCountingTowardsQuarantine() throws Exception {
        DeviceAgent agent = agent("hung");
        for (int i = 0; i < 5; i++) {
            DeviceSession leased = agent.lease();
            agent.renew("the scenario hung");
            assertThat(((StubDeviceSession) leased).closed()).isTrue();
        }

        assertThat(agent.state()).isEqualTo(AgentState.PROVISIONING);
        assertThat(agent.quarantineReason()).isNull();
        assertThat(provider.opens("hung")).isEqualTo(5);
        assertThat(events).filteredOn(e -> "the scenario hung".equals(e.reason())).hasSize(5);
    }
}
