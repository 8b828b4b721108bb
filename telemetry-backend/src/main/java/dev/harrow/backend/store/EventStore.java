package dev.harrow.backend.store;

import dev.harrow.backend.event.TelemetryEvent;
import java.util.List;

/**
 * Where accepted events are held. {@link #append} returns only once every event it counts as accepted is durably
 * stored; an event whose {@code (appId, eventId)} is already stored is counted as a duplicate, never stored twice.
 */
public interface EventStore extends AutoCloseable {

    /**
     * Stores {@code events}, idempotently.
     *
     * @throws StoreUnavailableException when the store cannot take the write; then nothing may be acknowledged to
     *         the client, which keeps the batch and sends it again (the duplicates are absorbed)
     */
    AppendResult append(List<TelemetryEvent> events) throws StoreUnavailableException;

    /**
     * Stores {@code events} as {@link #append} does, but traces every failure to the events at fault while the store
     * answers, so that a batch that keeps failing is settled instead of tried for ever. Stores that cannot tell
     * (the default) append as usual.
     */
    default AppendResult appendIsolating(List<TelemetryEvent> events) throws StoreUnavailableException {
        return append(events);
    }

    /** Stored events matching {@code query}, oldest first. */
    List<TelemetryEvent> find(EventQuery query) throws StoreUnavailableException;

    long count(EventQuery query) throws StoreUnavailableException;

    /** Whether the store answers now. */
    boolean ping();

    @Override
    void close();
}
