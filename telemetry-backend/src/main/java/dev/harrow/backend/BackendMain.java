package dev.harrow.backend;

import com.mongodb.ConnectionString;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.config.BackendConfigLoader;
import dev.harrow.backend.config.ConfigException;
import dev.harrow.backend.config.Secrets;
import dev.harrow.backend.store.StoreMigration;
import dev.harrow.backend.store.StoreUnavailableException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar harrow-backend.jar [--config harrow-backend.yml]}: the backend as a standalone service. Exits 2 on
 * a configuration error, naming the setting.
 */
public final class BackendMain {
    private BackendMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("logback.configurationFile") == null) {
            boolean json = "json".equalsIgnoreCase(System.getenv("HARROW_LOG_FORMAT"));
            System.setProperty("logback.configurationFile",
                    json ? "harrow-backend-logback-json.xml" : "harrow-backend-logback.xml");
        }
        if (args.length > 0 && args[0].equals("migrate")) {
            System.exit(migrate(Arrays.copyOfRange(args, 1, args.length)));
            return;
        }
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        usage("--config needs a file");
                    }
                    configFile = Path.of(args[++i]);
                }
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> usage("unknown argument: " + args[i]);
            }
        }
        if (configFile == null && System.getenv("HARROW_CONFIG") != null) {
            configFile = Path.of(System.getenv("HARROW_CONFIG"));
        }

        BackendConfig config;
        try {
            config = new BackendConfigLoader(System.getenv()).load(configFile);
        } catch (ConfigException e) {
            System.err.println("harrow-backend: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        warnWithoutHeapLimit();
        TelemetryBackend backend = TelemetryBackend.start(config);
        System.out.println("harrow-backend: listening on " + backend.baseUri());
        if (config.storage().embedded()) {
            System.out.println("harrow-backend: embedded store in " + config.storage().dataDir().toAbsolutePath()
                    + " (set MONGODB_URI to use a MongoDB server)");
        }
        if (config.faultsEnabled()) {
            System.out.println("harrow-backend: FAULT CONTROLS ARE ENABLED (admin API can cut the stores off); "
                    + "never in production");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            backend.close();
            stopped.countDown();
        }, "harrow-shutdown"));
        stopped.await();
    }

    /**
     * {@code migrate --to URI [--database NAME] [--data-dir DIR]}: copies the embedded store (and its spill) into a
     * MongoDB server. Exit 0 when everything is there, 2 on a usage or configuration problem, 1 when it failed.
     */
    static int migrate(String[] args) {
        String to = null;
        String database = BackendConfigLoader.DEFAULT_DATABASE;
        Path dataDir = Path.of(firstNonNull(System.getenv("HARROW_DATA_DIR"),
                BackendConfigLoader.DEFAULT_DATA_DIR.toString()));
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--to" -> to = value;
                case "--database" -> database = value;
                case "--data-dir" -> dataDir = value == null ? null : Path.of(value);
                case "--help", "-h" -> {
                    System.out.println(MIGRATE_USAGE);
                    return 0;
                }
                default -> {
                    System.err.println("harrow-backend migrate: unknown argument: " + args[i]);
                    System.err.println(MIGRATE_USAGE);
                    return 2;
                }
            }
            if (value == null || value.startsWith("--")) {
                System.err.println("harrow-backend migrate: " + args[i] + " needs a value");
                return 2;
            }
            i++;
        }
        if (to == null || !(to.startsWith("mongodb://") || to.startsWith("mongodb+srv://"))) {
            System.err.println("harrow-backend migrate: --to needs the target's mongodb:// URI");
            System.err.println(MIGRATE_USAGE);
            return 2;
        }
        String targetDatabase = new ConnectionString(to).getDatabase();
        System.out.printf("harrow-backend migrate: %s -> %s (database %s)%n", dataDir.toAbsolutePath(),
                Secrets.redactUri(to), targetDatabase == null ? database : targetDatabase);
        try (MongoClient target = TelemetryBackend.mongoClient(to, Duration.ofSeconds(30))) {
            List<StoreMigration.Copied> copied = new StoreMigration(dataDir, database, System.out)
                            .into(target, targetDatabase == null ? database : targetDatabase);
            long spilled = copied.stream().filter(c -> c.collection().equals("(spill)"))
                    .mapToLong(StoreMigration.Copied::copied).sum();
            System.out.println("harrow-backend migrate: done. Start the backend with MONGODB_URI set to the target"
                    + " (and REDIS_URI for a Redis of your own): it creates its indexes at start.");
            if (spilled > 0) {
                System.out.println("harrow-backend migrate: " + spilled + " events came from the spill; the analytics"
                        + " rollups count them after POST /admin/v1/metrics/rebuild?app=<app>.");
            }
            return 0;
        } catch (IllegalStateException e) {
            System.err.println("harrow-backend migrate: " + e.getMessage());
            return 2;
        } catch (StoreUnavailableException | MongoException e) {
            System.err.println("harrow-backend migrate: failed, nothing is lost (run it again): " + e.getMessage());
            return 1;
        }
    }

    /**
     * A JVM started without a heap limit may take a quarter of the machine's memory, and under load it does: say so
     * once, with the way out (bin/harrow-backend sizes the heap; docs/BACKEND.md).
     */
    private static void warnWithoutHeapLimit() {
        List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments();
        boolean limited = flags.stream().anyMatch(f -> f.startsWith("-Xmx") || f.startsWith("-XX:MaxHeapSize")
                || f.startsWith("-XX:MaxRAMPercentage") || f.startsWith("-XX:MaxRAM="));
        if (!limited) {
            System.out.printf("harrow-backend: no heap limit was given, so this JVM may grow to %,d MiB under load;"
                    + " start it with bin/harrow-backend or java -Xmx512m -jar (docs/BACKEND.md)%n",
                    Runtime.getRuntime().maxMemory() / (1024 * 1024));
        }
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    private static final String MIGRATE_USAGE = """
            usage: java -jar harrow-backend.jar migrate --to mongodb://HOST[:PORT][/DATABASE] [--database NAME]
                                                        [--data-dir DIR]
              Copies what the embedded store holds (events, logs, receipts, analytics rollups, push tokens,
              messages and schedules, dead letters) and the events waiting in its Redis spill into a MongoDB
              server. Stop the backend first. Safe to run again: documents already there are not copied twice.
              --to        the MongoDB to move to (its database, else --database)
              --database  the backend's database (default harrow)
              --data-dir  the backend's data dir (default HARROW_DATA_DIR, else ./harrow-data)""";

    private static final String USAGE = """
            usage: java -jar harrow-backend.jar [--config FILE]
                   java -jar harrow-backend.jar migrate --to mongodb://... (see migrate --help)
              Configuration: a YAML file (--config or HARROW_CONFIG) and environment overrides:
              MONGODB_URI, HARROW_DATABASE, HARROW_DATA_DIR, HARROW_HTTP_HOST, HARROW_HTTP_PORT,
              HARROW_APP_KEYS (app=key,...), HARROW_ADMIN_TOKEN, HARROW_LIMIT_<NAME>, REDIS_URI,
              HARROW_SPILL, HARROW_STORE_CACHE_MB, HARROW_RETENTION_DAYS, HARROW_INSTANCE_ID,
              HARROW_RETRY_AFTER_SECONDS, HARROW_STORE_TIMEOUT_MS,
              HARROW_FAULTS_ENABLED, HARROW_LOG_FORMAT (text or json). See docs/BACKEND.md.
              With no app keys or admin token configured, they are generated once into
              <data dir>/credentials.properties.""";

    private static void usage(String problem) {
        System.err.println("harrow-backend: " + problem);
        System.err.println(USAGE);
        System.exit(2);
    }
}
