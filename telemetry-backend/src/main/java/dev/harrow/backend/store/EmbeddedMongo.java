package dev.harrow.backend.store;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.h2.mvstore.MVStore;

/**
 * The embedded MongoDB-wire-compatible server used when no {@code MONGODB_URI} is configured: persisted to a data
 * dir (H2 MVStore) or held in memory. It listens on loopback only. Its limits (no TTL expiry, a subset of the
 * aggregation stages) are listed in docs; code that must also run against real MongoDB keeps to that subset.
 *
 * <p>The persistent store commits only when the backend asks ({@link #commit()}), never on its own, and never in
 * the middle of a command ({@link CommitBarrier}); at start it checks its unique indexes against its documents
 * ({@link IndexRepair}). Together these keep the file consistent across a killed process: docs/STORAGE.md.
 */
public final class EmbeddedMongo implements AutoCloseable {
    static final String DATA_FILE = "mongo.mv";

    private final MongoServer server;
    private final InetSocketAddress address;
    private final GroupCommit groupCommit;
    private final List<IndexRepair.Repaired> repairedAtStart;
    private final ScheduledExecutorService housekeeping;

    private EmbeddedMongo(MongoServer server, InetSocketAddress address, GroupCommit groupCommit,
                          List<IndexRepair.Repaired> repairedAtStart, MVStore mvStore) {
        this.server = server;
        this.address = address;
        this.groupCommit = groupCommit;
        this.repairedAtStart = repairedAtStart;
        if (mvStore == null) {
            this.housekeeping = null;
        } else {
            this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "harrow-embedded-store-housekeeping");
                t.setDaemon(true);
                return t;
            });
            // Writes that nobody committed (rollups, push state) reach the file within a second, as they did with
            // MVStore's own background commit, but through the barrier.
            housekeeping.scheduleWithFixedDelay(() -> {
                if (mvStore.hasUnsavedChanges()) {
                    commit();
                }
            }, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** Starts on a free loopback port; {@code dataDir} null keeps the data in memory. */
    public static EmbeddedMongo start(Path dataDir) {
        return start(dataDir, 0);
    }

    /** Starts on {@code port} (0: a free one); used to restart a stopped store on the port its clients know. */
    public static EmbeddedMongo start(Path dataDir, int port) {
        MongoBackend backend;
        MVStore mvStore = null;
        GroupCommit groupCommit = null;
        List<IndexRepair.Repaired> repaired = List.of();
        if (dataDir == null) {
            backend = new MemoryBackend();
        } else {
            try {
                Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the data dir " + dataDir, e);
            }
            // No background commits: a commit must never fall inside a command (CommitBarrier).
            mvStore = new MVStore.Builder()
                    .fileName(dataDir.resolve(DATA_FILE).toString())
                    .autoCommitDisabled()
                    .open();
            H2Backend persistent = new H2Backend(mvStore);
            repaired = IndexRepair.run(persistent);
            CommitBarrier barrier = new CommitBarrier(persistent);
            groupCommit = new GroupCommit(() -> barrier.exclusive(() -> {
                persistent.commit();
                return null;
            }));
            backend = barrier;
        }
        MongoServer server = new MongoServer(backend);
        server.bind("127.0.0.1", port);
        return new EmbeddedMongo(server, server.getLocalAddress(), groupCommit, repaired, mvStore);
    }

    /**
     * Writes what the store holds in memory to its data file. The backend calls this before it acknowledges a
     * batch: a killed process then loses nothing it acknowledged. Concurrent callers share one commit.
     */
    public void commit() {
        if (groupCommit != null) {
            groupCommit.await();
        }
    }

    /** What the start-up check found inconsistent and rebuilt (empty for a store that was stopped cleanly). */
    List<IndexRepair.Repaired> repairedAtStart() {
        return repairedAtStart;
    }

    public String connectionString() {
        return "mongodb://" + address.getHostString() + ":" + address.getPort();
    }

    public int port() {
        return address.getPort();
    }

    @Override
    public void close() {
        if (housekeeping != null) {
            housekeeping.shutdownNow();
            try {
                housekeeping.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        server.shutdownNow();
    }
}
