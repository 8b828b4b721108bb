package dev.harrow.farm.schedule;

import dev.harrow.device.DeviceKind;
import dev.harrow.device.agent.AgentPolicy;
import dev.harrow.device.agent.DeviceAgent;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.provider.DeviceProvider;
import dev.harrow.farm.plan.DurationEstimates;
import dev.harrow.farm.plan.RunPlan;
import dev.harrow.farm.plan.Slot;
import dev.harrow.reports.summary.DeviceReport;
import dev.harrow.reports.summary.ScenarioRun;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Runs a plan on the pool: an agent and a worker thread per device that can run part of it, pulling from one
 * {@link WorkQueue}. Returns when every slot has its verdict, or no device is left to give one.
 */
public final class FarmSchedule {
    /**
     * How the schedule treats scenarios and devices.
     *
     * @param retries retry quotas and whether flaky fails
     * @param limits timeout and idle limit per try
     * @param agents how patient each device's agent is
     */
    public record Settings(RetryPolicy retries, ScenarioLimits limits, AgentPolicy agents) {
        public Settings {
            Objects.requireNonNull(retries, "retries");
            Objects.requireNonNull(limits, "limits");
            Objects.requireNonNull(agents, "agents");
        }

        public static Settings defaults() {
            return new Settings(RetryPolicy.defaults(), ScenarioLimits.defaults(), AgentPolicy.defaults());
        }
    }

    /** Every slot's verdict, in plan order, and what each device of the pool did. */
    public record Result(List<ScenarioRun> verdicts, List<DeviceReport> devices) {
        public Result {
            verdicts = List.copyOf(verdicts);
            devices = List.copyOf(devices);
        }
    }

    private FarmSchedule() {
    }

    public static Result run(RunPlan plan, List<DeviceSpec> pool, Function<DeviceKind, Optional<DeviceProvider>>
            providers, ScenarioExecutor executor, DurationEstimates estimates, Settings settings,
                             RunProgress progress, ClassLoader scenarioLoader) {
        return run(plan, pool, providers, executor, estimates, settings, progress, scenarioLoader,
                SlotClaims.everything());
    }

    /** The same, giving verdicts only for the slots this run claims (queue mode shards). */
    public static Result run(RunPlan plan, List<DeviceSpec> pool, Function<DeviceKind, Optional<DeviceProvider>>
            providers, ScenarioExecutor executor, DurationEstimates estimates, Settings settings,
                             RunProgress progress, ClassLoader scenarioLoader, SlotClaims claims) {
        WorkQueue queue = new WorkQueue(plan.slots(), estimates, settings.retries(), claims);
        Set<String> needed = new LinkedHashSet<>();
        for (Slot slot : plan.slots()) {
            slot.eligible().forEach(d -> needed.add(d.name()));
        }
        List<DeviceReport> reports = new ArrayList<>();
        List<DeviceWorker> workers = new ArrayList<>();
        List<String> shown = pool.stream().map(DeviceSpec::name).filter(needed::contains).toList();
        progress.watch(queue, shown);
        Watchdog watchdog = new Watchdog(settings.limits());
        for (DeviceSpec spec : pool) {
            if (!needed.contains(spec.name())) {
                reports.add(idle(spec, "no scenario of this run can run on it"));
                continue;
            }
            Optional<DeviceProvider> provider = providers.apply(spec.kind());
            if (provider.isEmpty()) {
                String why = "no provider for kind " + spec.kind().wire() + " on this host (docs/DEVICES.md)";
                reports.add(new DeviceReport(spec.name(), spec.platform().wire(), spec.kind().wire(), spec.profile(),
                        DeviceReport.UNAVAILABLE, why, 0, 0));
                progress.stranded(spec.name(), "unavailable: " + why, queue.retire(spec.name(), "unavailable: "
                        + why));
                continue;
            }
            DeviceAgent agent = new DeviceAgent(spec, provider.get(), settings.agents())
                    .onChange(e -> progress.deviceState(e.device(), e.to()));
            workers.add(new DeviceWorker(agent, queue, executor, watchdog, progress, scenarioLoader));
            reports.add(null);
        }
        List<Thread> threads = new ArrayList<>();
        for (DeviceWorker worker : workers) {
            Thread thread = new Thread(worker, "device-" + worker.deviceName());
            threads.add(thread);
            thread.start();
        }
        try {
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            threads.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
        }
        int next = 0;
        for (int i = 0; i < reports.size(); i++) {
            if (reports.get(i) == null) {
                reports.set(i, workers.get(next++).report());
            }
        }
        return new Result(queue.verdicts(), reports);
    }

    private static DeviceReport idle(DeviceSpec spec, String why) {
        return new DeviceReport(spec.name(), spec.platform().wire(), spec.kind().wire(), spec.profile(),
                DeviceReport.OK, why, 0, 0);
    }
}
