package dev.harrow.backend.store;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import dev.harrow.backend.event.TelemetryEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.function.Consumer;
import java.util.Set;
import java.util.HashSet;
import java.util.Map;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Events in MongoDB, one collection per use ({@link StoredKind}) and one document per {@code (appId, eventId)};
 * the stored shape is {@link EventDocuments}. An append returns once the store has the events durably: MongoDB
 * with a journaled write, the embedded store after its commit ({@code durable}).
 */
public final class MongoEventStore implements EventStore {
    private final MongoClient client;
    private final String database;
    private final Map<StoredKind, MongoCollection<Document>> collections = new EnumMap<>(StoredKind.class);
    private final Runnable durable;
    private final DeadLetters deadLetters;
    private volatile Consumer<List<TelemetryEvent>> onStored = fresh -> { };

    /**
     * @param durable run after each successful write and before it is acknowledged; makes the write survive a
     *        killed process where the store does not do that itself
     */
    public MongoEventStore(MongoClient client, String database, Runnable durable) {
        this.client = client;
        this.database = database;
        this.durable = durable;
        for (StoredKind kind : StoredKind.values()) {
            collections.put(kind, client.getDatabase(database).getCollection(kind.collection()));
        }
        this.deadLetters = new DeadLetters(client.getDatabase(database).getCollection(DeadLetters.COLLECTION),
                java.time.Clock.systemUTC());
    }

    /** Indexes for the query patterns: a device's timeline, and a type over time, in every collection. */
    public void ensureIndexes() {
        for (MongoCollection<Document> collection : collections.values()) {
            collection.createIndex(Indexes.ascending(EventDocuments.APP, EventDocuments.DEVICE, EventDocuments.TS),
                    new IndexOptions().name("app_device_ts"));
            collection.createIndex(Indexes.ascending(EventDocuments.APP, EventDocuments.TYPE, EventDocuments.TS),
                    new IndexOptions().name("app_type_ts"));
        }
        collections.get(StoredKind.PUSH_RECEIPTS).createIndex(Indexes.ascending(EventDocuments.APP,
                EventDocuments.PROPS + "." + PUSH_MESSAGE_ID), new IndexOptions().name("app_message"));
    }

    /** The prop by which a push receipt names its message. */
    public static final String PUSH_MESSAGE_ID = "messageId";

    /** The receipts apps reported for one push message ({@code push_delivered}, {@code push_opened}, ...). */
    public List<TelemetryEvent> pushReceipts(String appId, String messageId) throws StoreUnavailableException {
        return receipts(Filters.and(Filters.eq(EventDocuments.APP, appId),
                Filters.eq(EventDocuments.PROPS + "." + PUSH_MESSAGE_ID, messageId)));
    }

    /** The receipts one device reported for some push messages. */
    public List<TelemetryEvent> pushReceipts(String appId, String deviceId, Collection<String> messageIds)
            throws StoreUnavailableException {
        if (messageIds.isEmpty()) {
            return List.of();
        }
        return receipts(Filters.and(Filters.eq(EventDocuments.APP, appId),
                Filters.in(EventDocuments.PROPS + "." + PUSH_MESSAGE_ID, messageIds),
                Filters.eq(EventDocuments.DEVICE, deviceId)));
    }

    private List<TelemetryEvent> receipts(org.bson.conversions.Bson filter) throws StoreUnavailableException {
        List<TelemetryEvent> out = new ArrayList<>();
        try {
            for (Document doc : collections.get(StoredKind.PUSH_RECEIPTS).find(filter)) {
                out.add(EventDocuments.fromDocument(doc));
            }
        } catch (MongoException e) {
            throw new StoreUnavailableException("MongoDB unavailable: " + e.getMessage(), e);
        }
        return out;
    }

    /** The database the events live in, for the services that keep their own collections beside them. */
    public com.mongodb.client.MongoDatabase database() {
        return client.getDatabase(database);
    }

    @Override
    public AppendResult append(List<TelemetryEvent> batch) throws StoreUnavailableException {
        return append(batch, false);
    }

