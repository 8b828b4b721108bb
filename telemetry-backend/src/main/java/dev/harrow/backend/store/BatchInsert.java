package dev.harrow.backend.store;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.bson.Document;

/**
 * Inserts a batch into one collection and accounts for every document in it: stored now, already stored (a
 * duplicate), or refused for a reason that belongs to that document. It never fails a whole batch for a document's
 * sake: a document-level error is resolved by reading the document's id (held: a duplicate, whatever error the store
 * gave), and a batch the store refused as a whole for something in its documents is split in halves until the
 * documents at fault are found. Only unavailability of the store ({@link WriteFault#STORE_UNAVAILABLE}) is thrown.
 */
final class BatchInsert {
    private static final InsertManyOptions UNORDERED = new InsertManyOptions().ordered(false);

    /**
     * What became of a batch, by position in it.
     *
     * @param duplicates positions whose id the store already held
     * @param refused positions the store would not take, with its error
     */
    record Outcome(Set<Integer> duplicates, Map<Integer, String> refused) {
        static Outcome none() {
            return new Outcome(new HashSet<>(), new LinkedHashMap<>());
        }

        boolean isFresh(int position) {
            return !duplicates.contains(position) && !refused.containsKey(position);
        }
    }

    private final MongoCollection<Document> collection;
    private final boolean isolate;
    private final BooleanSupplier storeAnswers;

    /**
     * @param isolate also split on errors that look like unavailability, as long as {@code storeAnswers}: the
     *        drain's last resort for a batch that keeps failing while the store is up
     */
    BatchInsert(MongoCollection<Document> collection, boolean isolate, BooleanSupplier storeAnswers) {
        this.collection = collection;
        this.isolate = isolate;
        this.storeAnswers = storeAnswers;
    }

    Outcome insert(List<Document> docs) throws StoreUnavailableException {
        Outcome outcome = Outcome.none();
        insertRange(docs, 0, docs.size(), outcome);
        return outcome;
    }

    private void insertRange(List<Document> docs, int from, int to, Outcome outcome)
            throws StoreUnavailableException {
        List<Document> part = docs.subList(from, to);
        try {
            collection.insertMany(part, UNORDERED);
        } catch (MongoBulkWriteException e) {
            if (e.getWriteConcernError() != null) {
                throw unavailable("write concern failed: " + e.getWriteConcernError().getMessage(), e);
            }
            Map<Integer, String> suspects = new LinkedHashMap<>();
            for (BulkWriteError error : e.getWriteErrors()) {
                if (WriteFault.ofCode(error.getCode()) == WriteFault.STORE_UNAVAILABLE && !usableWhileIsolating()) {
                    throw unavailable("write failed: " + error.getMessage(), e);
                }
                suspects.put(from + error.getIndex(), "error " + error.getCode() + ": " + error.getMessage());
            }
            resolve(docs, suspects, outcome);
        } catch (MongoException | IllegalStateException | IllegalArgumentException
                 | org.bson.BSONException | org.bson.codecs.configuration.CodecConfigurationException e) {
            WriteFault fault = WriteFault.of(e);
            if (fault == WriteFault.STORE_UNAVAILABLE && !usableWhileIsolating()) {
                throw unavailable("MongoDB unavailable: " + e.getMessage(), e);
            }
            // The store refused the command as a whole for something in its documents: find which.
            if (part.size() == 1) {
                resolve(docs, Map.of(from, describe(e)), outcome);
                return;
            }
            int middle = from + part.size() / 2;
            insertRange(docs, from, middle, outcome);
            insertRange(docs, middle, to, outcome);
        }
    }

    private boolean usableWhileIsolating() {
        return isolate && storeAnswers.getAsBoolean();
    }

    /** A suspect whose id the store holds is a duplicate; the others are refused with their error. */
    private void resolve(List<Document> docs, Map<Integer, String> suspects, Outcome outcome)
            throws StoreUnavailableException {
        if (suspects.isEmpty()) {
            return;
        }
        List<Object> ids = new ArrayList<>(suspects.size());
        suspects.keySet().forEach(position -> ids.add(docs.get(position).get("_id")));
        Set<Object> held = new HashSet<>();
        try {
            for (Document doc : collection.find(Filters.in("_id", ids)).projection(Projections.include("_id"))) {
                held.add(doc.get("_id"));
            }
        } catch (MongoException e) {
            throw unavailable("MongoDB unavailable while checking refused documents: " + e.getMessage(), e);
        }
        suspects.forEach((position, error) -> {
            if (held.contains(docs.get(position).get("_id"))) {
                outcome.duplicates().add(position);
            } else {
                outcome.refused().put(position, error);
            }
        });
    }

    private static String describe(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof com.mongodb.MongoServerException server) {
            return "error " + server.getCode() + ": " + message;
        }
        return message;
    }

    private static StoreUnavailableException unavailable(String message, Exception cause) {
        return new StoreUnavailableException(message, cause);
    }
}
