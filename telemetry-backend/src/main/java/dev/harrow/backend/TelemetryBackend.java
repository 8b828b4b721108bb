package dev.harrow.backend;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.harrow.backend.admin.AdminEndpoint;
import dev.harrow.backend.client.BackendConnection;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.config.Secrets;
import dev.harrow.backend.http.ApiServer;
import dev.harrow.backend.http.HealthEndpoint;
import dev.harrow.backend.http.Json;
import dev.harrow.backend.ingest.CollectorEndpoint;
import dev.harrow.backend.store.EmbeddedMongo;
import dev.harrow.backend.store.EventStore;
import dev.harrow.backend.store.MongoEventStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running backend: HTTP API, store, and (when no MongoDB is configured) the embedded store. Start it standalone
 * with {@link BackendMain} or in-process with {@link #start(BackendConfig)}; {@link #close()} stops everything it
 * started.
 */
public final class TelemetryBackend implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TelemetryBackend.class);

    private final BackendConfig config;
    private final EmbeddedMongo embeddedMongo;
    private final EventStore store;
    private final ApiServer api;

    private TelemetryBackend(BackendConfig config, EmbeddedMongo embeddedMongo, EventStore store, ApiServer api) {
        this.config = config;
        this.embeddedMongo = embeddedMongo;
        this.store = store;
        this.api = api;
    }

    public static TelemetryBackend start(BackendConfig config) {
        return start(config, Clock.systemUTC());
    }

    /**
     * An in-process backend for one app, for harnesses and tests: loopback, a free port, the embedded store in
     * memory, and a fresh random app key and admin token (see {@link #connectionFor}).
     */
    public static TelemetryBackend startEmbedded(String appId) {
        return start(BackendConfig.embedded(List.of(new AppKey(appId, Secrets.randomToken(12))),
                Secrets.randomToken(16)));
    }

    /** How a client reaches this backend as the app {@code appId} and as its admin. */
    public BackendConnection connectionFor(String appId) {
        AppKey app = config.apps().stream().filter(a -> a.appId().equals(appId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no app " + appId + " in " + config.apps()));
        return new BackendConnection(baseUri(), config.adminToken(), app.key());
    }

    public static TelemetryBackend start(BackendConfig config, Clock clock) {
        EmbeddedMongo embedded = null;
        EventStore store = null;
        try {
            String uri;
            if (config.storage().embedded()) {
                embedded = EmbeddedMongo.start(config.storage().dataDir());
                uri = embedded.connectionString();
            } else {
                uri = config.storage().mongodbUri();
            }
            MongoEventStore mongo = new MongoEventStore(mongoClient(uri), config.storage().database());
            store = mongo;
            mongo.ensureIndexes();

            CollectorEndpoint collector = new CollectorEndpoint(config, store, clock);
            AdminEndpoint admin = new AdminEndpoint(config.adminToken(), store);
            HealthEndpoint health = new HealthEndpoint(store::ping);
            ApiServer api = new ApiServer(config.http().host(), config.http().port(), config.http().workerThreads(),
                    Json.mapper())
                    .route("POST", CollectorEndpoint.PATH, collector::ingest)
                    .route("OPTIONS", CollectorEndpoint.PATH, collector::preflight)
                    .route("GET", AdminEndpoint.EVENTS, admin::events)
                    .route("GET", AdminEndpoint.EVENT_COUNT, admin::count)
                    .route("GET", HealthEndpoint.LIVE, health::live)
                    .route("GET", HealthEndpoint.READY, health::ready);
            api.start();
            log.info("telemetry backend listening on {} (store: {}, apps: {})", api.baseUri(),
                    config.storage().embedded() ? "embedded" + (config.storage().dataDir() == null ? " in memory"
                            : " at " + config.storage().dataDir()) : "MongoDB", config.apps());
            return new TelemetryBackend(config, embedded, store, api);
        } catch (IOException e) {
            closeQuietly(store, embedded);
            throw new UncheckedIOException("cannot start the HTTP API on " + config.http().host() + ":"
                    + config.http().port() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(store, embedded);
            throw e;
        }
    }

    /**
     * Short timeouts: a store that does not answer must surface as "unavailable" within seconds, so that clients
     * keep their events and retry instead of waiting on a hung request.
     */
    static MongoClient mongoClient(String uri) {
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .applyToClusterSettings(c -> c.serverSelectionTimeout(3, TimeUnit.SECONDS))
                .applyToSocketSettings(s -> s.connectTimeout(3, TimeUnit.SECONDS).readTimeout(15, TimeUnit.SECONDS))
                .build();
        return MongoClients.create(settings);
    }

    public URI baseUri() {
        return api.baseUri();
    }

    public BackendConfig config() {
        return config;
    }

    public EventStore store() {
        return store;
    }

    @Override
    public void close() {
        api.close();
        closeQuietly(store, embeddedMongo);
        log.info("telemetry backend stopped");
    }

    private static void closeQuietly(EventStore store, EmbeddedMongo embedded) {
        if (store != null) {
            try {
                store.close();
            } catch (RuntimeException e) {
                log.warn("closing the store failed", e);
            }
        }
        if (embedded != null) {
            embedded.close();
        }
    }
}
