package dev.harrow.farm.schedule;

import dev.harrow.device.config.DeviceSpec;
import dev.harrow.farm.plan.DurationEstimates;
import dev.harrow.farm.plan.Slot;
import dev.harrow.reports.summary.Attempt;
import dev.harrow.reports.summary.Outcome;
import dev.harrow.reports.summary.ScenarioRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * The run's work, pulled by the devices: a queue per group of devices that can run the same slots, each ordered
 * longest expected first, so that the long scenarios start early and the short ones fill the gaps at the end. A
 * device takes the longest slot of any of its queues, so a fast device simply takes more.
 *
 * <p>The queue decides what a finished try means: a pass ends the slot (flaky when a try failed before), a failure
 * is retried on another device while the scenario's and the run's retries last, a try lost with its device goes
 * back under its own quota. When a device leaves the run, the slots no remaining device can run end as not run, at
 * once: nothing waits for a device that will not come.
 */
public final class WorkQueue {
    /** What a finished try led to. */
    public enum Decision {
        /** The slot has its verdict. */
        DONE,
        /** The scenario failed and goes back for a retry. */
        RETRY,
        /** The device was lost; the scenario goes back without using a retry. */
        REQUEUED
    }

    private static final Comparator<WorkItem> LONGEST_FIRST = Comparator.comparing((WorkItem i) -> i.expected)
            .reversed().thenComparingLong(i -> i.order);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final RetryPolicy policy;
    private final Map<Set<String>, TreeSet<WorkItem>> queues = new LinkedHashMap<>();
    private final Map<String, List<Set<String>>> groupsOf = new HashMap<>();
    private final Map<WorkItem, Running> running = new HashMap<>();
    private final Map<WorkItem, ScenarioRun> verdicts = new LinkedHashMap<>();
    private final List<WorkItem> all = new ArrayList<>();
    private final Set<String> alive = new LinkedHashSet<>();
    private final Map<String, String> gone = new LinkedHashMap<>();
    private final SlotClaims claims;
    private int budget;
    private int claimedElsewhere;

    public WorkQueue(List<Slot> slots, DurationEstimates estimates, RetryPolicy policy) {
        this(slots, estimates, policy, SlotClaims.everything());
    }

    /**
     * A queue whose slots are this run's only once {@code claims} says so, as a device is about to start them; a
     * slot another shard claimed leaves this run's queue and its verdicts.
     */
    public WorkQueue(List<Slot> slots, DurationEstimates estimates, RetryPolicy policy, SlotClaims claims) {
        this.policy = policy;
        this.budget = policy.budget();
        this.claims = claims;
        long order = 0;
        for (Slot slot : slots) {
            WorkItem item = new WorkItem(slot, estimates.of(slot.scenario()), order++, !claims.shared());
            all.add(item);
            verdicts.put(item, null);
            Set<String> group = names(slot.eligible());
            queues.computeIfAbsent(group, g -> new TreeSet<>(LONGEST_FIRST)).add(item);
            for (String device : group) {
                alive.add(device);
                List<Set<String>> groups = groupsOf.computeIfAbsent(device, d -> new ArrayList<>());
                if (!groups.contains(group)) {
                    groups.add(group);
                }
            }
        }
    }

    /**
     * One try of a slot, handed to a device.
     *
     * @param attempt 1 for the first try
     * @param afterFailure whether an earlier try failed on the scenario's own account
     * @param expected how long the try is expected to take
     */
    public record Assignment(Slot slot, int attempt, boolean afterFailure, Duration expected) {
    }

    /**
     * The next try for a device, waiting while one may still come its way (a retry, a slot another device loses);
     * empty when none will.
     */
    public Optional<Assignment> take(String device) throws InterruptedException {
        return takeItem(device).map(i -> new Assignment(i.slot, i.nextTry(), i.failedBefore(), i.expected));
    }

