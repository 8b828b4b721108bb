package dev.harrow.scenario;

import dev.harrow.backend.client.BackendClient;
import dev.harrow.backend.client.BackendConnection;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.store.EventQuery;
import dev.harrow.device.AppLaunch;
import dev.harrow.device.Device;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The backend a scenario judges by, and where the app under test is served. Injected: the farm's backend, shared by
 * every device of the run. A scenario that cuts stores off or moves the clock starts its own ({@link #startOwn}),
 * so that its faults reach no other device.
 */
public class Backend {
    private final BackendConnection connection;
    private final URI appUrl;
    private final BackendClient client;

    Backend(BackendConnection connection, URI appUrl) {
        this.connection = connection;
        this.appUrl = appUrl;
        this.client = connection.client();
    }

    public BackendClient client() {
        return client;
    }

    public String appKey() {
        return connection.appKey();
    }

    /** A backend of the scenario's own, serving the same app, with fault controls and a clock it can move. */
    public OwnBackend startOwn() {
        return startOwn(UnaryOperator.identity());
    }

    /**
     * A backend of the scenario's own, configured further by {@code settings} (a store left out, other limits)
     * from what {@link #startOwn()} would start.
     */
    public OwnBackend startOwn(UnaryOperator<BackendConfig> settings) {
        return OwnBackend.start(appUrl, settings);
    }

    /**
     * The launch of the device's app ({@code app:} in devices.yml, else the sample app), reporting to this backend
     * under the device's name: the collector's URL, the app key and the device id as query parameters.
     */
    public AppLaunch launchFor(Device device) {
        AppLaunch launch = AppLaunch.of(device.webApp().orElse(appUrl))
                .with("collector", connection.baseUri().toString())
                .with("appKey", connection.appKey())
                .with("deviceId", device.name());
        return launch;
    }

    /** Every stored event the device sent in these app sessions, oldest first. */
    public List<TelemetryEvent> eventsOfSessions(Device device, Collection<String> sessionIds) {
        return client.events(EventQuery.forDevice(device.name())).stream()
                .filter(e -> e.sessionId() != null && sessionIds.contains(e.sessionId()))
                .toList();
    }

    /** Every stored event the device sent in one app session, oldest first. */
    public List<TelemetryEvent> eventsOfSession(Device device, String sessionId) {
        return eventsOfSessions(device, List.of(sessionId));
    }
}
