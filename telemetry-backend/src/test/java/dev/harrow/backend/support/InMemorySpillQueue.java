package dev.harrow.backend.support;

import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.spill.SpillDeadLetter;
import dev.harrow.backend.spill.SpillLease;
import dev.harrow.backend.spill.SpillQueue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A spill held in memory by one drainer: for tests of what is built on the spill, not of the spill itself. */
public final class InMemorySpillQueue implements SpillQueue {
    private final Map<String, List<TelemetryEvent>> waiting = new LinkedHashMap<>();
    private final Map<String, Instant> spilledAt = new LinkedHashMap<>();
    private final Map<String, SpillDeadLetter> dead = new LinkedHashMap<>();
    private long next;

    @Override
    public synchronized void append(List<TelemetryEvent> events) {
        String id = Long.toString(++next);
        waiting.put(id, List.copyOf(events));
        spilledAt.put(id, Instant.now());
    }

    @Override
    public synchronized SpillLease lease(int maxBatches) {
        List<String> ids = new ArrayList<>();
        List<TelemetryEvent> events = new ArrayList<>();
        for (Map.Entry<String, List<TelemetryEvent>> batch : waiting.entrySet()) {
            if (ids.size() == maxBatches) {
                break;
            }
            ids.add(batch.getKey());
            events.addAll(batch.getValue());
        }
        return ids.isEmpty() ? SpillLease.EMPTY : new SpillLease(ids, events);
    }

    @Override
    public synchronized void acknowledge(SpillLease lease) {
        lease.batchIds().forEach(id -> {
            waiting.remove(id);
            spilledAt.remove(id);
        });
    }

    @Override
    public synchronized long depth() {
        return waiting.values().stream().mapToLong(List::size).sum();
    }

    @Override
    public synchronized Optional<Instant> oldestSpilledAt() {
        return spilledAt.values().stream().findFirst();
    }

    @Override
    public synchronized void holdDeadLetter(List<TelemetryEvent> events, String error) {
        String id = "d" + (++next);
        dead.put(id, new SpillDeadLetter(id, Instant.now(), error, events));
    }

    @Override
    public synchronized List<SpillDeadLetter> deadLetters(int limit) {
        return dead.values().stream().limit(limit).toList();
    }

    @Override
    public synchronized long deadLetterCount() {
        return dead.size();
    }

    @Override
    public synchronized void removeDeadLetters(Collection<String> ids) {
        ids.forEach(dead::remove);
    }

    @Override
    public boolean ping() {
        return true;
    }

    @Override
    public void close() {
    }
}
