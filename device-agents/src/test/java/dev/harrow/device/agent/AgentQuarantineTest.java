package dev.harrow.device.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harrow.device.DeviceKind;
import dev.harrow.device.Platform;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.provider.DeviceUnavailableException;
import dev.harrow.device.runtime.AppiumServer;
import dev.harrow.device.runtime.ProcessTree;
import dev.harrow.device.runtime.WorkDirs;
import dev.harrow.device.webemulated.WebEmulatedProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/** A device whose Appium endpoint dies while a scenario holds it is quarantined, with the reason. */
@DisabledIfSystemProperty(named = "harrow.skipBrowserTests", matches = "true")
class AgentQuarantineTest {

    @Test
    void aDeviceWhoseAppiumDiesMidLeaseIsQuarantinedAndSaysWhy() throws Exception {
        WorkDirs dirs = WorkDirs.fromSystemProperties();
        AppiumServer appium = AppiumServer.start(dirs);
        List<ProcessHandle> orphans = List.of();
        DeviceSpec spec = new DeviceSpec("doomed", Platform.ANDROID, DeviceKind.WEB_EMULATED, "Pixel 7", null, null,
                Set.of(), Map.of());
        DeviceAgent agent = new DeviceAgent(spec, new WebEmulatedProvider(appium.url(), dirs),
                new AgentPolicy(2, Duration.ofMillis(100), 3));
        try {
            agent.provision();
            agent.lease();

            // The Appium server dies under the scenario: SIGKILL, as a crash would.
            ProcessHandle server = ProcessHandle.of(appium.pid()).orElseThrow();
            orphans = server.descendants().toList();
            server.destroyForcibly();
            server.onExit().get();
            agent.release();
            assertThat(agent.state()).isEqualTo(AgentState.PROVISIONING);

            assertThatThrownBy(agent::lease).isInstanceOf(DeviceUnavailableException.class);
            assertThat(agent.state()).isEqualTo(AgentState.QUARANTINED);
            assertThat(agent.quarantineReason()).contains("no session after 2 attempts")
                    .contains("could not create a session on doomed");
        } finally {
            agent.close();
            for (ProcessHandle orphan : orphans) {
                ProcessTree.terminate(orphan, Duration.ofSeconds(5));
            }
            appium.close();
        }
    }
}
