package dev.harrow.scenarios.support;

import dev.harrow.backend.event.TelemetryEvent;
import io.qameta.allure.Allure;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** What a scenario attaches to its report so that a reader can see why it passed or failed. */
public final class Evidence {
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
        Allure.addAttachment(title, "text/plain", table.toString(), "txt");
    }
}
