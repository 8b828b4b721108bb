package dev.harrow.backend.push;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
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
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The durable schedule of pushes in MongoDB: messages ({@code push_messages}), their copies in batches of up to
 * {@value #BATCH} devices of one platform due at one moment ({@code push_batches}, {@code _id =
 * messageId/sequence}), and idempotency keys ({@code push_idempotency}).
 *
 * <p>A batch is the unit of claiming, sending and settling: one write takes up to {@value #BATCH} devices and one
 * write records what became of them, so the store's work per push stays small next to the gateway's. A batch keeps
 * the devices still to send ({@code devices}) and the final outcome of the others ({@code results}); a transient
 * failure leaves the failed devices in it, due again after the backoff.
 *
 * <p>Batches are claimed with leases. Every batch carries a claim token that every write changes; a claim sets this
 * instance's name, a fresh claim id as the token and the lease end as {@code nextAt}, in an update whose filter is
 * the token the claimer last saw, so that of two instances racing for a batch exactly one gets it. Results are
 * written back under the same claim id, so an instance whose lease ran out cannot overwrite the instance that took
 * over. {@code nextAt} is the next moment a batch needs attention (its due time, its retry, or its lease end while
 * claimed); settled batches drop it. A message's batches become claimable only once the message is marked
 * expanded, so a backend that stops halfway through an expansion leaves nothing half-sent: the expansion is
 * redone from scratch.
 */
public final class PushOutbox {
    static final String MESSAGES = "push_messages";
    static final String BATCHES = "push_batches";
    static final String IDEMPOTENCY = "push_idempotency";
    /** Devices per batch: FCM's sendEach limit, and a document of tens of kilobytes. */
    static final int BATCH = 500;
    /** The claim token: changed by every write to a batch, so a compare-and-set on it sees any change. */
    static final String TOKEN = "claim";
    private static final String NEW = "new";
    private static final String SETTLED = "settled";
    private static final String DONE = "DONE";
    /** Batches one sweep reads at most; what is beyond waits for the list to run dry. */
    private static final int SWEEP_PAGE = 5_000;

    private final MongoCollection<Document> messages;
    private final MongoCollection<Document> batches;
    private final MongoCollection<Document> idempotency;
    private final Runnable durable;
    private final ObjectMapper json;
    private final DueList dueList = new DueList(50_000);
    private final Object sweepLock = new Object();
    private final Object claimLock = new Object();
    private Instant nextSweep = Instant.MIN;
    private boolean sweepWasPartial;

    /** Devices that share a batch: one platform, one due moment. */
    private record Group(Instant due, String platform) {
    }

    private static final Comparator<Group> GROUP_ORDER = Comparator.comparing(Group::due)
            .thenComparing(Group::platform);

    /** One device of a batch. */
    public record Target(String deviceId, String token) {
    }

    /** A batch taken for sending under a claim. */
    public record Claimed(String id, String messageId, String appId, String platform, Instant expiresAt, int attempts,
                          String claim, List<Target> targets) {
    }

    /**
     * What became of one device's copy: a final state, or {@link DeliveryState#PENDING} to try again; {@code at} is
     * when the gateway answered (null: when it is written down), from which push latencies are measured.
     */
    public record Outcome(Target target, DeliveryState state, String reason, String gatewayId, Instant at) {
    }

    /**
     * What became of a claimed batch. Outcomes left {@link DeliveryState#PENDING} stay in the batch, due again at
     * {@code retryAt}, with {@code retryReason} shown while they wait.
     */
    public record Settled(Claimed batch, List<Outcome> outcomes, Instant retryAt, String retryReason) {
    }

    public PushOutbox(MongoDatabase database, Runnable durable, ObjectMapper json) {
        this.messages = database.getCollection(MESSAGES);
        this.batches = database.getCollection(BATCHES);
        this.idempotency = database.getCollection(IDEMPOTENCY);
        this.durable = durable;
        this.json = json;
    }

    public void ensureIndexes() {
        // (_id, claim) is unique anyway; as an index it serves the compare-and-set of every claim and settlement,
        // in the embedded store too (which serves equality on unique indexes only and ignores the others).
        batches.createIndex(Indexes.ascending("_id", TOKEN), new IndexOptions().name("claim").unique(true));
        // On MongoDB: the sweep (only batches still waiting carry nextAt) and a message's status.
        batches.createIndex(Indexes.ascending("nextAt"), new IndexOptions().name("next_at"));
        batches.createIndex(Indexes.ascending("message"), new IndexOptions().name("message"));
        // On MongoDB: one device's pushes, whether still waiting in a batch or settled in its results.
        batches.createIndex(Indexes.ascending("app", "devices.d", "dueAt"), new IndexOptions().name("waiting_device"));
        batches.createIndex(Indexes.ascending("app", "results.d", "dueAt"), new IndexOptions().name("settled_device"));
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
     * Writes the message's batches: its devices grouped by platform and by the moment the schedule falls due in
     * each device's zone, in device order, {@value #BATCH} at a time; then marks the message expanded, which makes
     * the batches claimable. Safe to run again for the same message: batches already there stay as they are.
     */
    public int expand(PushMessage message, List<DeviceToken> tokens, Instant now) {
        PushSchedule schedule = message.schedule() == null ? PushSchedule.now() : message.schedule();
        Map<Group, List<DeviceToken>> groups = new TreeMap<>(GROUP_ORDER);
        for (DeviceToken token : tokens) {
            groups.computeIfAbsent(new Group(schedule.dueFor(token.zone(), message.createdAt()), token.platform()),
                    k -> new ArrayList<>()).add(token);
        }
        List<Document> docs = new ArrayList<>();
        List<DueList.Entry> waiting = new ArrayList<>();
        int seq = 0;
        for (Map.Entry<Group, List<DeviceToken>> group : groups.entrySet()) {
            List<DeviceToken> members = group.getValue();
            members.sort(Comparator.comparing(DeviceToken::deviceId));
            Instant due = group.getKey().due();
            for (int from = 0; from < members.size(); from += BATCH) {
                List<DeviceToken> slice = members.subList(from, Math.min(members.size(), from + BATCH));
                List<Document> devices = new ArrayList<>(slice.size());
                for (DeviceToken t : slice) {
                    devices.add(new Document("d", t.deviceId()).append("t", t.token()));
                }
                String id = String.format(Locale.ROOT, "%s/%06d", message.id(), seq++);
                Document doc = new Document("_id", id)
                        .append("message", message.id())
                        .append("app", message.appId())
                        .append("platform", slice.get(0).platform())
                        .append("dueAt", Date.from(due))
                        .append("expiresAt", Date.from(due.plus(message.content().ttl())))
                        .append("attempts", 0)
                        .append("size", devices.size())
                        .append("devices", devices)
                        .append("results", new ArrayList<>());
                if (message.cancelled()) {
                    doc.append("state", DONE).append("cancelled", true).append(TOKEN, SETTLED);
                } else {
                    doc.append("state", DeliveryState.PENDING.name()).append(TOKEN, NEW)
                            .append("nextAt", Date.from(due));
                    waiting.add(new DueList.Entry(id, NEW, due, devices.size()));
                }
                docs.add(doc);
            }
        }
        for (int from = 0; from < docs.size(); from += 50) {
            insertIgnoringDuplicates(docs.subList(from, Math.min(docs.size(), from + 50)));
        }
        messages.updateOne(Filters.eq("_id", message.id()), Updates.combine(Updates.set("expanded", true),
                Updates.set("targeted", tokens.size()), Updates.unset("recoveryUntil")));
        durable.run();
        // Only once the message is expanded: before, a claim would take a batch of an expansion not yet complete.
        waiting.forEach(dueList::offer);
        return tokens.size();
    }

    private void insertIgnoringDuplicates(List<Document> docs) {
        if (docs.isEmpty()) {
            return;
        }
        try {
            batches.insertMany(docs, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            boolean onlyDuplicates = e.getWriteErrors().stream()
                    .allMatch(w -> ErrorCategory.fromErrorCode(w.getCode()) == ErrorCategory.DUPLICATE_KEY);
            if (!onlyDuplicates) {
                throw e;
            }
        }
    }

    /**
     * Takes over the expansion of a message whose creating backend stopped before finishing it (stored longer
     * than {@code lease} ago, still not expanded): marks it as being recovered by the caller for {@code lease},
     * and removes the batches the stopped expansion left, which nobody can have claimed. Empty when another
     * instance recovers it.
     */
    public List<PushMessage> takeUnexpanded(Instant now, Duration lease) {
        List<PushMessage> out = new ArrayList<>();
        for (Document doc : messages.find(Filters.and(Filters.eq("expanded", false),
                Filters.lt("createdAt", Date.from(now.minus(lease)))))) {
            Date until = doc.getDate("recoveryUntil");
            if (until != null && until.toInstant().isAfter(now)) {
                continue;
            }
            Bson free = until == null ? Filters.exists("recoveryUntil", false) : Filters.eq("recoveryUntil", until);
            if (messages.updateOne(Filters.and(Filters.eq("_id", doc.get("_id")), Filters.eq("expanded", false), free),
                    Updates.set("recoveryUntil", Date.from(now.plus(lease)))).getModifiedCount() == 1) {
                batches.deleteMany(Filters.eq("message", doc.get("_id")));
                out.add(fromDocument(doc));
            }
        }
        return out;
    }

    public Optional<PushMessage> message(String id) {
        return Optional.ofNullable(messages.find(Filters.eq("_id", id)).first()).map(this::fromDocument);
    }

    /** An app's latest messages, newest first. */
    public List<PushMessage> recent(String appId, int limit) {
        List<PushMessage> out = new ArrayList<>();
        for (Document doc : messages.find(Filters.eq("app", appId)).sort(Sorts.descending("createdAt"))
                .limit(limit)) {
            out.add(fromDocument(doc));
        }
        return out;
    }

    public List<PushMessage> messages(Collection<String> ids) {
        List<PushMessage> out = new ArrayList<>();
        for (Document doc : messages.find(Filters.in("_id", ids))) {
            out.add(fromDocument(doc));
        }
        return out;
    }

    /** Cancels a message: its batches not yet claimed never go out. Returns how many devices were stopped. */
    public long cancel(String messageId) {
        messages.updateOne(Filters.eq("_id", messageId), Updates.set("cancelled", true));
        long stopped = 0;
        for (Document doc : batches.find(Filters.and(Filters.eq("message", messageId),
                Filters.eq("state", DeliveryState.PENDING.name())))
                .projection(Projections.include("_id", TOKEN, "size"))) {
            stopped += batches.updateOne(underToken(doc.getString("_id"), doc.getString(TOKEN)),
                    Updates.combine(Updates.set("state", DONE), Updates.set("cancelled", true),
                            Updates.set(TOKEN, SETTLED), Updates.unset("nextAt"))).getModifiedCount()
                    * doc.getInteger("size", 0);
        }
        durable.run();
        return stopped;
    }

    /**
     * Takes due batches (and those whose claim expired) for {@code owner}, until they hold at least {@code limit}
     * devices. Candidates come from this instance's {@link DueList}, refreshed by a sweep of the schedule every
     * {@code sweepEvery}; each is taken with a compare-and-set on its claim token, so of two instances racing for a
     * batch exactly one gets it, and a stale candidate costs one update that matches nothing.
     */
    public List<Claimed> claim(String owner, Instant now, int limit, Duration lease, Duration sweepEvery) {
        sweepIfDue(now, sweepEvery);
        List<DueList.Entry> due = dueList.takeDue(now, limit);
        if (due.isEmpty()) {
            return List.of();
        }
        String claim = owner + ":" + UUID.randomUUID();
        Bson take = Updates.combine(Updates.set("state", DeliveryState.CLAIMED.name()), Updates.set("owner", owner),
                Updates.set(TOKEN, claim), Updates.set("nextAt", Date.from(now.plus(lease))));
        List<WriteModel<Document>> takes = new ArrayList<>(due.size());
        List<String> ids = new ArrayList<>(due.size());
        for (DueList.Entry e : due) {
            takes.add(new UpdateOneModel<>(underToken(e.id(), e.token()), take));
            ids.add(e.id());
        }
        List<Document> taken = new ArrayList<>();
        // The embedded store checks a write's filter and applies it in two steps, so two of this process's loops
        // taking one batch (offered again by a sweep that read it before the first claim landed) could both
        // succeed, each reading back its own token in turn: they take turns here. Between processes the
        // compare-and-set decides, which MongoDB does atomically.
        synchronized (claimLock) {
            batches.bulkWrite(takes, new BulkWriteOptions().ordered(false));
            durable.run();
            batches.find(Filters.in("_id", ids)).projection(Projections.exclude("results")).into(taken);
        }
        List<Claimed> mine = new ArrayList<>();
        for (Document doc : taken) {
            if (claim.equals(doc.getString(TOKEN))) {
                List<Target> targets = new ArrayList<>();
                for (Document d : doc.getList("devices", Document.class)) {
                    targets.add(new Target(d.getString("d"), d.getString("t")));
                }
                mine.add(new Claimed(doc.getString("_id"), doc.getString("message"), doc.getString("app"),
                        doc.getString("platform"), doc.getDate("expiresAt").toInstant(),
                        doc.getInteger("attempts", 0), claim, targets));
            }
        }
        return mine;
    }

    /**
     * Reads what comes due before the next sweep into the due list: at the first claim (a restart), then every
     * {@code every}, and sooner when the list overflowed or the last sweep did not see everything. This is the one
     * query that searches the schedule; on MongoDB it is served by the {@code nextAt} index, which holds only
     * batches still waiting. Batches of messages whose expansion has not finished are left alone.
     */
    private void sweepIfDue(Instant now, Duration every) {
        synchronized (sweepLock) {
            boolean behind = dueList.takeOverflow() || (sweepWasPartial && !dueList.hasDue(now));
            if (now.isBefore(nextSweep) && !behind) {
                return;
            }
            nextSweep = now.plus(every);
            List<Document> found = new ArrayList<>();
            for (Document doc : batches.find(Filters.lte("nextAt", Date.from(now.plus(every))))
                    .projection(Projections.include("_id", "message", TOKEN, "nextAt", "size"))
                    .sort(Sorts.ascending("nextAt")).limit(SWEEP_PAGE)) {
                found.add(doc);
            }
            sweepWasPartial = found.size() == SWEEP_PAGE;
            Set<String> messageIds = new HashSet<>();
            found.forEach(doc -> messageIds.add(doc.getString("message")));
            Set<String> expanded = new HashSet<>();
            for (PushMessage m : messages(messageIds)) {
                if (m.expanded()) {
                    expanded.add(m.id());
                }
            }
            for (Document doc : found) {
                if (expanded.contains(doc.getString("message"))) {
                    dueList.offer(new DueList.Entry(doc.getString("_id"), doc.getString(TOKEN),
                            doc.getDate("nextAt").toInstant(), doc.getInteger("size", 1)));
                }
            }
        }
    }

    /** Writes what became of claimed batches, each only if its claim still holds. */
    public void settle(List<Settled> results, Instant now) {
        if (results.isEmpty()) {
            return;
        }
        List<WriteModel<Document>> writes = new ArrayList<>(results.size());
        List<DueList.Entry> retries = new ArrayList<>();
        for (Settled s : results) {
            List<Document> finals = new ArrayList<>();
            List<Document> again = new ArrayList<>();
            for (Outcome o : s.outcomes()) {
                if (o.state() == DeliveryState.PENDING) {
                    again.add(new Document("d", o.target().deviceId()).append("t", o.target().token()));
                } else {
                    finals.add(new Document("d", o.target().deviceId()).append("s", o.state().name())
                            .append("r", o.reason()).append("g", o.gatewayId())
                            .append("at", Date.from(o.at() == null ? now : o.at())));
                }
            }
            List<Bson> set = new ArrayList<>(List.of(Updates.set("devices", again), Updates.set("size", again.size()),
                    Updates.pushEach("results", finals)));
            if (s.outcomes().stream().anyMatch(o -> o.state() != DeliveryState.CANCELLED
                    && o.state() != DeliveryState.EXPIRED)) {
                set.add(Updates.inc("attempts", 1));
            }
            if (again.isEmpty()) {
                set.add(Updates.set("state", DONE));
                set.add(Updates.set(TOKEN, SETTLED));
                set.add(Updates.unset("nextAt"));
            } else {
                String token = "retry:" + UUID.randomUUID();
                set.add(Updates.set("state", DeliveryState.PENDING.name()));
                set.add(Updates.set(TOKEN, token));
                set.add(Updates.set("nextAt", Date.from(s.retryAt())));
                set.add(Updates.set("reason", s.retryReason()));
                retries.add(new DueList.Entry(s.batch().id(), token, s.retryAt(), again.size()));
            }
            writes.add(new UpdateOneModel<>(underToken(s.batch().id(), s.batch().claim()), Updates.combine(set)));
        }
        batches.bulkWrite(writes, new BulkWriteOptions().ordered(false));
        durable.run();
        retries.forEach(dueList::offer);
    }

    /**
     * The compare-and-set filter: a plain {@code {_id, claim}} document, because {@code Filters.and} renders as
     * {@code $and}, which the embedded store cannot match to the unique index and answers by a scan.
     */
    private static Bson underToken(String id, String token) {
        return new Document("_id", id).append(TOKEN, token);
    }

    /**
     * Per-state counts of a message's devices, with the reasons behind rejections and failures, how many pending
     * ones wait for a retry after a transient failure, and when each accepted copy was taken by its gateway.
     */
    public Counts counts(String messageId) {
        Map<DeliveryState, Long> byState = new EnumMap<>(DeliveryState.class);
        Map<String, Long> rejected = new LinkedHashMap<>();
        Map<String, Long> failed = new LinkedHashMap<>();
        Map<String, Instant> sentAt = new HashMap<>();
        long retrying = 0;
        for (Document batch : batches.find(Filters.eq("message", messageId))) {
            for (Document r : batch.getList("results", Document.class)) {
                DeliveryState state = DeliveryState.valueOf(r.getString("s"));
                byState.merge(state, 1L, Long::sum);
                String reason = r.getString("r") == null ? "unknown" : r.getString("r");
                if (state == DeliveryState.REJECTED) {
                    rejected.merge(reason, 1L, Long::sum);
                } else if (state == DeliveryState.FAILED) {
                    failed.merge(reason, 1L, Long::sum);
                } else if (state == DeliveryState.ACCEPTED) {
                    sentAt.put(r.getString("d"), r.getDate("at").toInstant());
                }
            }
            long waiting = batch.getList("devices", Document.class).size();
            if (waiting > 0) {
                DeliveryState state = waitingState(batch);
                byState.merge(state, waiting, Long::sum);
                if (state == DeliveryState.PENDING && batch.getInteger("attempts", 0) > 0) {
                    retrying += waiting;
                }
            }
        }
        return new Counts(byState, rejected, failed, retrying, sentAt);
    }

    /** The state of the devices a batch still holds: a settled batch holds devices only when it was cancelled. */
    private static DeliveryState waitingState(Document batch) {
        String state = batch.getString("state");
        return DONE.equals(state) ? DeliveryState.CANCELLED : DeliveryState.valueOf(state);
    }

    /**
     * Per-state counts of a message's devices, with the reasons behind rejections and failures, how many pending
     * ones wait for a retry after a transient failure, and when each accepted copy was sent, by device id.
     */
    public record Counts(Map<DeliveryState, Long> byState, Map<String, Long> rejectedByReason,
                         Map<String, Long> failedByReason, long retrying, Map<String, Instant> sentAt) {
        public long of(DeliveryState state) {
            return byState.getOrDefault(state, 0L);
        }
    }

    /** One device's copy, for the admin API: its batch's schedule and its own outcome (or wait). */
    public Optional<Document> delivery(String messageId, String deviceId) {
        for (Document batch : batches.find(Filters.eq("message", messageId))) {
            Optional<Document> copy = copyIn(batch, deviceId);
            if (copy.isPresent()) {
                return copy;
            }
        }
        return Optional.empty();
    }

    /**
     * One device's copies of an app's pushes that fell due at or after {@code since}, oldest first: what a support
     * engineer or a test farm asks when a phone says it got nothing.
     */
    public List<Document> deliveriesTo(String appId, String deviceId, Instant since, int limit) {
        List<Document> out = new ArrayList<>();
        for (Document batch : batches.find(Filters.and(Filters.eq("app", appId), Filters.gte("dueAt", Date.from(since)),
                Filters.or(Filters.eq("devices.d", deviceId), Filters.eq("results.d", deviceId))))
                .sort(Sorts.ascending("dueAt", "_id")).limit(limit)) {
            copyIn(batch, deviceId).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<Document> copyIn(Document batch, String deviceId) {
        String messageId = batch.getString("message");
        Document copy = new Document("_id", messageId + "/" + deviceId).append("message", messageId)
                .append("deviceId", deviceId).append("platform", batch.getString("platform"))
                .append("batch", batch.getString("_id")).append("dueAt", batch.getDate("dueAt"))
                .append("expiresAt", batch.getDate("expiresAt")).append("attempts", batch.getInteger("attempts"));
        for (Document r : batch.getList("results", Document.class)) {
            if (deviceId.equals(r.getString("d"))) {
                return Optional.of(copy.append("state", r.getString("s")).append("reason", r.getString("r"))
                        .append("gatewayId", r.getString("g")).append("settledAt", r.getDate("at")));
            }
        }
        for (Document d : batch.getList("devices", Document.class)) {
            if (deviceId.equals(d.getString("d"))) {
                return Optional.of(copy.append("state", waitingState(batch).name())
                        .append("reason", batch.getString("reason")).append("nextAt", batch.getDate("nextAt")));
            }
        }
        return Optional.empty();
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
