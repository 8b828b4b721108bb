package dev.harrow.farm;

import static dev.harrow.farm.FarmRunTest.fixtureRoot;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.backend.spill.EmbeddedRedis;
import dev.harrow.device.DeviceKind;
import dev.harrow.device.config.PoolMode;
import dev.harrow.device.stub.StubDeviceProvider;
import dev.harrow.farm.fixtures.StubbedScenarios;
import dev.harrow.farm.plan.PinnedTimings;
import dev.harrow.farm.plan.Pipeline;
import dev.harrow.farm.plan.Shard;
import dev.harrow.farm.schedule.FarmSchedule;
import dev.harrow.farm.schedule.RetryPolicy;
import dev.harrow.farm.stub.ScriptedScenarios;
import dev.harrow.farm.stub.ScriptedScenarios.Script;
import dev.harrow.farm.stub.StubPool;
import dev.harrow.farm.stub.StubRuntime;
import dev.harrow.reports.summary.FarmSummary;
import dev.harrow.reports.summary.ShardPlan.PlannedSlot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sharded pipeline from the outside: shard runs as CI jobs make them (one after another on one machine, or on
 * machines that each restored their own timings), then the merge step, which must find every slot of the plan
 * exactly once or fail naming what is wrong. Devices are stubs and scenarios scripted; the reports are real.
 */
class ShardedPipelineTest {
    static final String CLASS = StubbedScenarios.class.getName();
    static final String PIXELS = """
            devices:
              - {name: pixel-a, platform: android, kind: web-emulated, profile: Pixel 7}
              - {name: pixel-b, platform: android, kind: web-emulated, profile: Pixel 7}
            """;
    /** Matrix on two pixels: four scenarios on each, and the iPhone one not runnable. */
    static final int SLOTS = 8;

    @TempDir
    Path dir;
    final ByteArrayOutputStream console = new ByteArrayOutputStream();

    FarmOptions shard(int index, int count, String pipeline) throws Exception {
        return shard(index, count, pipeline, dir.resolve("out"));
    }

    FarmOptions shard(int index, int count, String pipeline, Path out) throws Exception {
        Path devices = dir.resolve("devices.yml");
        Files.writeString(devices, PIXELS);
        return FarmOptions.of(devices, ScenarioSuite.onClasspath(List.of(fixtureRoot())), out)
                .withSelection(FarmOptions.Selection.all().withTags(Set.of("stub-fixture"))
                        .withShard(new Shard(index, count)))
                .withMode(PoolMode.MATRIX)
                .withSchedule(new FarmSchedule.Settings(RetryPolicy.defaults(), StubPool.GENEROUS,
                        StubPool.IMPATIENT))
                .withPipeline(new Pipeline(pipeline, null));
    }

    FarmSummary run(FarmOptions options, long scenarioMillis) {
        ScriptedScenarios scenarios = new ScriptedScenarios().byDefault(Script.takesMillis(scenarioMillis));
        StubDeviceProvider provider = new StubDeviceProvider(DeviceKind.WEB_EMULATED);
        PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
        return new FarmRun(options, out, (devices, o, allure) -> new StubRuntime(provider,
                scenarios.reportingTo(allure))).run();
    }

