package dev.harrow.backend.store;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded MongoDB-wire-compatible server used when no {@code MONGODB_URI} is configured: persisted to a data
 * dir (H2 MVStore) or held in memory. It listens on loopback only. Its limits (no TTL expiry, a subset of the
 * aggregation stages) are listed in docs; code that must also run against real MongoDB keeps to that subset.
 *
 * <p>The persistent store is tuned for a file that stays small and whole (docs/STORAGE.md has the figures):
 * documents and index keys as BSON ({@link EmbeddedStoreBackend}), compressed pages, commits only when the backend
 * asks ({@link #commit()}) and never in the middle of a command ({@link CommitBarrier}), compaction in the background
 * in bounded steps, and a check of its unique indexes at start ({@link IndexRepair}).
 */
public final class EmbeddedMongo implements AutoCloseable {
    static final String DATA_FILE = "mongo.mv";
    /** Page cache of the persistent store when nobody says otherwise. */
    public static final int DEFAULT_CACHE_MB = 64;
    /** How long a dead chunk is kept before its space is reused. */
    static final Duration RETENTION = Duration.ofSeconds(1);
    /** How often the housekeeping runs: commits of writes nobody committed, and a step of compaction. */
    static final Duration HOUSEKEEPING = Duration.ofMillis(250);
    /** Chunks with fewer live bytes than this share are compacted. */
    static final int COMPACT_BELOW_FILL_PERCENT = 60;
    /** Live bytes one compaction step may rewrite: it holds writes back meanwhile, so it is bounded. */
    static final int COMPACT_STEP_BYTES = 2 * 1024 * 1024;
    private static final Logger log = LoggerFactory.getLogger(EmbeddedMongo.class);

    private final MongoServer server;
    private final InetSocketAddress address;
    private final MVStore mvStore;
    private final CommitBarrier barrier;
    private final GroupCommit groupCommit;
    private final List<IndexRepair.Repaired> repairedAtStart;
    private final ScheduledExecutorService housekeeping;

    private EmbeddedMongo(MongoServer server, MVStore mvStore, CommitBarrier barrier,
                          List<IndexRepair.Repaired> repairedAtStart) {
        this.server = server;
        this.address = server.getLocalAddress();
        this.mvStore = mvStore;
        this.barrier = barrier;
        this.repairedAtStart = repairedAtStart;
        if (mvStore == null) {
            this.groupCommit = null;
            this.housekeeping = null;
            return;
        }
        this.groupCommit = new GroupCommit(() -> barrier.exclusive(() -> {
            mvStore.commit();
            return null;
        }));
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "harrow-embedded-store-housekeeping");
            t.setDaemon(true);
            return t;
        });
        housekeeping.scheduleWithFixedDelay(this::keepHouse, HOUSEKEEPING.toMillis(), HOUSEKEEPING.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Starts on a free loopback port; {@code dataDir} null keeps the data in memory. */
    public static EmbeddedMongo start(Path dataDir) {
        return start(dataDir, 0);
    }

    /** Starts on {@code port} (0: a free one); used to restart a stopped store on the port its clients know. */
    public static EmbeddedMongo start(Path dataDir, int port) {
        return start(dataDir, port, DEFAULT_CACHE_MB);
    }

    /**
     * Starts on {@code port} (0: a free one) with a page cache of {@code cacheMb} megabytes (persistent store only).
     */
    public static EmbeddedMongo start(Path dataDir, int port, int cacheMb) {
        MongoBackend backend;
        MVStore mvStore = null;
        CommitBarrier barrier = null;
        List<IndexRepair.Repaired> repaired = List.of();
        if (dataDir == null) {
            backend = new MemoryBackend();
        } else {
            Path file = dataDir.resolve(DATA_FILE);
            try {
                privateDirs(dataDir);
                if (!Files.exists(file)) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
                }
                Files.setPosixFilePermissions(file, PRIVATE_FILE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the data dir " + dataDir, e);
            }
            // No commits of its own, neither in the background nor when unsaved changes pile up (by default a write
            // commits once 19 MB are unsaved, inside whatever command made it): a commit must never fall inside a
            // command (CommitBarrier); the backend commits every batch and every 250 ms. Pages are
            // compressed: a page is rewritten whole when one document in it changes, so every commit and every
            // compaction writes less.
            mvStore = new MVStore.Builder()
                    .fileName(dataDir.resolve(DATA_FILE).toString())
                    .autoCommitDisabled()
                    .autoCommitBufferSize(0)
                    .compress()
                    .cacheSize(cacheMb)
                    .open();
            // Dead chunks are reused after a second instead of 45: at the ingest ceiling the default kept hundreds
            // of megabytes of garbage. Commits are not fsynced either way (docs/STORAGE.md).
            mvStore.setRetentionTime((int) RETENTION.toMillis());
            StoreFormat.upgrade(mvStore);
            EmbeddedStoreBackend persistent = new EmbeddedStoreBackend(mvStore);
            repaired = IndexRepair.run(persistent);
            barrier = new CommitBarrier(persistent);
            backend = barrier;
        }
        MongoServer server = new MongoServer(backend);
        server.bind("127.0.0.1", port);
        // The embedded server has no authentication: loopback is its only fence, so it is checked, not assumed.
        if (!server.getLocalAddress().getAddress().isLoopbackAddress()) {
            server.shutdownNow();
            throw new IllegalStateException("the embedded store is bound to " + server.getLocalAddress()
                    + ", not to loopback; it has no authentication and must not be reachable from elsewhere");
        }
        return new EmbeddedMongo(server, mvStore, barrier, repaired);
    }

    static final java.util.Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
    static final java.util.Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");

    /** Creates the data dir (and missing parents) readable by this user only; an existing one is left as it is. */
    static void privateDirs(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (dir.toAbsolutePath().getParent() != null) {
            privateDirs(dir.toAbsolutePath().getParent());
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // made meanwhile
        }
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

    /**
     * Commits what was written without a commit (rollups, push state: at most a second late, as with MVStore's own
     * background commit), and compacts a bounded step: the file is a copy-on-write tree, so every commit leaves
     * chunks with dead pages behind, and a chunk is freed only once its few live pages are moved.
     */
    private void keepHouse() {
        try {
            if (mvStore.hasUnsavedChanges()) {
                commit();
            }
            if (mvStore.getFileStore().getChunksFillRate() < COMPACT_BELOW_FILL_PERCENT) {
                barrier.exclusive(() -> {
                    if (mvStore.compact(COMPACT_BELOW_FILL_PERCENT, COMPACT_STEP_BYTES)) {
                        mvStore.commit();
                    }
                    return null;
                });
            }
        } catch (RuntimeException e) {
            if (!mvStore.isClosed()) {
                log.warn("embedded store housekeeping failed; it goes on: {}", e.toString());
            }
        }
    }

    /** What the start-up check found inconsistent and rebuilt (empty for a store that was stopped cleanly). */
    List<IndexRepair.Repaired> repairedAtStart() {
        return repairedAtStart;
    }

    /** Bytes of the data file; 0 for a store in memory. */
    public long fileBytes() {
        return mvStore == null ? 0 : mvStore.getFileStore().size();
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
