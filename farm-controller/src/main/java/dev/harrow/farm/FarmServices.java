package dev.harrow.farm;

import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.client.BackendConnection;
import dev.harrow.sampleapp.SampleAppServer;
import java.util.HashMap;
import java.util.Map;

/**
 * What the devices talk to during a run: the telemetry backend, embedded in this process with fresh credentials,
 * and the sample app's web server. Both on loopback, both stopped by {@link #close()}.
 */
final class FarmServices implements AutoCloseable {
    static final String APP_ID = "sample";

    private final TelemetryBackend backend;
    private final SampleAppServer app;
    private final BackendConnection connection;

    private FarmServices(TelemetryBackend backend, SampleAppServer app, BackendConnection connection) {
        this.backend = backend;
        this.app = app;
        this.connection = connection;
    }

    static FarmServices start() {
        TelemetryBackend backend = TelemetryBackend.startEmbedded(APP_ID);
        try {
            return new FarmServices(backend, SampleAppServer.start(), backend.connectionFor(APP_ID));
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /** The JUnit configuration parameters through which scenarios find the backend and the app. */
    Map<String, String> scenarioParameters() {
        Map<String, String> parameters = new HashMap<>(connection.asParameters());
        parameters.put(SampleAppServer.APP_URL_PARAMETER, app.appUri().toString());
        return parameters;
    }

    BackendConnection connection() {
        return connection;
    }

    @Override
    public void close() {
        try {
            app.close();
        } finally {
            backend.close();
        }
    }
}
