package dev.harrow.farm.plan;

import dev.harrow.device.Platform;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.config.PoolMode;
import dev.harrow.reports.summary.NotRunnable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a run owes: the slots (scenario and where it must run) for a suite on a pool in a mode, and the scenarios no
 * device of the pool can run, with the reason. Scenarios are matched to devices by what they need
 * ({@link dev.harrow.device.junit.Needs}) against what devices.yml says each device offers.
 */
public record RunPlan(PoolMode mode, List<Slot> slots, List<NotRunnable> notRunnable) {
    public RunPlan {
        slots = List.copyOf(slots);
        notRunnable = List.copyOf(notRunnable);
    }

    public static RunPlan of(List<ScenarioRef> scenarios, List<DeviceSpec> devices, PoolMode mode) {
        List<Slot> slots = new ArrayList<>();
        List<NotRunnable> gaps = new ArrayList<>();
        for (ScenarioRef scenario : scenarios) {
            List<DeviceSpec> eligible = devices.stream().filter(d -> scenario.needs().unmetBy(d).isEmpty()).toList();
            if (eligible.isEmpty()) {
                gaps.add(new NotRunnable(scenario.id(), scenario.displayName(), scenario.needs().toString(),
                        whyNot(scenario, devices)));
                continue;
            }
            switch (mode) {
                case MATRIX -> eligible.forEach(d -> slots.add(new Slot(scenario, d.name(), List.of(d))));
                case PER_PLATFORM -> {
                    Map<Platform, List<DeviceSpec>> byPlatform = new LinkedHashMap<>();
                    eligible.forEach(d -> byPlatform.computeIfAbsent(d.platform(), p -> new ArrayList<>()).add(d));
                    byPlatform.forEach((platform, group) -> slots.add(new Slot(scenario, platform.wire(), group)));
                }
                case DISTRIBUTE -> slots.add(new Slot(scenario, Slot.POOL, eligible));
                default -> throw new IllegalStateException("unknown mode " + mode);
            }
        }
        return new RunPlan(mode, slots, gaps);
    }

    /** The part of this plan that covers only these scenarios (a shard's). */
    public RunPlan only(Set<String> scenarioIds) {
        return new RunPlan(mode, slots.stream().filter(s -> scenarioIds.contains(s.scenario().id())).toList(),
                notRunnable.stream().filter(g -> scenarioIds.contains(g.scenario())).toList());
    }

    /** How many slots each scenario has in this plan (0 for a scenario no device can run). */
    public Map<String, Long> slotsPerScenario() {
        return slots.stream().collect(Collectors.groupingBy(s -> s.scenario().id(), Collectors.counting()));
    }

    public boolean isEmpty() {
        return slots.isEmpty() && notRunnable.isEmpty();
    }

    /** "pixel-7, galaxy-s20: it runs on ios, not android; iphone-se: no push-inbox: ...": devices grouped by why. */
    private static String whyNot(ScenarioRef scenario, List<DeviceSpec> devices) {
        if (devices.isEmpty()) {
            return "the pool has no device";
        }
        Map<String, List<String>> byReason = new LinkedHashMap<>();
        for (DeviceSpec device : devices) {
            Optional<String> why = scenario.needs().unmetBy(device);
            byReason.computeIfAbsent(why.orElse("?"), r -> new ArrayList<>()).add(device.name());
        }
        return byReason.entrySet().stream().map(e -> String.join(", ", e.getValue()) + ": " + e.getKey())
                .collect(Collectors.joining("; "));
    }
}
