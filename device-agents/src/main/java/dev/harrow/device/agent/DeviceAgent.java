package dev.harrow.device.agent;

import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.provider.DeviceProvider;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.provider.DeviceUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks after one device for a run, as an explicit state machine:
 *
 * <pre>
 *   PROVISIONING -> READY <-> LEASED -> RESETTING -> READY ...
 *        any state -> QUARANTINED (repeated infrastructure failures) -> RETIRED
 * </pre>
 *
 * It opens the session with bounded retries, checks the session's health before each lease, reuses the session
 * between scenarios (a reset, not a new session), opens a new one when the old one died, and quarantines the device
 * after {@link AgentPolicy#quarantineAfter()} infrastructure failures in a row. Every change of state goes to the
 * listeners: the run's timeline.
 */
public final class DeviceAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeviceAgent.class);
    private static final Map<AgentState, Set<AgentState>> ALLOWED = Map.of(
            AgentState.PROVISIONING, EnumSet.of(AgentState.READY, AgentState.QUARANTINED, AgentState.RETIRED),
            AgentState.READY, EnumSet.of(AgentState.LEASED, AgentState.PROVISIONING, AgentState.QUARANTINED,
                    AgentState.RETIRED),
            AgentState.LEASED, EnumSet.of(AgentState.RESETTING, AgentState.PROVISIONING, AgentState.QUARANTINED,
                    AgentState.RETIRED),
            AgentState.RESETTING, EnumSet.of(AgentState.READY, AgentState.PROVISIONING, AgentState.QUARANTINED,
                    AgentState.RETIRED),
            AgentState.QUARANTINED, EnumSet.of(AgentState.RETIRED),
            AgentState.RETIRED, EnumSet.noneOf(AgentState.class));

    private final DeviceSpec spec;
    private final DeviceProvider provider;
    private final AgentPolicy policy;
    private final List<Consumer<AgentEvent>> listeners = new CopyOnWriteArrayList<>();
    private final List<Duration> sessionCreations = new CopyOnWriteArrayList<>();
    private final List<Duration> resets = new CopyOnWriteArrayList<>();
    private DeviceSession session;
    private long lastHealthy = Long.MIN_VALUE / 2;
    private AgentState state = AgentState.PROVISIONING;
    private int consecutiveFailures;
    private String quarantineReason;

    public DeviceAgent(DeviceSpec spec, DeviceProvider provider) {
        this(spec, provider, AgentPolicy.defaults());
    }

    public DeviceAgent(DeviceSpec spec, DeviceProvider provider, AgentPolicy policy) {
        this.spec = Objects.requireNonNull(spec);
        this.provider = Objects.requireNonNull(provider);
        this.policy = Objects.requireNonNull(policy);
    }

    public DeviceAgent onChange(Consumer<AgentEvent> listener) {
        listeners.add(listener);
        return this;
    }

    public DeviceSpec spec() {
        return spec;
    }

    public synchronized AgentState state() {
        return state;
    }

    /** Why the device was quarantined, when it was. */
    public synchronized String quarantineReason() {
        return quarantineReason;
    }

    /** How long each session creation took (successful ones). */
    public List<Duration> sessionCreations() {
        return List.copyOf(sessionCreations);
    }

    /** How long each reset between two scenarios took. */
    public List<Duration> resets() {
        return List.copyOf(resets);
    }

    /** Opens the device's session; quarantines the device and throws when it cannot be opened. */
    public synchronized DeviceSession provision() throws DeviceUnavailableException {
        requireNot(AgentState.QUARANTINED, AgentState.RETIRED);
        if (session != null && state == AgentState.READY) {
            return session;
        }
        if (state != AgentState.PROVISIONING) {
            move(AgentState.PROVISIONING, null);
        }
        DeviceUnavailableException failure = null;
        for (int attempt = 1; attempt <= policy.openAttempts(); attempt++) {
            Instant start = Instant.now();
            try {
                session = provider.open(spec);
                sessionCreations.add(Duration.between(start, Instant.now()));
                lastHealthy = System.nanoTime();
                move(AgentState.READY, null);
                return session;
            } catch (DeviceUnavailableException e) {
                failure = e;
                log.warn("{}: session attempt {}/{} failed: {}", spec.name(), attempt, policy.openAttempts(),
                        e.getMessage());
                if (attempt < policy.openAttempts()) {
                    pause();
                }
            }
        }
        quarantine("no session after " + policy.openAttempts() + " attempts: " + failure.getMessage());
        throw failure;
    }

    /**
     * Hands the device to a scenario, after checking that its session still answers; a dead session is replaced
     * first. Throws when the device cannot be made ready (it is then quarantined, or will be).
     */
    public synchronized DeviceSession lease() throws DeviceUnavailableException {
        requireNot(AgentState.QUARANTINED, AgentState.RETIRED);
        if (state == AgentState.PROVISIONING) {
            provision();
        }
        if (state != AgentState.READY) {
            throw new IllegalStateException(spec.name() + " is " + state + ", not ready");
        }
        // A reset that just went through proves the session answers; otherwise ask it.
        boolean recentlyHealthy = System.nanoTime() - lastHealthy < policy.healthCheckFreshness().toNanos();
        if (!recentlyHealthy && !session.isResponsive()) {
            infrastructureFailure("the session stopped answering before a lease");
            provision();
        }
        move(AgentState.LEASED, null);
        return session;
    }

    /**
     * Takes the device back after a scenario and resets it for the next one. A reset that fails, or a session
     * that died during the scenario, is an infrastructure failure: the next lease opens a new session, or the
     * device is quarantined.
     *
     * @return whether the device came back ready; false means it was lost during or after the scenario
     */
    public synchronized boolean release() {
        if (state != AgentState.LEASED) {
            return state == AgentState.READY;
        }
        move(AgentState.RESETTING, null);
        Instant start = Instant.now();
        try {
            // A session that died during the scenario fails its reset: no separate check needed.
            session.reset();
            resets.add(Duration.between(start, Instant.now()));
            lastHealthy = System.nanoTime();
            consecutiveFailures = 0;
            move(AgentState.READY, null);
            return true;
        } catch (RuntimeException e) {
            infrastructureFailure(e.getMessage());
            return false;
        }
    }

    /**
     * Drops a leased session that the farm ended itself (a scenario that hung): the next lease opens a new one. Not
     * an infrastructure failure, so it does not count towards quarantine; a device that is really gone fails its
     * next session instead.
     */
    public synchronized void renew(String why) {
        if (state == AgentState.QUARANTINED || state == AgentState.RETIRED) {
            return;
        }
        closeSession();
        if (state != AgentState.PROVISIONING) {
            move(AgentState.PROVISIONING, why);
        }
    }

    /**
     * Records an infrastructure failure (the caller's or the agent's own); after too many in a row the device is
     * quarantined. Otherwise the session is dropped and the next lease opens a new one.
     */
    public synchronized void infrastructureFailure(String what) {
        if (state == AgentState.QUARANTINED || state == AgentState.RETIRED) {
            return;
        }
        consecutiveFailures++;
        log.warn("{}: infrastructure failure {}/{}: {}", spec.name(), consecutiveFailures, policy.quarantineAfter(),
                what);
        closeSession();
        if (consecutiveFailures >= policy.quarantineAfter()) {
            quarantine(consecutiveFailures + " infrastructure failures in a row, the last: " + what);
        } else if (state != AgentState.PROVISIONING) {
            move(AgentState.PROVISIONING, what);
        }
    }

    /** Takes the device out of this run: it gets no more work. */
    public synchronized void quarantine(String reason) {
        if (state == AgentState.QUARANTINED || state == AgentState.RETIRED) {
            return;
        }
        closeSession();
        quarantineReason = reason;
        move(AgentState.QUARANTINED, reason);
    }

    @Override
    public synchronized void close() {
        closeSession();
        if (state != AgentState.RETIRED) {
            move(AgentState.RETIRED, null);
        }
    }

    private void closeSession() {
        if (session != null) {
            try {
                session.close();
            } catch (RuntimeException e) {
                log.debug("{}: closing the session failed: {}", spec.name(), e.getMessage());
            }
            session = null;
        }
    }

    private void move(AgentState to, String reason) {
        if (!ALLOWED.get(state).contains(to)) {
            throw new IllegalStateException(spec.name() + ": no transition from " + state + " to " + to);
        }
        AgentEvent event = new AgentEvent(spec.name(), state, to, Instant.now(), reason);
        state = to;
        for (Consumer<AgentEvent> listener : new ArrayList<>(listeners)) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                log.warn("an agent listener failed", e);
            }
        }
    }

    private void requireNot(AgentState... forbidden) throws DeviceUnavailableException {
        for (AgentState s : forbidden) {
            if (state == s) {
                throw new DeviceUnavailableException(spec.name() + " is " + state.name().toLowerCase()
                        + (quarantineReason == null ? "" : ": " + quarantineReason), null);
            }
        }
    }

    private void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(policy.retryPause().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
