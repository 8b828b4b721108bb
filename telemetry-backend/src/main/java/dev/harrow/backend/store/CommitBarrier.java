package dev.harrow.backend.store;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Makes the embedded store's commits fall between commands, never inside one.
 *
 * <p>Why: the H2 backend writes one insert as two map updates, the document first and its {@code _id} index entry
 * second, and a delete the other way round. An MVStore commit persists whatever the maps hold at that instant. A
 * commit that lands between the two updates (MVStore's own background commit, or a commit another request asked for)
 * persists a document that its index does not know; after a crash the store answers an insert of that {@code _id}
 * with error -1 ("Document with key ... already existed") instead of a duplicate key, and a lookup by {@code _id}
 * misses it. Here, commands that change data run under a shared lock and {@link #exclusive} (commit, compaction)
 * under the exclusive one, so a persisted version always holds whole commands. Reads take no lock: they change
 * nothing a commit could tear. The lock is fair, so a stream of writes cannot starve a commit.
 */
final class CommitBarrier implements MongoBackend {
    /** Commands that only read; every other command is treated as a write. */
    private static final Set<String> READS = Set.of("find", "getmore", "count", "distinct", "listcollections",
            "listindexes", "listdatabases", "hello", "ismaster", "ping", "buildinfo", "serverstatus",
            "killcursors", "endsessions", "dbstats", "collstats", "getlasterror", "getparameter",
            "getcmdlineopts", "whatsmyuri", "getlog", "hostinfo", "connectionstatus", "currentop");

    private final MongoBackend delegate;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);

    CommitBarrier(MongoBackend delegate) {
        this.delegate = delegate;
    }

    /** Runs {@code action} while no command that changes data is in progress. */
    <T> T exclusive(Supplier<T> action) {
        lock.writeLock().lock();
        try {
            return action.get();
        } finally {
            lock.writeLock().unlock();
        }
    }

    static boolean changesData(String command, Document body) {
        String name = command.toLowerCase(Locale.ROOT);
        if (name.equals("aggregate")) {
            // only $out and $merge write; the rest of a pipeline reads
            Object pipeline = body == null ? null : body.get("pipeline");
            String text = String.valueOf(pipeline);
            return text.contains("$out") || text.contains("$merge");
        }
        return !READS.contains(name);
    }

    private <T> T guarded(String command, Document body, Supplier<T> call) {
        if (command == null || !changesData(command, body)) {
            return call.get();
        }
        lock.readLock().lock();
        try {
            return call.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    private static String commandOf(Document body) {
        return body == null || body.isEmpty() ? null : body.keySet().iterator().next();
    }

    @Override
    public Document handleMessage(MongoMessage message) {
        Document body = message.getDocument();
        return guarded(commandOf(body), body, () -> delegate.handleMessage(message));
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        return guarded(command, query, () -> delegate.handleCommand(channel, database, command, query));
    }

    @Override
    public QueryResult handleQuery(MongoQuery query) {
        return delegate.handleQuery(query);
    }

    @Override
    public void handleClose(Channel channel) {
        delegate.handleClose(channel);
    }

    @Override
    public void dropDatabase(String database) {
        guarded("dropDatabase", null, () -> {
            delegate.dropDatabase(database);
            return null;
        });
    }

    @Override
    public Collection<Document> getCurrentOperations(MongoQuery query) {
        return delegate.getCurrentOperations(query);
    }

    @Override
    public Document getServerStatus() {
        return delegate.getServerStatus();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public void closeCursors(List<Long> cursorIds) {
        delegate.closeCursors(cursorIds);
    }

    @Override
    public Clock getClock() {
        return delegate.getClock();
    }

    @Override
    public void enableOplog() {
        delegate.enableOplog();
    }

    @Override
    public void disableOplog() {
        delegate.disableOplog();
    }

    @Override
    public MongoDatabase resolveDatabase(String database) {
        return delegate.resolveDatabase(database);
    }

    @Override
    public MongoBackend version(MongoVersion version) {
        delegate.version(version);
        return this;
    }
}
