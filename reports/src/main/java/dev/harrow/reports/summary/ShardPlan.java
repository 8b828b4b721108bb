package dev.harrow.reports.summary;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * How a sharded run's part was decided, recorded in its summary so that the merge step can check the pipeline: the
 * plan every shard of one pipeline must share (its fingerprint covers the suite, the devices, the mode and the
 * timings the parts were balanced with), every slot of that plan, and the slots this shard took.
 *
 * @param pipeline the pipeline the shard belongs to (the CI run's id, or {@code "local"})
 * @param shard this shard, {@code "2/4"}
 * @param fingerprint the plan's fingerprint: equal in every shard of one pipeline, or the merge fails
 * @param timings the digest of the timing snapshot the parts were balanced with
 * @param queue where the shards claimed their slots in queue mode (password left out), or null for fixed parts
 * @param planned every slot of the pipeline's plan, in plan order
 * @param part the slots this shard was given; in queue mode, the slots it claimed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShardPlan(String pipeline, String shard, String fingerprint, String timings, String mode,
                        List<String> devices, String queue, List<PlannedSlot> planned, List<PlannedSlot> part) {
    public ShardPlan {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(shard, "shard");
        Objects.requireNonNull(fingerprint, "fingerprint");
        devices = List.copyOf(devices);
        planned = List.copyOf(planned);
        part = List.copyOf(part);
    }

    /** This plan with the slots the shard ended up owning (queue mode: those it claimed). */
    public ShardPlan withPart(List<PlannedSlot> value) {
        return new ShardPlan(pipeline, shard, fingerprint, timings, mode, devices, queue, planned, value);
    }

    /** The shard's number, 2 for {@code "2/4"}. */
    public int index() {
        return Integer.parseInt(shard.substring(0, shard.indexOf('/')));
    }

    /** How many shards the pipeline has, 4 for {@code "2/4"}. */
    public int count() {
        return Integer.parseInt(shard.substring(shard.indexOf('/') + 1));
    }

    /**
     * One verdict a plan owes: a scenario in a slot (a device, a platform or the pool), or {@value #NOT_RUNNABLE}
     * for a scenario no device of the pool can run (reported once too).
     */
    public record PlannedSlot(String scenario, String slot) {
        public static final String NOT_RUNNABLE = "not-runnable";

        public PlannedSlot {
            Objects.requireNonNull(scenario, "scenario");
            Objects.requireNonNull(slot, "slot");
        }

        @Override
        public String toString() {
            return scenario + " [" + slot + "]";
        }
    }
}
