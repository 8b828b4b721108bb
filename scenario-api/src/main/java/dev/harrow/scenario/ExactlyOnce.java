package dev.harrow.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.store.EventQuery;
import dev.harrow.device.Device;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;

/**
 * The delivery promise, judged on a backend that only this device talks to: every event the app's SDK created is
 * stored, none twice, nothing dropped, and nothing waits in the app any more.
 */
public final class ExactlyOnce {
    private ExactlyOnce() {
    }

    /** Waits until the promise holds and returns what was stored; the stored events go to the report either way. */
    public static List<TelemetryEvent> await(Backend backend, Device device, AppTelemetry app, Duration within) {
        AtomicReference<List<TelemetryEvent>> stored = new AtomicReference<>(List.of());
        try {
            Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .untilAsserted(() -> {
                        stored.set(backend.client().events(EventQuery.forDevice(device.name())));
                        assertThat(app.queueLength()).as("events still waiting in the app").isZero();
                        assertThat(stored.get()).extracting(TelemetryEvent::eventId).as("no event stored twice")
                                .doesNotHaveDuplicates();
                        assertThat((long) stored.get().size()).as("every event the app created, stored")
                                .isEqualTo(app.counter("created"));
                    });
        } finally {
            Evidence.eventTimeline("Stored events", stored.get());
        }
        assertThat(app.counter("dropped")).as("events the app dropped").isZero();
        return stored.get();
    }

    /** The screens of a browse-and-buy journey, in the order viewed. */
    public static List<Object> screens(List<TelemetryEvent> stored) {
        return stored.stream().filter(e -> e.type().equals("screen_view")).map(e -> e.props().get("screen"))
                .toList();
    }
}
