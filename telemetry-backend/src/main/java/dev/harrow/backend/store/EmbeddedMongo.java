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

/**
 * The embedded MongoDB-wire-compatible server used when no {@code MONGODB_URI} is configured: persisted to a data
 * dir (H2 MVStore) or held in memory. It listens on loopback only. Its limits (no TTL expiry, a subset of the
 * aggregation stages) are listed in docs; code that must also run against real MongoDB keeps to that subset.
 */
public final class EmbeddedMongo implements AutoCloseable {
    static final String DATA_FILE = "mongo.mv";

    private final MongoServer server;
    private final InetSocketAddress address;
    private final GroupCommit groupCommit;

    private EmbeddedMongo(MongoServer server, InetSocketAddress address, H2Backend persistent) {
        this.server = server;
        this.address = address;
        this.groupCommit = persistent == null ? null : new GroupCommit(persistent::commit);
    }

    /** Starts on a free loopback port; {@code dataDir} null keeps the data in memory. */
    public static EmbeddedMongo start(Path dataDir) {
        return start(dataDir, 0);
    }

    /** Starts on {@code port} (0: a free one); used to restart a stopped store on the port its clients know. */
    public static EmbeddedMongo start(Path dataDir, int port) {
        MongoBackend backend;
        H2Backend persistent = null;
        if (dataDir == null) {
            backend = new MemoryBackend();
        } else {
            try {
                Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the data dir " + dataDir, e);
            }
            persistent = new H2Backend(dataDir.resolve(DATA_FILE).toString());
            backend = persistent;
        }
        MongoServer server = new MongoServer(backend);
        server.bind("127.0.0.1", port);
        return new EmbeddedMongo(server, server.getLocalAddress(), persistent);
    }

    /**
     * Writes what the store holds in memory to its data file. The store commits on its own only about once a
     * second, so the backend calls this before it acknowledges a batch: a killed process then loses nothing it
     * acknowledged. Concurrent callers share one commit.
     */
    public void commit() {
        if (groupCommit != null) {
            groupCommit.await();
        }
    }

    public String connectionString() {
        return "mongodb://" + address.getHostString() + ":" + address.getPort();
    }

    public int port() {
        return address.getPort();
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