    Optional<WorkItem> takeItem(String device) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (!alive.contains(device)) {
                    return Optional.empty();
                }
                WorkItem best = null;
                for (Set<String> group : groupsOf.getOrDefault(device, List.of())) {
                    for (WorkItem item : queues.get(group)) {
                        if (acceptable(item, device)) {
                            if (best == null || LONGEST_FIRST.compare(item, best) < 0) {
                                best = item;
                            }
                            break;
                        }
                    }
                }
                if (best != null && !best.claimed && !claim(best)) {
                    continue;
                }
                if (best != null) {
                    queues.get(names(best.slot.eligible())).remove(best);
                    running.put(best, new Running(device, best, System.nanoTime()));
                    changed.signalAll();
                    return Optional.of(best);
                }
                if (!mayGetWork(device)) {
                    return Optional.empty();
                }
                changed.await(1, TimeUnit.SECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Claims an item for this run; one another shard has leaves the run (false). An unreachable claim set ends the
     * item as not run: nothing says whether another shard has it, and the merge step will say if none did.
     */
    private boolean claim(WorkItem item) {
        boolean mine;
        try {
            mine = claims.claim(item.slot);
        } catch (SlotClaims.SlotClaimException e) {
            queues.get(names(item.slot.eligible())).remove(item);
            item.claimed = true;
            verdict(item, Outcome.NOT_RUN, e.getMessage());
            return false;
        }
        if (mine) {
            item.claimed = true;
            return true;
        }
        queues.get(names(item.slot.eligible())).remove(item);
        all.remove(item);
        verdicts.remove(item);
        claimedElsewhere++;
        changed.signalAll();
        return false;
    }

    /** Slots another shard claimed first (queue mode). */
    public int claimedElsewhere() {
        lock.lock();
        try {
            return claimedElsewhere;
        } finally {
            lock.unlock();
        }
    }

    /** A try that ran to its end on a device that is still there: pass, skip, or a failure to retry or keep. */
    public Decision finished(Slot slot, Attempt attempt) {
        lock.lock();
        try {
            WorkItem item = end(slot, attempt);
            Outcome outcome = attempt.outcome();
            if (outcome == Outcome.PASSED) {
                return decide(item, item.failedBefore() ? Outcome.FLAKY : Outcome.PASSED,
                        item.failedBefore() ? firstFailure(item) : null);
            }
            if (outcome == Outcome.SKIPPED) {
                return decide(item, Outcome.SKIPPED, attempt.message());
            }
            if (item.retries < policy.perScenario() && budget > 0 && !aliveEligible(item).isEmpty()) {
                item.retries++;
                budget--;
                requeue(item);
                return Decision.RETRY;
            }
            return decide(item, outcome == Outcome.FAILED ? Outcome.FAILED : Outcome.BROKEN, attempt.message());
        } finally {
            lock.unlock();
        }
    }

    /** A try lost with its device: back to the queue under the infrastructure quota, or not run. */
    public Decision lost(Slot slot, Attempt attempt) {
        lock.lock();
        try {
            WorkItem item = end(slot, attempt);
            if (aliveEligible(item).isEmpty()) {
                return decide(item, Outcome.NOT_RUN, "every device that can run it is out of the run: "
                        + goneReasons(item));
            }
            if (item.requeues < policy.infrastructure()) {
                item.requeues++;
                requeue(item);
                return Decision.REQUEUED;
            }
            return decide(item, Outcome.NOT_RUN, "lost its device " + (item.requeues + 1) + " times, the last: "
                    + attempt.message());
        } finally {
            lock.unlock();
        }
    }

    /** A slot the device took but never started (it could not be leased): back to the queue, nothing used. */
    public void returned(Slot slot, String device) {
        lock.lock();
        try {
            WorkItem item = runningItem(slot, device);
            running.remove(item);
            requeue(item);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes a device out of the run (quarantined, or never available). Slots no remaining device can run end as
     * not run at once; they are returned.
     */
    public List<ScenarioRun> retire(String device, String reason) {
        lock.lock();
        try {
            if (!alive.remove(device)) {
                return List.of();
            }
            gone.put(device, reason);
            List<ScenarioRun> stranded = new ArrayList<>();
            for (TreeSet<WorkItem> queue : queues.values()) {
                for (WorkItem item : List.copyOf(queue)) {
                    if (aliveEligible(item).isEmpty()) {
                        queue.remove(item);
                        if (!item.claimed) {
                            // Not this shard's yet: another shard, with devices of its own, may still run it.
                            all.remove(item);
                            verdicts.remove(item);
                            continue;
                        }
                        verdict(item, Outcome.NOT_RUN, "every device that can run it is out of the run: "
                                + goneReasons(item));
                        stranded.add(verdicts.get(item));
                    }
                }
            }
            changed.signalAll();
            return stranded;
        } finally {
            lock.unlock();
        }
    }

    /** The devices still in the run. */
    public Set<String> alive() {
        lock.lock();
        try {
            return Set.copyOf(alive);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Every slot's verdict, in plan order; slots still open (a run cut short) are not run. In queue mode, only the
     * slots this run claimed.
     */
    public List<ScenarioRun> verdicts() {
        lock.lock();
        try {
            List<ScenarioRun> out = new ArrayList<>();
            for (WorkItem item : all) {
                if (!item.claimed && verdicts.get(item) == null) {
                    continue;
                }
                ScenarioRun verdict = verdicts.get(item);
                out.add(verdict != null ? verdict : new ScenarioRun(item.slot.scenario().id(),
                        item.slot.scenario().displayName(), item.slot.key(), Outcome.NOT_RUN, 0,
                        "the run ended before it", item.attempts));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Where the run stands, for the progress line. */
    public Snapshot snapshot() {
        lock.lock();
        try {
            long now = System.nanoTime();
            long pending = queues.values().stream().flatMap(TreeSet::stream).mapToLong(i -> i.expected.toMillis())
                    .sum();
            Map<String, Snapshot.Busy> busy = new LinkedHashMap<>();
            for (Running r : running.values()) {
                long elapsed = TimeUnit.NANOSECONDS.toMillis(now - r.startedNanos);
                busy.put(r.device, new Snapshot.Busy(r.item.slot.label(), elapsed, r.item.expected.toMillis()));
                pending += Math.max(0, r.item.expected.toMillis() - elapsed);
            }
            int done = (int) verdicts.values().stream().filter(v -> v != null).count();
            return new Snapshot(done, all.size(), pending, alive.size(), busy);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The run at a glance.
     *
     * @param remainingMillis expected work left: queued slots plus what running ones have left
     */
    public record Snapshot(int done, int total, long remainingMillis, int devices, Map<String, Busy> busy) {
        /** What a device is running, for how long, out of how long expected. */
        public record Busy(String label, long elapsedMillis, long expectedMillis) {
        }
    }

    private WorkItem end(Slot slot, Attempt attempt) {
        WorkItem item = runningItem(slot, attempt.device());
        running.remove(item);
        item.attempts.add(attempt);
        item.tried.add(attempt.device());
        changed.signalAll();
        return item;
    }

    private WorkItem runningItem(Slot slot, String device) {
        return running.values().stream().filter(r -> r.item.slot == slot && r.device.equals(device))
                .map(r -> r.item).findFirst().orElseThrow(() -> new IllegalStateException(device
                        + " is not running " + slot.label()));
    }

    private Decision decide(WorkItem item, Outcome outcome, String message) {
        verdict(item, outcome, message);
        return Decision.DONE;
    }

    private void verdict(WorkItem item, Outcome outcome, String message) {
        long millis = item.attempts.isEmpty() ? 0 : item.attempts.get(item.attempts.size() - 1).durationMillis();
        verdicts.put(item, new ScenarioRun(item.slot.scenario().id(), item.slot.scenario().displayName(),
                item.slot.key(), outcome, millis, message, item.attempts));
        changed.signalAll();
    }

    private void requeue(WorkItem item) {
        queues.get(names(item.slot.eligible())).add(item);
        changed.signalAll();
    }

    /**
     * A retry goes to a device that has not tried the slot while one is still in the run; only when every such
     * device has tried does a device take it again.
     */
    private boolean acceptable(WorkItem item, String device) {
        return !item.tried.contains(device) || item.tried.containsAll(aliveEligible(item));
    }

    /** Whether anything may still come to the device: a queued slot it may run, or a running one that may return. */
    private boolean mayGetWork(String device) {
        for (Set<String> group : groupsOf.getOrDefault(device, List.of())) {
            if (!queues.get(group).isEmpty()) {
                return true;
            }
        }
        return running.keySet().stream().anyMatch(i -> names(i.slot.eligible()).contains(device));
    }

    private Set<String> aliveEligible(WorkItem item) {
        Set<String> out = new LinkedHashSet<>(names(item.slot.eligible()));
        out.retainAll(alive);
        return out;
    }

    private String goneReasons(WorkItem item) {
        return item.slot.eligible().stream().map(DeviceSpec::name).filter(gone::containsKey)
                .map(d -> d + " (" + gone.get(d) + ")").collect(Collectors.joining(", "));
    }

    private static String firstFailure(WorkItem item) {
        return item.attempts.stream().filter(a -> a.outcome().isFailure() && !a.infrastructure()).findFirst()
                .map(a -> "failed on " + a.device() + " first: " + a.message()).orElse(null);
    }

    private static Set<String> names(List<DeviceSpec> devices) {
        Set<String> names = new LinkedHashSet<>();
        devices.forEach(d -> names.add(d.name()));
        return names;
    }

    private record Running(String device, WorkItem item, long startedNanos) {
    }
}
