package dev.harrow.backend.analytics;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.ops.BackendMetrics;
import dev.harrow.backend.store.MongoEventStore;
import dev.harrow.backend.store.StoreUnavailableException;
import dev.harrow.backend.store.StoredKind;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollups the metrics are read from, kept up to date as events are stored: one document per app, zone, local
 * day and user ({@code analytics_user_days}) with the platforms and app versions seen, counts by event type, each
 * session's first and last event time, and each purchase by event id; and one per app and user
 * ({@code analytics_users}) with the first time the user was seen.
 *
 * <p>Every write is an upsert keyed by {@code _id}; sessions ({@code $min}/{@code $max}) and purchases (set by event
 * id) are idempotent, counts are added once per event because the store hands over only events stored for the
 * first time. A rollup write that fails after its events were stored leaves the rollups behind; a rebuild
 * ({@link #startRebuild}) recomputes an app's rollups from the raw events.
 */
public final class ActivityRollup {
    static final String USER_DAYS = "analytics_user_days";
    static final String USERS = "analytics_users";
    static final String FAILURES = "harrow_rollup_failures_total";
    private static final Logger log = LoggerFactory.getLogger(ActivityRollup.class);

    private final MongoCollection<Document> userDays;
    private final MongoCollection<Document> users;
    private final List<ZoneId> zones;
    private final BackendMetrics metrics;
    private final Map<String, Rebuild> rebuilds = new HashMap<>();

    public ActivityRollup(MongoDatabase database, List<ZoneId> zones, BackendMetrics metrics) {
        this.userDays = database.getCollection(USER_DAYS);
        this.users = database.getCollection(USERS);
        this.zones = List.copyOf(zones);
        this.metrics = metrics;
    }

    /** Who the metrics count: the signed-in user when the app names one, otherwise the device. */
    static String userOf(TelemetryEvent e) {
        return e.userId() != null && !e.userId().isBlank() ? e.userId() : e.deviceId();
    }

    /** Whether an event says someone used the app: logs and push receipts do not. */
    static boolean counts(TelemetryEvent e) {
        return StoredKind.forType(e.type()) == StoredKind.EVENTS;
    }

    /** Rolls up freshly stored events; never throws (the events are stored already). */
    public void accept(List<TelemetryEvent> fresh) {
        try {
            write(fresh);
        } catch (MongoException | IllegalStateException e) {
            metrics.count(FAILURES, "Rollup writes that failed after their events were stored (rebuild to repair).",
                    1);
            log.warn("analytics rollup of {} event(s) failed; rebuild the rollups to repair: {}", fresh.size(),
                    e.toString());
        }
    }

    private void write(List<TelemetryEvent> fresh) {
        Map<String, DayPart> parts = new LinkedHashMap<>();
        Map<String, Instant> firstSeen = new HashMap<>();
        Map<String, String> appOfUser = new HashMap<>();
        for (TelemetryEvent e : fresh) {
            if (!counts(e)) {
                continue;
            }
            String user = userOf(e);
            String userKey = e.appId() + "|" + user;
            firstSeen.merge(userKey, e.ts(), (a, b) -> a.isBefore(b) ? a : b);
            appOfUser.put(userKey, e.appId());
            for (ZoneId zone : zones) {
                LocalDate day = e.ts().atZone(zone).toLocalDate();
                String id = e.appId() + "|" + zone.getId() + "|" + day + "|" + user;
                parts.computeIfAbsent(id, k -> new DayPart(e.appId(), zone.getId(), day.toString(), user)).add(e);
            }
        }
        if (parts.isEmpty()) {
            return;
        }
        UpdateOptions upsert = new UpdateOptions().upsert(true);
        List<WriteModel<Document>> dayWrites = new ArrayList<>(parts.size());
        parts.forEach((id, part) -> dayWrites.add(new UpdateOneModel<>(Filters.eq("_id", id), part.update(), upsert)));
        userDays.bulkWrite(dayWrites, new BulkWriteOptions().ordered(false));
        List<WriteModel<Document>> userWrites = new ArrayList<>(firstSeen.size());
        firstSeen.forEach((key, first) -> userWrites.add(new UpdateOneModel<>(Filters.eq("_id", key),
                Updates.combine(Updates.setOnInsert("a", appOfUser.get(key)),
                        Updates.setOnInsert("u", key.substring(key.indexOf('|') + 1)),
                        Updates.min("first", Date.from(first))), upsert)));
        users.bulkWrite(userWrites, new BulkWriteOptions().ordered(false));
    }

    /** Where an app's rebuild is: {@code running}, {@code done} or {@code failed}, and how many events it read. */
    public record Rebuild(String app, String state, long eventsRead, Instant startedAt, Instant finishedAt,
                          String error) {
        public boolean running() {
            return state.equals("running");
        }
    }

    /**
     * Starts making an app's rollups again from its stored events, in the background: drops them, then reads every
     * event. Empty when one is running already for the app. While it runs, the app's metrics are incomplete, and
     * {@link #rebuilding} says so.
     */
    public Optional<Rebuild> startRebuild(MongoEventStore store, String appId) {
        synchronized (rebuilds) {
            Rebuild current = rebuilds.get(appId);
            if (current != null && current.running()) {
                return Optional.empty();
            }
            Rebuild started = new Rebuild(appId, "running", 0, Instant.now(), null, null);
            rebuilds.put(appId, started);
            Thread worker = new Thread(() -> rebuild(store, appId, started.startedAt()), "harrow-rollup-rebuild");
            worker.setDaemon(true);
            worker.start();
            return Optional.of(started);
        }
    }

    public Optional<Rebuild> rebuildOf(String appId) {
        synchronized (rebuilds) {
            return Optional.ofNullable(rebuilds.get(appId));
        }
    }

    public boolean rebuilding(String appId) {
        return rebuildOf(appId).map(Rebuild::running).orElse(false);
    }

    private void rebuild(MongoEventStore store, String appId, Instant startedAt) {
        long[] read = {0};
        try {
            userDays.deleteMany(Filters.eq("a", appId));
            users.deleteMany(Filters.eq("a", appId));
            List<TelemetryEvent> chunk = new ArrayList<>();
            store.eachEvent(appId, e -> {
                chunk.add(e);
                if (chunk.size() == 5000) {
                    write(chunk);
                    read[0] += chunk.size();
                    chunk.clear();
                    progress(appId, "running", read[0], startedAt, null, null);
                }
            });
            write(chunk);
            read[0] += chunk.size();
            progress(appId, "done", read[0], startedAt, Instant.now(), null);
            log.info("analytics rollups of app {} rebuilt from {} event(s)", appId, read[0]);
        } catch (StoreUnavailableException | MongoException | IllegalStateException e) {
            progress(appId, "failed", read[0], startedAt, Instant.now(), e.getMessage());
            log.warn("analytics rollup rebuild of app {} failed: {}", appId, e.toString());
        }
    }

    private void progress(String appId, String state, long read, Instant startedAt, Instant finishedAt,
                          String error) {
        synchronized (rebuilds) {
            rebuilds.put(appId, new Rebuild(appId, state, read, startedAt, finishedAt, error));
        }
    }

    /** Field names from event types and session ids, which may hold dots. */
    static String key(String raw) {
        return raw.replace("%", "%25").replace(".", "%2E").replace("$", "%24");
    }

    static String unkey(String key) {
        return key.replace("%2E", ".").replace("%24", "$").replace("%25", "%");
    }

    /** One user-day's share of a batch, written as one upsert. */
    private static final class DayPart {
        private final String app;
        private final String zone;
        private final String day;
        private final String user;
        private final TreeSet<String> platforms = new TreeSet<>();
        private final TreeSet<String> versions = new TreeSet<>();
        private final Map<String, Integer> types = new HashMap<>();
        private final Map<String, Instant[]> sessions = new HashMap<>();
        private final Map<String, Double> purchases = new HashMap<>();

        DayPart(String app, String zone, String day, String user) {
            this.app = app;
            this.zone = zone;
            this.day = day;
            this.user = user;
        }

        void add(TelemetryEvent e) {
            if (e.platform() != null) {
                platforms.add(e.platform().wire());
            }
            if (e.appVersion() != null) {
                versions.add(e.appVersion());
            }
            types.merge(key(e.type()), 1, Integer::sum);
            if (e.sessionId() != null) {
                sessions.merge(key(e.sessionId()), new Instant[] {e.ts(), e.ts()}, (a, b) -> new Instant[] {
                    a[0].isBefore(b[0]) ? a[0] : b[0], a[1].isAfter(b[1]) ? a[1] : b[1]});
            }
            if (MetricNames.PURCHASE.equals(e.type()) && e.props() != null
                    && e.props().get("amount") instanceof Number amount) {
                purchases.put(e.eventId().toString(), amount.doubleValue());
            }
        }

        Bson update() {
            List<Bson> ops = new ArrayList<>();
            ops.add(Updates.setOnInsert("a", app));
            ops.add(Updates.setOnInsert("z", zone));
            ops.add(Updates.setOnInsert("day", day));
            ops.add(Updates.setOnInsert("u", user));
            if (!platforms.isEmpty()) {
                ops.add(Updates.addEachToSet("pl", new ArrayList<>(platforms)));
            }
            if (!versions.isEmpty()) {
                ops.add(Updates.addEachToSet("v", new ArrayList<>(versions)));
            }
            types.forEach((type, n) -> ops.add(Updates.inc("ev." + type, n)));
            sessions.forEach((sid, span) -> {
                ops.add(Updates.min("ss." + sid + ".s", Date.from(span[0])));
                ops.add(Updates.max("ss." + sid + ".e", Date.from(span[1])));
            });
            purchases.forEach((id, amount) -> ops.add(Updates.set("pu." + id, amount)));
            return Updates.combine(ops);
        }
    }
}
