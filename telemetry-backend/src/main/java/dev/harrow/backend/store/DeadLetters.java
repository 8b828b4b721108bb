package dev.harrow.backend.store;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.ops.BackendMetrics;
import dev.harrow.backend.spill.SpillCodec;
import dev.harrow.backend.spill.SpillDeadLetter;
import dev.harrow.backend.spill.SpillQueue;
import dev.harrow.backend.spill.SpillUnavailableException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where accepted events go that the store refuses every time (too large, refused by a validator or an index): kept
 * with the error, so that the rest of their batch is stored and acknowledged and the drain moves on, and visible to
 * an operator who retries or dismisses them ({@code /admin/v1/dead-letters}). They live in MongoDB's
 * {@code dead_letters} collection, one document per event id; an event that MongoDB cannot hold even there (over its
 * size limit) or while MongoDB is down goes to the Redis spill's own dead-letter list. Nothing here is lost: a
 * refused event is acknowledged only once one of the two holds it.
 */
public final class DeadLetters {
    static final String COLLECTION = "dead_letters";
    /** The spill's dead letters are told apart from the store's by this prefix on their handle. */
    static final String SPILL_PREFIX = "spill:";
    public static final String HELD = "harrow_dead_letters_total";
    private static final int MAX_ERROR_CHARS = 500;
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    /** An event the store refused, and why. */
    record Refusal(TelemetryEvent event, String error) {
    }

    private final MongoCollection<Document> collection;
    private final SpillCodec codec = new SpillCodec();
    private final Clock clock;
    private volatile SpillQueue spill;
    private volatile BackendMetrics metrics;
    private volatile long cachedPending;

    DeadLetters(MongoCollection<Document> collection, Clock clock) {
        this.collection = collection;
        this.clock = clock;
    }

    /** Where refused events go while MongoDB cannot hold them; none by default. */
    public DeadLetters fallback(SpillQueue spill) {
        this.spill = spill;
        return this;
    }

    /** Counts every event held here ({@value #HELD}, by app). */
    public DeadLetters reportTo(BackendMetrics metrics) {
        this.metrics = metrics;
        return this;
    }

    /** Holds refused events durably (once the caller commits); throws when neither MongoDB nor the spill can. */
    void hold(List<Refusal> refusals) throws StoreUnavailableException {
        try {
            holdEach(refusals);
        } finally {
            refreshPending();
        }
    }

    private void holdEach(List<Refusal> refusals) throws StoreUnavailableException {
        Instant now = clock.instant();
        for (Refusal refusal : refusals) {
            TelemetryEvent event = refusal.event();
            String error = shorten(refusal.error());
            log.atError().addKeyValue("app", event.appId()).addKeyValue("eventId", event.eventId())
                    .log("the store refused event {} of app {} ({}); it is dead-lettered: {}", event.eventId(),
                            event.appId(), event.type(), error);
            try {
                collection.updateOne(Filters.eq("_id", event.storageId()), Updates.combine(
                        Updates.set("a", event.appId()), Updates.set("st", DeadLetter.NEW),
                        Updates.set("err", error), Updates.set("l", Date.from(now)),
                        Updates.set("b", codec.encode(List.of(event))),
                        Updates.setOnInsert("f", Date.from(now)), Updates.inc("n", 1)),
                        new UpdateOptions().upsert(true));
            } catch (RuntimeException e) {
                holdInSpill(event, error, e);
            }
            if (metrics != null) {
                metrics.count(HELD, "Accepted events that the store refused and that were dead-lettered.", 1,
                        "app", event.appId());
            }
        }
    }

    private void holdInSpill(TelemetryEvent event, String error, RuntimeException storeFailure)
            throws StoreUnavailableException {
        SpillQueue fallback = spill;
        if (fallback == null) {
            throw new StoreUnavailableException("cannot dead-letter event " + event.eventId() + ": "
                    + storeFailure.getMessage(), storeFailure);
        }
        try {
            fallback.holdDeadLetter(List.of(event), error);
        } catch (SpillUnavailableException e) {
            StoreUnavailableException failure = new StoreUnavailableException("cannot dead-letter event "
                    + event.eventId() + " in MongoDB nor in the spill: " + e.getMessage(), e);
            failure.addSuppressed(storeFailure);
            throw failure;
        }
    }

