package dev.harrow.backend.analytics;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/**
 * Read-modify-write of many documents of a collection in two round trips: one read by {@code _id}, one bulk of
 * writes, each conditional on the revision ({@code r}) it read. A write that lost a race (another writer changed or
 * created the document in between) is refused by the unique {@code _id} and tried again from a fresh read, so every
 * change is applied to exactly the before-image it was computed from.
 *
 * <p>It exists because the rollups must know what a document held before they changed it (was this user counted on
 * this day yet?), for hundreds of documents per batch: one {@code findOneAndUpdate} each is a round trip each. The
 * unique {@code {_id, r}} index makes the embedded store, which answers equality on unique indexes only, serve the
 * conditional writes.
 *
 * <p>The embedded store does not check a write's filter and apply it atomically (two writers conditional on the same
 * revision can both succeed; {@code RevisionsTest} caught it), so writers in one process also take turns here.
 * Between processes the conditional write itself decides, which MongoDB does atomically.
 */
final class Revisions {
    static final String REVISION = "r";
    private static final int ATTEMPTS = 20;

    /** The document's fields after the change (without {@code _id} and {@code r}), or null to leave it as it is. */
    interface Change {
        Document after(String id, Document before);
    }

    /** Told once per document written, with the before-image the change was computed from (null: new document). */
    interface Written {
        void written(String id, Document before, Document after);
    }

    private final MongoCollection<Document> collection;
    private volatile boolean indexed;

    Revisions(MongoCollection<Document> collection) {
        this.collection = collection;
    }

    Map<String, Document> read(Collection<String> ids) {
        Map<String, Document> out = new HashMap<>();
        if (!ids.isEmpty()) {
            for (Document d : collection.find(Filters.in("_id", ids))) {
                out.put(d.getString("_id"), d);
            }
        }
        return out;
    }

    void apply(Collection<String> ids, Change change, Written written) {
        apply(ids, read(ids), change, written);
    }

    /** Like {@link #apply(Collection, Change, Written)}, from a read the caller made already. */
    void apply(Collection<String> ids, Map<String, Document> read, Change change, Written written) {
        synchronized (this) {
            applyInTurn(ids, read, change, written);
        }
    }

    private void applyInTurn(Collection<String> ids, Map<String, Document> read, Change change, Written written) {
        if (!indexed) {
            collection.createIndex(Indexes.ascending("_id", REVISION), new IndexOptions().name("revision")
                    .unique(true));
            indexed = true;
        }
        Collection<String> pending = ids;
        Map<String, Document> befores = read;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (attempt > ATTEMPTS) {
                throw new IllegalStateException(pending.size() + " rollup document(s) changed by other writers "
                        + ATTEMPTS + " times in a row");
            }
            List<String> order = new ArrayList<>();
            List<Document> afters = new ArrayList<>();
            List<WriteModel<Document>> writes = new ArrayList<>();
            for (String id : pending) {
                Document before = befores.get(id);
                Document after = change.after(id, before);
                if (after == null) {
                    continue;
                }
                Document doc = new Document("_id", id);
                doc.putAll(after);
                if (before == null) {
                    doc.put(REVISION, 1L);
                    writes.add(new InsertOneModel<>(doc));
                } else {
                    long revision = ((Number) before.get(REVISION)).longValue();
                    doc.put(REVISION, revision + 1);
                    // Upsert: when the revision moved on, the insert this turns into is refused by the _id index,
                    // which reports the lost race per write.
                    writes.add(new ReplaceOneModel<>(new Document("_id", id).append(REVISION, revision), doc,
                            new ReplaceOptions().upsert(true)));
                }
                order.add(id);
                afters.add(after);
            }
            if (writes.isEmpty()) {
                return;
            }
            Set<Integer> lost = new HashSet<>();
            try {
                collection.bulkWrite(writes, new BulkWriteOptions().ordered(false));
            } catch (MongoBulkWriteException e) {
                for (BulkWriteError error : e.getWriteErrors()) {
                    if (error.getCategory() != ErrorCategory.DUPLICATE_KEY) {
                        throw e;
                    }
                    lost.add(error.getIndex());
                }
            }
            List<String> again = new ArrayList<>();
            for (int i = 0; i < order.size(); i++) {
                if (lost.contains(i)) {
                    again.add(order.get(i));
                } else {
                    written.written(order.get(i), befores.get(order.get(i)), afters.get(i));
                }
            }
            pending = again;
            befores = read(again);
        }
    }
}
