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
import dev.harrow.backend.config.Secrets;
import dev.harrow.backend.store.StoreUnavailableException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
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
 *
 * <p>Integrity, against anyone who holds the app key (docs/SECURITY.md): a registration is replaced only by the
 * installation that made it, which proves itself with the installation secret issued at its first registration (kept
 * as a hash) or with the token it registered before; and a token belongs to one device at a time
 * ({@code push_token_owners}, by a hash of the token): registering it for another device ends the first device's
 * registration, so that one token never collects a push once per device id.
 */
public final class TokenRegistry implements AutoCloseable {
    static final String COLLECTION = "push_tokens";
    static final String OWNERS = "push_token_owners";
    static final int WRITE_BATCH = 1000;
    private static final Logger log = LoggerFactory.getLogger(TokenRegistry.class);

    private final MongoCollection<Document> tokens;
    private final MongoCollection<Document> owners;
    private final Runnable durable;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    /**
     * How a registration shows it comes from the installation that made the one it replaces.
     *
     * @param secret the installation secret the backend issued to it, or null
     * @param previousToken the token it registered before, or null
     * @param trusted an admin's import: no proof needed, no secret issued
     */
    public record Proof(String secret, String previousToken, boolean trusted) {
        public static final Proof ADMIN = new Proof(null, null, true);
    }

    /** What a stored registration gives back: the installation secret when one was issued now, else null. */
    public record Registered(String installationSecret) {
    }

    /** The device id is registered by another installation, which has not proved itself. */
    public static final class InstallationMismatch extends Exception {
        private static final long serialVersionUID = 1L;

        InstallationMismatch(String deviceId) {
            super("device " + deviceId + " is registered by another installation: send the installation secret "
                    + "it was given (or the token it registered) to replace it", null, false, false);
        }
    }

    private record Pending(DeviceToken token, Proof proof, CompletableFuture<Registered> done) {
    }

    public TokenRegistry(MongoDatabase database, Runnable durable) {
        this.tokens = database.getCollection(COLLECTION);
        this.owners = database.getCollection(OWNERS);
        this.durable = durable;
        this.writer = new Thread(this::writeLoop, "harrow-token-writer");
        writer.setDaemon(true);
        writer.start();
    }

    public void ensureIndexes() {
        tokens.createIndex(Indexes.ascending("app", "token"), new IndexOptions().name("app_token"));
        tokens.createIndex(Indexes.ascending("app", "active", "platform"), new IndexOptions().name("app_active"));
    }

    /**
     * Registers or refreshes a token; completes once it is durably stored, or with {@link InstallationMismatch} when
     * another installation holds the device id.
     */
    public CompletableFuture<Registered> register(DeviceToken token, Proof proof) {
        CompletableFuture<Registered> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new StoreUnavailableException("the backend is stopping", null));
            return done;
        }
        queue.add(new Pending(token, proof, done));
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
        try {
            Map<String, Document> current = new HashMap<>();
            List<String> ids = group.stream().map(p -> id(p.token().appId(), p.token().deviceId())).distinct().toList();
            tokens.find(Filters.in("_id", ids)).forEach(d -> current.put(d.getString("_id"), d));
            Map<String, String> ownerOf = new HashMap<>();
            List<String> ownerIds = group.stream().map(p -> ownerId(p.token())).distinct().toList();
            owners.find(Filters.in("_id", ownerIds)).forEach(d -> ownerOf.put(d.getString("_id"), d.getString("d")));

            List<WriteModel<Document>> writes = new ArrayList<>(group.size());
            List<WriteModel<Document>> ownerWrites = new ArrayList<>();
            Map<Pending, Registered> answers = new LinkedHashMap<>();
            for (Pending p : group) {
                DeviceToken token = p.token();
                String id = id(token.appId(), token.deviceId());
                Document before = current.get(id);
                String hash = before == null ? null : before.getString(SECRET_HASH);
                if (before != null && !p.proof().trusted() && !proves(before, p.proof(), token.token())) {
                    p.done().completeExceptionally(new InstallationMismatch(token.deviceId()));
                    continue;
                }
                String issued = null;
                if (!p.proof().trusted() && hash == null) {
                    // a new installation (or one from before secrets): this secret is what proves it from now on
                    issued = Secrets.randomToken(24);
                    hash = hash(issued);
                }
                Document doc = toDocument(token).append(SECRET_HASH, hash);
                writes.add(new ReplaceOneModel<>(Filters.eq("_id", id), doc, new ReplaceOptions().upsert(true)));
                current.put(id, doc);
                String owner = ownerId(token);
                String previousOwner = ownerOf.get(owner);
                if (previousOwner != null && !previousOwner.equals(token.deviceId())) {
                    // the token moved: the device that held it no longer gets pushes through it
                    writes.add(new com.mongodb.client.model.UpdateOneModel<>(Filters.and(
                            Filters.eq("_id", id(token.appId(), previousOwner)), Filters.eq("token", token.token())),
                            Updates.combine(Updates.set("active", false), Updates.set("deactivatedAt",
                                    Date.from(token.lastSeen())), Updates.set("deactivatedReason",
                                    "the token was registered for another device"))));
                }
                if (!token.deviceId().equals(previousOwner)) {
                    ownerOf.put(owner, token.deviceId());
                    ownerWrites.add(new ReplaceOneModel<>(Filters.eq("_id", owner), new Document("_id", owner)
                            .append("d", token.deviceId()), new ReplaceOptions().upsert(true)));
                }
                answers.put(p, new Registered(issued));
            }
            if (!writes.isEmpty()) {
                tokens.bulkWrite(writes, new BulkWriteOptions().ordered(true));
            }
            if (!ownerWrites.isEmpty()) {
                owners.bulkWrite(ownerWrites, new BulkWriteOptions().ordered(true));
            }
            durable.run();
            answers.forEach((p, registered) -> p.done().complete(registered));
        } catch (MongoException | IllegalStateException e) {
            log.warn("{} token registrations not stored: {}", group.size(), e.getMessage());
            StoreUnavailableException failure = new StoreUnavailableException("MongoDB unavailable: "
                    + e.getMessage(), e);
            group.forEach(p -> p.done().completeExceptionally(failure));
        }
    }

    static final String SECRET_HASH = "secretHash";

    /**
     * Whether a registration proves it comes from the installation that made {@code before}: its secret, the token
     * registered before (a token is known only to its device), or the same token again (a retry).
     */
    private static boolean proves(Document before, Proof proof, String token) {
        String hash = before.getString(SECRET_HASH);
        if (hash == null) {
            return true;  // registered before installation secrets existed: the first registration since claims it
        }
        if (token != null && Secrets.constantTimeEquals(before.getString("token"), token)) {
            return true;
        }
        if (proof.secret() != null && Secrets.constantTimeEquals(hash, hash(proof.secret()))) {
            return true;
        }
        return proof.previousToken() != null && Secrets.constantTimeEquals(before.getString("token"),
                proof.previousToken());
    }

    private static String ownerId(DeviceToken token) {
        return token.appId() + "|" + hash(token.token());
    }

    static String hash(String value) {
        if (value == null) {
            return null;
        }
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Forgets a device's registration (and so its installation); returns whether there was one. */
    public boolean forget(String appId, String deviceId) {
        boolean existed = tokens.deleteOne(Filters.eq("_id", id(appId, deviceId))).getDeletedCount() > 0;
        durable.run();
        return existed;
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
