package dev.harrow.backend.push;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The durable schedule of pushes in MongoDB: messages ({@code push_messages}), one delivery per targeted device
 * ({@code push_deliveries}, {@code _id = messageId/deviceId}), and idempotency keys ({@code push_idempotency}).
 *
 * <p>Deliveries are claimed with leases: a claim marks due deliveries with this instance's name, a fresh claim id
 * and a lease end in one update whose filter repeats "still due", so that of two instances racing for the same
 * delivery exactly one sees it under its claim id. Results are written back under the same claim id, so an
 * instance whose lease ran out cannot overwrite the instance that took over. Everything the dispatcher needs to
 * resume after a restart is in these documents: a message not yet expanded is expanded again (deliveries are keyed,
 * so nothing doubles), pending deliveries stay pending, and claims of a dead instance expire.
 */
public final class PushOutbox {
    static final String MESSAGES = "push_messages";
    static final String DELIVERIES = "push_deliveries";
    static final String IDEMPOTENCY = "push_idempotency";

    private final MongoCollection<Document> messages;
    private final MongoCollection<Document> deliveries;
    private final MongoCollection<Document> idempotency;
    private final Runnable durable;
    private final ObjectMapper json;

    /** A delivery taken for sending under a claim. */
    public record Claimed(String id, String messageId, String appId, String deviceId, String token, String platform,
                          Instant expiresAt, int attempts, String claim) {
    }

    /** What became of a claimed delivery. */
    public record Settled(Claimed delivery, DeliveryState state, String reason, String gatewayId, Instant nextAt) {
    }

    public PushOutbox(MongoDatabase database, Runnable durable, ObjectMapper json) {
        this.messages = database.getCollection(MESSAGES);
        this.deliveries = database.getCollection(DELIVERIES);
        this.idempotency = database.getCollection(IDEMPOTENCY);
        this.durable = durable;
        this.json = json;
    }

    public void ensureIndexes() {
        // Single-field indexes: the embedded store ignores non-unique compound ones, and these are the lookups
        // that must not scan every delivery (a message's, a claim's).
        deliveries.createIndex(Indexes.ascending("message"), new IndexOptions().name("message"));
        deliveries.createIndex(Indexes.ascending("claim"), new IndexOptions().name("claim"));
        deliveries.createIndex(Indexes.ascending("nextAt"), new IndexOptions().name("next_at"));
        messages.createIndex(Indexes.ascending("expanded"), new IndexOptions().name("expanded"));
    }

    /**
     * Stores a new message, or returns the one created earlier with the same idempotency key.
     *
     * @return the stored message and whether it was already there
     */
    public Map.Entry<PushMessage, Boolean> create(PushMessage message) {
        if (message.idempotencyKey() != null) {
            String key = message.appId() + "\u0000" + message.idempotencyKey();
            try {
                idempotency.insertOne(new Document("_id", key).append("message", message.id()));
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
                Document earlier = idempotency.find(Filters.eq("_id", key)).first();
                Optional<PushMessage> existing = earlier == null ? Optional.empty()
                        : message(earlier.getString("message"));
                if (existing.isPresent()) {
                    return Map.entry(existing.get(), true);
                }
                // The key was taken by a request that died before storing its message: this one takes it over.
                idempotency.replaceOne(Filters.eq("_id", key), new Document("_id", key).append("message",
                        message.id()));
            }
        }
        messages.insertOne(toDocument(message));
        durable.run();
        return Map.entry(message, false);
    }

    /**
     * Writes one delivery per token, due at the schedule's moment in the token's own zone, then marks the message
     * expanded. Safe to run again for the same message: deliveries already there stay as they are.
     */
    public int expand(PushMessage message, List<DeviceToken> tokens, Instant now) {
        List<Document> docs = new ArrayList<>(tokens.size());
        PushSchedule schedule = message.schedule() == null ? PushSchedule.now() : message.schedule();
        for (DeviceToken token : tokens) {
            Instant due = schedule.dueFor(token.zone(), message.createdAt());
            Instant expires = due.plus(message.content().ttl());
            docs.add(new Document("_id", message.id() + "/" + token.deviceId())
                    .append("message", message.id())
                    .append("app", message.appId())
                    .append("deviceId", token.deviceId())
                    .append("token", token.token())
                    .append("platform", token.platform())
                    .append("zone", token.zone().getId())
                    .append("dueAt", Date.from(due))
                    .append("expiresAt", Date.from(expires))
                    .append("state", message.cancelled() ? DeliveryState.CANCELLED.name() : DeliveryState.PENDING.name())
                    .append("nextAt", Date.from(due))
                    .append("attempts", 0));
        }
        for (int from = 0; from < docs.size(); from += 1000) {
            insertIgnoringDuplicates(docs.subList(from, Math.min(docs.size(), from + 1000)));
        }
        messages.updateOne(Filters.eq("_id", message.id()), Updates.combine(Updates.set("expanded", true),
                Updates.set("targeted", tokens.size())));
        durable.run();
        return tokens.size();
    }

