package dev.harrow.backend.store;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks at start that every unique index of the embedded store knows exactly the documents of its collection, and
 * rebuilds the entries that disagree. A data file written before {@link CommitBarrier} existed (or by any version
 * killed between the two writes of one command) can hold a document that its {@code _id} index does not know, or an
 * index entry whose document is gone; either makes inserts and lookups of that {@code _id} answer wrongly. The check
 * costs one size comparison per index; only an index whose size disagrees is walked.
 */
final class IndexRepair {
    private static final String DATA_PREFIX = EmbeddedStoreBackend.DATA_PREFIX;
    private static final Logger log = LoggerFactory.getLogger(IndexRepair.class);

    private IndexRepair() {
    }

    /** What one repair changed. */
    record Repaired(String collection, String index, int added, int removed) {
    }

    /** Checks every collection of {@code backend}; returns what it had to repair (usually nothing). */
    static List<Repaired> run(H2Backend backend) {
        MVStore store = backend.getMvStore();
        List<Repaired> repaired = new ArrayList<>();
        for (String mapName : new ArrayList<>(store.getMapNames())) {
            if (!mapName.startsWith(DATA_PREFIX)) {
                continue;
            }
            String fullName = mapName.substring(DATA_PREFIX.length());
            int dot = fullName.indexOf('.');
            if (dot <= 0) {
                continue;
            }
            String database = fullName.substring(0, dot);
            String collectionName = fullName.substring(dot + 1);
            MongoCollection<?> collection = backend.resolveDatabase(database).resolveCollection(collectionName, false);
            if (collection != null) {
                repaired.addAll(check(store, fullName, collection));
            }
        }
        for (Repaired r : repaired) {
            log.warn("embedded store: index {} of {} disagreed with its documents (a process killed inside a write);"
                    + " rebuilt: {} entries added, {} stale entries removed", r.index(), r.collection(), r.added(),
                    r.removed());
        }
        if (!repaired.isEmpty()) {
            store.commit();
        }
        return repaired;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<Repaired> check(MVStore store, String fullName, MongoCollection<?> collection) {
        List<Repaired> repaired = new ArrayList<>();
        MVMap<Object, Document> documents = EmbeddedStoreBackend.documents(store, fullName);
        for (Index<?> index : collection.getIndexes()) {
            boolean sparse = Boolean.TRUE.equals(index.toIndexDescription().get("sparse"));
            if (!index.isUnique() || sparse || index.getCount() == documents.sizeAsLong()) {
                continue;
            }
            String indexMapName = EmbeddedStoreBackend.indexMapName(fullName, index.getName());
            if (!store.hasMap(indexMapName)) {
                continue;
            }
            MVMap<de.bwaldvogel.mongo.backend.KeyValue, Object> entries =
                    EmbeddedStoreBackend.indexEntries(store, indexMapName);
            int removed = 0;
            for (Map.Entry<de.bwaldvogel.mongo.backend.KeyValue, Object> entry : new ArrayList<>(entries.entrySet())) {
                if (!documents.containsKey(entry.getValue())) {
                    entries.remove(entry.getKey());
                    removed++;
                }
            }
            int added = 0;
            Index raw = index;
            MongoCollection rawCollection = collection;
            for (Map.Entry<Object, Document> entry : documents.entrySet()) {
                if (raw.getPosition(entry.getValue()) == null) {
                    raw.add(entry.getValue(), entry.getKey(), rawCollection);
                    added++;
                }
            }
            repaired.add(new Repaired(fullName, index.getName(), added, removed));
        }
        return repaired;
    }
}
