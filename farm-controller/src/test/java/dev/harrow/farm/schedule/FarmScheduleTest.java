package dev.harrow.farm.schedule;

import static dev.harrow.farm.stub.StubPool.GENEROUS;
import static dev.harrow.farm.stub.StubPool.id;
import static dev.harrow.farm.stub.StubPool.suite;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.harrow.device.config.PoolMode;
import dev.harrow.farm.plan.RunPlan;
import dev.harrow.farm.plan.ScenarioRef;
import dev.harrow.farm.plan.TimingStore;
import dev.harrow.farm.stub.ScriptedScenarios.Execution;
import dev.harrow.farm.stub.ScriptedScenarios.Hang;
import dev.harrow.farm.stub.ScriptedScenarios.Script;
import dev.harrow.farm.stub.StubPool;
import dev.harrow.reports.summary.Attempt;
import dev.harrow.reports.summary.DeviceReport;
import dev.harrow.reports.summary.Outcome;
import dev.harrow.reports.summary.ScenarioRun;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FarmScheduleTest {
    static final Duration LIMIT = Duration.ofSeconds(60);

    static Map<String, ScenarioRun> byScenario(FarmSchedule.Result result) {
        return result.verdicts().stream().collect(Collectors.toMap(v -> v.scenario().substring(
                v.scenario().indexOf('#') + 1), Function.identity()));
    }

    static DeviceReport device(FarmSchedule.Result result, String name) {
        return result.devices().stream().filter(d -> d.device().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aDeviceDroppingMidTestRequeuesOnlyTheUnfinishedTestAndKeepsTheFinishedOnes() {
        StubPool pool = new StubPool().devices("pixel-a", "pixel-b");
        pool.scenarios.byDefault(Script.takesMillis(40))
                .script(id("s5"), Script.takesMillis(200).droppingItsDeviceOnTry(1));
        // s5 is known to be the longest: it starts first, and its device has work left after losing it.
        List<ScenarioRef> suite = suite("s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8");
        TimingStore timings = TimingStore.inMemory();
        suite.forEach(s -> timings.recordPass(s.id(), Duration.ofMillis(s.methodName().equals("s5") ? 200 : 40)));

        FarmSchedule.Result result = assertTimeoutPreemptively(LIMIT, () -> pool.run(RunPlan.of(suite,
                pool.devices(), PoolMode.DISTRIBUTE), timings, RetryPolicy.defaults(), GENEROUS));

        Map<String, ScenarioRun> verdicts = byScenario(result);
        assertThat(verdicts.values()).as(pool.console()).allSatisfy(v ->
                assertThat(v.outcome()).isEqualTo(Outcome.PASSED));
        ScenarioRun dropped = verdicts.get("s5");
        assertThat(dropped.attempts()).hasSize(2);
        Attempt lost = dropped.attempts().get(0);
        assertThat(lost.infrastructure()).isTrue();
        assertThat(lost.message()).startsWith("the device was lost");
        // Everything else ran once: what the dropped device had finished stands.
        assertThat(pool.scenarios.executions()).hasSize(9);
        List<Execution> beforeTheDrop = pool.scenarios.executions().stream()
                .filter(e -> e.device().equals(lost.device()) && !e.scenario().equals(id("s5"))
                        && e.endMillis() <= pool.scenarios.executionsOf(id("s5")).get(0).startMillis()).toList();
        assertThat(beforeTheDrop).allSatisfy(e -> assertThat(verdicts.get(e.scenario().substring(11)).attempts())
                .singleElement().satisfies(a -> assertThat(a.device()).isEqualTo(lost.device())));
        // The device came back with a new session and went on working.
        assertThat(pool.provider.opens(lost.device())).as(pool.console()).isEqualTo(2);
        assertThat(device(result, lost.device()).state()).isEqualTo(DeviceReport.OK);
        assertThat(pool.console()).contains("LOST, requeued");
    }

    @Test
    void aFlakyTestIsRetriedOnAnotherDeviceAndReportedFlaky() {
        StubPool pool = new StubPool().devices("pixel-a", "pixel-b");
        pool.scenarios.script(id("flaky"), Script.takesMillis(30).failingFirst(1))
                .script(id("broken"), Script.takesMillis(30).failingFirst(99));

        FarmSchedule.Result result = assertTimeoutPreemptively(LIMIT, () -> pool.run(
                suite("flaky", "broken", "fine"), PoolMode.DISTRIBUTE, RetryPolicy.defaults(), GENEROUS));

        ScenarioRun flaky = byScenario(result).get("flaky");
        assertThat(flaky.outcome()).isEqualTo(Outcome.FLAKY);
        assertThat(flaky.attempts()).extracting(Attempt::outcome).containsExactly(Outcome.FAILED, Outcome.PASSED);
        assertThat(flaky.attempts().get(0).device()).isNotEqualTo(flaky.attempts().get(1).device());
        assertThat(flaky.message()).contains("failed on " + flaky.attempts().get(0).device() + " first");
        ScenarioRun broken = byScenario(result).get("broken");
        assertThat(broken.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(broken.attempts()).extracting(Attempt::device).doesNotHaveDuplicates().hasSize(2);
        assertThat(byScenario(result).get("fine").outcome()).isEqualTo(Outcome.PASSED);
        assertThat(pool.console()).contains("FLAKY").contains("FAILED, retrying");
    }

    @Test
    void theRunsRetryBudgetCapsRetriesAcrossScenarios() {
        StubPool pool = new StubPool().devices("pixel-a", "pixel-b");
        pool.scenarios.byDefault(Script.takesMillis(10).failingFirst(99));

        FarmSchedule.Result result = assertTimeoutPreemptively(LIMIT, () -> pool.run(
                suite("f1", "f2", "f3", "f4"), PoolMode.DISTRIBUTE, new RetryPolicy(3, 2, 3, false), GENEROUS));

        assertThat(result.verdicts()).allSatisfy(v -> assertThat(v.outcome()).isEqualTo(Outcome.FAILED));
        assertThat(pool.scenarios.executions()).as("four first tries and the run's two retries").hasSize(6);
    }

    @Test
    void inMatrixModeARetryStaysOnItsDeviceAndEachDeviceGivesItsOwnVerdict() {
        StubPool pool = new StubPool().devices("pixel-a", "iphone-b");
        pool.scenarios.script(id("android-only"), Script.takesMillis(10).failingOn("iphone-b"));

        FarmSchedule.Result result = assertTimeoutPreemptively(LIMIT, () -> pool.run(suite("android-only", "any"),
                PoolMode.MATRIX, RetryPolicy.defaults(), GENEROUS));

        assertThat(result.verdicts()).extracting(ScenarioRun::slot, ScenarioRun::outcome).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("pixel-a", Outcome.PASSED),
                org.assertj.core.groups.Tuple.tuple("iphone-b", Outcome.FAILED),
                org.assertj.core.groups.Tuple.tuple("pixel-a", Outcome.PASSED),
                org.assertj.core.groups.Tuple.tuple("iphone-b", Outcome.PASSED));
        assertThat(result.verdicts()).filteredOn(v -> v.outcome() == Outcome.FAILED).singleElement()
                .satisfies(v -> assertThat(v.attempts()).extracting(Attempt::device)
                        .containsExactly("iphone-b", "iphone-b"));
    }

    @Test
    void aHungTestIsEndedByTheTimeoutAndTheDeviceGoesOnWithANewSession() {
        StubPool pool = new StubPool().devices("pixel-a");
        pool.scenarios.script(id("busy"), Script.takesMillis(10).hanging(Hang.BUSY));

        FarmSchedule.Result result = assertTimeoutPreemptively(LIMIT, () -> pool.run(suite("busy", "after"),
                PoolMode.DISTRIBUTE, RetryPolicy.none(), new ScenarioLimits(Duration.ofMillis(400),
                        Duration.ofSeconds(30), Duration.ofSeconds(2))));

        ScenarioRun busy = byScenario(result).get("busy");
        assertThat(busy.outcome()).isEqualTo(Outcome.BROKEN);
        assertThat(busy.message()).contains("still running after 400 ms (scenario timeout)");
        assertThat(busy.attempts()).singleElement().satisfies(a -> assertThat(a.infrastructure()).isFalse());
        assertThat(byScenario(result).get("after").outcome()).isEqualTo(Outcome.PASSED);
        assertThat(pool.provider.opens("pixel-a")).as("the hung session was ended and replaced").isEqualTo(2);
        assertThat(pool.provider.sessions().get(0).closed()).isTrue();
        assertThat(device(result, "pixel-a").state()).as("a hung scenario is not the device's fault")
                .isEqualTo(DeviceReport.OK);
    }

    @Test
    void aScenarioThatLeavesItsDeviceSilentIsEndedByTheWatchdogLongBeforeTheTimeout() {
        StubPool pool = new StubPool().devices("pixel-a");
        pool.scenarios.script(id("silent"), Script.takesMillis(10).hanging(Hang.SILENT));

        long start = System.nanoTime();
        FarmSchedule.Result result = assertTimeoutPreemptively(LIMIT, () -> pool.run(suite("silent"),
                PoolMode.DISTRIBUTE, RetryPolicy.none(), new ScenarioLimits(Duration.ofSeconds(50),
                        Duration.ofMillis(300), Duration.ofSeconds(2))));

        assertThat(result.verdicts()).singleElement().satisfies(v -> {
            assertThat(v.outcome()).isEqualTo(Outcome.BROKEN);
            assertThat(v.message()).contains("the device was silent for").contains("(idle limit 300 ms)");
        });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(50));
    }

    @Test
    void anAlwaysCrashingDeviceIsQuarantinedAndTheRunCompletesOnTheOthers() {
        StubPool pool = new StubPool().devices("pixel-a", "pixel-b", "pixel-crash");
        pool.scenarios.byDefault(Script.takesMillis(30)).crashing("pixel-crash");
        List<ScenarioRef> suite = suite("s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10");

        FarmSchedule.Result result = assertTimeoutPreemptively(LIMIT, () -> pool.run(suite, PoolMode.DISTRIBUTE,
                RetryPolicy.defaults(), GENEROUS));

        assertThat(result.verdicts()).as(pool.console()).hasSize(10)
                .allSatisfy(v -> assertThat(v.outcome()).isEqualTo(Outcome.PASSED));
        DeviceReport crashed = device(result, "pixel-crash");
        assertThat(crashed.state()).isEqualTo(DeviceReport.QUARANTINED);
        assertThat(crashed.reason()).contains("2 infrastructure failures in a row");
        assertThat(pool.scenarios.executions()).filteredOn(e -> e.device().equals("pixel-crash"))
                .as("quarantined after two losses").hasSize(2);
        assertThat(result.verdicts()).allSatisfy(v -> assertThat(v.device()).get().isNotEqualTo("pixel-crash"));
        assertThat(pool.console()).contains("pixel-crash is out of the run: quarantined");
    }

    @Test
    void whenEveryDeviceThatCanRunAScenarioIsQuarantinedItEndsNotRunAtOnceInsteadOfWaiting() {
        StubPool pool = new StubPool().devices("pixel-a", "pixel-b", "iphone-c");
        pool.scenarios.byDefault(Script.takesMillis(20)).crashing("pixel-a").crashing("pixel-b");
        List<ScenarioRef> suite = List.of(ScenarioRef.of("shop.Suite", "android").needing(
                        new dev.harrow.device.junit.Requirements(java.util.Set.of(dev.harrow.device.Platform.ANDROID),
                                java.util.Set.of())), ScenarioRef.of("shop.Suite", "anywhere"));

        FarmSchedule.Result result = assertTimeoutPreemptively(LIMIT, () -> pool.run(suite, PoolMode.PER_PLATFORM,
                RetryPolicy.defaults(), GENEROUS));

        assertThat(result.verdicts()).extracting(ScenarioRun::scenario, ScenarioRun::slot, ScenarioRun::outcome)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(id("android"), "android", Outcome.NOT_RUN),
                        org.assertj.core.groups.Tuple.tuple(id("anywhere"), "android", Outcome.NOT_RUN),
                        org.assertj.core.groups.Tuple.tuple(id("anywhere"), "ios", Outcome.PASSED));
        assertThat(result.verdicts()).filteredOn(v -> v.outcome() == Outcome.NOT_RUN).allSatisfy(v ->
                assertThat(v.message()).contains("pixel-a (quarantined:").contains("pixel-b (quarantined:"));
        assertThat(pool.console()).contains("STOPPED");
    }

    @Test
    void theLongestExpectedScenariosStartFirst() {
        StubPool pool = new StubPool().devices("pixel-a");
        TimingStore timings = TimingStore.inMemory();
        Map<String, Integer> millis = Map.of("short", 10, "long", 60, "medium", 30);
        millis.forEach((name, ms) -> {
            timings.recordPass(id(name), Duration.ofMillis(ms));
            pool.scenarios.script(id(name), Script.takesMillis(ms));
        });
        List<ScenarioRef> suite = suite("short", "unknown", "medium", "long");

        assertTimeoutPreemptively(LIMIT, () -> pool.run(RunPlan.of(suite, pool.devices(), PoolMode.DISTRIBUTE),
                timings, RetryPolicy.none(), GENEROUS));

        // The unknown one is expected to take the mean of the known ones (33 ms): between medium and long.
        assertThat(pool.scenarios.executions()).extracting(Execution::scenario)
                .containsExactly(id("long"), id("unknown"), id("medium"), id("short"));
    }

    @Test
    void inQueueModeASlotAnotherShardClaimedIsNeitherRunNorReportedAndAnUnreachableQueueEndsASlotNotRun() {
        StubPool pool = new StubPool().devices("pixel-a", "pixel-b");
        List<ScenarioRef> suite = suite("s1", "s2", "s3", "s4");
        java.util.Set<String> asked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        SlotClaims claims = slot -> {
            asked.add(slot.scenario().methodName());
            return switch (slot.scenario().methodName()) {
                case "s2" -> false;
                case "s4" -> throw new SlotClaims.SlotClaimException("the shard queue at redis://ci:6379 could not "
                        + "be reached to claim s4", null);
                default -> true;
            };
        };

        FarmSchedule.Result result = assertTimeoutPreemptively(LIMIT, () -> pool.run(RunPlan.of(suite,
                pool.devices(), PoolMode.DISTRIBUTE), TimingStore.inMemory(), RetryPolicy.defaults(), GENEROUS,
                claims));

        assertThat(asked).containsExactlyInAnyOrder("s1", "s2", "s3", "s4");
        Map<String, ScenarioRun> verdicts = byScenario(result);
        assertThat(verdicts).containsOnlyKeys("s1", "s3", "s4");
        assertThat(verdicts.get("s1").outcome()).isEqualTo(Outcome.PASSED);
        assertThat(verdicts.get("s4").outcome()).isEqualTo(Outcome.NOT_RUN);
        assertThat(verdicts.get("s4").message()).contains("could not be reached");
        assertThat(pool.scenarios.executions()).extracting(Execution::scenario)
                .containsExactlyInAnyOrder(id("s1"), id("s3"));
    }
}
