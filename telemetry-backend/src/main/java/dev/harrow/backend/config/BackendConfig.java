package dev.harrow.backend.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the backend needs to start, as plain validated data. Built by {@link BackendConfigLoader} from a YAML
 * file and the environment, or directly in code when the backend is embedded in-process. {@link #toString()} never
 * shows a key, a token or a password.
 *
 * @param faultsEnabled whether the admin API may cut the backend off its stores (for test harnesses only)
 */
public record BackendConfig(
        HttpSettings http,
        StorageSettings storage,
        List<AppKey> apps,
        String adminToken,
        IngestLimits limits,
        Resilience resilience,
        boolean faultsEnabled,
        PushSettings push,
        AnalyticsSettings analytics) {

    public BackendConfig {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(resilience, "resilience");
        Objects.requireNonNull(analytics, "analytics");
        Objects.requireNonNull(push, "push");
        apps = List.copyOf(apps);
        List<String> problems = new ArrayList<>();
        if (apps.isEmpty()) {
            problems.add("apps: at least one app key is required");
        }
        if (apps.stream().map(AppKey::key).distinct().count() != apps.size()) {
            problems.add("apps: two apps share one key");
        }
        if (apps.stream().map(AppKey::appId).distinct().count() != apps.size()) {
            problems.add("apps: two entries share one app id");
        }
        if (adminToken == null || adminToken.length() < 16) {
            problems.add("adminToken: must be at least 16 characters");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
    }

    /**
     * A config for an in-process backend: loopback, an ephemeral port, the embedded MongoDB-compatible store in
     * memory and an embedded Redis spill without persistence.
     */
    public static BackendConfig embedded(List<AppKey> apps, String adminToken) {
        return new BackendConfig(HttpSettings.loopbackEphemeral(), StorageSettings.embeddedInMemory(), apps,
                adminToken, IngestLimits.defaults(), Resilience.defaults(), false, PushSettings.sandboxed(),
                AnalyticsSettings.defaults());
    }

    public Optional<AppKey> appForKey(String key) {
        if (key == null) {
            return Optional.empty();
        }
        return apps.stream().filter(app -> Secrets.constantTimeEquals(app.key(), key)).findFirst();
    }

    public BackendConfig withStorage(StorageSettings storage) {
        return new BackendConfig(http, storage, apps, adminToken, limits, resilience, faultsEnabled, push, analytics);
    }

    public BackendConfig withHttp(HttpSettings http) {
        return new BackendConfig(http, storage, apps, adminToken, limits, resilience, faultsEnabled, push, analytics);
    }

    public BackendConfig withLimits(IngestLimits limits) {
        return new BackendConfig(http, storage, apps, adminToken, limits, resilience, faultsEnabled, push, analytics);
    }

    public BackendConfig withResilience(Resilience resilience) {
        return new BackendConfig(http, storage, apps, adminToken, limits, resilience, faultsEnabled, push, analytics);
    }

    public BackendConfig withPush(PushSettings value) {
        return new BackendConfig(http, storage, apps, adminToken, limits, resilience, faultsEnabled, value, analytics);
    }

    public BackendConfig withAnalytics(AnalyticsSettings value) {
        return new BackendConfig(http, storage, apps, adminToken, limits, resilience, faultsEnabled, push, value);
    }

    public BackendConfig withFaultsEnabled(boolean enabled) {
        return new BackendConfig(http, storage, apps, adminToken, limits, resilience, enabled, push, analytics);
    }

    @Override
    public String toString() {
        return "BackendConfig[http=" + http + ", storage=" + storage + ", apps=" + apps + ", adminToken=(hidden)"
                + ", limits=" + limits + ", resilience=" + resilience + ", faultsEnabled=" + faultsEnabled + ", push=" + push + "]";
    }

    /** Where the HTTP API listens. Port 0 picks a free port. */
    public record HttpSettings(String host, int port, int workerThreads, List<String> corsOrigins) {
        public HttpSettings {
            if (host == null || host.isBlank()) {
                throw new ConfigException("http.host: must not be empty");
            }
            if (port < 0 || port > 65535) {
                throw new ConfigException("http.port: " + port + " is not a port number");
            }
            if (workerThreads < 1 || workerThreads > 1024) {
                throw new ConfigException("http.workerThreads: must be between 1 and 1024, was " + workerThreads);
            }
            corsOrigins = List.copyOf(corsOrigins);
        }

        public static HttpSettings loopbackEphemeral() {
            return new HttpSettings("127.0.0.1", 0, 16, List.of("*"));
        }
    }

    /**
     * The stores. With no {@code mongodbUri} the backend starts the embedded MongoDB-wire-compatible server; with
     * no {@code redisUri} (and the spill on) an embedded Redis. Both persist under {@code dataDir}, or keep
     * everything in memory when it is empty.
     *
     * @param spillEnabled whether accepted batches go to a Redis spill while MongoDB cannot take them
     */
    /**
     * Where events are stored.
     *
     * @param embeddedCacheMb the embedded store's page cache, in megabytes ({@link #defaultCacheMb()} unless set)
     * @param retentionDays raw events older than this many days (by their time) are deleted; the analytics
     *        rollups are kept. 0: kept for ever (the default)
     */
    public record StorageSettings(String mongodbUri, String database, Path dataDir, String redisUri,
                                  boolean spillEnabled, int embeddedCacheMb, int retentionDays) {
        public StorageSettings(String mongodbUri, String database, Path dataDir, String redisUri, boolean spillEnabled) {
            this(mongodbUri, database, dataDir, redisUri, spillEnabled, defaultCacheMb(), 0);
        }

        /** An eighth of the heap this process may use, between 16 and 256 MB: sized for the machine. */
        public static int defaultCacheMb() {
            long heapMb = Runtime.getRuntime().maxMemory() / (1024 * 1024);
            return (int) Math.max(16, Math.min(256, heapMb / 8));
        }

        public StorageSettings {
            if (embeddedCacheMb < 1 || embeddedCacheMb > 65_536) {
                throw new ConfigException("storage.embeddedCacheMb / HARROW_STORE_CACHE_MB: must be 1-65536, was "
                        + embeddedCacheMb);
            }
            if (retentionDays < 0 || retentionDays > 36_500) {
                throw new ConfigException("storage.retentionDays / HARROW_RETENTION_DAYS: must be 0 (keep for ever)"
                        + " to 36500, was " + retentionDays);
            }
            if (database == null || !database.matches("[A-Za-z0-9_-]{1,38}")) {
                throw new ConfigException("storage.database: must be 1-38 letters, digits, '_' or '-', was " + database);
            }
            if (mongodbUri != null && !mongodbUri.startsWith("mongodb://") && !mongodbUri.startsWith("mongodb+srv://")) {
                throw new ConfigException("storage.mongodbUri / MONGODB_URI: must start with mongodb:// or mongodb+srv://");
            }
            if (redisUri != null && !redisUri.startsWith("redis://") && !redisUri.startsWith("rediss://")) {
                throw new ConfigException("storage.redisUri / REDIS_URI: must start with redis:// or rediss://");
            }
        }

        public static StorageSettings embeddedInMemory() {
            return new StorageSettings(null, "harrow", null, null, true);
        }

        public boolean embedded() {
            return mongodbUri == null;
        }

        public boolean embeddedRedis() {
            return spillEnabled && redisUri == null;
        }

        public StorageSettings withSpill(boolean enabled) {
            return new StorageSettings(mongodbUri, database, dataDir, redisUri, enabled, embeddedCacheMb,
                    retentionDays);
        }

        public StorageSettings withRetentionDays(int days) {
            return new StorageSettings(mongodbUri, database, dataDir, redisUri, spillEnabled, embeddedCacheMb, days);
        }

        @Override
        public String toString() {
            return "StorageSettings[mongodb=" + (mongodbUri == null ? "embedded" : Secrets.redactUri(mongodbUri))
                    + ", database=" + database + ", dataDir=" + (dataDir == null ? "(memory)" : dataDir)
                    + ", redis=" + (!spillEnabled ? "off" : redisUri == null ? "embedded" : Secrets.redactUri(redisUri))
                    + (mongodbUri == null && dataDir != null ? ", cache=" + embeddedCacheMb + " MB" : "")
                    + (retentionDays > 0 ? ", retention=" + retentionDays + " days" : "") + "]";
        }
    }
}
