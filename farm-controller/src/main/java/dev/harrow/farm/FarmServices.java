package dev.harrow.farm;

import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.client.BackendConnection;
import dev.harrow.sampleapp.SampleAppServer;
import java.util.HashMap;
import java.util.Map;

/**
 * What the devices talk to during a run: the telemetry backend, embedded in this process with fresh credentials,
 * and the sample app's web server. Both where the run's {@link Reach} says (loopback by default), both stopped by
 * {@link #close()}.
 */
final class FarmServices implements AutoCloseable {
    static final String APP_ID = "sample";

    private final TelemetryBackend backend;
    private final SampleAppServer app;
    private final BackendConnection connection;
    private final Reach reach;

    private FarmServices(TelemetryBackend backend, SampleAppServer app, BackendConnection connection, Reach reach) {
        this.backend = backend;
        this.app = app;
        this.connection = connection;
        this.reach = reach;
    }

    static FarmServices start() {
        return start(Reach.LOOPBACK);
    }

    static FarmServices start(Reach reach) {
        TelemetryBackend backend = TelemetryBackend.startEmbedded(APP_ID, reach.bindAddress());
        try {
            return new FarmServices(backend, SampleAppServer.start(reach.bindAddress()),
                    backend.connectionFor(APP_ID), reach);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /**
     * The JUnit configuration parameters through which scenarios find the backend and the app: at the advertised
     * host, as the devices reach them.
     */
    Map<String, String> scenarioParameters() {
        BackendConnection advertised = new BackendConnection(reach.advertised(connection.baseUri()),
                connection.adminToken(), connection.appKey());
        Map<String, String> parameters = new HashMap<>(advertised.asParameters());
        parameters.put(SampleAppServer.APP_URL_PARAMETER, reach.advertised(app.appUri()).toString());
        return parameters;
    }

    /** The backend as the farm reaches it (loopback when it binds there). */
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
