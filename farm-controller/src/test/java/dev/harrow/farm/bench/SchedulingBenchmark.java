package dev.harrow.farm.bench;

import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.config.PoolMode;
import dev.harrow.farm.plan.RunPlan;
import dev.harrow.farm.plan.ScenarioRef;
import dev.harrow.farm.plan.Slot;
import dev.harrow.farm.plan.TimingStore;
import dev.harrow.farm.schedule.FarmSchedule;
import dev.harrow.farm.schedule.RetryPolicy;
import dev.harrow.farm.stub.ScriptedScenarios.Script;
import dev.harrow.farm.stub.StubPool;
import dev.harrow.reports.summary.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * How close the farm's schedule comes to the best possible on suites with skewed durations, against static
 * round-robin sharding, measured in wall time on stub devices that take the scripted time per scenario.
 *
 * <p>Two kinds of suite of 64 scenarios each, in discovery order, scaled down from minutes to fractions of a
 * second: "journeys", 56 short checks (100 to 300 ms) with 8 end-to-end journeys (1.0 to 1.5 s) at random places;
 * and "log-normal", durations drawn from a log-normal distribution (median 200 ms, sigma 1, capped at 2 s), the
 * usual shape of UI test durations. The timings the scheduler plans with come from an earlier run and are off by
 * up to 15 % either way, as real timings are. Each suite runs three ways on 4 devices: the farm with those timings,
 * the farm on its first run (no timings), and round-robin (scenario i on device i mod 4). Round-robin's result
 * depends on where the long scenarios happen to sit, so several suites (seeds) of each kind run, and the mean,
 * best and worst are printed.
 *
 * <p>Run: {@code mvn -pl farm-controller -am verify -Pscheduling-bench -DskipTests}.
 */
public final class SchedulingBenchmark {
    static final int SCENARIOS = 64;
    static final int DEVICES = 4;
    static final int SEEDS = 8;

    private SchedulingBenchmark() {
    }

    /** How a suite's durations are drawn. */
    enum Kind {
        JOURNEYS {
            @Override
            List<Long> durations(Random random) {
                List<Integer> longAt = new ArrayList<>();
                while (longAt.size() < 8) {
                    int at = random.nextInt(SCENARIOS);
                    if (!longAt.contains(at)) {
                        longAt.add(at);
                    }
                }
                List<Long> millis = new ArrayList<>();
                for (int i = 0; i < SCENARIOS; i++) {
                    millis.add((long) (longAt.contains(i) ? 1000 + random.nextInt(501) : 100 + random.nextInt(201)));
                }
                return millis;
            }
        },
        LOG_NORMAL {
            @Override
            List<Long> durations(Random random) {
                List<Long> millis = new ArrayList<>();
                for (int i = 0; i < SCENARIOS; i++) {
                    millis.add(Math.min(2000, Math.max(20, Math.round(200 * Math.exp(random.nextGaussian())))));
                }
                return millis;
            }
        };

        abstract List<Long> durations(Random random);

        String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    record Suite(List<ScenarioRef> scenarios, List<Long> millis) {
        long total() {
            return millis.stream().mapToLong(Long::longValue).sum();
        }

        long longest() {
            return millis.stream().mapToLong(Long::longValue).max().orElse(0);
        }

        long lowerBound() {
            return Math.max(longest(), (total() + DEVICES - 1) / DEVICES);
        }
    }

    public static void main(String[] args) {
        // The first schedules in a JVM pay for class loading and JIT: not what is measured.
        Suite warmUp = suite(Kind.JOURNEYS, 0);
        run(warmUp, plan(warmUp), TimingStore.inMemory());
        System.out.printf(Locale.ROOT, "Scheduling benchmark: %d scenarios per suite, %d stub devices, %d suites of "
                + "each kind%n", SCENARIOS, DEVICES, SEEDS);
        for (Kind kind : Kind.values()) {
            measure(kind);
        }
    }