    /**
     * The drain's last resort for a batch that keeps failing while the store answers: every error, even one that
     * looks like unavailability, is traced to the documents at fault (as long as the store answers a ping), which
     * are dead-lettered, so that no batch is tried for ever.
     */
    @Override
    public AppendResult appendIsolating(List<TelemetryEvent> batch) throws StoreUnavailableException {
        return append(batch, true);
    }

    private AppendResult append(List<TelemetryEvent> batch, boolean isolate) throws StoreUnavailableException {
        if (batch.isEmpty()) {
            return AppendResult.NOTHING;
        }
        Resolution resolution = store(batch, isolate);
        try {
            if (!resolution.refused().isEmpty()) {
                deadLetters.hold(resolution.refused());
            }
            durable.run();
        } catch (MongoException | IllegalStateException e) {
            throw new StoreUnavailableException("MongoDB unavailable: " + e.getMessage(), e);
        }
        // Only events stored for the first time: a batch sent again must not count twice downstream.
        onStored.accept(resolution.fresh());
        int refused = resolution.refused().size();
        return new AppendResult(resolution.fresh().size() + refused, resolution.duplicates().size(), false, refused);
    }

    /** What one write did to each event of a batch. */
    private record Resolution(List<TelemetryEvent> fresh, List<TelemetryEvent> duplicates,
                              List<DeadLetters.Refusal> refused) {
    }

    /** Inserts a batch, kind by kind, and accounts for every event (not yet committed). */
    private Resolution store(List<TelemetryEvent> batch, boolean isolate) throws StoreUnavailableException {
        Map<StoredKind, List<TelemetryEvent>> byKind = new EnumMap<>(StoredKind.class);
        for (TelemetryEvent event : batch) {
            byKind.computeIfAbsent(StoredKind.forType(event.type()), k -> new ArrayList<>()).add(event);
        }
        Resolution resolution = new Resolution(new ArrayList<>(batch.size()), new ArrayList<>(),
                new ArrayList<>());
        for (Map.Entry<StoredKind, List<TelemetryEvent>> entry : byKind.entrySet()) {
            List<TelemetryEvent> events = entry.getValue();
            List<Document> docs = new ArrayList<>(events.size());
            for (TelemetryEvent event : events) {
                docs.add(EventDocuments.toDocument(event));
            }
            BatchInsert.Outcome outcome = new BatchInsert(collections.get(entry.getKey()), isolate, this::ping)
                    .insert(docs);
            for (int i = 0; i < events.size(); i++) {
                if (outcome.duplicates().contains(i)) {
                    resolution.duplicates().add(events.get(i));
                } else if (outcome.refused().containsKey(i)) {
                    resolution.refused().add(new DeadLetters.Refusal(events.get(i), outcome.refused().get(i)));
                } else {
                    resolution.fresh().add(events.get(i));
                }
            }
        }
        return resolution;
    }

    /** The dead letters of this store: events it refused, kept for an operator. */
    public DeadLetters deadLetters() {
        return deadLetters;
    }

    /**
     * Tries dead letters again: those now stored (or found already stored) leave the list, those refused again stay
     * with the new error. Returns what the retry did.
     */
    public AppendResult retryDeadLetters(Collection<String> ids) throws StoreUnavailableException {
        List<DeadLetter> letters = deadLetters.find(ids);
        List<TelemetryEvent> events = letters.stream().map(DeadLetter::event).filter(java.util.Objects::nonNull)
                .toList();
        Resolution resolution = store(events, true);
        Set<String> refusedAgain = new HashSet<>();
        resolution.refused().forEach(r -> refusedAgain.add(r.event().storageId()));
        try {
            if (!resolution.refused().isEmpty()) {
                deadLetters.hold(resolution.refused());
            }
            durable.run();
            List<String> settled = new ArrayList<>();
            for (DeadLetter letter : letters) {
                if (letter.event() != null && !refusedAgain.contains(letter.event().storageId())) {
                    settled.add(letter.id());
                }
            }
            deadLetters.settle(settled);
            durable.run();
        } catch (MongoException | IllegalStateException e) {
            throw new StoreUnavailableException("MongoDB unavailable: " + e.getMessage(), e);
        }
        onStored.accept(resolution.fresh());
        int refused = resolution.refused().size();
        return new AppendResult(resolution.fresh().size() + refused, resolution.duplicates().size(), false, refused);
    }

