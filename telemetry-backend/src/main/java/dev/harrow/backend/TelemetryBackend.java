package dev.harrow.backend;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.harrow.backend.admin.AdminEndpoint;
import dev.harrow.backend.analytics.ActivityRollup;
import dev.harrow.backend.analytics.MetricsEndpoint;
import dev.harrow.backend.analytics.MetricsService;
import dev.harrow.backend.dashboard.DashboardEndpoint;
import dev.harrow.backend.admin.FaultEndpoint;
import dev.harrow.backend.client.BackendConnection;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.config.Resilience;
import dev.harrow.backend.config.Secrets;
import dev.harrow.backend.http.ApiServer;
import dev.harrow.backend.http.HealthEndpoint;
import dev.harrow.backend.http.Json;
import dev.harrow.backend.ingest.CollectorEndpoint;
import dev.harrow.backend.ingest.ReceiptCheck;
import dev.harrow.backend.ops.BackendMetrics;
import dev.harrow.backend.ops.StartedParts;
import dev.harrow.backend.ops.FaultProxy;
import dev.harrow.backend.ops.StoreHealth;
import dev.harrow.backend.push.PushEndpoint;
import dev.harrow.backend.push.PushService;
import dev.harrow.backend.spill.EmbeddedRedis;
import dev.harrow.backend.spill.RedisSpillQueue;
import dev.harrow.backend.store.EmbeddedMongo;
import dev.harrow.backend.store.FallbackEventStore;
import dev.harrow.backend.store.MongoEventStore;
import dev.harrow.backend.store.SpillDrainer;
import dev.harrow.backend.store.StoreCircuitBreaker;
import dev.harrow.backend.store.WriteReadiness;
import dev.harrow.backend.store.DeadLetters;
import dev.harrow.backend.store.StorageFootprint;
import dev.harrow.backend.store.EventRetention;
import dev.harrow.backend.admin.DeadLetterEndpoint;
import dev.harrow.backend.admin.AdminAuth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running backend: HTTP API, MongoDB store with its Redis spill, drainer, health and metrics, and (when no
 * servers are configured) the embedded MongoDB-compatible store and Redis. Start it standalone with
 * {@link BackendMain} or in-process with {@link #start(BackendConfig)}; {@link #close()} stops everything it started.
 */
public final class TelemetryBackend implements AutoCloseable {
    /** Store names, as the fault controls and the readiness probe name them. */
    public static final String MONGODB = "mongodb";
    public static final String REDIS = "redis";
    private static final Logger log = LoggerFactory.getLogger(TelemetryBackend.class);

    private final BackendConfig config;
    private final Deque<AutoCloseable> started;
    private final FallbackEventStore store;
    private final ApiServer api;
    private final BackendMetrics metrics;
    private final EmbeddedMongo embeddedMongo;
    private final PushService push;

    private TelemetryBackend(BackendConfig config, Deque<AutoCloseable> started, FallbackEventStore store,
                             ApiServer api, BackendMetrics metrics, EmbeddedMongo embeddedMongo, PushService push) {
        this.config = config;
        this.started = started;
        this.store = store;
        this.api = api;
        this.metrics = metrics;
        this.embeddedMongo = embeddedMongo;
        this.push = push;
    }

    /** The push service, when {@code push.enabled}. */
    public java.util.Optional<PushService> push() {
        return java.util.Optional.ofNullable(push);
    }

    public static TelemetryBackend start(BackendConfig config) {
        return start(config, Clock.systemUTC());
    }

    /**
     * An in-process backend for one app, for harnesses and tests: loopback, a free port, the embedded stores in
     * memory, and a fresh random app key and admin token (see {@link #connectionFor}).
     */
    public static TelemetryBackend startEmbedded(String appId) {
        return startEmbedded(appId, "127.0.0.1");
    }

    /** As {@link #startEmbedded(String)}, listening on {@code bindAddress} ({@code 0.0.0.0}: every interface). */
    public static TelemetryBackend startEmbedded(String appId, String bindAddress) {
        BackendConfig config = BackendConfig.embedded(List.of(new AppKey(appId, Secrets.randomToken(12))),
                Secrets.randomToken(16));
        return start(config.withHttp(new BackendConfig.HttpSettings(bindAddress, 0, config.http().workerThreads(),
                config.http().corsOrigins())));
    }

    public static TelemetryBackend start(BackendConfig config, Clock clock) {
        // Everything started so far, closed in reverse order if a later step fails.
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            BackendMetrics metrics = new BackendMetrics();
            Resilience resilience = config.resilience();
            Map<String, FaultProxy> faults = new LinkedHashMap<>();

            String mongoUri = config.storage().mongodbUri();
            Runnable durable = () -> { };
            EmbeddedMongo embedded = null;
            if (config.storage().embedded()) {
                embedded = EmbeddedMongo.start(config.storage().dataDir(), 0, config.storage().embeddedCacheMb());
                started.push(embedded);
                mongoUri = embedded.connectionString();
                durable = embedded::commit;
            }
            if (config.faultsEnabled()) {
                mongoUri = throughFaultProxy(MONGODB, mongoUri, faults, started);
            }
            MongoEventStore mongo = new MongoEventStore(mongoClient(mongoUri, resilience.storeTimeout()),
                    config.storage().database(), durable);
            started.push(mongo);

            RedisSpillQueue spill = null;
            if (config.storage().spillEnabled()) {
                String redisUri = config.storage().redisUri();
                if (redisUri == null) {
                    EmbeddedRedis redis = config.storage().dataDir() == null
                            ? EmbeddedRedis.startInMemory(Path.of(System.getProperty("java.io.tmpdir")))
                            : EmbeddedRedis.startPersistent(config.storage().dataDir().resolve("redis"));
                    started.push(redis);
                    redisUri = redis.uri();
                }
                if (config.faultsEnabled()) {
                    redisUri = throughFaultProxy(REDIS, redisUri, faults, started);
                }
                spill = RedisSpillQueue.connect(redisUri, resilience.instanceId(), resilience.spillLease(),
                        resilience.storeTimeout());
                started.push(spill);
            }

            StoreCircuitBreaker breaker = new StoreCircuitBreaker(resilience.breakerFailures(),
                    resilience.breakerOpenFor(), resilience.breakerOpenMax(), System::nanoTime);
            FallbackEventStore store = new FallbackEventStore(mongo, spill, breaker, metrics);
            SpillDrainer drainer = null;
            if (spill != null) {
                drainer = new SpillDrainer(spill, mongo, breaker, metrics, resilience.drainBatches()).start();
                started.push(drainer);
            }
            mongo.deadLetters().fallback(spill).reportTo(metrics);
            StoreHealth health = new StoreHealth(Duration.ofSeconds(1), metrics).watch(MONGODB, mongo::ping);
            if (spill != null) {
                health.watch(REDIS, spill::ping);
            }
            health.alsoRefresh(mongo.deadLetters()::refreshPending);
            started.push(health.start());
            IndexCreation.startFor(mongo, started);
            WriteReadiness readiness = new WriteReadiness(health, breaker, drainer, mongo.deadLetters(), MONGODB,
                    REDIS);

            SpillDrainer drainerRef = drainer;
            metrics.gauge("harrow_spill_depth_events", "Events waiting in the Redis spill for MongoDB.",
                    () -> drainerRef == null ? 0 : drainerRef.lastDepth() < 0 ? Double.NaN : drainerRef.lastDepth());
            metrics.gauge("harrow_spill_oldest_age_seconds", "Age of the oldest batch waiting in the Redis spill.",
                    () -> {
                        java.time.Instant oldest = drainerRef == null ? null : drainerRef.oldestSpilledAt();
                        return oldest == null ? 0 : Duration.between(oldest, java.time.Instant.now()).toMillis() / 1e3;
                    });
            metrics.gauge("harrow_spill_drain_rate_events_per_second",
                    "Events moved from the Redis spill back to MongoDB per second, over the last minute.",
                    () -> drainerRef == null ? 0 : drainerRef.drainRate());
            metrics.gauge("harrow_dead_letters_pending", "Dead-lettered events waiting to be retried or dismissed.",
                    readiness::deadLettersPending);
            metrics.gauge("harrow_circuit_open", "Whether writes skip MongoDB because it failed (1) or not (0).",
                    () -> breaker.state() == StoreCircuitBreaker.State.CLOSED ? 0 : 1, "store", MONGODB);

            PushService push = null;
            if (config.push().enabled()) {
                push = PushService.start(config.push(), mongo, durable, resilience.instanceId(), clock, metrics,
                        Json.mapper());
                started.push(push);
            }

            if (config.storage().retentionDays() > 0) {
                started.push(new EventRetention(mongo, config.storage().retentionDays(), clock, metrics).start());
            }
            ActivityRollup rollup = new ActivityRollup(mongo.database(), config.analytics().zones(), metrics,
                    config.limits().rules());
            mongo.onStored(rollup::accept);
            MetricsEndpoint metricsApi = new MetricsEndpoint(config,
                    new MetricsService(mongo.database(), config.analytics().zones()), rollup, mongo);

            DashboardEndpoint dashboard = new DashboardEndpoint();

            PushService pushRef = push;
            CollectorEndpoint collector = new CollectorEndpoint(config, store, clock, metrics,
                    push == null ? ReceiptCheck.NONE : pushRef::checkReceipt);
            EmbeddedMongo embeddedRef = embedded;
            AdminEndpoint admin = new AdminEndpoint(config.adminToken(), store,
                    () -> ingestStats(metrics, breaker, readiness), () -> StorageFootprint.of(mongo.database(),
                            embeddedRef == null ? 0 : embeddedRef.fileBytes()));
            FaultEndpoint faultEndpoint = new FaultEndpoint(config.adminToken(), faults);
            DeadLetterEndpoint deadLetterApi = new DeadLetterEndpoint(config.adminToken(), mongo);
            AdminAuth metricsAuth = new AdminAuth(config.adminToken());
            HealthEndpoint healthEndpoint = new HealthEndpoint(() -> {
                WriteReadiness.Report report = readiness.report();
                return new HealthEndpoint.Readiness(report.status(), report.reasons(), report.detail());
            });
            ApiServer api = new ApiServer(config.http().host(), config.http().port(), config.http().workerThreads(),
                    Json.mapper())
                    .route("POST", CollectorEndpoint.PATH, collector::ingest)
                    .route("OPTIONS", CollectorEndpoint.PATH, collector::preflight)
                    .route("GET", AdminEndpoint.EVENTS, admin::events)
                    .route("GET", MetricsEndpoint.METRICS, metricsApi::series)
                    .route("GET", MetricsEndpoint.RETENTION, metricsApi::retention)
                    .route("POST", MetricsEndpoint.REBUILD, metricsApi::rebuild)
                    .route("GET", MetricsEndpoint.REBUILD, metricsApi::rebuild)
                    .route("GET", DashboardEndpoint.PAGE, dashboard::serve)
                    .route("GET", DashboardEndpoint.SCRIPT, dashboard::serve)
                    .route("GET", DashboardEndpoint.CHARTS, dashboard::serve)
                    .route("GET", AdminEndpoint.EVENT_COUNT, admin::count)
                    .route("GET", AdminEndpoint.INGEST_STATS, admin::ingestStats)
                    .route("GET", AdminEndpoint.STORAGE, admin::storage)
                    .route("GET", DeadLetterEndpoint.PATH, deadLetterApi::list)
                    .route("POST", DeadLetterEndpoint.RETRY, deadLetterApi::retry)
                    .route("POST", DeadLetterEndpoint.DISMISS, deadLetterApi::dismiss)
                    .route("GET", FaultEndpoint.PATH, faultEndpoint::list)
                    .route("POST", FaultEndpoint.PATH, faultEndpoint::change)
                    .route("GET", HealthEndpoint.LIVE, healthEndpoint::live)
                    .route("GET", HealthEndpoint.READY, healthEndpoint::ready)
                    .route("GET", "/metrics", ex -> {
                        // app names and volumes are the operator's business: the admin token, as for Prometheus's
                        // bearer_token setting
                        if (metricsAuth.check(ex)) {
                            ex.respondBytes(200, "text/plain; version=0.0.4; charset=utf-8",
                                    metrics.scrape().getBytes(StandardCharsets.UTF_8));
                        }
                    });
            if (push != null) {
                PushEndpoint pushApi = new PushEndpoint(config, push, clock);
                api.route("POST", PushEndpoint.TOKENS, pushApi::register)
                        .route("OPTIONS", PushEndpoint.TOKENS, pushApi::registerPreflight)
                        .route("POST", PushEndpoint.MESSAGES, pushApi::messages)
                        .route("POST", PushEndpoint.MESSAGES + "/", pushApi::messages)
                        .route("GET", PushEndpoint.MESSAGES + "/", pushApi::messages)
                        .route("GET", PushEndpoint.MESSAGES, pushApi::messages)
                        .route("GET", PushEndpoint.ADMIN_TOKENS, pushApi::tokens)
                        .route("POST", PushEndpoint.ADMIN_TOKENS, pushApi::importTokens)
                        .route("DELETE", PushEndpoint.ADMIN_TOKENS, pushApi::forgetToken)
                        .route("GET", PushEndpoint.DELIVERIES, pushApi::deliveries)
                        .route("GET", PushEndpoint.SANDBOX, pushApi::sandbox)
                        .route("POST", PushEndpoint.SANDBOX_SCRIPT, pushApi::script);
            }
            api.start();
            started.push(api);
            log.info("telemetry backend listening on {} ({}, apps {})", api.baseUri(), config.storage(), config.apps());
            return new TelemetryBackend(config, started, store, api, metrics, embedded, push);
        } catch (IOException e) {
            closeAll(started);
            throw new UncheckedIOException("cannot start the HTTP API on " + config.http().host() + ":"
                    + config.http().port() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    /**
     * Short timeouts: a store that does not answer must surface as "unavailable" within seconds, so that writes
     * go to the spill (or clients keep their events) instead of waiting on a hung request. Writes are journaled;
     * the embedded store, which takes the journal flag but keeps writes in memory, is made durable by its commit.
     */
    static MongoClient mongoClient(String uri, Duration timeout) {
        int millis = (int) timeout.toMillis();
        MongoClientSettings.Builder settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .applyToClusterSettings(c -> c.serverSelectionTimeout(millis, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(s -> s.connectTimeout(Math.min(millis, 2000), TimeUnit.MILLISECONDS)
                        .readTimeout(millis, TimeUnit.MILLISECONDS));
        settings.writeConcern(WriteConcern.JOURNALED);
        return MongoClients.create(settings.build());
    }

    /** Routes a store's connections through a fault relay; returns the URI that reaches it through the relay. */
    private static String throughFaultProxy(String store, String uri, Map<String, FaultProxy> faults,
                                            Deque<AutoCloseable> started) {
        URI parsed = URI.create(uri.replace("mongodb://", "http://").replace("redis://", "http://"));
        if (uri.startsWith("mongodb+srv://") || parsed.getHost() == null || uri.indexOf(',') >= 0) {
            throw new IllegalArgumentException("fault controls need a single-host " + store + " URI");
        }
        int port = parsed.getPort() > 0 ? parsed.getPort() : store.equals(MONGODB) ? 27017 : 6379;
        FaultProxy proxy = new FaultProxy(store, parsed.getHost(), port);
        started.push(proxy);
        faults.put(store, proxy);
        String hostPort = parsed.getHost() + (parsed.getPort() > 0 ? ":" + parsed.getPort() : "");
        return uri.replaceFirst(Pattern.quote(hostPort), "127.0.0.1:" + proxy.port());
    }

    private static Map<String, Object> ingestStats(BackendMetrics metrics, StoreCircuitBreaker breaker,
                                                   WriteReadiness readiness) {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("acceptedIntoStore", metrics.counterSum(BackendMetrics.ACCEPTED, "held_in", "store"));
        stats.put("acceptedIntoSpill", metrics.counterSum(BackendMetrics.ACCEPTED, "held_in", "spill"));
        stats.put("duplicates", metrics.counterSum(BackendMetrics.DUPLICATES));
        stats.put("rejected", metrics.counterSum(BackendMetrics.REJECTED));
        stats.put("drained", metrics.counterValue(BackendMetrics.DRAINED));
        stats.put("drainDuplicates", metrics.counterValue(BackendMetrics.DRAIN_DUPLICATES));
        stats.put("deadLettered", metrics.counterSum(DeadLetters.HELD));
        stats.put("circuitOpenings", breaker.timesOpened());
        WriteReadiness.Report report = readiness.report();
        stats.put("status", report.status());
        stats.putAll(report.detail());
        return stats;
    }

    public URI baseUri() {
        return api.baseUri();
    }

    public BackendConfig config() {
        return config;
    }

    public FallbackEventStore store() {
        return store;
    }

    public BackendMetrics metrics() {
        return metrics;
    }

    /** The embedded MongoDB-compatible store, when this backend started one (no {@code MONGODB_URI}). */
    public java.util.Optional<EmbeddedMongo> embeddedStore() {
        return java.util.Optional.ofNullable(embeddedMongo);
    }

    /** How a client reaches this backend as the app {@code appId} and as its admin. */
    public BackendConnection connectionFor(String appId) {
        AppKey app = config.apps().stream().filter(a -> a.appId().equals(appId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no app " + appId + " in " + config.apps()));
        return new BackendConnection(baseUri(), config.adminToken(), app.key());
    }

    @Override
    public void close() {
        closeAll(started);
        log.info("telemetry backend stopped");
    }

    private static void closeAll(Deque<AutoCloseable> started) {
        StartedParts.closeAll(started, log);
    }

    /** Creates the indexes now, or in the background as soon as MongoDB answers if it is down at start. */
    private static final class IndexCreation implements AutoCloseable {
        private final Thread thread;

        private IndexCreation(Thread thread) {
            this.thread = thread;
        }

        static void startFor(MongoEventStore mongo, Deque<AutoCloseable> started) {
            try {
                mongo.ensureIndexes();
                return;
            } catch (MongoException e) {
                log.warn("MongoDB is not answering at start; indexes will be created when it does: {}",
                        e.getMessage());
            }
            Thread thread = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        mongo.ensureIndexes();
                        log.info("MongoDB answers: indexes created");
                        return;
                    } catch (MongoException e) {
                        try {
                            Thread.sleep(5000);
                        } catch (InterruptedException stop) {
                            return;
                        }
                    }
                }
            }, "harrow-index-creation");
            thread.setDaemon(true);
            thread.start();
            started.push(new IndexCreation(thread));
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }
}
