package dev.harrow.backend.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import dev.harrow.backend.store.EmbeddedMongo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Concurrent read-modify-writes through {@link Revisions} on the embedded store: every change lands exactly once
 * and is reported with the before-image it was computed from (the embedded store's own findOneAndUpdate does not
 * guarantee that, which is why the rollups use this).
 */
class RevisionsTest {
    @Test
    void concurrentWritersEachApplyEveryChangeOnceFromTheImageTheyRead() throws Exception {
        try (EmbeddedMongo mongo = EmbeddedMongo.start(null);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> collection = client.getDatabase("revisions").getCollection("counters");
            Revisions revisions = new Revisions(collection);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                ids.add("doc-" + i);
            }
            AtomicLong written = new AtomicLong();
            AtomicLong inconsistent = new AtomicLong();
            ExecutorService writers = Executors.newFixedThreadPool(4);
            try {
                List<CompletableFuture<Void>> runs = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    runs.add(CompletableFuture.runAsync(() -> {
                        for (int round = 0; round < 50; round++) {
                            revisions.apply(ids, (id, before) -> new Document("n", count(before) + 1),
                                    (id, before, after) -> {
                                        written.incrementAndGet();
                                        if (after.getLong("n") != count(before) + 1) {
                                            inconsistent.incrementAndGet();
                                        }
                                    });
                        }
                    }, writers));
                }
                CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).join();
            } finally {
                writers.shutdown();
            }
            assertThat(written.get()).isEqualTo(4 * 50 * 40);
            assertThat(inconsistent.get()).isZero();
            for (Document d : collection.find()) {
                assertThat(d.getLong("n")).as(d.getString("_id")).isEqualTo(200);
                assertThat(d.getLong(Revisions.REVISION)).isEqualTo(200);
            }
            // Nothing to change: nothing written, nothing reported.
            revisions.apply(ids, (id, before) -> null, (id, before, after) -> written.incrementAndGet());
            assertThat(written.get()).isEqualTo(4 * 50 * 40);
        }
    }

    private static long count(Document before) {
        return before == null ? 0 : before.getLong("n");
    }
}
