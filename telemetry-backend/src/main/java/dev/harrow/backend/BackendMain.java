package dev.harrow.backend;

import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.config.BackendConfigLoader;
import dev.harrow.backend.config.ConfigException;
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

    private static final String USAGE = """
            usage: java -jar harrow-backend.jar [--config FILE]
              Configuration: a YAML file (--config or HARROW_CONFIG) and environment overrides:
              MONGODB_URI, HARROW_DATABASE, HARROW_DATA_DIR, HARROW_HTTP_HOST, HARROW_HTTP_PORT,
              HARROW_APP_KEYS (app=key,...), HARROW_ADMIN_TOKEN, HARROW_LIMIT_<NAME>, REDIS_URI,
              HARROW_SPILL, HARROW_INSTANCE_ID, HARROW_RETRY_AFTER_SECONDS, HARROW_STORE_TIMEOUT_MS,
              HARROW_FAULTS_ENABLED, HARROW_LOG_FORMAT (text or json). See docs/BACKEND.md.
              With no app keys or admin token configured, they are generated once into
              <data dir>/credentials.properties.""";

    private static void usage(String problem) {
        System.err.println("harrow-backend: " + problem);
        System.err.println(USAGE);
        System.exit(2);
    }
}
