package dev.harrow.farm.stub;

import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.stub.StubDeviceSession;
import dev.harrow.farm.plan.Slot;
import dev.harrow.farm.schedule.AttemptResult;
import dev.harrow.farm.schedule.ScenarioExecutor;
import dev.harrow.reports.allure.RunAttempt;
import dev.harrow.reports.summary.Outcome;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.model.Label;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.TestResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scenarios played on stub devices from a script instead of run through JUnit: how long each takes, on which tries
 * or devices it fails, whether it hangs or takes its device down. Records every try, so that tests can say what ran
 * where and when.
 */
public final class ScriptedScenarios implements ScenarioExecutor {
    private static final long STEP_MILLIS = 5;

    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Set<String> crashingDevices = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> tries = new ConcurrentHashMap<>();
    private final List<Execution> executions = new CopyOnWriteArrayList<>();
    private final long origin = System.nanoTime();
    private volatile Script fallback = Script.takes(Duration.ofMillis(20));
    private volatile AllureLifecycle allure;

    /** What one scenario does. */
    public record Script(Duration duration, int failingTries, Set<String> failsOn, Hang hang, int dropsDeviceOnTry) {
        public static Script takes(Duration duration) {
            return new Script(duration, 0, Set.of(), Hang.NO, 0);
        }

        public static Script takesMillis(long millis) {
            return takes(Duration.ofMillis(millis));
        }

        /** Fails its first {@code n} tries, wherever they run. */
        public Script failingFirst(int n) {
            return new Script(duration, n, failsOn, hang, dropsDeviceOnTry);
        }

        /** Fails on these devices, every time. */
        public Script failingOn(String... devices) {
            return new Script(duration, failingTries, Set.of(devices), hang, dropsDeviceOnTry);
        }

        /** Stops talking to its device and never ends by itself (first try only when {@code once}). */
        public Script hanging(Hang how) {
            return new Script(duration, failingTries, failsOn, how, dropsDeviceOnTry);
        }

        /** Its device stops answering half-way through this try (1 = the first). */
        public Script droppingItsDeviceOnTry(int n) {
            return new Script(duration, failingTries, failsOn, hang, n);
        }
    }

    /** How a scenario hangs. */
    public enum Hang {
        NO,
        /** Blocks without a word to the device: the idle limit ends it. */
        SILENT,
        /** Keeps talking to the device and never finishes: the timeout ends it. */
        BUSY
    }

    /** One try: what ran where, when (milliseconds since the script was made), and how it ended. */
    public record Execution(String scenario, String slot, String device, int attempt, Outcome outcome,
                            long startMillis, long endMillis) {
    }

    public ScriptedScenarios script(String scenarioId, Script script) {
        scripts.put(scenarioId, script);
        return this;
    }

    /** What scenarios without a script of their own do. */
    public ScriptedScenarios byDefault(Script script) {
        fallback = script;
        return this;
    }

    /** Writes an Allure result for every try from now on, as the farm's JUnit executor does (without steps). */
    public ScriptedScenarios reportingTo(AllureLifecycle lifecycle) {
        allure = lifecycle;
        return this;
    }

    /** A device whose session dies in every scenario played on it. */
    public ScriptedScenarios crashing(String device) {
        crashingDevices.add(device);
        return this;
    }

    /** Starts counting tries afresh, as for a new run. */
    public ScriptedScenarios forgetTries() {
        tries.clear();
        executions.clear();
        return this;
    }

    public List<Execution> executions() {
        return List.copyOf(executions);
    }

    public List<Execution> executionsOf(String scenarioId) {
        return executions.stream().filter(e -> e.scenario().equals(scenarioId)).toList();
    }

    @Override
    public AttemptResult execute(Slot slot, DeviceSpec device, DeviceSession session, RunAttempt attempt) {
        String id = slot.scenario().id();
        Script script = scripts.getOrDefault(id, fallback);
        int n = tries.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        StubDeviceSession stub = (StubDeviceSession) session;
        long start = now();
        AttemptResult result = play(script, n, device.name(), stub);
        executions.add(new Execution(id, slot.key(), device.name(), attempt.number(), result.outcome(), start,
                now()));
        report(slot, device, result);
        return result;
    }

    private void report(Slot slot, DeviceSpec device, AttemptResult result) {
        AllureLifecycle lifecycle = allure;
        if (lifecycle == null) {
            return;
        }
        String uuid = UUID.randomUUID().toString();
        lifecycle.scheduleTestCase(new TestResult().setUuid(uuid).setName(slot.label())
                .setFullName(slot.scenario().id()).setHistoryId(slot.scenario().id() + "@" + slot.key())
                .setStatus(switch (result.outcome()) {
                    case PASSED, FLAKY -> Status.PASSED;
                    case FAILED -> Status.FAILED;
                    case SKIPPED -> Status.SKIPPED;
                    default -> Status.BROKEN;
                })
                .setLabels(List.of(new Label().setName("host").setValue(device.name()))));
        lifecycle.startTestCase(uuid);
        lifecycle.stopTestCase(uuid);
        lifecycle.writeTestCase(uuid);
    }

    private AttemptResult play(Script script, int n, String device, StubDeviceSession session) {
        long start = System.nanoTime();
        long total = script.duration().toNanos();
        boolean drops = crashingDevices.contains(device) || script.dropsDeviceOnTry() == n;
        Hang hang = script.hang();
        while (hang != Hang.NO || System.nanoTime() - start < total) {
            if (drops && System.nanoTime() - start >= total / 2) {
                session.die();
            }
            if (!session.answering()) {
                return new AttemptResult(Outcome.BROKEN, elapsed(start), "WebDriverException: the session of "
                        + device + " is gone");
            }
            if (hang != Hang.SILENT) {
                session.activity().touch();
            }
            try {
                TimeUnit.MILLISECONDS.sleep(STEP_MILLIS);
            } catch (InterruptedException e) {
                return new AttemptResult(Outcome.BROKEN, elapsed(start), "InterruptedException");
            }
        }
        if (n <= script.failingTries() || script.failsOn().contains(device)) {
            return new AttemptResult(Outcome.FAILED, elapsed(start), "AssertionFailedError: scripted failure on "
                    + device + ", try " + n);
        }
        return new AttemptResult(Outcome.PASSED, elapsed(start), null);
    }

    private long now() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - origin);
    }

    private static long elapsed(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
