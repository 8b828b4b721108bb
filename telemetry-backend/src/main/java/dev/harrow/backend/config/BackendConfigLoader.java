package dev.harrow.backend.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads the standalone backend's configuration: a YAML file (optional) overridden by environment variables.
 * The defaults let {@code java -jar} start on a fresh machine: loopback, port 8787, the embedded store persisting to
 * {@code ./harrow-data}, and credentials generated once into that data dir.
 *
 * <p>Environment overrides: {@code MONGODB_URI}, {@code REDIS_URI}, {@code HARROW_SPILL} ({@code true}/{@code false}),
 * {@code HARROW_DATABASE}, {@code HARROW_DATA_DIR}, {@code HARROW_STORE_CACHE_MB}, {@code HARROW_RETENTION_DAYS},
 * {@code HARROW_HTTP_HOST}, {@code HARROW_HTTP_PORT},
 * {@code HARROW_APP_KEYS} ({@code app=key,app2=key2}), {@code HARROW_ADMIN_TOKEN}, {@code HARROW_INSTANCE_ID},
 * {@code HARROW_RETRY_AFTER_SECONDS}, {@code HARROW_STORE_TIMEOUT_MS}, {@code HARROW_FAULTS_ENABLED}, and
 * {@code HARROW_LIMIT_<NAME>} for each ingest limit (e.g. {@code HARROW_LIMIT_MAX_EVENTS_PER_BATCH}); push:
 * {@code HARROW_PUSH}, {@code HARROW_PUSH_SANDBOX} and the credentials of {@link #push}.
 */
public final class BackendConfigLoader {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8787;
    public static final String DEFAULT_DATABASE = "harrow";
    public static final Path DEFAULT_DATA_DIR = Path.of("harrow-data");
    public static final int DEFAULT_WORKER_THREADS = 32;
    static final String CREDENTIALS_FILE = "credentials.properties";

    private final Map<String, String> env;

    public BackendConfigLoader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** Loads {@code file} (may be null) and applies the environment. */
    public BackendConfig load(Path file) {
        ConfigFile parsed = file == null ? ConfigFile.EMPTY : parse(file);
        ConfigFile.Http http = parsed.http() == null ? new ConfigFile.Http(null, null, null, null) : parsed.http();
        ConfigFile.Storage storage = parsed.storage() == null ? new ConfigFile.Storage(null, null, null, null, null, null, null)
                : parsed.storage();

        String host = firstNonNull(env.get("HARROW_HTTP_HOST"), http.host(), DEFAULT_HOST);
        int port = parseInt("HARROW_HTTP_PORT", firstNonNull(env.get("HARROW_HTTP_PORT"),
                http.port() == null ? null : http.port().toString(), Integer.toString(DEFAULT_PORT)));
        int threads = http.workerThreads() == null ? DEFAULT_WORKER_THREADS : http.workerThreads();
        List<String> cors = http.corsOrigins() == null ? List.of("*") : http.corsOrigins();

        String mongodbUri = firstNonNull(env.get("MONGODB_URI"), storage.mongodbUri(), null);
        String database = firstNonNull(env.get("HARROW_DATABASE"), storage.database(), DEFAULT_DATABASE);
        Path dataDir = Path.of(firstNonNull(env.get("HARROW_DATA_DIR"), storage.dataDir(), DEFAULT_DATA_DIR.toString()));
        String redisUri = firstNonNull(env.get("REDIS_URI"), storage.redisUri(), null);
        boolean spill = parseBoolean("HARROW_SPILL", firstNonNull(env.get("HARROW_SPILL"),
                storage.spill() == null ? null : storage.spill().toString(), "true"));
        int cacheMb = parseInt("HARROW_STORE_CACHE_MB", firstNonNull(env.get("HARROW_STORE_CACHE_MB"),
                storage.embeddedCacheMb() == null ? null : storage.embeddedCacheMb().toString(),
                Integer.toString(BackendConfig.StorageSettings.defaultCacheMb())));
        int retentionDays = parseInt("HARROW_RETENTION_DAYS", firstNonNull(env.get("HARROW_RETENTION_DAYS"),
                storage.retentionDays() == null ? null : storage.retentionDays().toString(), "0"));
        boolean faults = parseBoolean("HARROW_FAULTS_ENABLED", firstNonNull(env.get("HARROW_FAULTS_ENABLED"),
                parsed.faults() == null || parsed.faults().enabled() == null ? null
                        : parsed.faults().enabled().toString(), "false"));

        List<AppKey> apps = new ArrayList<>();
        String appKeysEnv = env.get("HARROW_APP_KEYS");
        if (appKeysEnv != null && !appKeysEnv.isBlank()) {
            apps.addAll(parseAppKeys(appKeysEnv));
        } else if (parsed.apps() != null) {
            for (ConfigFile.App app : parsed.apps()) {
                apps.add(new AppKey(app.id(), app.key()));
            }
        }
        String adminToken = firstNonNull(env.get("HARROW_ADMIN_TOKEN"), parsed.adminToken(), null);
        if (apps.isEmpty() || adminToken == null) {
            Properties generated = generatedCredentials(dataDir);
            if (apps.isEmpty()) {
                apps.add(new AppKey(generated.getProperty("app.id"), generated.getProperty("app.key")));
            }
            if (adminToken == null) {
                adminToken = generated.getProperty("admin.token");
            }
        }

        IngestLimits limits = limits(parsed.limits() == null
                ? new ConfigFile.Limits(null, null, null, null, null, null, null, null, null, null) : parsed.limits());
        return new BackendConfig(new BackendConfig.HttpSettings(host, port, threads, cors),
                new BackendConfig.StorageSettings(mongodbUri, database, dataDir, redisUri, spill, cacheMb,
                        retentionDays), apps, adminToken,
                limits, resilience(parsed.resilience(), dataDir), faults, push(parsed.push()),
                analytics(parsed.analytics()));
    }

    /** {@code analytics.zones} in the file, or {@code HARROW_ANALYTICS_ZONES} (comma-separated); UTC when neither. */
    private AnalyticsSettings analytics(ConfigFile.Analytics file) {
        String fromEnv = env.get("HARROW_ANALYTICS_ZONES");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return AnalyticsSettings.of(List.of(fromEnv.split(",")));
        }
        return file == null || file.zones() == null ? AnalyticsSettings.defaults() : AnalyticsSettings.of(file.zones());
    }

    /**
     * Push: off unless the file or {@code HARROW_PUSH} turns it on. APNs and FCM credentials come from files named
     * in the file or from the environment ({@code APNS_SIGNING_KEY}, {@code APNS_KEY_ID}, {@code APNS_TEAM_ID},
     * {@code APNS_TOPIC}, {@code FCM_SERVICE_ACCOUNT}, {@code FCM_PROJECT_ID}).
     */
    private PushSettings push(ConfigFile.Push file) {
        ConfigFile.Push f = file == null ? new ConfigFile.Push(null, null, null, null) : file;
        boolean sandbox = parseBoolean("HARROW_PUSH_SANDBOX", firstNonNull(env.get("HARROW_PUSH_SANDBOX"),
                f.sandbox() == null ? null : f.sandbox().toString(), "false"));
        if (sandbox) {
            throw new ConfigException("push.sandbox / HARROW_PUSH_SANDBOX: the sandbox gateways (a mock APNs server and "
                    + "an FCM stub that take every push) start only inside the farm and the tests, never in a backend "
                    + "started on its own; configure APNs and FCM credentials instead (docs/BACKEND.md)");
        }
        boolean enabled = parseBoolean("HARROW_PUSH", firstNonNull(env.get("HARROW_PUSH"),
                f.enabled() == null ? null : f.enabled().toString(), Boolean.toString(sandbox)));
        ConfigFile.Apns a = f.apns() == null ? new ConfigFile.Apns(null, null, null, null, null, null, null) : f.apns();
        String keyId = firstNonNull(env.get("APNS_KEY_ID"), a.keyId(), null);
        PushSettings.Apns apns = null;
        if (keyId != null) {
            String host = firstNonNull(a.host(), PushSettings.Apns.PRODUCTION);
            host = switch (host) {
                case "production" -> PushSettings.Apns.PRODUCTION;
                case "development" -> PushSettings.Apns.DEVELOPMENT;
                default -> host;
            };
            String keyPem = env.get("APNS_SIGNING_KEY");
            apns = new PushSettings.Apns(keyId, firstNonNull(env.get("APNS_TEAM_ID"), a.teamId(), null),
                    firstNonNull(env.get("APNS_TOPIC"), a.topic(), null),
                    keyPem != null || a.keyFile() == null ? null : Path.of(a.keyFile()), keyPem, host,
                    a.port() == null ? 443 : a.port(), a.concurrency() == null ? 1000 : a.concurrency());
        }
        ConfigFile.Fcm c = f.fcm() == null ? new ConfigFile.Fcm(null, null, null, null) : f.fcm();
        String projectId = firstNonNull(env.get("FCM_PROJECT_ID"), c.projectId(), null);
        PushSettings.Fcm fcm = null;
        if (projectId != null) {
            String account = env.get("FCM_SERVICE_ACCOUNT");
            fcm = new PushSettings.Fcm(projectId, account != null || c.serviceAccountFile() == null ? null
                    : Path.of(c.serviceAccountFile()), account, c.endpoint(),
                    c.concurrency() == null ? 64 : c.concurrency());
        }
        PushSettings.Guard defaults = PushSettings.Guard.defaults();
        PushSettings.Guard guard = new PushSettings.Guard(
                intFromEnv("HARROW_PUSH_REGISTRATIONS_PER_DEVICE_PER_MINUTE",
                        defaults.registrationsPerDevicePerMinute()),
                intFromEnv("HARROW_PUSH_REGISTRATIONS_PER_ADDRESS_PER_MINUTE",
                        defaults.registrationsPerAddressPerMinute()),
                Duration.ofSeconds(intFromEnv("HARROW_PUSH_RECEIPT_ALLOWANCE_SECONDS",
                        (int) defaults.receiptClockAllowance().toSeconds())));
        return new PushSettings(enabled, sandbox, apns, fcm, PushSettings.Dispatch.defaults(), guard);
    }

    private int intFromEnv(String name, int fallback) {
        String value = env.get(name);
        return value == null ? fallback : parseInt(name, value);
    }

    private Resilience resilience(ConfigFile.ResilienceFile file, Path dataDir) {
        Resilience defaults = Resilience.defaults();
        ConfigFile.ResilienceFile f = file == null ? new ConfigFile.ResilienceFile(null, null, null, null, null, null,
                null, null) : file;
        // One instance per data dir by default: a restarted backend finds the spilled batches it had leased.
        String instance = firstNonNull(env.get("HARROW_INSTANCE_ID"), f.instanceId(),
                "harrow-" + Integer.toHexString(dataDir.toAbsolutePath().normalize().toString().hashCode()));
        Duration retryAfter = env.containsKey("HARROW_RETRY_AFTER_SECONDS")
                ? Duration.ofSeconds(parseInt("HARROW_RETRY_AFTER_SECONDS", env.get("HARROW_RETRY_AFTER_SECONDS")))
                : millis(f.retryAfterMs(), defaults.retryAfter());
        Duration storeTimeout = env.containsKey("HARROW_STORE_TIMEOUT_MS")
                ? Duration.ofMillis(parseInt("HARROW_STORE_TIMEOUT_MS", env.get("HARROW_STORE_TIMEOUT_MS")))
                : millis(f.storeTimeoutMs(), defaults.storeTimeout());
        return new Resilience(storeTimeout,
                f.breakerFailures() == null ? defaults.breakerFailures() : f.breakerFailures(),
                millis(f.breakerOpenMs(), defaults.breakerOpenFor()),
                millis(f.breakerOpenMaxMs(), defaults.breakerOpenMax()),
                retryAfter,
                f.drainBatches() == null ? defaults.drainBatches() : f.drainBatches(),
                millis(f.spillLeaseMs(), defaults.spillLease()),
                instance);
    }

    private static Duration millis(Integer value, Duration fallback) {
        return value == null ? fallback : Duration.ofMillis(value);
    }

    private static boolean parseBoolean(String name, String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(name + ": '" + value + "' is not true or false");
        };
    }

    private IngestLimits limits(ConfigFile.Limits file) {
        IngestLimits defaults = IngestLimits.defaults();
        return new IngestLimits(
                limit("MAX_EVENTS_PER_BATCH", file.maxEventsPerBatch(), defaults.maxEventsPerBatch()),
                limit("MAX_EVENT_BYTES", file.maxEventBytes(), defaults.maxEventBytes()),
                limit("MAX_BATCH_BYTES", file.maxBatchBytes(), defaults.maxBatchBytes()),
                limit("MAX_DECOMPRESSED_BYTES", file.maxDecompressedBytes(), defaults.maxDecompressedBytes()),
                limit("MAX_NESTING_DEPTH", file.maxNestingDepth(), defaults.maxNestingDepth()),
                limit("MAX_CONCURRENT_BATCHES", file.maxConcurrentBatches(), defaults.maxConcurrentBatches()),
                new EventRules(
                        Duration.ofDays(limit("MAX_EVENT_AGE_DAYS", file.maxEventAgeDays(), 30)),
                        Duration.ofMinutes(limit("MAX_CLOCK_AHEAD_MINUTES", file.maxClockAheadMinutes(), 60)),
                        limit("MAX_PURCHASE_AMOUNT", file.maxPurchaseAmount(), 1_000_000),
                        Duration.ofHours(limit("MAX_SESSION_HOURS", file.maxSessionHours(), 12))));
    }

    private int limit(String name, Integer fromFile, int fallback) {
        String value = env.get("HARROW_LIMIT_" + name);
        if (value != null) {
            return parseInt("HARROW_LIMIT_" + name, value);
        }
        return fromFile == null ? fallback : fromFile;
    }

    static List<AppKey> parseAppKeys(String spec) {
        List<AppKey> apps = new ArrayList<>();
        for (String pair : spec.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("HARROW_APP_KEYS: expected app=key pairs separated by commas");
            }
            apps.add(new AppKey(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim()));
        }
        return apps;
    }

    /**
     * Credentials for a first start with none configured: generated once, kept owner-readable in the data dir and
     * reused afterwards, so apps keep working across restarts and no secret is ever printed.
     */
    private static Properties generatedCredentials(Path dataDir) {
        Path file = dataDir.resolve(CREDENTIALS_FILE);
        Properties props = new Properties();
        try {
            if (Files.exists(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    props.load(in);
                }
                return props;
            }
            if (!Files.isDirectory(dataDir)) {
                // the data dir holds secrets and the stores: this user's only
                Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            props.setProperty("app.id", "default");
            props.setProperty("app.key", Secrets.randomToken(16));
            props.setProperty("admin.token", Secrets.randomToken(24));
            Files.createFile(file);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // best effort on file systems without POSIX permissions
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                props.store(out, "Generated by the Harrow backend on first start; set HARROW_APP_KEYS and "
                        + "HARROW_ADMIN_TOKEN to use your own");
            }
            return props;
        } catch (IOException e) {
            throw new ConfigException("cannot read or write generated credentials at " + file + ": " + e.getMessage(), e);
        }
    }

    private static ConfigFile parse(Path file) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        try {
            ConfigFile parsed = yaml.readValue(file.toFile(), ConfigFile.class);
            return parsed == null ? ConfigFile.EMPTY : parsed;
        } catch (UnrecognizedPropertyException e) {
            List<String> known = e.getKnownPropertyIds() == null ? List.of()
                    : e.getKnownPropertyIds().stream().map(Object::toString).sorted().toList();
            throw new ConfigException(file + ": unknown setting '" + path(e) + "' (known there: "
                    + String.join(", ", known) + ")", e);
        } catch (JsonMappingException e) {
            String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new ConfigException(file + ": invalid value for '" + path(e) + "'" + line + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
    }

    /** The setting's path in the file, e.g. {@code http.port} or {@code apps[1].key}. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(name + ": '" + value + "' is not a whole number");
        }
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** The shape of the YAML file; every field optional. */
    record ConfigFile(Http http, Storage storage, List<App> apps, String adminToken, Limits limits,
                      ResilienceFile resilience, Faults faults, Push push, Analytics analytics) {
        static final ConfigFile EMPTY = new ConfigFile(null, null, null, null, null, null, null, null, null);

        record Analytics(List<String> zones) {
        }

        record Push(Boolean enabled, Boolean sandbox, Apns apns, Fcm fcm) {
        }

        record Apns(String keyId, String teamId, String topic, String keyFile, String host, Integer port,
                    Integer concurrency) {
        }

        record Fcm(String projectId, String serviceAccountFile, String endpoint, Integer concurrency) {
        }

        record Limits(Integer maxEventsPerBatch, Integer maxEventBytes, Integer maxBatchBytes,
                      Integer maxDecompressedBytes, Integer maxNestingDepth, Integer maxConcurrentBatches,
                      Integer maxEventAgeDays, Integer maxClockAheadMinutes, Integer maxPurchaseAmount,
                      Integer maxSessionHours) {
        }

        record ResilienceFile(Integer storeTimeoutMs, Integer breakerFailures, Integer breakerOpenMs,
                              Integer breakerOpenMaxMs, Integer retryAfterMs, Integer drainBatches,
                              Integer spillLeaseMs, String instanceId) {
        }

        record Faults(Boolean enabled) {
        }

        record Http(String host, Integer port, Integer workerThreads, List<String> corsOrigins) {
        }

        record Storage(String mongodbUri, String database, String dataDir, String redisUri, Boolean spill,
                       Integer embeddedCacheMb, Integer retentionDays) {
        }

        record App(@JsonProperty(value = "id", required = true) String id,
                   @JsonProperty(value = "key", required = true) String key) {
        }
    }
}
