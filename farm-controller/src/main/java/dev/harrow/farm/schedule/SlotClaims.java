package dev.harrow.farm.schedule;

import dev.harrow.farm.plan.Slot;

/**
 * Which slots this run gives verdicts for, decided as devices become free. A run on its own, or a shard with a
 * fixed part, claims everything it was planned; shards in queue mode share one claim set, so each slot is run by the
 * first shard with a free device for it and by no other.
 */
public interface SlotClaims {
    /**
     * Claims a slot for this run: true when it is this run's (claimed now, or earlier by this run), false when
     * another shard has it.
     *
     * @throws SlotClaimException when the claim set cannot be reached: whether the slot is this run's is unknown
     */
    boolean claim(Slot slot);

    /** Whether a claim is needed at all: false for a run that owns its whole plan. */
    default boolean shared() {
        return true;
    }

    /** Every slot of the plan is this run's. */
    static SlotClaims everything() {
        return new SlotClaims() {
            @Override
            public boolean claim(Slot slot) {
                return true;
            }

            @Override
            public boolean shared() {
                return false;
            }
        };
    }

    /** The claim set could not be reached. */
    final class SlotClaimException extends RuntimeException {
        public SlotClaimException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
