package dev.harrow.farm.schedule;

import dev.harrow.farm.plan.Slot;
import dev.harrow.reports.summary.Attempt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A slot on its way through the queue: its tries so far and what it has used of its quotas. Guarded by the queue. */
final class WorkItem {
    final Slot slot;
    final Duration expected;
    /** Discovery order: the tie-break between equal expected durations. */
    final long order;
    final List<Attempt> attempts = new ArrayList<>();
    final Set<String> tried = new LinkedHashSet<>();
    int retries;
    int requeues;
    /** Whether the slot is this run's: always, unless shards share a queue and none claimed it yet. */
    boolean claimed;

    WorkItem(Slot slot, Duration expected, long order, boolean claimed) {
        this.slot = slot;
        this.expected = expected;
        this.order = order;
        this.claimed = claimed;
    }

    /** Whether a try already failed on the scenario's own account (not a lost device). */
    boolean failedBefore() {
        return attempts.stream().anyMatch(a -> a.outcome().isFailure() && !a.infrastructure());
    }

    int nextTry() {
        return attempts.size() + 1;
    }

    @Override
    public String toString() {
        return slot.label();
    }
}
