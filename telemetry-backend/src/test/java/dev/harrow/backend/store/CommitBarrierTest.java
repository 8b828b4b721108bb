package dev.harrow.backend.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Commits of the embedded store fall between commands: a commit waits for a write in progress, never a read. */
class CommitBarrierTest {

    /** A store whose commands block until the test lets them finish. */
    static final class HeldStore extends MemoryBackend {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public Document handleMessage(MongoMessage message) {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Document("ok", 1.0);
        }
    }

    static MongoMessage command(String name) {
        return new MongoMessage(null, null, new Document(name, "events").append("$db", "harrow"));
    }

    @Test
    void aCommitWaitsUntilTheWriteInProgressHasFinished() throws Exception {
        HeldStore store = new HeldStore();
        CommitBarrier barrier = new CommitBarrier(store);
        CompletableFuture<Document> insert = CompletableFuture.supplyAsync(() -> barrier.handleMessage(
                command("insert")));
        assertThat(store.entered.await(5, TimeUnit.SECONDS)).isTrue();

        AtomicBoolean committed = new AtomicBoolean();
        CompletableFuture<Void> commit = CompletableFuture.runAsync(() -> barrier.exclusive(() -> {
            committed.set(true);
            return null;
        }));
        // The insert is still inside the store: the commit must not have run.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !committed.get());

        store.release.countDown();
        insert.get(5, TimeUnit.SECONDS);
        commit.get(5, TimeUnit.SECONDS);
        assertThat(committed).isTrue();
    }

    @Test
    void aReadDoesNotHoldBackACommit() throws Exception {
        HeldStore store = new HeldStore();
        CommitBarrier barrier = new CommitBarrier(store);
        CompletableFuture<Document> find = CompletableFuture.supplyAsync(() -> barrier.handleMessage(command("find")));
        assertThat(store.entered.await(5, TimeUnit.SECONDS)).isTrue();

        boolean committed = barrier.exclusive(() -> true);

        assertThat(committed).isTrue();
        store.release.countDown();
        find.get(5, TimeUnit.SECONDS);
    }

    @Test
    void commandsThatChangeDataAreToldFromReads() {
        for (String write : new String[] {"insert", "update", "delete", "findAndModify", "createIndexes", "drop",
                "dropDatabase", "renameCollection", "somethingNew"}) {
            assertThat(CommitBarrier.changesData(write, new Document())).as(write).isTrue();
        }
        for (String read : new String[] {"find", "getMore", "count", "listCollections", "hello", "isMaster",
                "ping"}) {
            assertThat(CommitBarrier.changesData(read, new Document())).as(read).isFalse();
        }
        assertThat(CommitBarrier.changesData("aggregate", new Document("pipeline", java.util.List.of(
                new Document("$match", new Document()))))).isFalse();
        assertThat(CommitBarrier.changesData("aggregate", new Document("pipeline", java.util.List.of(
                new Document("$out", "copy"))))).isTrue();
    }
}
