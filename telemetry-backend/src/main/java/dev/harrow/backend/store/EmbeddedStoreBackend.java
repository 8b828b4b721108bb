package dev.harrow.backend.store;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import java.util.List;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ObjectDataType;

/**
 * The H2 backend with documents ({@link BsonDocumentType}) and unique index keys ({@link IndexKeyType}) written as
 * BSON instead of Java serialization, and the {@code _id} index answered by the document map ({@link IdIndex}). Each map is opened here with its type before the library opens it by name,
 * which then finds it open; collection metadata keeps the library's own format. Files written by the library's
 * defaults are converted once at start ({@link StoreFormat}).
 */
final class EmbeddedStoreBackend extends H2Backend {
    /** How the library names a collection's document map (mongo-java-server 1.x). */
    static final String DATA_PREFIX = "databases.";
    /**
     * The store of the database being constructed: the library's database constructor opens collections before a
     * subclass can set its own fields, so the store is handed over here for that moment.
     */
    private static final ThreadLocal<MVStore> CONSTRUCTING = new ThreadLocal<>();

    EmbeddedStoreBackend(MVStore store) {
        super(store);
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        MVStore store = getMvStore();
        CONSTRUCTING.set(store);
        try {
            return new Database(databaseName, store, getCursorRegistry());
        } finally {
            CONSTRUCTING.remove();
        }
    }

    /** Opens (or creates) a collection's document map with BSON values. */
    static MVMap<Object, Document> documents(MVStore store, String fullCollectionName) {
        return store.openMap(DATA_PREFIX + fullCollectionName, new MVMap.Builder<Object, Document>()
                .keyType(new ObjectDataType()).valueType(BsonDocumentType.INSTANCE));
    }

    /** Opens (or creates) a unique index's map with BSON keys. */
    static MVMap<KeyValue, Object> indexEntries(MVStore store, String indexMapName) {
        return store.openMap(indexMapName, new MVMap.Builder<KeyValue, Object>()
                .keyType(IndexKeyType.INSTANCE).valueType(new ObjectDataType()));
    }

    /** How the library names a unique index's map (mongo-java-server 1.x). */
    static String indexMapName(String fullCollectionName, String indexName) {
        return fullCollectionName + INDEX_INFIX + indexName;
    }

    static final String INDEX_INFIX = "._index_";

    private static final class Database extends H2Database {
        private final MVStore store;

        Database(String databaseName, MVStore store, CursorRegistry cursorRegistry) {
            super(databaseName, store, cursorRegistry);
            this.store = store;
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            MVStore mvStore = store != null ? store : CONSTRUCTING.get();
            String fullName = getFullCollectionNamespace(collectionName);
            // The document map first, typed; the library's own openMap of the same name then finds it open.
            MVMap<Object, Document> documents = documents(mvStore, fullName);
            MVMap<String, Object> meta = mvStore.openMap("meta." + fullName);
            return new H2Collection(this, collectionName, options, documents, meta, cursorRegistry);
        }

        @Override
        protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys,
                                                        boolean sparse) {
            MVStore mvStore = store != null ? store : CONSTRUCTING.get();
            String fullName = getFullCollectionNamespace(collectionName);
            if (IdIndex.isIdIndex(keys)) {
                return new IdIndex(indexName, keys, documents(mvStore, fullName));
            }
            indexEntries(mvStore, indexMapName(fullName, indexName));
            return super.openOrCreateUniqueIndex(collectionName, indexName, keys, sparse);
        }
    }
}
