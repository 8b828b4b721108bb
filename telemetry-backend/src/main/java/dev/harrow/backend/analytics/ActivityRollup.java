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
import dev.harrow.backend.config.EventRules;
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
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollups the metrics are read from, kept up to date as events are stored, so that a query reads one document
 * per day whatever the number of events or users:
 * <ul>
 *   <li>{@code analytics_days}: per app, zone, local day and {@link Slice}: event counts by type, revenue in cents,
 *   sessions begun and their total length, and the day's users as {@link UserSet} bit sets: active ({@code ba}),
 *   screen viewers ({@code bv}), payers ({@code bp}) and, in the whole-app slice, users first seen that day
 *   ({@code bn});</li>
 *   <li>{@code analytics_users}: each user's dense number {@code n} (its bit) and first local day per zone;</li>
 *   <li>{@code analytics_user_days}: per app, zone, day and user, the flags (kind and slice) already counted, so
 *   that a user's bit is added once;</li>
 *   <li>{@code analytics_sessions}: each session's first and last event time and first event's slice;</li>
 *   <li>{@code analytics_apps}: per app, the last day with activity per zone, and ({@code <app>|next}) the next
 *   user number.</li>
 * </ul>
 *
 * <p>Bits are added with {@code $inc}, which both MongoDB and the embedded store run ({@code $bit} the embedded
 * store does not), and only when the before-image of an atomic {@code findOneAndUpdate} shows the flag (first day,
 * session span) was not there yet: concurrent writers of the same user-day or session each see a consistent
 * before-image, so their changes add up exactly. Counters are added once per event because the store hands over
 * only events stored for the first time. A write that fails half way leaves the rollups behind; it is counted and a
 * rebuild ({@link #startRebuild}) recomputes the app's rollups from the raw events.
 */
public final class ActivityRollup {
    static final String DAYS = "analytics_days";
    static final String USER_DAYS = "analytics_user_days";
    static final String USERS = "analytics_users";
    static final String SESSIONS = "analytics_sessions";
    static final String APPS = "analytics_apps";
    /** The user sets of a day document. */
    static final String ACTIVE = "ba";
    static final String VIEWERS = "bv";
    static final String PAYERS = "bp";
    static final String NEW = "bn";
    static final String FAILURES = "harrow_rollup_failures_total";
    private static final Logger log = LoggerFactory.getLogger(ActivityRollup.class);

    private final MongoCollection<Document> days;
    private final Revisions userDays;
    private final Revisions users;
    private final Revisions sessions;
    private final Revisions counters;
    private final MongoCollection<Document> apps;
    private final MongoDatabase database;
    private final List<ZoneId> zones;
    private final BackendMetrics metrics;
    private final Map<String, Rebuild> rebuilds = new HashMap<>();
    private final EventRules rules;

    public ActivityRollup(MongoDatabase database, List<ZoneId> zones, BackendMetrics metrics) {
        this(database, zones, metrics, EventRules.defaults());
    }

    /** @param rules what an event may claim before it counts: applied here too, so that a rebuild counts alike */
    public ActivityRollup(MongoDatabase database, List<ZoneId> zones, BackendMetrics metrics, EventRules rules) {
        this.days = database.getCollection(DAYS);
        this.userDays = new Revisions(database.getCollection(USER_DAYS));
        this.users = new Revisions(database.getCollection(USERS));
        this.sessions = new Revisions(database.getCollection(SESSIONS));
        this.counters = new Revisions(database.getCollection(APPS));
        this.database = database;
        this.apps = database.getCollection(APPS);
        this.zones = List.copyOf(zones);
        this.metrics = metrics;
        this.rules = rules;
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
        } catch (RuntimeException e) {
            metrics.count(FAILURES, "Rollup writes that failed after their events were stored (rebuild to repair).",
                    1);
            log.warn("analytics rollup of {} event(s) failed; rebuild the rollups to repair: {}", fresh.size(),
                    e.toString());
        }
    }

    private void write(List<TelemetryEvent> fresh) {
        // Stored events outside the rules (kept from before the rules, or replayed) count for nothing, as the
        // collector would have rejected them.
        List<TelemetryEvent> activity = fresh.stream().filter(ActivityRollup::counts)
                .filter(e -> e.receivedAt() == null || rules.timeAllowed(e.ts(), e.receivedAt())).toList();
        if (activity.isEmpty()) {
            return;
        }
        DayWrites out = new DayWrites();
        Map<String, Long> numbers = numberUsers(activity, out);
        for (TelemetryEvent e : activity) {
            long cents = purchaseCents(e, rules);
            for (ZoneId zone : zones) {
                LocalDate day = e.ts().atZone(zone).toLocalDate();
                out.lastDay(e.appId(), zone, day);
                for (Slice slice : Slice.of(platformOf(e), e.appVersion())) {
                    DayDoc doc = out.doc(e.appId(), zone, day, slice.key());
                    doc.add("ev." + key(e.type()), 1);
                    if (cents >= 0) {
                        doc.add("rev", cents);
                    }
                }
            }
        }
        flagUserDays(activity, numbers, out);
        spanSessions(activity, out);
        out.write();
    }

    /**
     * A purchase's amount in cents (each amount rounded to the cent), or -1 when the event is no priced purchase or
     * its amount is outside the rules (negative, not finite, over the bound).
     */
    static long purchaseCents(TelemetryEvent e, EventRules rules) {
        if (MetricNames.PURCHASE.equals(e.type()) && e.props() != null
                && e.props().get("amount") instanceof Number amount && rules.amountAllowed(amount.doubleValue())) {
            return Math.round(amount.doubleValue() * 100);
        }
        return -1;
    }

    private static String platformOf(TelemetryEvent e) {
        return e.platform() == null ? null : e.platform().wire();
    }

    /**
     * Each user's number, given to users seen for the first time from a block reserved on the app's counter; and
     * each user's first day per zone, moved (its {@code bn} bit with it) when a batch holds an earlier day.
     */
    private Map<String, Long> numberUsers(List<TelemetryEvent> activity, DayWrites out) {
        Map<String, String> appOf = new LinkedHashMap<>();
        Map<String, Map<String, String>> earliest = new HashMap<>();
        for (TelemetryEvent e : activity) {
            String userKey = e.appId() + "|" + userOf(e);
            appOf.put(userKey, e.appId());
            Map<String, String> first = earliest.computeIfAbsent(userKey, k -> new HashMap<>());
            for (ZoneId zone : zones) {
                first.merge(key(zone.getId()), e.ts().atZone(zone).toLocalDate().toString(),
                        (x, y) -> x.compareTo(y) <= 0 ? x : y);
            }
        }
        Map<String, Document> known = users.read(appOf.keySet());
        Map<String, long[]> reserved = new HashMap<>();
        Map<String, Long> missing = new LinkedHashMap<>();
        appOf.forEach((userKey, app) -> {
            if (!known.containsKey(userKey)) {
                missing.merge(app, 1L, Long::sum);
            }
        });
        missing.forEach((app, count) -> reserved.put(app, reserve(app, count)));
        Map<String, Long> numbers = new HashMap<>();
        users.apply(appOf.keySet(), known, (userKey, before) -> {
            Map<String, String> mine = earliest.get(userKey);
            if (before == null) {
                // Numbers of a block whose users another writer created first stay unused.
                long[] block = reserved.get(appOf.get(userKey));
                if (block == null || block[0] == block[1]) {
                    block = reserve(appOf.get(userKey), 1);
                    reserved.put(appOf.get(userKey), block);
                }
                long n = block[0]++;
                numbers.put(userKey, n);
                return new Document("a", appOf.get(userKey)).append("n", n).append("f", new Document(
                        new TreeMap<>(mine)));
            }
            numbers.put(userKey, ((Number) before.get("n")).longValue());
            Document first = new Document(before.get("f", Document.class));
            boolean earlier = false;
            for (Map.Entry<String, String> day : mine.entrySet()) {
                String stored = first.getString(day.getKey());
                if (stored == null || day.getValue().compareTo(stored) < 0) {
                    first.put(day.getKey(), day.getValue());
                    earlier = true;
                }
            }
            return earlier ? new Document("a", before.get("a")).append("n", before.get("n")).append("f", first) : null;
        }, (userKey, before, after) -> {
            String app = appOf.get(userKey);
            long n = numbers.get(userKey);
            Document was = before == null ? new Document() : before.get("f", Document.class);
            Document now = after.get("f", Document.class);
            for (ZoneId zone : zones) {
                String old = was.getString(key(zone.getId()));
                String day = now.getString(key(zone.getId()));
                if (day.equals(old)) {
                    continue;
                }
                if (old != null) {
                    out.doc(app, zone, LocalDate.parse(old), Slice.ALL.key()).add(NEW + "." + UserSet.word(n),
                            -UserSet.mask(n));
                }
                out.doc(app, zone, LocalDate.parse(day), Slice.ALL.key()).add(NEW + "." + UserSet.word(n),
                        UserSet.mask(n));
            }
        });
        return numbers;
    }

    /**
     * A block of {@code count} user numbers of the app, as {next, end}, by compare-and-set on its counter (the
     * embedded store's {@code findOneAndUpdate} may hand two writers the same after-image; its updates are atomic).
     */
    private long[] reserve(String app, long count) {
        long[] block = new long[2];
        counters.apply(List.of(app + "|next"), (id, before) -> {
            long next = before == null ? 0 : ((Number) before.get("next")).longValue();
            block[0] = next;
            block[1] = next + count;
            return new Document("a", app).append("next", next + count);
        }, (id, before, after) -> { });
        return block;
    }

    /** Adds each user's bit to the day's sets (active, viewers, payers per slice) the first time it is due. */
    private void flagUserDays(List<TelemetryEvent> activity, Map<String, Long> numbers, DayWrites out) {
        Map<String, Set<String>> flags = new LinkedHashMap<>();
        Map<String, UserDayAt> where = new HashMap<>();
        for (TelemetryEvent e : activity) {
            String user = userOf(e);
            for (ZoneId zone : zones) {
                LocalDate day = e.ts().atZone(zone).toLocalDate();
                String id = e.appId() + "|" + zone.getId() + "|" + day + "|" + user;
                where.putIfAbsent(id, new UserDayAt(e.appId(), zone, day, numbers.get(e.appId() + "|" + user)));
                Set<String> wanted = flags.computeIfAbsent(id, k -> new TreeSet<>());
                for (Slice slice : Slice.of(platformOf(e), e.appVersion())) {
                    wanted.add(ACTIVE + "|" + slice.key());
                    if (MetricNames.SCREEN_VIEW.equals(e.type())) {
                        wanted.add(VIEWERS + "|" + slice.key());
                    }
                    if (purchaseCents(e, rules) >= 0) {
                        wanted.add(PAYERS + "|" + slice.key());
                    }
                }
            }
        }
        userDays.apply(flags.keySet(), (id, before) -> {
            Set<String> all = new TreeSet<>(flags.get(id));
            if (before != null) {
                List<String> had = before.getList("fl", String.class, List.of());
                if (had.containsAll(all)) {
                    return null;
                }
                all.addAll(had);
            }
            return new Document("a", where.get(id).app()).append("fl", new ArrayList<>(all));
        }, (id, before, after) -> {
            List<String> had = before == null ? List.of() : before.getList("fl", String.class, List.of());
            UserDayAt at = where.get(id);
            for (String flag : flags.get(id)) {
                if (!had.contains(flag)) {
                    int bar = flag.indexOf('|');
                    out.doc(at.app(), at.zone(), at.day(), flag.substring(bar + 1))
                            .add(flag.substring(0, bar) + "." + UserSet.word(at.user()), UserSet.mask(at.user()));
                }
            }
        });
    }

    /**
     * Widens each session's span and moves its count and length to the day (and slices) of its first event: the
     * before-image says what was counted where, so the change is exact however the session's events arrive.
     */
    private void spanSessions(List<TelemetryEvent> activity, DayWrites out) {
        Map<String, SessionSpan> spans = new LinkedHashMap<>();
        for (TelemetryEvent e : activity) {
            if (e.sessionId() != null) {
                spans.merge(e.appId() + "|" + userOf(e) + "|" + e.sessionId(), SessionSpan.of(e), SessionSpan::union);
            }
        }
        sessions.apply(spans.keySet(), (id, before) -> {
            SessionSpan mine = spans.get(id);
            SessionSpan was = SessionSpan.of(before);
            SessionSpan now = was == null ? mine : was.union(mine);
            return now.equals(was) ? null : now.document();
        }, (id, before, after) -> {
            SessionSpan was = SessionSpan.of(before);
            SessionSpan now = SessionSpan.of(after);
            for (ZoneId zone : zones) {
                if (was != null) {
                    was.count(zone, -1, maxSessionMillis(), out);
                }
                now.count(zone, 1, maxSessionMillis(), out);
            }
        });
    }

    private long maxSessionMillis() {
        return rules.maxSessionLength().toMillis();
    }

    /** Where a user-day's bits go: its app, zone and day, and the user's number. */
    private record UserDayAt(String app, ZoneId zone, LocalDate day, long user) {
    }

    /** One session as far as known: times in epoch millis; {@code first} orders by time, then names the slice. */
    private record SessionSpan(String app, long start, long end, String first) {
        static SessionSpan of(Document d) {
            return d == null ? null : new SessionSpan(d.getString("a"), d.getDate("s").getTime(),
                    d.getDate("e").getTime(), d.getString("first"));
        }

        Document document() {
            return new Document("a", app).append("s", new Date(start)).append("e", new Date(end)).append("first",
                    first);
        }

        static SessionSpan of(TelemetryEvent e) {
            long t = e.ts().toEpochMilli();
            String first = String.format(Locale.ROOT, "%015d|%s|%s", t, Objects.toString(platformOf(e), ""),
                    Objects.toString(e.appVersion(), ""));
            return new SessionSpan(e.appId(), t, t, first);
        }

        SessionSpan union(SessionSpan o) {
            return new SessionSpan(app, Math.min(start, o.start), Math.max(end, o.end),
                    first.compareTo(o.first) <= 0 ? first : o.first);
        }

        /** Counts the session on the day of its first event, its length at most {@code maxLength} millis. */
        void count(ZoneId zone, long sign, long maxLength, DayWrites out) {
            String[] parts = first.split("\\|", 3);
            LocalDate day = Instant.ofEpochMilli(start).atZone(zone).toLocalDate();
            for (Slice slice : Slice.of(parts[1].isEmpty() ? null : parts[1], parts[2].isEmpty() ? null : parts[2])) {
                DayDoc doc = out.doc(app, zone, day, slice.key());
                doc.add("sn", sign);
                doc.add("sl", sign * Math.min(end - start, maxLength));
            }
        }
    }

    /** The increments a batch makes to day documents, written as one bulk of upserts. */
    private final class DayWrites {
        private final Map<String, DayDoc> docs = new LinkedHashMap<>();
        private final Map<String, Map<String, LocalDate>> lastDays = new HashMap<>();

        DayDoc doc(String app, ZoneId zone, LocalDate day, String slice) {
            return docs.computeIfAbsent(app + "|" + zone.getId() + "|" + day + "|" + slice,
                    id -> new DayDoc(id, app, zone.getId(), day.toString(), slice));
        }

        void lastDay(String app, ZoneId zone, LocalDate day) {
            lastDays.computeIfAbsent(app, k -> new HashMap<>()).merge(key(zone.getId()), day,
                    (a, b) -> a.isAfter(b) ? a : b);
        }

        void write() {
            List<WriteModel<Document>> writes = new ArrayList<>(docs.size());
            UpdateOptions upsert = new UpdateOptions().upsert(true);
            for (DayDoc doc : docs.values()) {
                doc.update().ifPresent(u -> writes.add(new UpdateOneModel<>(Filters.eq("_id", doc.id), u, upsert)));
            }
            if (!writes.isEmpty()) {
                days.bulkWrite(writes, new BulkWriteOptions().ordered(false));
            }
            lastDays.forEach((app, byZone) -> {
                List<Bson> latest = new ArrayList<>();
                byZone.forEach((zone, day) -> latest.add(Updates.max("last." + zone, day.toString())));
                latest.add(Updates.setOnInsert("a", app));
                apps.updateOne(Filters.eq("_id", app), Updates.combine(latest), upsert);
            });
        }
    }

    private static final class DayDoc {
        private final String id;
        private final String app;
        private final String zone;
        private final String day;
        private final String slice;
        private final Map<String, Long> increments = new TreeMap<>();

        DayDoc(String id, String app, String zone, String day, String slice) {
            this.id = id;
            this.app = app;
            this.zone = zone;
            this.day = day;
            this.slice = slice;
        }

        void add(String field, long by) {
            increments.merge(field, by, Long::sum);
        }

        Optional<Bson> update() {
            List<Bson> ops = new ArrayList<>();
            increments.forEach((field, by) -> {
                if (by != 0) {
                    ops.add(Updates.inc(field, by));
                }
            });
            if (ops.isEmpty()) {
                return Optional.empty();
            }
            ops.add(Updates.setOnInsert("a", app));
            ops.add(Updates.setOnInsert("z", zone));
            ops.add(Updates.setOnInsert("day", day));
            ops.add(Updates.setOnInsert("s", slice));
            return Optional.of(Updates.combine(ops));
        }
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
            for (String rollup : List.of(DAYS, USER_DAYS, USERS, SESSIONS, APPS)) {
                database.getCollection(rollup).deleteMany(Filters.eq("a", appId));
            }
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
}
