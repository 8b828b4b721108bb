package dev.harrow.device.stub;

import dev.harrow.device.DeviceKind;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.provider.DeviceProvider;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.provider.DeviceUnavailableException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Devices that exist only in memory, with scripted failures, so that agents and the farm's scheduler can be tested
 * without Appium or browsers: a device that cannot be opened at first, one whose session dies after a number of
 * leases, one whose resets fail. Shipped beside the real providers, as a test double should be.
 */
public final class StubDeviceProvider implements DeviceProvider {
    private final DeviceKind kind;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> opens = new ConcurrentHashMap<>();
    private final List<StubDeviceSession> sessions = new CopyOnWriteArrayList<>();

    public StubDeviceProvider(DeviceKind kind) {
        this.kind = kind;
    }

    /** What a named device does; devices without a script behave. */
    public StubDeviceProvider script(String device, Script script) {
        scripts.put(device, script);
        return this;
    }

    @Override
    public DeviceKind kind() {
        return kind;
    }

    @Override
    public DeviceSession open(DeviceSpec spec) throws DeviceUnavailableException {
        Script script = scripts.getOrDefault(spec.name(), Script.healthy());
        int attempt = opens.computeIfAbsent(spec.name(), n -> new AtomicInteger()).incrementAndGet();
        if (attempt <= script.failedOpens()) {
            throw new DeviceUnavailableException("stub " + spec.name() + ": scripted session failure " + attempt, null);
        }
        StubDeviceSession session = new StubDeviceSession(spec, script);
        sessions.add(session);
        return session;
    }

    /** How many sessions were asked for on a device (failed ones included). */
    public int opens(String device) {
        AtomicInteger n = opens.get(device);
        return n == null ? 0 : n.get();
    }

    /** Every session opened so far. */
    public List<StubDeviceSession> sessions() {
        return List.copyOf(sessions);
    }

    /**
     * A device's scripted behaviour.
     *
     * @param failedOpens how many session requests fail before one succeeds (forever: {@code Integer.MAX_VALUE})
     * @param diesAfterResponses how many health checks a session passes before it stops answering (never: -1)
     * @param resetsFail whether resetting the device between scenarios fails
     */
    public record Script(int failedOpens, int diesAfterResponses, boolean resetsFail) {
        public static Script healthy() {
            return new Script(0, -1, false);
        }

        public static Script neverOpens() {
            return new Script(Integer.MAX_VALUE, -1, false);
        }

        public static Script failsToOpen(int times) {
            return new Script(times, -1, false);
        }

        public static Script diesAfter(int healthChecks) {
            return new Script(0, healthChecks, false);
        }

        public static Script failingResets() {
            return new Script(0, -1, true);
        }
    }
}
