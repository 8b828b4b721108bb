package dev.harrow.scenarios.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.harrow.backend.client.BackendClient;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.store.EventQuery;
import dev.harrow.device.Device;
import dev.harrow.device.DeviceLogEntry;
import dev.harrow.device.DeviceLogs;
import dev.harrow.scenario.Backend;
import dev.harrow.scenario.Evidence;
import dev.harrow.scenario.Scenario;
import dev.harrow.scenarios.shop.ShopApp;
import io.qameta.allure.Allure;
import io.qameta.allure.Epic;
import io.qameta.allure.Feature;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import io.qameta.allure.Story;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * An app bug in the field: the app's uncaught error reaches the backend's log store through the SDK, and the
 * device's own log (the console here; logcat or syslog on phones) reaches it beside, and the report.
 */
@Scenario
@Epic("Telemetry")
@Feature("Logs")
class LogCaptureScenario {
    static final Duration DELIVERY = Duration.ofSeconds(20);

    @Test
    @Story("The app's errors and the device's log reach the log store and the report")
    @Severity(SeverityLevel.CRITICAL)
    @DisplayName("an uncaught app error and the device's log lines reach the backend's log store")
    void appErrorsAndDeviceLogsReachTheLogStore(Device device, Backend backend) {
        DeviceLogs logs = device.logs().orSkip();
        BackendClient client = backend.client();
        device.app().clearData();
        ShopApp app = Allure.step("launch the shop", () -> ShopApp.launch(device, backend.launchFor(device)));
        logs.drain(); // what earlier scenarios on this device left
        // The app names its session in the console line and in the error: both are this scenario's own.
        String marker = app.sessionId();
        Allure.step("Settings, Test crash: the app logs to its console and throws an error nobody catches",
                () -> app.openSettings().testCrash());

        List<TelemetryEvent> appLogs = Allure.step("the SDK reports the error to the backend", () -> await(
                "the app's error in the log store")
                .atMost(DELIVERY).pollInterval(Duration.ofMillis(250)).until(() -> logsWith(client, device, marker,
                        "app"), found -> !found.isEmpty()));
        Evidence.eventTimeline("The app's error as stored", appLogs);
        assertThat(appLogs).singleElement().satisfies(e -> {
            assertThat(e.props()).containsEntry("level", "error");
            assertThat((String) e.props().get("message")).contains("Test crash in session " + marker);
            assertThat(e.sessionId()).as("the app session it happened in").isEqualTo(app.sessionId());
        });

        List<DeviceLogEntry> lines = new ArrayList<>();
        Allure.step("the device's log shows both", () -> await().atMost(DELIVERY).until(() -> {
            lines.addAll(logs.drain());
            return lines.stream().filter(l -> l.message().contains(marker)).count() >= 2;
        }));
        Evidence.text("Device log", String.join("\n", lines.stream().map(l -> l.at() + " " + l.level() + " ["
                + l.source() + "] " + l.message()).toList()));
        Allure.step("the device's log lines are stored beside the app's", () -> {
            client.sendDeviceLog(backend.appKey(), device.name(), device.platform().wire(), lines.stream()
                    .map(l -> new BackendClient.DeviceLogLine(l.at(), l.level(), l.source(), l.message())).toList());
            List<TelemetryEvent> deviceLogs = logsWith(client, device, marker, "device");
            Evidence.eventTimeline("The device's lines as stored", deviceLogs);
            assertThat(deviceLogs).extracting(e -> (String) e.props().get("message"))
                    .anySatisfy(m -> assertThat(m).contains("test crash requested in session " + marker))
                    .anySatisfy(m -> assertThat(m).contains("Test crash in session " + marker));
        });
    }

    private static List<TelemetryEvent> logsWith(BackendClient client, Device device, String marker, String origin) {
        return client.events(new EventQuery(null, device.name(), "log", null, null, 1000)).stream()
                .filter(e -> origin.equals(e.props().get("origin")))
                .filter(e -> String.valueOf(e.props().get("message")).contains(marker))
                .toList();
    }
}
