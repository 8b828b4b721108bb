package dev.harrow.farm;

import static dev.harrow.farm.FarmRunTest.fixtureRoot;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harrow.device.DeviceKind;
import dev.harrow.device.agent.AgentPolicy;
import dev.harrow.device.config.PoolMode;
import dev.harrow.device.stub.StubDeviceProvider;
import dev.harrow.farm.fixtures.StubbedScenarios;
import dev.harrow.farm.plan.Shard;
import dev.harrow.farm.schedule.FarmSchedule;
import dev.harrow.farm.schedule.RetryPolicy;
import dev.harrow.farm.stub.ScriptedScenarios;
import dev.harrow.farm.stub.ScriptedScenarios.Script;
import dev.harrow.farm.stub.StubPool;
import dev.harrow.farm.stub.StubRuntime;
import dev.harrow.reports.summary.FarmSummary;
import dev.harrow.reports.summary.Outcome;
import dev.harrow.reports.summary.ScenarioRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole farm run (discovery, plan, shards, schedule, summary, JUnit XML, timings) on stub devices. */
class StubbedFarmRunTest {
    static final String CLASS = StubbedScenarios.class.getName();
    static final String ANDROID_PAIR = """
            devices:
              - {name: pixel-a, platform: android, kind: web-emulated, profile: Pixel 7}
              - {name: pixel-b, platform: android, kind: web-emulated, profile: Pixel 7}
            """;

    @TempDir
    Path dir;
    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    final StubDeviceProvider provider = new StubDeviceProvider(DeviceKind.WEB_EMULATED);
    final ScriptedScenarios scenarios = new ScriptedScenarios().byDefault(Script.takesMillis(20));
    final List<StubRuntime> runtimes = new java.util.concurrent.CopyOnWriteArrayList<>();

    FarmOptions options(String devicesYaml) throws Exception {
        Path devices = dir.resolve("devices.yml");
        Files.writeString(devices, devicesYaml);
        return FarmOptions.of(devices, ScenarioSuite.onClasspath(List.of(fixtureRoot())), dir.resolve("out"))
                .withSelection(FarmOptions.Selection.all().withTags(Set.of("stub-fixture")))
                .withSchedule(new FarmSchedule.Settings(RetryPolicy.defaults(), StubPool.GENEROUS,
                        StubPool.IMPATIENT));
    }

    FarmSummary run(FarmOptions options) {
        return new FarmRun(options, new PrintStream(console, true, StandardCharsets.UTF_8), (devices, o, allure) -> {
            StubRuntime runtime = new StubRuntime(provider, scenarios);
            runtimes.add(runtime);
            return runtime;
        }).run();
    }

    static String id(String method) {
        return CLASS + "#" + method;
    }

    @Test
    void whenEveryDeviceIsQuarantinedTheRunStopsAndExitsTwoWithAMessage() throws Exception {
        scenarios.crashing("pixel-a").crashing("pixel-b");

        FarmSummary summary = run(options(ANDROID_PAIR));

        assertThat(summary.exitCode()).as(console.toString()).isEqualTo(FarmRun.INFRASTRUCTURE);
        assertThat(summary.scenarios()).isNotEmpty().allSatisfy(v -> assertThat(v.outcome())
                .isEqualTo(Outcome.NOT_RUN));
        assertThat(summary.devices()).allSatisfy(d -> assertThat(d.state()).isEqualTo("quarantined"));
        assertThat(summary.problems()).anySatisfy(p -> assertThat(p).startsWith("devices out of the run: pixel-a "
                + "(quarantined: 2 infrastructure failures in a row"));
        assertThat(console.toString()).contains("STOPPED");
        assertThat(runtimes).singleElement().satisfies(r -> assertThat(r.closed()).isTrue());
    }

    @Test
    void aFlakyScenarioIsReportedAndFailsTheRunOnlyWhenAskedTo() throws Exception {
        scenarios.script(id("refunds"), Script.takesMillis(20).failingFirst(1));
        FarmOptions options = options(ANDROID_PAIR).withMode(PoolMode.DISTRIBUTE);

        FarmSummary summary = run(options);

        assertThat(summary.exitCode()).as(console.toString()).isEqualTo(FarmRun.PASSED);
        assertThat(summary.count(Outcome.FLAKY)).isEqualTo(1);
        assertThat(summary.toText()).contains("FLAKY   refunds() [pool]: failed on");
        assertThat(options.summaryFile().resolveSibling("farm-summary.txt")).content().isEqualTo(summary.toText());
        String xml = Files.readString(options.junitDir().resolve("TEST-" + CLASS + ".xml"));
        assertThat(xml).contains("<testcase name=\"refunds[pool]\"").contains("<flakyFailure");

        FarmOptions strict = options.withSchedule(new FarmSchedule.Settings(new RetryPolicy(1, 20, 3, true),
                StubPool.GENEROUS, StubPool.IMPATIENT));
        scenarios.forgetTries();
        FarmSummary failed = run(strict);
        assertThat(failed.count(Outcome.FLAKY)).isEqualTo(1);
        assertThat(failed.exitCode()).isEqualTo(FarmRun.SCENARIO_FAILED);
    }