    static void measure(Kind kind) {
        System.out.printf(Locale.ROOT, "%n%-11s %-4s %8s %8s %8s | %9s %6s | %9s %6s | %9s %6s | %s%n", "suite",
                "seed", "total", "longest", "bound", "farm", "/bound", "farm 1st", "/bound", "rr", "/bound",
                "rr/farm");
        List<double[]> rows = new ArrayList<>();
        for (int seed = 1; seed <= SEEDS; seed++) {
            Suite suite = suite(kind, seed);
            long farm = run(suite, plan(suite), history(suite, seed));
            long firstRun = run(suite, plan(suite), TimingStore.inMemory());
            long roundRobin = run(suite, roundRobin(suite), TimingStore.inMemory());
            double bound = suite.lowerBound();
            System.out.printf(Locale.ROOT, "%-11s %-4d %7.2fs %7.2fs %7.2fs | %8.2fs %6.3f | %8.2fs %6.3f | %8.2fs "
                            + "%6.3f | %.2fx%n", kind.wire(), seed, suite.total() / 1000.0, suite.longest() / 1000.0,
                    bound / 1000.0, farm / 1000.0, farm / bound, firstRun / 1000.0, firstRun / bound,
                    roundRobin / 1000.0, roundRobin / bound, (double) roundRobin / farm);
            rows.add(new double[] {farm / bound, firstRun / bound, roundRobin / bound, (double) roundRobin / farm});
        }
        String[] names = {"farm / lower bound (target <= 1.10)", "farm, first run / lower bound",
                "round-robin / lower bound", "round-robin / farm (target >= 1.3)"};
        for (int column = 0; column < names.length; column++) {
            final int c = column;
            boolean higherIsBetter = c == 3;
            double max = rows.stream().mapToDouble(r -> r[c]).max().orElse(0);
            double min = rows.stream().mapToDouble(r -> r[c]).min().orElse(0);
            System.out.printf(Locale.ROOT, "%-11s %-38s mean %.3f, best %.3f, worst %.3f%n", kind.wire(), names[c],
                    rows.stream().mapToDouble(r -> r[c]).average().orElse(0), higherIsBetter ? max : min,
                    higherIsBetter ? min : max);
        }
    }

    static Suite suite(Kind kind, long seed) {
        Random random = new Random(seed * 7919 + kind.ordinal());
        List<ScenarioRef> scenarios = new ArrayList<>();
        for (int i = 0; i < SCENARIOS; i++) {
            scenarios.add(ScenarioRef.of(String.format(Locale.ROOT, "shop.Suite%02d", i / 8),
                    String.format(Locale.ROOT, "scenario%02d", i)));
        }
        return new Suite(scenarios, kind.durations(random));
    }

    /** Timings of an earlier run: each scenario's true duration, off by up to 15 % either way. */
    static TimingStore history(Suite suite, long seed) {
        Random random = new Random(seed * 31);
        TimingStore store = TimingStore.inMemory();
        for (int i = 0; i < SCENARIOS; i++) {
            double noise = 0.85 + 0.30 * random.nextDouble();
            store.recordPass(suite.scenarios().get(i).id(), Duration.ofMillis(Math.round(suite.millis().get(i)
                    * noise)));
        }
        return store;
    }

    static List<DeviceSpec> devices() {
        StubPool pool = new StubPool();
        for (int i = 1; i <= DEVICES; i++) {
            pool.devices("pixel-" + i);
        }
        return pool.devices();
    }

    static RunPlan plan(Suite suite) {
        return RunPlan.of(suite.scenarios(), devices(), PoolMode.DISTRIBUTE);
    }

    /** Static sharding by position: what a runner without timings and without a shared queue does. */
    static RunPlan roundRobin(Suite suite) {
        List<DeviceSpec> devices = devices();
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < SCENARIOS; i++) {
            DeviceSpec device = devices.get(i % DEVICES);
            slots.add(new Slot(suite.scenarios().get(i), device.name(), List.of(device)));
        }
        return new RunPlan(PoolMode.MATRIX, slots, List.of());
    }

    /** Wall time of one run of the plan, in milliseconds. */
    static long run(Suite suite, RunPlan plan, TimingStore timings) {
        StubPool pool = new StubPool();
        for (int i = 1; i <= DEVICES; i++) {
            pool.devices("pixel-" + i);
        }
        for (int i = 0; i < SCENARIOS; i++) {
            pool.scenarios.script(suite.scenarios().get(i).id(), Script.takesMillis(suite.millis().get(i)));
        }
        long start = System.nanoTime();
        FarmSchedule.Result result = pool.run(plan, timings, RetryPolicy.none(), StubPool.GENEROUS);
        long wall = (System.nanoTime() - start) / 1_000_000;
        if (result.verdicts().stream().anyMatch(v -> v.outcome() != Outcome.PASSED)) {
            throw new IllegalStateException("a benchmark scenario did not pass: " + pool.console());
        }
        return wall;
    }
}
