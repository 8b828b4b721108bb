package dev.harrow.backend.store;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.bulk.BulkWriteError;
import dev.harrow.backend.spill.EmbeddedRedis;
import dev.harrow.backend.spill.RedisSpillQueue;
import dev.harrow.backend.spill.SpillUnavailableException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import org.bson.Document;
import org.h2.mvstore.MVStoreException;

/**
 * Moves what an embedded store holds into a MongoDB server: every collection of the backend's database (events, logs,
 * receipts, the analytics rollups, push tokens, messages and their schedules, dead letters) copied document by
 * document, and the events still waiting in the embedded Redis spill stored as the drain would store them. It can be
 * run again: a document the target holds already is counted, not copied twice. The backend must be stopped (the data
 * file is locked while it runs); afterwards, start it with {@code MONGODB_URI} set, and it makes its indexes.
 */
public final class StoreMigration {
    static final int BATCH = 1_000;

    /** What one collection's copy did. */
    public record Copied(String collection, long documents, long copied, long alreadyThere) {
    }

    private final Path dataDir;
    private final String database;
    private final PrintStream progress;

    public StoreMigration(Path dataDir, String database, PrintStream progress) {
        this.dataDir = dataDir;
        this.database = database;
        this.progress = progress;
    }

    /**
     * Copies into {@code target} (a client of the MongoDB server to move to), database {@code targetDatabase}.
     *
     * @throws IllegalStateException with what to do when the data dir holds no store or is in use
     */
    public List<Copied> into(MongoClient target, String targetDatabase) throws StoreUnavailableException {
        if (!Files.isRegularFile(dataDir.resolve(EmbeddedMongo.DATA_FILE))) {
            throw new IllegalStateException("no embedded store in " + dataDir.toAbsolutePath() + " (no "
                    + EmbeddedMongo.DATA_FILE + "); give the backend's data dir with --data-dir");
        }
        EmbeddedMongo source;
        try {
            source = EmbeddedMongo.start(dataDir);
        } catch (MVStoreException e) {
            throw new IllegalStateException("the store in " + dataDir.toAbsolutePath() + " is in use: stop the "
                    + "backend first (" + e.getMessage() + ")", e);
        }
        List<Copied> copied = new ArrayList<>();
        try (MongoClient client = com.mongodb.client.MongoClients.create(source.connectionString())) {
            MongoDatabase from = client.getDatabase(database);
            MongoDatabase to = target.getDatabase(targetDatabase);
            for (String name : new TreeSet<>(from.listCollectionNames().into(new ArrayList<>()))) {
                copied.add(copy(from.getCollection(name), to.getCollection(name), Function.identity()));
            }
        } finally {
            source.close();
        }
        copied.add(copySpill(new MongoEventStore(target, targetDatabase, () -> { })));
        return copied;
    }

    private Copied copy(MongoCollection<Document> from, MongoCollection<Document> to,
                        Function<Document, Document> shape) {
        long documents = 0;
        long written = 0;
        long there = 0;
        List<Document> batch = new ArrayList<>(BATCH);
        for (Document doc : from.find().batchSize(BATCH)) {
            batch.add(shape.apply(doc));
            documents++;
            if (batch.size() == BATCH) {
                long[] result = insert(to, batch);
                written += result[0];
                there += result[1];
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            long[] result = insert(to, batch);
            written += result[0];
            there += result[1];
        }
        progress.printf("  %-24s %,12d documents: %,d copied, %,d there already%n", from.getNamespace()
                .getCollectionName(), documents, written, there);
        return new Copied(from.getNamespace().getCollectionName(), documents, written, there);
    }

    /** Inserts a batch; returns {copied, already there}. Any other refusal stops the migration with its reason. */
    private static long[] insert(MongoCollection<Document> to, List<Document> batch) {
        try {
            to.insertMany(batch, new InsertManyOptions().ordered(false));
            return new long[] {batch.size(), 0};
        } catch (MongoBulkWriteException e) {
            long there = 0;
            for (BulkWriteError error : e.getWriteErrors()) {
                if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                    throw new IllegalStateException("the target refused a document of "
                            + to.getNamespace().getCollectionName() + ": " + error.getMessage(), e);
                }
                there++;
            }
            return new long[] {batch.size() - there, there};
        }
    }

    /** The events still waiting in the embedded spill, stored in the target as the drain would store them. */
    private Copied copySpill(MongoEventStore target) throws StoreUnavailableException {
        Path redisDir = dataDir.resolve("redis");
        if (!Files.isDirectory(redisDir)) {
            return new Copied("(spill)", 0, 0, 0);
        }
        long[] counts = new long[3];
        try (EmbeddedRedis redis = EmbeddedRedis.startPersistent(redisDir);
             RedisSpillQueue spill = RedisSpillQueue.connect(redis.uri(), "migration", Duration.ofMinutes(5),
                     Duration.ofSeconds(10))) {
            StoreUnavailableException[] failure = new StoreUnavailableException[1];
            spill.forEachWaiting(events -> {
                if (failure[0] != null) {
                    return;
                }
                try {
                    AppendResult result = target.append(events);
                    counts[0] += events.size();
                    counts[1] += result.accepted();
                    counts[2] += result.duplicates();
                } catch (StoreUnavailableException e) {
                    failure[0] = e;
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
        } catch (SpillUnavailableException e) {
            throw new StoreUnavailableException("the embedded spill in " + redisDir + " cannot be read: "
                    + e.getMessage(), e);
        }
        progress.printf("  %-24s %,12d events waiting: %,d stored, %,d there already%n", "(Redis spill)", counts[0],
                counts[1], counts[2]);
        return new Copied("(spill)", counts[0], counts[1], counts[2]);
    }
}
