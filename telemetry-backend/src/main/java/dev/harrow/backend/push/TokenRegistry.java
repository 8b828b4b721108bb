package dev.harrow.backend.push;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.harrow.backend.store.StoreUnavailableException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device tokens in MongoDB ({@code push_tokens}, one document per {@code appId/deviceId}). Registrations from many
 * requests are written together: one writer thread takes what has queued up (up to {@value #WRITE_BATCH}), writes it
 * as one unordered bulk upsert, makes it durable once, and only then answers every request of the group. Apps
 * register at every start, so this is the write the backend sees most of after events.
 */
public final class TokenRegistry implements AutoCloseable {
    static final String COLLECTION = "push_tokens";
    static final int WRITE_BATCH = 1000;
    private static final Logger log = LoggerFactory.getLogger(TokenRegistry.class);

    private final MongoCollection<Document> tokens;
    private final Runnable durable;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    private record Pending(DeviceToken token, CompletableFuture<Void> done) {
    }

    public TokenRegistry(MongoDatabase database, Runnable durable) {
        this.tokens = database.getCollection(COLLECTION);
        this.durable = durable;
        this.writer = new Thread(this::writeLoop, "harrow-token-writer");
        writer.setDaemon(true);
        writer.start();
    }

    public void ensureIndexes() {
        tokens.createIndex(Indexes.ascending("app", "token"), new IndexOptions().name("app_token"));
        tokens.createIndex(Indexes.ascending("app", "active", "platform"), new IndexOptions().name("app_active"));
    }

    /** Registers or refreshes a token; completes once it is durably stored. */
    public CompletableFuture<Void> register(DeviceToken token) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new StoreUnavailableException("the backend is stopping", null));
            return done;
        }
        queue.add(new Pending(token, done));
        return done;
    }

    private void writeLoop() {
        List<Pending> group = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, WRITE_BATCH - 1);
                write(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                group.clear();
            }
        }
    }

    private void write(List<Pending> group) {
        List<WriteModel<Document>> writes = new ArrayList<>(group.size());
        for (Pending p : group) {
            writes.add(new ReplaceOneModel<>(Filters.eq("_id", id(p.token().appId(), p.token().deviceId())),
                    toDocument(p.token()), new ReplaceOptions().upsert(true)));
        }
        try {
            tokens.bulkWrite(writes, new BulkWriteOptions().ordered(false));
            durable.run();
            group.forEach(p -> p.done().complete(null));
        } catch (MongoException | IllegalStateException e) {
            log.warn("{} token registrations not stored: {}", group.size(), e.getMessage());
            StoreUnavailableException failure = new StoreUnavailableException("MongoDB unavailable: "
                    + e.getMessage(), e);
            group.forEach(p -> p.done().completeExceptionally(failure));
        }
    }

    public Optional<DeviceToken> find(String appId, String deviceId) {
        return Optional.ofNullable(tokens.find(Filters.eq("_id", id(appId, deviceId))).first())
                .map(TokenRegistry::fromDocument);
    }

    /** The active tokens a target reaches. */
    public List<DeviceToken> reachedBy(String appId, PushTarget target) {
        List<Bson> filter = new ArrayList<>(List.of(Filters.eq("app", appId), Filters.eq("active", true)));
        if (!target.deviceIds().isEmpty()) {
            // By _id alone: the one shape of query every store answers from its index (app and activity are
            // checked here).
            List<String> ids = target.deviceIds().stream().distinct().map(d -> id(appId, d)).toList();
            List<DeviceToken> reached = new ArrayList<>();
            for (Document doc : tokens.find(Filters.in("_id", ids))) {
                DeviceToken token = fromDocument(doc);
                if (token.active() && appId.equals(token.appId())) {
                    reached.add(token);
                }
            }
            return reached;
        } else if (target.segment() != null) {
            // The cheap parts of the segment go to the store, so that fewer registrations travel; the rest (app
            // versions, which compare part by part) is decided here.
            Segment segment = target.segment();
            if (!segment.platforms().isEmpty()) {
                filter.add(Filters.in("platform", segment.platforms()));
            }
            if (!segment.tags().isEmpty()) {
                filter.add(Filters.all("tags", segment.tags()));
            }
            if (!segment.languages().isEmpty()) {
                filter.add(Filters.in("language", segment.languages()));
            }
            if (!segment.timeZones().isEmpty()) {
                filter.add(Filters.in("timeZone", segment.timeZones()));
            }
        }
        List<DeviceToken> reached = new ArrayList<>();
        for (Document doc : tokens.find(Filters.and(filter))) {
            DeviceToken token = fromDocument(doc);
            if (target.matches(token)) {
                reached.add(token);
            }
        }
        return reached;
    }

    /**
     * Marks a token dead after a gateway said so, unless the app registered it again after {@code invalidAt}
     * (APNs' rule: a token re-registered after its invalidation is live again).
     *
     * @return how many registrations it ended (0 or 1 per device holding the token)
     */
    public long deactivate(String appId, String token, String reason, Instant invalidAt, Instant now) {
        return tokens.updateMany(Filters.and(Filters.eq("app", appId), Filters.eq("token", token),
                        Filters.eq("active", true), Filters.lte("lastSeen", Date.from(invalidAt))),
                Updates.combine(Updates.set("active", false), Updates.set("deactivatedAt", Date.from(now)),
                        Updates.set("deactivatedReason", reason))).getModifiedCount();
    }

    public long countActive(String appId) {
        return tokens.countDocuments(Filters.and(Filters.eq("app", appId), Filters.eq("active", true)));
    }

    static String id(String appId, String deviceId) {
        return appId + "/" + deviceId;
    }

    static Document toDocument(DeviceToken t) {
        return new Document("_id", id(t.appId(), t.deviceId()))
                .append("app", t.appId())
                .append("deviceId", t.deviceId())
                .append("token", t.token())
                .append("platform", t.platform())
                .append("language", t.language())
                .append("timeZone", t.timeZone())
                .append("appVersion", t.appVersion())
                .append("tags", new ArrayList<>(t.tags()))
                .append("lastSeen", Date.from(t.lastSeen()))
                .append("active", t.active())
                .append("deactivatedAt", t.deactivatedAt() == null ? null : Date.from(t.deactivatedAt()))
                .append("deactivatedReason", t.deactivatedReason());
    }

    static DeviceToken fromDocument(Document d) {
        Date deactivated = d.getDate("deactivatedAt");
        return new DeviceToken(d.getString("app"), d.getString("deviceId"), d.getString("token"),
                d.getString("platform"), d.getString("language"), d.getString("timeZone"), d.getString("appVersion"),
                new HashSet<>(d.getList("tags", String.class, List.of())), d.getDate("lastSeen").toInstant(),
                d.getBoolean("active", false), deactivated == null ? null : deactivated.toInstant(),
                d.getString("deactivatedReason"));
    }

    @Override
    public void close() {
        closed = true;
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
