package dev.harrow.backend.bench;

import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The backend as the farm and in-process harnesses run it (the embedded store and Redis in memory), as a process of
 * its own so that a benchmark can measure its memory: {@code HARROW_HTTP_PORT}, {@code HARROW_APP_KEYS}
 * ({@code app=key}) and {@code HARROW_ADMIN_TOKEN} from the environment.
 */
public final class InMemoryBackendMain {
    private InMemoryBackendMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        String[] app = System.getenv("HARROW_APP_KEYS").split("=", 2);
        BackendConfig config = BackendConfig.embedded(List.of(new AppKey(app[0], app[1])),
                System.getenv("HARROW_ADMIN_TOKEN"));
        config = config.withHttp(new BackendConfig.HttpSettings("127.0.0.1",
                Integer.parseInt(System.getenv("HARROW_HTTP_PORT")), config.http().workerThreads(),
                config.http().corsOrigins()));
        TelemetryBackend backend = TelemetryBackend.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            backend.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
