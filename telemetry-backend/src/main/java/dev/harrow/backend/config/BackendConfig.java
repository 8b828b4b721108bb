package dev.harrow.backend.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the backend needs to start, as plain validated data. Built by {@link BackendConfigLoader} from a YAML
 * file and the environment, or directly in code when the backend is embedded in-process.
 */
public record BackendConfig(
        HttpSettings http,
        StorageSettings storage,
        List<AppKey> apps,
        String adminToken,
        IngestLimits limits) {

    public BackendConfig {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(limits, "limits");
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

    /** A config for an in-process backend: loopback, an ephemeral port, the embedded store in memory. */
    public static BackendConfig embedded(List<AppKey> apps, String adminToken) {
        return new BackendConfig(HttpSettings.loopbackEphemeral(), StorageSettings.embeddedInMemory(), apps,
                adminToken, IngestLimits.defaults());
    }

    public Optional<AppKey> appForKey(String key) {
        if (key == null) {
            return Optional.empty();
        }
        return apps.stream().filter(app -> Secrets.constantTimeEquals(app.key(), key)).findFirst();
    }

    public BackendConfig withStorage(StorageSettings storage) {
        return new BackendConfig(http, storage, apps, adminToken, limits);
    }

    public BackendConfig withHttp(HttpSettings http) {
        return new BackendConfig(http, storage, apps, adminToken, limits);
    }

    public BackendConfig withLimits(IngestLimits limits) {
        return new BackendConfig(http, storage, apps, adminToken, limits);
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
     * The MongoDB store. With no {@code mongodbUri} the backend starts the embedded MongoDB-wire-compatible server,
     * persisting to {@code dataDir}, or in memory when {@code dataDir} is empty.
     */
    public record StorageSettings(String mongodbUri, String database, Path dataDir) {
        public StorageSettings {
            if (database == null || !database.matches("[A-Za-z0-9_-]{1,38}")) {
                throw new ConfigException("storage.database: must be 1-38 letters, digits, '_' or '-', was " + database);
            }
            if (mongodbUri != null && !mongodbUri.startsWith("mongodb://") && !mongodbUri.startsWith("mongodb+srv://")) {
                throw new ConfigException("storage.mongodbUri / MONGODB_URI: must start with mongodb:// or mongodb+srv://");
            }
        }

        public static StorageSettings embeddedInMemory() {
            return new StorageSettings(null, "harrow", null);
        }

        public boolean embedded() {
            return mongodbUri == null;
        }
    }
}
