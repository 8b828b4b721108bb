package dev.harrow.device.agent;

import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.provider.DeviceProvider;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.provider.DeviceUnavailableException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks after one device for a run: opens its session (with bounded retries), hands it to one scenario at a time,
 * and closes it at the end.
 */
public final class DeviceAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeviceAgent.class);
    static final int OPEN_ATTEMPTS = 3;
    static final Duration RETRY_PAUSE = Duration.ofSeconds(2);

    private final DeviceSpec spec;
    private final DeviceProvider provider;
    private DeviceSession session;
    private AgentState state = AgentState.PROVISIONING;
    private Exception lastFailure;

    public DeviceAgent(DeviceSpec spec, DeviceProvider provider) {
        this.spec = Objects.requireNonNull(spec);
        this.provider = Objects.requireNonNull(provider);
    }

    public DeviceSpec spec() {
        return spec;
    }

    public synchronized AgentState state() {
        return state;
    }

    /** Opens the device's session, trying {@value #OPEN_ATTEMPTS} times; quarantines the device if all fail. */
    public synchronized DeviceSession provision() throws DeviceUnavailableException {
        if (session != null) {
            return session;
        }
        state = AgentState.PROVISIONING;
        DeviceUnavailableException failure = null;
        for (int attempt = 1; attempt <= OPEN_ATTEMPTS; attempt++) {
            try {
                session = provider.open(spec);
                state = AgentState.READY;
                return session;
            } catch (DeviceUnavailableException e) {
                failure = e;
                log.warn("{}: session attempt {}/{} failed: {}", spec.name(), attempt, OPEN_ATTEMPTS, e.getMessage());
                if (attempt < OPEN_ATTEMPTS) {
                    pause();
                }
            }
        }
        lastFailure = failure;
        state = AgentState.QUARANTINED;
        throw failure;
    }

    /** Hands the device to a scenario. */
    public synchronized DeviceSession lease() {
        if (state != AgentState.READY) {
            throw new IllegalStateException(spec.name() + " is " + state + ", not ready");
        }
        state = AgentState.LEASED;
        return session;
    }

    /** Takes the device back after a scenario. */
    public synchronized void release() {
        if (state == AgentState.LEASED) {
            state = AgentState.READY;
        }
    }

    public synchronized Exception lastFailure() {
        return lastFailure;
    }

    @Override
    public synchronized void close() {
        if (session != null) {
            session.close();
            session = null;
        }
        state = AgentState.RETIRED;
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
