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
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/** Events in a MongoDB collection, one document per {@code (appId, eventId)}; see {@link EventDocuments}. */
public final class MongoEventStore implements EventStore {
    public static final String COLLECTION = "events";

    private final MongoClient client;
    private final MongoCollection<Document> events;
    private final String database;

    public MongoEventStore(MongoClient client, String database) {
        this.client = client;
        this.database = database;
        this.events = client.getDatabase(database).getCollection(COLLECTION);
    }

    /** Indexes for the query patterns: a device's timeline, and a type over time. */
    public void ensureIndexes() {
        events.createIndex(Indexes.ascending(EventDocuments.APP, EventDocuments.DEVICE, EventDocuments.TS),
                new IndexOptions().name("app_device_ts"));
        events.createIndex(Indexes.ascending(EventDocuments.APP, EventDocuments.TYPE, EventDocuments.TS),
                new IndexOptions().name("app_type_ts"));
    }

    @Override
    public AppendResult append(List<TelemetryEvent> batch) throws StoreUnavailableException {
        if (batch.isEmpty()) {
            return AppendResult.NOTHING;
        }
        List<Document> docs = new ArrayList<>(batch.size());
        for (TelemetryEvent event : batch) {
            docs.add(EventDocuments.toDocument(event));
        }
        try {
            events.insertMany(docs, new InsertManyOptions().ordered(false));
            return new AppendResult(docs.size(), 0);
        } catch (MongoBulkWriteException e) {
            // Count duplicates from the write errors, not from getInsertedCount(), which some servers get wrong
            // after a partial failure.
            int duplicates = 0;
            for (BulkWriteError error : e.getWriteErrors()) {
                if (ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY) {
                    duplicates++;
                } else {
                    // Some events may be stored and some not: acknowledge none. The client sends the batch again
                    // and the stored ones come back as duplicates.
                    throw new StoreUnavailableException("write failed: " + error.getMessage(), e);
                }
            }
            if (e.getWriteConcernError() != null) {
                throw new StoreUnavailableException("write concern failed: " + e.getWriteConcernError().getMessage(), e);
            }
            return new AppendResult(docs.size() - duplicates, duplicates);
        } catch (MongoException e) {
            throw new StoreUnavailableException("MongoDB unavailable: " + e.getMessage(), e);
        }
    }

    @Override
    public List<TelemetryEvent> find(EventQuery query) {
        List<TelemetryEvent> out = new ArrayList<>();
        for (Document doc : events.find(filter(query)).sort(Sorts.ascending(EventDocuments.TS))
                .limit(query.limit())) {
            out.add(EventDocuments.fromDocument(doc));
        }
        return out;
    }

    @Override
    public long count(EventQuery query) {
        return events.countDocuments(filter(query));
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