    int merge(Path timings) {
        return MergeMain.merge(new MergeMain.Options(List.of(), dir.resolve("out"), null, timings),
                new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    FarmSummary merged() {
        return FarmSummary.readJson(dir.resolve("out").resolve("farm-summary.json"));
    }

    static String id(String method) {
        return CLASS + "#" + method;
    }

    /** Timings that make {@code pays} by far the longest: a split from them differs from one without timings. */
    void timingsChangeTo(Path timings) throws Exception {
        Files.createDirectories(timings.getParent());
        Files.writeString(timings, """
                {"format":1,"scenarios":{"%s":[90000],"%s":[1000],"%s":[1000],"%s":[1000]}}
                """.formatted(id("pays"), id("refunds"), id("queuesWhileOffline"), id("showsTheReceipt")));
    }

    static Set<PlannedSlot> given(FarmSummary summary) {
        Set<PlannedSlot> out = summary.scenarios().stream().map(v -> new PlannedSlot(v.scenario(), v.slot()))
                .collect(Collectors.toSet());
        summary.notRunnable().forEach(g -> out.add(new PlannedSlot(g.scenario(), PlannedSlot.NOT_RUNNABLE)));
        return out;
    }

    @Test
    void shardsRunOneAfterAnotherWithTimingsChangedBetweenCoverTheSuiteExactlyOnceAndMergeIntoOneReport()
            throws Exception {
        FarmOptions first = shard(1, 2, "local");
        FarmSummary one = run(first, 20);
        assertThat(one.exitCode()).as(console.toString()).isZero();
        assertThat(console.toString()).contains("pipeline local · plan " + one.plan().fingerprint())
                .contains("shard 1/2 takes " + one.plan().part().size() + " of " + (SLOTS + 1) + " slot(s): ");
        assertThat(first.timingsFile()).as("a shard never writes the timings").doesNotExist();

        // Another run saves new timings before shard 2 starts (a job of another pipeline, a developer's run).
        timingsChangeTo(first.timingsFile());
        FarmSummary two = run(shard(2, 2, "local"), 20);
        assertThat(two.plan().fingerprint()).as("shard 2 plans from the timings pinned by shard 1")
                .isEqualTo(one.plan().fingerprint());
        FarmSummary unpinned = run(shard(2, 2, "another-pipeline", dir.resolve("elsewhere")), 20);
        assertThat(unpinned.plan().part()).as("the change of timings moves scenarios between the parts")
                .isNotEqualTo(two.plan().part());

        int exit = merge(first.timingsFile());

        assertThat(exit).as(console.toString()).isZero();
        FarmSummary merged = merged();
        assertThat(merged.problems()).isEmpty();
        assertThat(merged.scenarios()).hasSize(SLOTS);
        assertThat(given(merged)).hasSize(SLOTS + 1).containsAll(given(one)).containsAll(given(two));
        List<JsonNode> results = FarmRunTest.results(dir.resolve("out/allure-results"));
        assertThat(results.stream().map(r -> r.get("historyId").asText()).toList())
                .as("every verdict once in the merged Allure results").hasSize(SLOTS + 1).doesNotHaveDuplicates();
        Path report = dir.resolve("out/allure-report");
        JsonNode statistic = new ObjectMapper().readTree(report.resolve("widgets/summary.json").toFile())
                .get("statistic");
        assertThat(statistic.get("total").asInt()).isEqualTo(SLOTS + 1);
        assertThat(statistic.get("passed").asInt()).isEqualTo(SLOTS);
        assertThat(Files.readString(dir.resolve("out/allure-results/environment.properties")))
                .contains("Shards=2 (pipeline local, plan " + one.plan().fingerprint() + ")");
        assertThat(dir.resolve("out/junit").resolve("TEST-" + CLASS + ".xml")).content()
                .contains("<testcase name=\"pays[pixel-a]\"")
                .contains("<testcase name=\"queuesWhileOffline[pixel-b]\"");
        assertThat(console.toString()).contains("every slot of the plan exactly once");
        JsonNode saved = new ObjectMapper().readTree(first.timingsFile().toFile()).get("scenarios");
        assertThat(saved.get(id("refunds"))).as("the pipeline's passes saved for the next one").hasSize(1 + 2);
        assertThat(PinnedTimings.file(first.timingsFile(), "local")).as("unpinned after the merge").doesNotExist();
    }

    @Test
    void aShardLostEntirelyMakesTheMergeFailNamingTheShardAndEveryScenarioNotRun() throws Exception {
        FarmOptions first = shard(1, 3, "812");
        FarmSummary one = run(first, 20);
        FarmSummary three = run(shard(3, 3, "812"), 20);
        Set<PlannedSlot> lost = new java.util.LinkedHashSet<>(one.plan().planned());
        lost.removeAll(given(one));
        lost.removeAll(given(three));
        assertThat(lost).isNotEmpty();

        int exit = merge(first.timingsFile());

        assertThat(exit).isEqualTo(FarmRun.INFRASTRUCTURE);
        FarmSummary merged = merged();
        assertThat(merged.problems()).contains("shard 2/3 left no summary: the job did not run, failed before its "
                + "summary, or its results were not passed to the merge");
        assertThat(merged.problems()).anySatisfy(p -> assertThat(p)
                .startsWith(lost.size() + " slot(s) of the plan were run by no shard: ")
                .contains(lost.stream().map(PlannedSlot::toString).toList()));
        assertThat(console.toString()).contains("the pipeline is NOT complete").contains("timings not saved");
        assertThat(PinnedTimings.file(first.timingsFile(), "812")).as("a re-run of shard 2 plans as before")
                .exists();

        run(shard(2, 3, "812"), 20);
        assertThat(merge(first.timingsFile())).as(console.toString()).isZero();
        assertThat(merged().scenarios()).hasSize(SLOTS);
    }

    @Test
    void shardsThatPlannedFromDifferentTimingsOrRanTwiceFailTheMerge() throws Exception {
        // Two runners, each with a timings cache of its own: the parts they compute do not fit together.
        FarmOptions first = shard(1, 2, "900").withTimings(dir.resolve("runner-1/.harrow/timings.json"));
        FarmOptions second = shard(2, 2, "900").withTimings(dir.resolve("runner-2/.harrow/timings.json"));
        timingsChangeTo(second.timingsFile());
        FarmSummary one = run(first, 20);
        FarmSummary two = run(second, 20);

        assertThat(merge(first.timingsFile())).isEqualTo(FarmRun.INFRASTRUCTURE);
        assertThat(merged().problems()).anySatisfy(p -> assertThat(p).startsWith("the shards planned from different "
                + "plans, so their parts do not fit together: 1/2 from plan " + one.plan().fingerprint()
                + " (timings " + one.plan().timings() + ", 9 slots); 2/2 from plan " + two.plan().fingerprint()));
        assertThat(merged().problems()).anySatisfy(p -> assertThat(p).contains("were run by more than one shard: "));

        // The same shard twice (a job retried into a second artifact).
        Path again = dir.resolve("out/shards/again");
        Files.createDirectories(again);
        Files.copy(first.summaryFile(), again.resolve("farm-summary.json"));
        merge(first.timingsFile());
        assertThat(merged().problems()).anySatisfy(p -> assertThat(p).startsWith("shard 1/2 has 2 summaries: "));
    }

    @Test
    void inQueueModeShardsRunningTogetherClaimEverySlotOnceAndTheMergeAgrees() throws Exception {
        try (EmbeddedRedis redis = EmbeddedRedis.startInMemory(dir.resolve("redis"))) {
            List<CompletableFuture<FarmSummary>> shards = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                FarmOptions options = shard(i, 2, "queue-1")
                        .withPipeline(new Pipeline("queue-1", null).withQueue(redis.uri()));
                shards.add(CompletableFuture.supplyAsync(() -> run(options, 150)));
            }
            List<FarmSummary> done = shards.stream().map(CompletableFuture::join).toList();
            assertThat(done).allSatisfy(s -> assertThat(s.exitCode()).as(console.toString()).isZero());
            assertThat(done.get(0).plan().queue()).doesNotContain(redisPassword(redis.uri()));
            assertThat(console.toString()).contains("claims its slots from the queue at");

            assertThat(merge(shard(1, 2, "queue-1").timingsFile())).as(console.toString()).isZero();
            assertThat(merged().scenarios()).hasSize(SLOTS);
            assertThat(done.get(0).scenarios().size() + done.get(1).scenarios().size()).isEqualTo(SLOTS);
        }
    }

    @Test
    void aQueueThatCannotBeReachedStopsTheShardAtOnce() throws Exception {
        FarmOptions options = shard(1, 2, "queue-2").withPipeline(new Pipeline("queue-2", null)
                .withQueue("redis://127.0.0.1:1"));

        FarmSummary summary = run(options, 20);

        assertThat(summary.exitCode()).isEqualTo(FarmRun.INFRASTRUCTURE);
        assertThat(summary.problems()).singleElement().satisfies(p -> assertThat(p)
                .startsWith("the shard queue at redis://127.0.0.1:1 does not answer"));
        assertThat(summary.scenarios()).isEmpty();
    }

    private static String redisPassword(String uri) {
        String userInfo = java.net.URI.create(uri).getUserInfo();
        return userInfo == null ? "no password" : userInfo.substring(userInfo.indexOf(':') + 1);
    }
}