    /** Dead letters, newest first, those still to be looked at before the dismissed ones. */
    public List<DeadLetter> list(int limit) throws StoreUnavailableException {
        List<DeadLetter> out = new ArrayList<>();
        try {
            for (Document doc : collection.find().sort(Sorts.descending("l")).limit(limit)) {
                out.add(fromDocument(doc));
            }
        } catch (MongoException e) {
            throw new StoreUnavailableException("MongoDB cannot list dead letters now: " + e.getMessage(), e);
        }
        SpillQueue fallback = spill;
        if (fallback != null && out.size() < limit) {
            try {
                for (SpillDeadLetter letter : fallback.deadLetters(limit - out.size())) {
                    out.addAll(fromSpill(letter));
                }
            } catch (SpillUnavailableException e) {
                log.debug("the spill's dead letters cannot be listed now: {}", e.getMessage());
            }
        }
        out.sort((a, b) -> {
            int byStatus = Boolean.compare(DeadLetter.DISMISSED.equals(a.status()),
                    DeadLetter.DISMISSED.equals(b.status()));
            return byStatus != 0 ? byStatus : b.lastAt().compareTo(a.lastAt());
        });
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    /**
     * {@link #pending()} as of the last change made here or the last {@link #refreshPending()}, whichever came later:
     * answered without a query, so that a readiness probe or a metrics scrape never waits on a hung store.
     */
    public long pendingRecently() {
        return cachedPending;
    }

    /** Counts the pending dead letters again (after a change here, and periodically for other instances' changes). */
    public void refreshPending() {
        try {
            cachedPending = pending();
        } catch (StoreUnavailableException e) {
            log.debug("dead letters cannot be counted now: {}", e.getMessage());
        }
    }

    /** How many dead letters nobody has looked at yet (retried or dismissed). */
    public long pending() throws StoreUnavailableException {
        long total;
        try {
            total = collection.countDocuments(Filters.eq("st", DeadLetter.NEW));
        } catch (MongoException e) {
            throw new StoreUnavailableException("MongoDB cannot count dead letters now: " + e.getMessage(), e);
        }
        SpillQueue fallback = spill;
        if (fallback != null) {
            try {
                total += fallback.deadLetterCount();
            } catch (SpillUnavailableException e) {
                log.debug("the spill's dead letters cannot be counted now: {}", e.getMessage());
            }
        }
        return total;
    }

    /** The dead letters with these handles (unknown handles are left out). */
    List<DeadLetter> find(Collection<String> ids) throws StoreUnavailableException {
        List<String> storeIds = ids.stream().filter(id -> !id.startsWith(SPILL_PREFIX)).toList();
        List<DeadLetter> out = new ArrayList<>();
        try {
            if (!storeIds.isEmpty()) {
                for (Document doc : collection.find(Filters.in("_id", storeIds))) {
                    out.add(fromDocument(doc));
                }
            }
        } catch (MongoException e) {
            throw new StoreUnavailableException("MongoDB cannot read dead letters now: " + e.getMessage(), e);
        }
        if (ids.stream().anyMatch(id -> id.startsWith(SPILL_PREFIX)) && spill != null) {
            try {
                for (SpillDeadLetter letter : spill.deadLetters(Integer.MAX_VALUE)) {
                    if (ids.contains(SPILL_PREFIX + letter.id())) {
                        out.addAll(fromSpill(letter));
                    }
                }
            } catch (SpillUnavailableException e) {
                throw new StoreUnavailableException("the spill's dead letters cannot be read now: " + e.getMessage(),
                        e);
            }
        }
        return out;
    }

    /** Marks dead letters as looked at: kept, but no longer counted as waiting for someone. */
    public int dismiss(Collection<String> ids) throws StoreUnavailableException {
        try {
            return dismissEach(ids);
        } finally {
            refreshPending();
        }
    }

    private int dismissEach(Collection<String> ids) throws StoreUnavailableException {
        int changed = 0;
        List<String> storeIds = ids.stream().filter(id -> !id.startsWith(SPILL_PREFIX)).toList();
        try {
            if (!storeIds.isEmpty()) {
                changed += (int) collection.updateMany(Filters.in("_id", storeIds),
                        Updates.set("st", DeadLetter.DISMISSED)).getModifiedCount();
            }
        } catch (MongoException e) {
            throw new StoreUnavailableException("MongoDB cannot change dead letters now: " + e.getMessage(), e);
        }
        List<String> spillIds = ids.stream().filter(id -> id.startsWith(SPILL_PREFIX))
                .map(id -> id.substring(SPILL_PREFIX.length())).toList();
        if (!spillIds.isEmpty() && spill != null) {
            // The spill's list has no status: a dismissed letter leaves it, and this line keeps what it held.
            for (DeadLetter letter : find(ids.stream().filter(id -> id.startsWith(SPILL_PREFIX)).toList())) {
                log.warn("dismissed dead letter {} held in the spill: event {} ({})", letter.id(),
                        letter.event() == null ? "unreadable" : letter.event().storageId(), letter.error());
            }
            removeFromSpill(spillIds);
            changed += spillIds.size();
        }
        return changed;
    }

    /** Forgets dead letters whose events are now stored. */
    void settle(Collection<String> ids) throws StoreUnavailableException {
        try {
            settleEach(ids);
        } finally {
            refreshPending();
        }
    }

    private void settleEach(Collection<String> ids) throws StoreUnavailableException {
        List<String> storeIds = ids.stream().filter(id -> !id.startsWith(SPILL_PREFIX)).toList();
        try {
            if (!storeIds.isEmpty()) {
                collection.deleteMany(Filters.in("_id", storeIds));
            }
        } catch (MongoException e) {
            throw new StoreUnavailableException("MongoDB cannot change dead letters now: " + e.getMessage(), e);
        }
        removeFromSpill(ids.stream().filter(id -> id.startsWith(SPILL_PREFIX))
                .map(id -> id.substring(SPILL_PREFIX.length())).toList());
    }

    private void removeFromSpill(List<String> spillIds) throws StoreUnavailableException {
        if (spillIds.isEmpty() || spill == null) {
            return;
        }
        try {
            spill.removeDeadLetters(spillIds);
        } catch (SpillUnavailableException e) {
            throw new StoreUnavailableException("the spill's dead letters cannot be changed now: " + e.getMessage(),
                    e);
        }
    }

    private DeadLetter fromDocument(Document doc) {
        List<TelemetryEvent> events = List.of();
        try {
            events = codec.decode(doc.getString("b"));
        } catch (IllegalStateException e) {
            log.warn("dead letter {} cannot be read back: {}", doc.get("_id"), e.getMessage());
        }
        Date first = doc.getDate("f");
        Date last = doc.getDate("l");
        return new DeadLetter(doc.getString("_id"), "store", doc.getString("st"), doc.getString("err"),
                doc.getInteger("n", 1), first == null ? null : first.toInstant(),
                last == null ? null : last.toInstant(), events.isEmpty() ? null : events.get(0));
    }

    private static List<DeadLetter> fromSpill(SpillDeadLetter letter) {
        String id = SPILL_PREFIX + letter.id();
        if (letter.events().isEmpty()) {
            return List.of(new DeadLetter(id, "spill", DeadLetter.NEW, letter.error(), 1, letter.at(), letter.at(),
                    null));
        }
        // One entry may hold a whole unreadable-then-repaired batch; each event is listed, under the entry's handle.
        return letter.events().stream().map(e -> new DeadLetter(id, "spill", DeadLetter.NEW, letter.error(), 1,
                letter.at(), letter.at(), e)).toList();
    }

    private static String shorten(String error) {
        String text = error == null ? "unknown error" : error.replaceAll("[\\r\\n]+", " ");
        return text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS) + "...";
    }
}