    /**
     * Who hears of events once they are stored for the first time (the analytics rollups). It is told after the
     * events are durable; what it does with them cannot fail the write.
     */
    public void onStored(Consumer<List<TelemetryEvent>> listener) {
        this.onStored = listener;
    }

    /**
     * Deletes up to {@code limit} raw events (of every kind) whose time is before {@code cutoff}, durably; returns how
     * many. Called until it returns less than {@code limit}.
     */
    public int deleteOlderThan(Instant cutoff, int limit) throws StoreUnavailableException {
        int deleted = 0;
        try {
            for (StoredKind kind : StoredKind.values()) {
                MongoCollection<Document> collection = collections.get(kind);
                List<Object> ids = new ArrayList<>();
                for (Document doc : collection.find(Filters.lt(EventDocuments.TS, Date.from(cutoff)))
                        .projection(new Document(EventDocuments.ID, 1)).limit(limit - deleted)) {
                    ids.add(doc.get(EventDocuments.ID));
                }
                if (!ids.isEmpty()) {
                    deleted += (int) collection.deleteMany(Filters.in(EventDocuments.ID, ids)).getDeletedCount();
                }
                if (deleted >= limit) {
                    break;
                }
            }
            durable.run();
        } catch (MongoException | IllegalStateException e) {
            throw new StoreUnavailableException("MongoDB unavailable: " + e.getMessage(), e);
        }
        return deleted;
    }

    /** Every stored analytics event of an app (logs and push receipts aside), in no particular order. */
    public void eachEvent(String appId, Consumer<TelemetryEvent> action) throws StoreUnavailableException {
        try {
            for (Document doc : collections.get(StoredKind.EVENTS).find(Filters.eq(EventDocuments.APP, appId))
                    .batchSize(5000)) {
                action.accept(EventDocuments.fromDocument(doc));
            }
        } catch (MongoException e) {
            throw new StoreUnavailableException("MongoDB unavailable: " + e.getMessage(), e);
        }
    }

    @Override
    public List<TelemetryEvent> find(EventQuery query) throws StoreUnavailableException {
        List<TelemetryEvent> out = new ArrayList<>();
        try {
            for (StoredKind kind : kindsOf(query)) {
                for (Document doc : collections.get(kind).find(filter(query))
                        .sort(Sorts.ascending(EventDocuments.TS)).limit(query.limit())) {
                    out.add(EventDocuments.fromDocument(doc));
                }
            }
        } catch (MongoException e) {
            throw new StoreUnavailableException("MongoDB unavailable: " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(TelemetryEvent::ts));
        return out.size() > query.limit() ? out.subList(0, query.limit()) : out;
    }

    @Override
    public long count(EventQuery query) throws StoreUnavailableException {
        long total = 0;
        try {
            for (StoredKind kind : kindsOf(query)) {
                total += collections.get(kind).countDocuments(filter(query));
            }
        } catch (MongoException e) {
            throw new StoreUnavailableException("MongoDB unavailable: " + e.getMessage(), e);
        }
        return total;
    }

    @Override
    public boolean ping() {
        try {
            client.getDatabase(database).runCommand(new Document("ping", 1));
            return true;
        } catch (MongoException e) {
            return false;
        }
    }

    @Override
    public void close() {
        client.close();
    }

    private static List<StoredKind> kindsOf(EventQuery query) {
        return query.type() == null ? List.of(StoredKind.values()) : List.of(StoredKind.forType(query.type()));
    }

    private static Bson filter(EventQuery query) {
        List<Bson> clauses = new ArrayList<>();
        if (query.appId() != null) {
            clauses.add(Filters.eq(EventDocuments.APP, query.appId()));
        }
        if (query.deviceId() != null) {
            clauses.add(Filters.eq(EventDocuments.DEVICE, query.deviceId()));
        }
        if (query.type() != null) {
            clauses.add(Filters.eq(EventDocuments.TYPE, query.type()));
        }
        if (query.since() != null) {
            clauses.add(Filters.gte(EventDocuments.TS, Date.from(query.since())));
        }
        if (query.until() != null) {
            clauses.add(Filters.lt(EventDocuments.TS, Date.from(query.until())));
        }
        return clauses.isEmpty() ? new Document() : Filters.and(clauses);
    }
}
