package dev.harrow.backend.store;

import com.mongodb.MongoException;
import com.mongodb.client.MongoDatabase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.bson.Document;

/**
 * How much the store holds: per collection its documents and their own size (the sum of their BSON sizes, as the
 * server counts it), and for the embedded store the size of its data file and the ratio of the two. What an
 * operator watches to know when the embedded store has been outgrown (docs/STORAGE.md).
 */
public final class StorageFootprint {
    private StorageFootprint() {
    }

    /** @param fileBytes the embedded store's data file, or 0 for a MongoDB server */
    public static Map<String, Object> of(MongoDatabase database, long fileBytes) throws StoreUnavailableException {
        List<Map<String, Object>> collections = new ArrayList<>();
        long documents = 0;
        long bytes = 0;
        try {
            for (String name : new TreeSet<>(database.listCollectionNames().into(new ArrayList<>()))) {
                Document stats = database.runCommand(new Document("collStats", name));
                long count = ((Number) stats.get("count", 0)).longValue();
                long size = ((Number) stats.get("size", 0)).longValue();
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("name", name);
                one.put("documents", count);
                one.put("bytes", size);
                collections.add(one);
                documents += count;
                bytes += size;
            }
        } catch (MongoException e) {
            throw new StoreUnavailableException("MongoDB cannot report its size now: " + e.getMessage(), e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("store", fileBytes > 0 ? "embedded" : "mongodb");
        out.put("documents", documents);
        out.put("documentBytes", bytes);
        if (fileBytes > 0) {
            out.put("fileBytes", fileBytes);
            out.put("fileToDocumentsRatio", bytes == 0 ? 0 : Math.round(100.0 * fileBytes / bytes) / 100.0);
        }
        out.put("collections", collections);
        return out;
    }
}
