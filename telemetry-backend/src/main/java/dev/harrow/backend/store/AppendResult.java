package dev.harrow.backend.store;

/** What an append did: events newly stored, and events that were already stored (a retry or a replay). */
public record AppendResult(int accepted, int duplicates) {
    public static final AppendResult NOTHING = new AppendResult(0, 0);
}
