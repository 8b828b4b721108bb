package dev.harrow.backend.push;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * This instance's memory of which batches of pushes come due when, and under which claim token it last saw them:
 * a cache of the durable schedule, never its truth. Claims made from it still go through the store's
 * compare-and-set on the token, so a stale entry costs one failed update, not a double send; what the cache does
 * not know (another instance's messages, a restart, an overflow) the periodic sweep of the schedule finds.
 *
 * <p>It exists because a claim must not search the schedule: stores without range indexes (the embedded one)
 * would scan every batch ever made on each poll.
 */
final class DueList {
    /** One batch as this instance last saw it, with how many devices it holds. */
    record Entry(String id, String token, Instant nextAt, int size) {
    }

    private static final Comparator<Entry> ORDER = Comparator.comparing(Entry::nextAt).thenComparing(Entry::id);

    private final int capacity;
    private final TreeSet<Entry> byTime = new TreeSet<>(ORDER);
    private final Map<String, Entry> byId = new HashMap<>();
    private boolean overflowed;

    /** @param capacity entries kept at most; beyond it the sweep has to find the rest */
    DueList(int capacity) {
        this.capacity = capacity;
    }

    /** Remembers (or refreshes) a batch; false when full, and the list then asks for a sweep. */
    synchronized boolean offer(Entry entry) {
        Entry old = byId.remove(entry.id());
        if (old != null) {
            byTime.remove(old);
        } else if (byId.size() >= capacity) {
            overflowed = true;
            return false;
        }
        byId.put(entry.id(), entry);
        byTime.add(entry);
        return true;
    }

    /** Takes entries due at {@code now}, earliest first, until they hold {@code devices} devices or more. */
    synchronized List<Entry> takeDue(Instant now, int devices) {
        List<Entry> out = new ArrayList<>();
        int taken = 0;
        while (taken < devices && !byTime.isEmpty() && !byTime.first().nextAt().isAfter(now)) {
            Entry e = byTime.pollFirst();
            byId.remove(e.id());
            out.add(e);
            taken += Math.max(1, e.size());
        }
        return out;
    }

    synchronized boolean hasDue(Instant now) {
        return !byTime.isEmpty() && !byTime.first().nextAt().isAfter(now);
    }

    /** True once, after entries were turned away for want of room: the store holds work this list does not. */
    synchronized boolean takeOverflow() {
        boolean was = overflowed;
        overflowed = false;
        return was;
    }
}
