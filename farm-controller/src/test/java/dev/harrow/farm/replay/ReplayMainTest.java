package dev.harrow.farm.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.client.BackendConnection;
import dev.harrow.backend.event.Platform;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.store.EventQuery;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayMainTest {
    @TempDir
    Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        return ReplayMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpPrintsTheUsageAndExitsZero() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("usage: replay telemetry", "replay drive BUNDLE",
                "(default 1)");
    }

    @Test
    void badArgumentsAndMissingBundlesAreRefusedWithTheReason() {
        assertThat(run("telemetry")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: replay telemetry");
        assertThat(run("telemetry", dir.resolve("nothing").toString(), "--backend", "http://127.0.0.1:1",
                "--app-key", "k")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("is not a session bundle (no session.json)");
        SessionBundle.write(dir, Map.of(), List.of(), List.of(), null, null);
        assertThat(run("telemetry", dir.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("needs --backend and --app-key");
    }

    @Test
    void telemetryGoesToTheBackendAsItArrivedAndTwiceIsStillOnce() {
        Instant first = Instant.parse("2026-11-22T09:00:00Z");
        List<TelemetryEvent> events = List.of(
                event("session_start", first, first.plusMillis(900)),
                event("screen_view", first.plusMillis(10), first.plusMillis(900)),
                event("purchase", first.plusSeconds(5), first.plusMillis(5900)));
        SessionBundle.write(dir, Map.of("device", "pixel-7"), List.of(), events, "log line", null);
        try (TelemetryBackend backend = TelemetryBackend.startEmbedded("sample")) {
            BackendConnection target = backend.connectionFor("sample");
            String[] args = {"telemetry", dir.toString(), "--backend=" + target.baseUri(),
                "--app-key=" + target.appKey(), "--speed", "0"};

            assertThat(run(args)).isZero();
            assertThat(run(args)).as("a second replay").isZero();

            assertThat(out.toString(StandardCharsets.UTF_8))
                    .contains("replayed 3 events in 2 batches: 3 accepted, 0 already held, 0 rejected")
                    .contains("replayed 3 events in 2 batches: 0 accepted, 3 already held, 0 rejected");
            assertThat(target.client().events(EventQuery.forDevice("pixel-7")))
                    .extracting(TelemetryEvent::eventId).containsExactlyInAnyOrderElementsOf(
                            events.stream().map(TelemetryEvent::eventId).toList());
        }
    }

    @Test
    void theLaunchUrlCanPointAtAnotherAppBackendAndDevice() {
        String url = "http://127.0.0.1:41000/index.html?collector=http%3A%2F%2F127.0.0.1%3A42000&appKey=old"
                + "&deviceId=pixel-7";
        String rewritten = ReplayMain.launchRewrite("http://127.0.0.1:43000/index.html", Map.of(
                "collector", "http://127.0.0.1:44000", "device-id", "replay-1")).apply(url);
        assertThat(rewritten).isEqualTo("http://127.0.0.1:43000/index.html?collector=http%3A%2F%2F127.0.0.1%3A44000"
                + "&appKey=old&deviceId=replay-1");
    }

    private static TelemetryEvent event(String type, Instant ts, Instant received) {
        return new TelemetryEvent("sample", UUID.randomUUID(), type, ts, "pixel-7", null, "s-1", Platform.ANDROID,
                "1.0.0", Map.of(), received);
    }
}
