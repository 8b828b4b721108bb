package dev.harrow.backend.store;

/**
 * What an append did: events newly held, and events that were already stored (a retry or a replay).
 *
 * @param accepted events now held: stored, spilled, or dead-lettered (held apart because the store refused them)
 * @param spilled whether the events are held in the Redis spill, waiting for MongoDB, rather than in MongoDB.
 *        Spilled events are not checked for duplicates until they are drained; a spilled duplicate is counted
 *        as accepted and stored once all the same.
 * @param deadLettered how many of the accepted events the store refused and that are kept in the dead letters
 *        ({@link DeadLetters}) for an operator
 */
public record AppendResult(int accepted, int duplicates, boolean spilled, int deadLettered) {
    public static final AppendResult NOTHING = new AppendResult(0, 0, false, 0);

    public static AppendResult stored(int accepted, int duplicates) {
        return new AppendResult(accepted, duplicates, false, 0);
    }

    public static AppendResult spilled(int accepted) {
        return new AppendResult(accepted, 0, true, 0);
    }
}
