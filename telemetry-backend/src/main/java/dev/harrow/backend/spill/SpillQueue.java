package dev.harrow.backend.spill;

import dev.harrow.backend.event.TelemetryEvent;
import java.util.List;

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

    boolean ping();

    @Override
    void close();
}
