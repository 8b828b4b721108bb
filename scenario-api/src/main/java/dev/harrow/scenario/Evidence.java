package dev.harrow.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.http.Json;
import dev.harrow.device.Device;
import io.qameta.allure.Allure;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** What a scenario attaches to its report so that a reader can see why it passed or failed. */
public final class Evidence {
    private static final ObjectMapper JSON = Json.mapper();

    private Evidence() {
    }

    /** The stored events as a table: when made, how long until stored, what, and the props. */
    public static void eventTimeline(String title, List<TelemetryEvent> events) {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-26s %12s %-14s %-9s %s%n",
                "ts", "stored after", "type", "platform", "props"));
        for (TelemetryEvent e : events) {
            String delay = e.receivedAt() == null ? "-"
                    : Duration.between(e.ts(), e.receivedAt()).toMillis() + " ms";
            table.append(String.format(Locale.ROOT, "%-26s %12s %-14s %-9s %s%n", e.ts(), delay, e.type(),
                    e.platform() == null ? "-" : e.platform().wire(), e.props()));
        }
        text(title, table.toString());
    }

    public static void text(String title, String body) {
        Allure.addAttachment(title, "text/plain", body, "txt");
    }

    /** A JSON answer of the backend (a push message's status, readiness), pretty-printed. */
    public static void json(String title, Object value) {
        Allure.addAttachment(title, "application/json", JSON.valueToTree(value).toPrettyString(), "json");
    }

    /** What the device shows now. */
    public static void screenshot(String title, Device device) {
        Allure.addAttachment(title, "image/png", new ByteArrayInputStream(device.screenshot()), "png");
    }
}
