package dev.harrow.scenarios.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harrow.backend.client.BackendClient;
import dev.harrow.device.Device;
import dev.harrow.scenario.Backend;
import dev.harrow.scenario.Evidence;
import dev.harrow.scenario.OwnBackend;
import dev.harrow.scenario.PushRelay;
import dev.harrow.scenario.Scenario;
import dev.harrow.scenario.ScenarioClock;
import dev.harrow.scenarios.shop.Breakage;
import dev.harrow.scenarios.shop.ShopApp;
import io.qameta.allure.Allure;
import io.qameta.allure.Epic;
import io.qameta.allure.Feature;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import io.qameta.allure.Story;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * "Good morning at 09:00, wherever you are": one push scheduled for a local wall-clock time reaches the device (in
 * its emulated time zone) and two more installs in other zones each at 09:00 of their own clock. The backend's clock
 * is moved ahead to each moment, so a day of schedule passes in seconds.
 */
@Scenario
@Epic("Push")
@Feature("Scheduling")
class LocalTimePushScenario {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final LocalTime NINE = LocalTime.of(9, 0);
    /** Zones of the other installs: the first two whose offset differs from the device's. */
    static final List<ZoneId> OTHER_ZONES = List.of(ZoneId.of("Pacific/Honolulu"), ZoneId.of("Asia/Kolkata"),
            ZoneId.of("Europe/London"));

    @Test
    @Story("A push scheduled for 09:00 local time arrives at 09:00 on each device's own clock")
    @Severity(SeverityLevel.CRITICAL)
    @DisplayName("a push for 09:00 local time reaches devices in different time zones each at their own 09:00")
    void aLocalTimePushArrivesAtNineOnEachDevicesClock(Device device, Backend shared) {
        ZoneId zone = device.localization().orSkip().timeZone();
        try (OwnBackend backend = shared.startOwn(Breakage::own)) {
            BackendClient client = backend.client();
            ScenarioClock clock = backend.clock();
            PushRelay relay = new PushRelay(backend, device);
            ShopApp app = relay.launchRegistered(launch -> ShopApp.launch(device, launch), WAIT);

            Map<String, ZoneId> installs = new LinkedHashMap<>();
            installs.put(device.name(), zone);
            OTHER_ZONES.stream().filter(z -> !sameOffsetNow(z, zone)).limit(2).forEach(z -> {
                String id = device.name() + "-peer-" + z.getId().replace('/', '-').toLowerCase();
                client.registerPushToken(backend.appKey(), Map.of("deviceId", id, "token", "fcm-" + id,
                        "platform", "android", "language", "en-US", "timeZone", z.getId(), "appVersion", "1.0.0"));
                installs.put(id, z);
            });

            // The day after tomorrow: every zone's 09:00 of that date is still ahead of the clock.
            LocalDateTime nine = LocalDate.now(ZoneOffset.UTC).plusDays(2).atTime(NINE);
            List<Map.Entry<String, ZoneId>> byMoment = new ArrayList<>(installs.entrySet());
            byMoment.sort(Comparator.comparing(e -> nine.atZone(e.getValue()).toInstant()));
            clock.jumpTo(nine.atZone(byMoment.get(0).getValue()).toInstant().minusSeconds(60));
            JsonNode created = client.sendPush(Map.of(
                    "target", Map.of("deviceIds", List.copyOf(installs.keySet())),
                    "content", Map.of("title", "Good morning", "body", "Fresh coffee gear today"),
                    "schedule", Map.of("localTime", nine.toString())));
            String id = created.get("id").asText();

            Map<String, String> arrivals = new LinkedHashMap<>();
            try {
                for (Map.Entry<String, ZoneId> install : byMoment) {
                    Instant due = nine.atZone(install.getValue()).toInstant();
                    String name = install.getKey() + " (" + install.getValue() + ")";
                    Allure.step("a few seconds before 09:00 in " + install.getValue() + ": nothing for " + name, () -> {
                        clock.jumpTo(due.minusSeconds(5));
                        await("nothing sent to " + name + " before 09:00 local").during(Duration.ofSeconds(1))
                                .atMost(Duration.ofSeconds(3))
                                .until(() -> client.sandboxPushes(0, install.getKey()).isEmpty());
                    });
                    Allure.step("09:00 in " + install.getValue() + ": the push goes out to " + name, () -> {
                        clock.jumpTo(due);
                        JsonNode pushes = await("sent to " + name + " at 09:00 local").atMost(WAIT)
                                .until(() -> client.sandboxPushes(0, install.getKey()), p -> p.size() > 0);
                        LocalDateTime local = LocalDateTime.ofInstant(clock.instant(), install.getValue());
                        arrivals.put(name, local.toString());
                        assertThat(pushes).hasSize(1);
                        assertThat(Duration.between(nine, local)).as("sent after 09:00 local, by")
                                .isBetween(Duration.ZERO, Duration.ofSeconds(10));
                    });
                }
            } finally {
                Evidence.json("Local time of each install when its push went out", arrivals);
            }
            Allure.step("the device shows it", () -> {
                relay.deliverNext(WAIT);
                assertThat(app.awaitPushBanner()).isEqualTo("Good morning");
            });
            Evidence.screenshot("The push on " + device.name(), device);
            JsonNode status = await().atMost(WAIT).until(() -> client.pushStatus(id),
                    s -> "done".equals(s.path("state").asText()));
            Evidence.json("Push status", status);
            assertThat(status.at("/counts/accepted").asInt()).isEqualTo(installs.size());
        }
    }

    private static boolean sameOffsetNow(ZoneId a, ZoneId b) {
        Instant now = Instant.now();
        return a.getRules().getOffset(now).equals(b.getRules().getOffset(now));
    }
}
