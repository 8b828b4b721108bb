package dev.harrow.farm.plan;

import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.config.PoolMode;
import dev.harrow.reports.summary.NotRunnable;
import dev.harrow.reports.summary.ScenarioRun;
import dev.harrow.reports.summary.ShardPlan;
import dev.harrow.reports.summary.ShardPlan.PlannedSlot;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A shard's part of the pipeline's plan, and the record of it the merge step checks. Every shard computes the whole
 * plan from inputs all of them share (the suite, the devices, the mode, the pinned timings) and names it by their
 * fingerprint; the part is then a function of the plan and the shard's number only.
 */
public final class ShardPlanning {
    /** Slots listed in the console line before it says "and N more". */
    static final int LISTED = 40;

    private ShardPlanning() {
    }

    /**
     * The shard's part: with fixed parts, scenarios balanced by expected work (every slot of a scenario in one
     * shard); in queue mode, the whole plan, claimed slot by slot as devices free up. Scenarios no device can run
     * are reported by the shard the split gives them to (queue mode: the first).
     */
    public static RunPlan part(RunPlan whole, Shard shard, List<ScenarioRef> scenarios, DurationEstimates estimates,
                               boolean queue) {
        if (queue) {
            return new RunPlan(whole.mode(), whole.slots(), shard.index() == 1 ? whole.notRunnable() : List.of());
        }
        Map<String, Long> slots = whole.slotsPerScenario();
        return whole.only(shard.select(scenarios, s -> estimates.of(s).toMillis() * slots.getOrDefault(s.id(), 0L)));
    }

    /** What the shard's summary records of the plan. */
    public static ShardPlan record(Pipeline pipeline, Shard shard, RunPlan whole, RunPlan part,
                                   List<ScenarioRef> scenarios, List<DeviceSpec> devices, PoolMode mode,
                                   String timingsDigest) {
        List<String> deviceNames = devices.stream().map(DeviceSpec::name).toList();
        return new ShardPlan(pipeline.id(), shard.toString(), fingerprint(scenarios, devices, mode, timingsDigest),
                timingsDigest, mode.wire(), deviceNames, pipeline.queueForDisplay(), slotsOf(whole),
                pipeline.queue() == null ? slotsOf(part) : List.of());
    }

    /**
     * The plan's fingerprint, 12 hex digits of SHA-256 over the scenario ids (sorted), the devices (pool order, with
     * platform and kind), the mode and the timings digest: whatever the split depends on.
     */
    static String fingerprint(List<ScenarioRef> scenarios, List<DeviceSpec> devices, PoolMode mode,
                              String timingsDigest) {
        StringBuilder text = new StringBuilder("suite\n");
        scenarios.stream().map(ScenarioRef::id).sorted().forEach(id -> text.append(id).append('\n'));
        text.append("devices\n");
        devices.forEach(d -> text.append(d.name()).append(' ').append(d.platform().wire()).append(' ')
                .append(d.kind().wire()).append('\n'));
        text.append("mode ").append(mode.wire()).append("\ntimings ").append(timingsDigest).append('\n');
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString()
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every verdict a plan owes, in plan order, then the scenarios it reports as not runnable. */
    public static List<PlannedSlot> slotsOf(RunPlan plan) {
        List<PlannedSlot> out = new ArrayList<>();
        plan.slots().forEach(s -> out.add(new PlannedSlot(s.scenario().id(), s.key())));
        plan.notRunnable().forEach(g -> out.add(new PlannedSlot(g.scenario(), PlannedSlot.NOT_RUNNABLE)));
        return out;
    }

    /** What a queue-mode shard ended up owning: the verdicts it gave and the gaps it reported. */
    public static List<PlannedSlot> claimed(List<ScenarioRun> verdicts, List<NotRunnable> notRunnable) {
        List<PlannedSlot> out = new ArrayList<>();
        verdicts.forEach(v -> out.add(new PlannedSlot(v.scenario(), v.slot())));
        notRunnable.forEach(g -> out.add(new PlannedSlot(g.scenario(), PlannedSlot.NOT_RUNNABLE)));
        return out;
    }

    /**
     * The console lines a shard starts with: "pipeline 812 · plan 3f2a91c0e4b7 (12 scenarios, 3 devices, matrix,
     * timings 9b1c...) · shard 2/3 takes 4 of 14 slots: ...".
     */
    public static String describe(ShardPlan plan, boolean queue) {
        long scenarios = plan.planned().stream().map(PlannedSlot::scenario).distinct().count();
        String head = String.format(Locale.ROOT, "pipeline %s · plan %s (%d scenario(s), %d device(s), %s, timings %s)"
                        + " · shard %s", plan.pipeline(), plan.fingerprint(), scenarios, plan.devices().size(),
                plan.mode(), plan.timings(), plan.shard());
        if (queue) {
            return head + " claims its slots from the queue at " + plan.queue() + " as its devices free up ("
                    + plan.planned().size() + " slot(s) in the plan)";
        }
        List<PlannedSlot> part = plan.part();
        String listed = part.stream().limit(LISTED).map(ShardPlanning::label).collect(Collectors.joining(", "));
        return head + " takes " + part.size() + " of " + plan.planned().size() + " slot(s)"
                + (part.isEmpty() ? "" : ": " + listed + (part.size() > LISTED ? ", and " + (part.size() - LISTED)
                + " more (farm-summary.json lists them)" : ""));
    }

    /** {@code Class#method [key]}, without the package. */
    static String label(PlannedSlot slot) {
        String id = slot.scenario();
        int dot = id.lastIndexOf('.', id.indexOf('#') < 0 ? id.length() : id.indexOf('#'));
        return id.substring(dot + 1) + " [" + slot.slot() + "]";
    }
}
