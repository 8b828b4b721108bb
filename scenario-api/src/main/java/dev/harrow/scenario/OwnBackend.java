package dev.harrow.scenario;

import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.config.PushSettings;
import dev.harrow.backend.config.Resilience;
import dev.harrow.backend.config.Secrets;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A backend started for one scenario on one device: embedded stores behind the fault relays (the same relays that
 * cut off a real MongoDB or Redis), short timeouts so that an outage shows within a second, a push dispatcher that
 * polls often, and a {@link ScenarioClock}. Faults and clock jumps here reach no other device of the run.
 */
public final class OwnBackend extends Backend implements AutoCloseable {
    /** What the collector tells a client to wait when neither store can take a write. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final TelemetryBackend backend;
    private final ScenarioClock clock;

    private OwnBackend(TelemetryBackend backend, ScenarioClock clock, URI appUrl) {
        super(backend.connectionFor(BackendExtension.APP_ID), appUrl);
        this.backend = backend;
        this.clock = clock;
    }

    static OwnBackend start(URI appUrl, UnaryOperator<BackendConfig> settings) {
        BackendConfig config = BackendConfig.embedded(List.of(new AppKey(BackendExtension.APP_ID,
                        Secrets.randomToken(12))), Secrets.randomToken(16))
                .withFaultsEnabled(true)
                .withResilience(Resilience.defaults().withRetryAfter(RETRY_AFTER)
                        .withStoreTimeout(Duration.ofSeconds(1)).withBreakerOpenFor(Duration.ofMillis(200)))
                .withPush(PushSettings.sandboxed().withDispatch(new PushSettings.Dispatch(Duration.ofMillis(50), 500,
                        Duration.ofSeconds(20), 3, Duration.ofSeconds(1), Duration.ofMinutes(5),
                        Duration.ofSeconds(1)))
                        // the scenario's clock runs days ahead of the devices': receipts are dated by the device
                        .withGuard(new PushSettings.Guard(30, 600, Duration.ofDays(7))));
        ScenarioClock clock = new ScenarioClock();
        return new OwnBackend(TelemetryBackend.start(settings.apply(config), clock), clock, appUrl);
    }

    public ScenarioClock clock() {
        return clock;
    }

    /**
     * Cuts a store off ({@link TelemetryBackend#MONGODB}, {@link TelemetryBackend#REDIS}): connections reset, new
     * ones refused, as when it is stopped for maintenance.
     */
    public void cutOff(String store) {
        client().fault(store, "down");
    }

    public void restore(String store) {
        client().fault(store, "up");
    }

    @Override
    public void close() {
        backend.close();
    }
}