    @Test
    void aScenarioNoDeviceCanRunIsReportedNotRunnableWithoutFailingTheRun() throws Exception {
        FarmOptions options = options(ANDROID_PAIR).withMode(PoolMode.DISTRIBUTE);

        FarmSummary summary = run(options);

        assertThat(summary.exitCode()).isEqualTo(FarmRun.PASSED);
        assertThat(summary.notRunnable()).singleElement().satisfies(gap -> {
            assertThat(gap.scenario()).isEqualTo(id("showsAPushOnAnIphone"));
            assertThat(gap.needs()).isEqualTo("ios, push-inbox");
            assertThat(gap.reason()).isEqualTo("pixel-a, pixel-b: it runs on ios, not android");
        });
        assertThat(summary.scenarios()).extracting(ScenarioRun::scenario).doesNotContain(id("showsAPushOnAnIphone"));
        JsonNode skipped = FarmRunTest.results(options.resultsDir()).stream()
                .filter(r -> r.get("status").asText().equals("skipped")).findFirst().orElseThrow();
        assertThat(skipped.get("statusDetails").get("message").asText())
                .startsWith("not runnable on this pool: needs ios, push-inbox");
        assertThat(Files.readString(options.junitDir().resolve("TEST-" + CLASS + ".xml")))
                .contains("not runnable on this pool (needs ios, push-inbox)");
    }

    @Test
    void shardsSplitTheSuiteDisjointlyAndCompletely() throws Exception {
        Set<String> seen = new HashSet<>();
        int total = 0;
        for (int i = 1; i <= 3; i++) {
            // As CI jobs of one pipeline do, every shard starts from the same timings (none here): the split is
            // computed from them, so a shard that saw another's saved timings could split differently.
            FarmOptions options = options(ANDROID_PAIR).withMode(PoolMode.DISTRIBUTE)
                    .withSelection(FarmOptions.Selection.all().withTags(Set.of("stub-fixture"))
                            .withShard(new Shard(i, 3)))
                    .withTimings(dir.resolve("job-" + i).resolve("timings.json"));
            FarmSummary summary = run(options);
            assertThat(summary.exitCode()).isEqualTo(FarmRun.PASSED);
            assertThat(summary.shard()).isEqualTo(i + "/3");
            for (ScenarioRun run : summary.scenarios()) {
                assertThat(seen.add(run.scenario())).as(run.scenario() + " in one shard only").isTrue();
                total++;
            }
            summary.notRunnable().forEach(g -> assertThat(seen.add(g.scenario())).isTrue());
        }
        assertThat(seen).hasSize(5);
        assertThat(total).isEqualTo(4);
    }

    @Test
    void timingsAreKeptBetweenRunsAndPlanTheNextOne() throws Exception {
        FarmOptions options = options(ANDROID_PAIR);

        run(options);
        assertThat(console.toString()).contains("(0 of 8 slots timed before)");
        JsonNode timings = new com.fasterxml.jackson.databind.ObjectMapper().readTree(options.timingsFile()
                .toFile());
        assertThat(timings.get("scenarios").get(id("pays"))).hasSize(2);

        run(options);
        assertThat(console.toString()).contains("(8 of 8 slots timed before)");
        assertThat(options.timingsFile().getParent().getFileName()).hasToString(".harrow");
    }

    @Test
    void agentsFromTheOptionsAreUsed() throws Exception {
        FarmOptions options = options(ANDROID_PAIR).withSchedule(new FarmSchedule.Settings(new RetryPolicy(0, 0, 3,
                false),
                StubPool.GENEROUS, new AgentPolicy(1, java.time.Duration.ZERO, 1, java.time.Duration.ZERO)));
        scenarios.crashing("pixel-a");

        FarmSummary summary = run(options.withMode(PoolMode.DISTRIBUTE));

        assertThat(summary.devices()).filteredOn(d -> d.device().equals("pixel-a")).singleElement()
                .satisfies(d -> assertThat(d.reason()).startsWith("1 infrastructure failures in a row"));
        assertThat(summary.exitCode()).isEqualTo(FarmRun.PASSED);
    }
}