    private void insertIgnoringDuplicates(List<Document> docs) {
        if (docs.isEmpty()) {
            return;
        }
        try {
            deliveries.insertMany(docs, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            boolean onlyDuplicates = e.getWriteErrors().stream()
                    .allMatch(w -> ErrorCategory.fromErrorCode(w.getCode()) == ErrorCategory.DUPLICATE_KEY);
            if (!onlyDuplicates) {
                throw e;
            }
        }
    }

    /** Messages stored but not expanded yet: a backend stopped between the two. */
    public List<PushMessage> unexpanded(Instant createdBefore) {
        List<PushMessage> out = new ArrayList<>();
        for (Document doc : messages.find(Filters.and(Filters.eq("expanded", false),
                Filters.lt("createdAt", Date.from(createdBefore))))) {
            out.add(fromDocument(doc));
        }
        return out;
    }

    public Optional<PushMessage> message(String id) {
        return Optional.ofNullable(messages.find(Filters.eq("_id", id)).first()).map(this::fromDocument);
    }

    public List<PushMessage> messages(Collection<String> ids) {
        List<PushMessage> out = new ArrayList<>();
        for (Document doc : messages.find(Filters.in("_id", ids))) {
            out.add(fromDocument(doc));
        }
        return out;
    }

    /** Cancels a message: its deliveries not yet claimed never go out. Returns how many were stopped. */
    public long cancel(String messageId) {
        messages.updateOne(Filters.eq("_id", messageId), Updates.set("cancelled", true));
        long stopped = deliveries.updateMany(Filters.and(Filters.eq("message", messageId),
                        Filters.eq("state", DeliveryState.PENDING.name())),
                Updates.set("state", DeliveryState.CANCELLED.name())).getModifiedCount();
        durable.run();
        return stopped;
    }

    /** Takes up to {@code limit} due deliveries (and those whose claim expired) for {@code owner}. */
    public List<Claimed> claim(String owner, Instant now, int limit, Duration lease) {
        Bson due = Filters.or(
                Filters.and(Filters.eq("state", DeliveryState.PENDING.name()), Filters.lte("nextAt", Date.from(now))),
                Filters.and(Filters.eq("state", DeliveryState.CLAIMED.name()),
                        Filters.lt("leaseUntil", Date.from(now))));
        List<String> ids = new ArrayList<>();
        for (Document doc : deliveries.find(due).projection(Projections.include("_id"))
                .sort(Sorts.ascending("nextAt")).limit(limit)) {
            ids.add(doc.getString("_id"));
        }
        if (ids.isEmpty()) {
            return List.of();
        }
        String claim = owner + ":" + UUID.randomUUID();
        Bson take = Updates.combine(Updates.set("state", DeliveryState.CLAIMED.name()), Updates.set("owner", owner),
                Updates.set("claim", claim), Updates.set("leaseUntil", Date.from(now.plus(lease))));
        // One update per candidate, found by _id, in one round trip: an $in over many ids makes some stores test
        // every delivery against every id.
        List<WriteModel<Document>> takes = new ArrayList<>(ids.size());
        for (String id : ids) {
            takes.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", id), due), take));
        }
        deliveries.bulkWrite(takes, new BulkWriteOptions().ordered(false));
        durable.run();
        List<Claimed> mine = new ArrayList<>();
        for (Document doc : deliveries.find(Filters.eq("claim", claim))) {
            mine.add(new Claimed(doc.getString("_id"), doc.getString("message"), doc.getString("app"),
                    doc.getString("deviceId"), doc.getString("token"), doc.getString("platform"),
                    doc.getDate("expiresAt").toInstant(), doc.getInteger("attempts", 0), claim));
        }
        return mine;
    }

    /** Writes what became of claimed deliveries, each only if its claim still holds. */
    public void settle(List<Settled> results, Instant now) {
        if (results.isEmpty()) {
            return;
        }
        List<WriteModel<Document>> writes = new ArrayList<>(results.size());
        for (Settled s : results) {
            List<Bson> set = new ArrayList<>(List.of(Updates.set("state", s.state().name()),
                    Updates.set("reason", s.reason()), Updates.unset("leaseUntil")));
            if (s.state() == DeliveryState.PENDING) {
                set.add(Updates.set("nextAt", Date.from(s.nextAt())));
                set.add(Updates.unset("claim"));
            } else {
                set.add(Updates.set("settledAt", Date.from(now)));
            }
            if (s.state() != DeliveryState.CANCELLED && s.state() != DeliveryState.EXPIRED) {
                set.add(Updates.inc("attempts", 1));
            }
            if (s.state() == DeliveryState.ACCEPTED) {
                set.add(Updates.set("sentAt", Date.from(now)));
                set.add(Updates.set("gatewayId", s.gatewayId()));
            }
            writes.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", s.delivery().id()),
                    Filters.eq("claim", s.delivery().claim())), Updates.combine(set)));
        }
        deliveries.bulkWrite(writes, new BulkWriteOptions().ordered(false));
        durable.run();
    }

    /** How many of a message's deliveries are in each state, and rejections and failures by reason. */
    public Counts counts(String messageId) {
        Map<DeliveryState, Long> byState = new EnumMap<>(DeliveryState.class);
        Map<String, Long> rejected = new LinkedHashMap<>();
        Map<String, Long> failed = new LinkedHashMap<>();
        long retrying = 0;
        for (Document group : deliveries.aggregate(List.of(
                Aggregates.match(Filters.eq("message", messageId)),
                Aggregates.group(new Document("state", "$state").append("reason", "$reason"),
                        Accumulators.sum("n", 1))))) {
            Document key = group.get("_id", Document.class);
            DeliveryState state = DeliveryState.valueOf(key.getString("state"));
            long n = ((Number) group.get("n")).longValue();
            byState.merge(state, n, Long::sum);
            String reason = key.getString("reason");
            if (state == DeliveryState.REJECTED) {
                rejected.merge(reason == null ? "unknown" : reason, n, Long::sum);
            } else if (state == DeliveryState.FAILED) {
                failed.merge(reason == null ? "unknown" : reason, n, Long::sum);
            } else if (state == DeliveryState.PENDING && reason != null) {
                retrying += n;
            }
        }
        return new Counts(byState, rejected, failed, retrying);
    }

    /**
     * Per-state counts of a message's deliveries, with the reasons behind rejections and failures, and how many
     * pending ones wait for a retry after a transient failure.
     */
    public record Counts(Map<DeliveryState, Long> byState, Map<String, Long> rejectedByReason,
                         Map<String, Long> failedByReason, long retrying) {
        public long of(DeliveryState state) {
            return byState.getOrDefault(state, 0L);
        }
    }

    /** When each device's copy was accepted by its gateway, by device id. */
    public Map<String, Instant> sentAt(String messageId) {
        Map<String, Instant> out = new LinkedHashMap<>();
        for (Document doc : deliveries.find(Filters.and(Filters.eq("message", messageId),
                Filters.eq("state", DeliveryState.ACCEPTED.name())))
                .projection(Projections.include("deviceId", "sentAt"))) {
            out.put(doc.getString("deviceId"), doc.getDate("sentAt").toInstant());
        }
        return out;
    }

    /** One delivery as stored, for the admin API. */
    public Optional<Document> delivery(String messageId, String deviceId) {
        return Optional.ofNullable(deliveries.find(Filters.eq("_id", messageId + "/" + deviceId)).first());
    }

    private Document toDocument(PushMessage m) {
        return new Document("_id", m.id())
                .append("app", m.appId())
                .append("idempotencyKey", m.idempotencyKey())
                .append("target", Document.parse(write(m.target())))
                .append("content", Document.parse(write(m.content())))
                .append("schedule", m.schedule() == null ? null : Document.parse(write(m.schedule())))
                .append("createdAt", Date.from(m.createdAt()))
                .append("expanded", m.expanded())
                .append("cancelled", m.cancelled())
                .append("targeted", m.targeted());
    }

    private PushMessage fromDocument(Document d) {
        try {
            Document schedule = d.get("schedule", Document.class);
            return new PushMessage(d.getString("_id"), d.getString("app"), d.getString("idempotencyKey"),
                    json.readValue(d.get("target", Document.class).toJson(), PushTarget.class),
                    json.readValue(d.get("content", Document.class).toJson(), PushContent.class),
                    schedule == null ? null : json.readValue(schedule.toJson(), PushSchedule.class),
                    d.getDate("createdAt").toInstant(), d.getBoolean("expanded", false),
                    d.getBoolean("cancelled", false), d.getInteger("targeted", 0));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored push message " + d.get("_id") + " is unreadable", e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
