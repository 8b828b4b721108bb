package dev.harrow.backend.store;

/**
 * What an append did: events newly held, and events that were already stored (a retry or a replay).
 *
 * @param spilled whether the events are held in the Redis spill, waiting for MongoDB, rather than in MongoDB.
 *        Spilled events are not checked for duplicates until they are drained; a spilled duplicate is counted
 *        as accepted and stored once all the same.
 */
public record AppendResult(int accepted, int duplicates, boolean spilled) {
    public static final AppendResult NOTHING = new AppendResult(0, 0, false);

    public static AppendResult stored(int accepted, int duplicates) {
        return new AppendResult(accepted, duplicates, false);
    }
}
