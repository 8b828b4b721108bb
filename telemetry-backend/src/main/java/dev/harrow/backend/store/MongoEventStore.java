package dev.harrow.backend.store;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Sorts;
import dev.harrow.backend.event.TelemetryEvent;
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
        if (batch.isEmpty()) {
            return AppendResult.NOTHING;
        }
        Map<StoredKind, List<Document>> byKind = new EnumMap<>(StoredKind.class);
        Map<StoredKind, List<TelemetryEvent>> eventsByKind = new EnumMap<>(StoredKind.class);
        for (TelemetryEvent event : batch) {
            StoredKind kind = StoredKind.forType(event.type());
            byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(EventDocuments.toDocument(event));
            eventsByKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(event);
        }
        int duplicates = 0;
        List<TelemetryEvent> fresh = new ArrayList<>(batch.size());
        try {
            for (Map.Entry<StoredKind, List<Document>> entry : byKind.entrySet()) {
                Set<Integer> already = insert(collections.get(entry.getKey()), entry.getValue());
                duplicates += already.size();
                List<TelemetryEvent> events = eventsByKind.get(entry.getKey());
                for (int i = 0; i < events.size(); i++) {
                    if (!already.contains(i)) {
                        fresh.add(events.get(i));
                    }
                }
            }
            durable.run();
        } catch (MongoException | IllegalStateException e) {
            throw new StoreUnavailableException("MongoDB unavailable: " + e.getMessage(), e);
        }
        // Only events stored for the first time: a batch sent again must not count twice downstream.
        onStored.accept(fresh);
        return AppendResult.stored(batch.size() - duplicates, duplicates);
    }

    /**
     * Who hears of events once they are stored for the first time (the analytics rollups). It is told after the
     * events are durable; what it does with them cannot fail the write.
     */
    public void onStored(Consumer<List<TelemetryEvent>> listener) {
        this.onStored = listener;
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

    /**
     * Inserts; returns the positions of the documents that were already there. Any other failure fails the whole
     * batch.
     */
    private static Set<Integer> insert(MongoCollection<Document> collection, List<Document> docs)
            throws StoreUnavailableException {
        try {
            collection.insertMany(docs, new InsertManyOptions().ordered(false));
            return Set.of();
        } catch (MongoBulkWriteException e) {
            // Duplicates come from the write errors, not from getInsertedCount(), which some servers get wrong
            // after a partial failure.
            Set<Integer> duplicates = new HashSet<>();
            for (BulkWriteError error : e.getWriteErrors()) {
                if (ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY) {
                    duplicates.add(error.getIndex());
                } else {
                    // Some events may be stored and some not: acknowledge none. The client sends the batch again
                    // and the stored ones come back as duplicates.
                    throw new StoreUnavailableException("write failed: " + error.getMessage(), e);
                }
            }
            if (e.getWriteConcernError() != null) {
                throw new StoreUnavailableException("write concern failed: " + e.getWriteConcernError().getMessage(), e);
            }
            return duplicates;
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
