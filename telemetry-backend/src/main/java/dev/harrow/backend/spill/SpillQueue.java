package dev.harrow.backend.spill;

import dev.harrow.backend.event.TelemetryEvent;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where accepted batches wait, durably, while MongoDB cannot take them. Batches go out with a lease and are removed
 * only when acknowledged: a drainer that dies holding a lease loses nothing; the batch is handed out again.
 */
public interface SpillQueue extends AutoCloseable {

    /** Holds {@code events} durably; returns only once they would survive a restart of the spill. */
    void append(List<TelemetryEvent> events) throws SpillUnavailableException;

    /**
     * Leases up to {@code maxBatches} batches: first those this instance leased before and never acknowledged,
     * then those whose lease by another instance ran out, then new ones. Empty when nothing waits.
     */
    SpillLease lease(int maxBatches) throws SpillUnavailableException;

    /** Removes the leased batches for good: they are stored elsewhere now. */
    void acknowledge(SpillLease lease) throws SpillUnavailableException;

    /** How many events wait (leased or not). */
    long depth() throws SpillUnavailableException;

    /** When the oldest batch that still waits was spilled; empty when nothing waits. */
    Optional<Instant> oldestSpilledAt() throws SpillUnavailableException;

    /**
     * Keeps events that no store would take, with the reason, apart from the batches that wait: the dead-letter list
     * of last resort, used while MongoDB cannot hold them itself. Nothing here is drained on its own.
     */
    void holdDeadLetter(List<TelemetryEvent> events, String error) throws SpillUnavailableException;

    /** Dead letters held here, oldest first: those held on purpose and batches that could not be read back. */
    List<SpillDeadLetter> deadLetters(int limit) throws SpillUnavailableException;

    /** How many dead letters are held here. */
    long deadLetterCount() throws SpillUnavailableException;

    /** Removes dead letters (retried elsewhere, or dismissed by an operator). */
    void removeDeadLetters(Collection<String> ids) throws SpillUnavailableException;

    boolean ping();

    @Override
    void close();
}
