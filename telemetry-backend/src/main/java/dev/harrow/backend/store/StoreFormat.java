package dev.harrow.backend.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store's file format, and its one-time conversion: files written with the library's defaults (Java
 * serialization of documents and index keys, a map per {@code _id} index) are rewritten into BSON maps
 * ({@link EmbeddedStoreBackend}) without the {@code _id} index maps ({@link IdIndex}) at the first start of a backend
 * that knows the new format. The format is recorded in the file itself.
 */
final class StoreFormat {
    static final String FORMAT_MAP = "harrow.format";
    static final String KEY = "maps";
    static final String BSON = "bson-1";
    private static final Logger log = LoggerFactory.getLogger(StoreFormat.class);

    private StoreFormat() {
    }

    /** Converts the file if it was written in the old format; returns how many maps were converted. */
    static int upgrade(MVStore store) {
        MVMap<String, String> format = store.openMap(FORMAT_MAP);
        if (BSON.equals(format.get(KEY))) {
            return 0;
        }
        List<String> names = new ArrayList<>();
        for (String name : store.getMapNames()) {
            if (name.startsWith(EmbeddedStoreBackend.DATA_PREFIX) || name.contains(EmbeddedStoreBackend.INDEX_INFIX)) {
                names.add(name);
            }
        }
        long entries = 0;
        for (String name : names) {
            if (name.endsWith(EmbeddedStoreBackend.INDEX_INFIX + "_id_")) {
                store.removeMap(name);  // the document map answers for the _id index now (IdIndex)
            } else {
                entries += convert(store, name);
            }
        }
        format.put(KEY, BSON);
        store.commit();
        if (!names.isEmpty()) {
            log.info("embedded store: converted {} maps ({} entries) to the BSON format", names.size(), entries);
        }
        return names.size();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static long convert(MVStore store, String name) {
        MVMap<Object, Object> old = store.openMap(name);
        String upgrading = name + ".upgrading";
        if (store.hasMap(upgrading)) {
            store.removeMap(upgrading);  // a conversion that a crash cut short
        }
        MVMap target = name.startsWith(EmbeddedStoreBackend.DATA_PREFIX)
                ? EmbeddedStoreBackend.documents(store, name.substring(EmbeddedStoreBackend.DATA_PREFIX.length())
                        + ".upgrading")
                : EmbeddedStoreBackend.indexEntries(store, upgrading);
        long copied = 0;
        for (Map.Entry<Object, Object> entry : old.entrySet()) {
            target.put(entry.getKey(), entry.getValue());
            copied++;
        }
        store.removeMap(old);
        store.renameMap(target, name);
        return copied;
    }
}
