package dev.harrow.scenarios.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.device.Device;
import dev.harrow.device.NetworkControl;
import dev.harrow.device.network.Exchange;
import dev.harrow.device.network.NetworkSwitch;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Scenario
@Epic("Telemetry")
@Feature("Offline delivery")
class OfflineRetryScenario {
    static final Duration DELIVERY = Duration.ofSeconds(20);

    @Test
    @Story("Events made offline survive an app restart and arrive once")
    @Severity(SeverityLevel.BLOCKER)
    @DisplayName("events made offline survive an app restart while offline and are stored exactly once")
    void eventsMadeOfflineSurviveARestartAndAreStoredExactlyOnce(Device device, Backend backend) {
        NetworkControl network = device.network().orSkip();
        // A fresh install: what an earlier scenario left in the app's storage (queue, session) is not this one's.
        device.app().clearData();
        ShopApp app = Allure.step("launch the shop", () -> ShopApp.launch(device, backend));
        Set<String> sessions = new LinkedHashSet<>(List.of(app.sessionId()));
        Allure.step("wait until the launch is stored and the app can start offline", () -> {
            await().atMost(DELIVERY).until(() -> backend.eventsOfSessions(device, sessions).size() >= 2);
            app.awaitOfflineReady();
        });

        Allure.step("the device goes offline", network::offline);
        Allure.step("browse and buy while offline", () -> app.openCatalog().openItem("steel-flask").buy());
        Allure.step("the app queues the four events", () -> await().atMost(DELIVERY)
                .until(() -> queueLength(app) == 4));
        Allure.step("the user swipes the app away and opens it again, still offline", app::restart);
        assertThat(network.isOffline()).as("the restart kept the device offline").isTrue();
        sessions.add(app.sessionId());
        Allure.step("the device comes back online", network::online);
        // The window is the path's own record of its switches: a clock read here, after online() returned, would
        // count the app's first request back online as one made while offline.
        List<NetworkSwitch> switches = network.switches();
        Instant onlineAt = switches.get(switches.size() - 1).at();
        Instant offlineAt = switches.stream().filter(x -> x.profile().offline()).reduce((a, b) -> b).orElseThrow()
                .at();

        AtomicReference<List<TelemetryEvent>> stored = new AtomicReference<>(List.of());
        try {
            Allure.step("every event reaches the backend", () -> await().atMost(DELIVERY)
                    .pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() -> {
                        stored.set(backend.eventsOfSessions(device, sessions));
                        assertDeliveredOnce(stored.get());
                    }));
        } finally {
            Evidence.eventTimeline("Stored events (offline from " + offlineAt + " to " + onlineAt + ")",
                    stored.get());
        }
        List<TelemetryEvent> madeOffline = stored.get().stream()
                .filter(e -> !e.ts().isBefore(offlineAt) && e.ts().isBefore(onlineAt)).toList();
        assertThat(madeOffline).as("events made while offline").hasSizeGreaterThanOrEqualTo(5);
        assertThat(madeOffline).as("nothing made offline was stored before the device came back")
                .allSatisfy(e -> assertThat(e.receivedAt()).isAfterOrEqualTo(onlineAt.minusMillis(500)));
        // The device's own record of what left it: no request reached the collector while it was offline. This is
        // what the backend's clock cannot prove: a request that slipped out would be stored all the same.
        String collector = backend.launchFor(device).parameters().get("collector");
        List<Exchange> leaked = network.traffic().stream()
                .filter(x -> !x.started().isBefore(offlineAt) && x.started().isBefore(onlineAt))
                .filter(Exchange::reachedServer)
                .filter(x -> collector == null || x.url().startsWith(collector)).toList();
        assertThat(leaked).as("requests that reached the collector while the device was offline").isEmpty();
        List<Long> delays = new ArrayList<>();
        madeOffline.forEach(e -> delays.add(Duration.between(e.ts(), e.receivedAt()).toMillis()));
        Allure.addAttachment("Delay from creation to storage of the events made offline", "text/plain",
                "events: " + delays.size() + "\nmin ms: " + delays.stream().mapToLong(Long::longValue).min().orElse(0)
                        + "\nmax ms: " + delays.stream().mapToLong(Long::longValue).max().orElse(0), "txt");
        @SuppressWarnings("unchecked")
        Map<String, Object> counters = (Map<String, Object>) app.telemetry().get("counters");
        assertThat(((Number) counters.get("rejected")).intValue()).as("events the collector refused").isZero();
    }

    /** The whole journey, each event once: launch, catalog, item, purchase, confirmation, and home after restart. */
    static void assertDeliveredOnce(List<TelemetryEvent> stored) {
        assertThat(stored).extracting(TelemetryEvent::eventId).as("no event stored twice").doesNotHaveDuplicates();
        assertThat(stored).filteredOn(e -> e.type().equals("screen_view")).extracting(e -> e.props().get("screen"))
                .as("screens seen, the last after the restart")
                .containsExactlyInAnyOrder("home", "catalog", "item", "purchased", "home");
        assertThat(stored).filteredOn(e -> e.type().equals("purchase")).as("the purchase made offline")
                .singleElement().satisfies(p -> assertThat(p.props()).containsEntry("itemId", "steel-flask"));
    }

    private static int queueLength(ShopApp app) {
        return ((Number) app.telemetry().get("queueLength")).intValue();
    }
}
