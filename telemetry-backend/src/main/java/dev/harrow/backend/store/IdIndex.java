package dev.harrow.backend.store;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.Document;
import java.util.AbstractMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVMap;

/**
 * The {@code _id} index of an embedded-store collection, answered by the collection's document map itself, which is
 * keyed by {@code _id} already.
 *
 * <p>Why: the library keeps a second map from each {@code _id} to itself. That map doubled the pages every insert
 * rewrites (both maps are keyed by random ids), and being written separately from the document it was what a
 * killed process could leave behind without its document, or the document without it (docs/STORAGE.md). With the
 * document map as the index there is one write and nothing to disagree.
 */
final class IdIndex extends AbstractUniqueIndex<Object> {
    private final MVMap<Object, Document> documents;

    IdIndex(String name, List<IndexKey> keys, MVMap<Object, Document> documents) {
        super(name, keys, false);
        this.documents = documents;
    }

    static boolean isIdIndex(List<IndexKey> keys) {
        return keys.size() == 1 && keys.get(0).getKey().equals("_id");
    }

    @Override
    protected Object getPosition(KeyValue key) {
        Object id = key.get(0);
        if (id == null || id instanceof Missing) {
            return documents.containsKey(Missing.getInstance()) ? Missing.getInstance() : null;
        }
        if (documents.containsKey(id)) {
            return id;
        }
        if (id instanceof Number number) {
            // a query's number comes normalised (1 may come as 1.0): try the forms an id is stored in
            double value = number.doubleValue();
            for (Object form : new Object[] {(int) value, (long) value, value}) {
                if (((Number) form).doubleValue() == value && documents.containsKey(form)) {
                    return form;
                }
            }
        }
        return null;
    }

    @Override
    protected Object removeDocument(KeyValue key) {
        // the entry leaves with the document
        return getPosition(key);
    }

    @Override
    protected boolean putKeyPosition(KeyValue key, Object position) {
        return true;  // the document map holds it
    }

    @Override
    public synchronized void add(Document document, Object position, MongoCollection<Object> collection) {
        // the document is in the document map already; checkAdd has refused a duplicate before it was put there
    }

    @Override
    protected Iterable<Map.Entry<KeyValue, Object>> getIterable() {
        return () -> {
            Iterator<Object> ids = documents.keyIterator(null);
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return ids.hasNext();
                }

                @Override
                public Map.Entry<KeyValue, Object> next() {
                    Object id = ids.next();
                    return new AbstractMap.SimpleImmutableEntry<>(
                            new KeyValue(id instanceof Missing ? null : id), id);
                }
            };
        };
    }

    @Override
    public long getCount() {
        return documents.sizeAsLong();
    }

    @Override
    public long getDataSize() {
        return getCount();
    }

    @Override
    public boolean isEmpty() {
        return documents.isEmpty();
    }
}
