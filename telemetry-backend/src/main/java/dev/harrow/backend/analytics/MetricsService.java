package dev.harrow.backend.analytics;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.harrow.backend.store.StoreUnavailableException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.bson.Document;

/**
 * The metrics of docs/METRICS.md, read from the rollups of {@link ActivityRollup}: the work grows with the days
 * asked and the users active on them, not with the events.
 */
public final class MetricsService {
    /** Days before a range that rolling windows (MAU) and sessions begun earlier need. */
    static final int LOOK_BACK = 29;

    private final MongoCollection<Document> userDays;
    private final MongoCollection<Document> users;
    private final List<ZoneId> zones;

    public MetricsService(MongoDatabase database, List<ZoneId> zones) {
        this.userDays = database.getCollection(ActivityRollup.USER_DAYS);
        this.users = database.getCollection(ActivityRollup.USERS);
        this.zones = List.copyOf(zones);
    }

    public List<ZoneId> zones() {
        return zones;
    }

    /** One row per period, each metric by its name. */
    public List<Map<String, Object>> series(MetricsQuery q) throws StoreUnavailableException {
        requireZone(q.zone());
        LocalDate first = q.firstDay();
        LocalDate last = q.lastDay();
        // One day past the range too: a session begun on its last day may end after midnight.
        Activity a = load(q.appId(), q.zone(), first.minusDays(LOOK_BACK), last.plusDays(1), q.platform(),
                q.appVersion());
        Map<String, LocalDate> firstDays = firstDays(q.appId(), q.zone());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (LocalDate start : q.periods()) {
            LocalDate end = q.by().next(start).minusDays(1);
            rows.add(period(a, firstDays, start, end, q.by() == MetricsQuery.Period.DAY));
        }
        return rows;
    }

    private Map<String, Object> period(Activity a, Map<String, LocalDate> firstDays, LocalDate start, LocalDate end,
                                       boolean daily) {
        Set<String> active = new HashSet<>();
        Set<String> payers = new HashSet<>();
        Set<String> viewers = new HashSet<>();
        long dauSum = 0;
        long payerDays = 0;
        long pageViews = 0;
        long revenue = 0;
        long newUsers = 0;
        int days = 0;
        Map<String, Long> events = new TreeMap<>();
        for (LocalDate d = start; !d.isAfter(end); d = d.plusDays(1)) {
            days++;
            for (UserDay ud : a.on(d)) {
                active.add(ud.user());
                dauSum++;
                if (ud.purchases() > 0) {
                    payers.add(ud.user());
                    payerDays++;
                }
                long views = ud.count(MetricNames.SCREEN_VIEW);
                if (views > 0) {
                    viewers.add(ud.user());
                }
                pageViews += views;
                revenue += ud.revenueCents();
                ud.types().forEach((t, n) -> events.merge(t, n, Long::sum));
                if (d.equals(firstDays.get(ud.user()))) {
                    newUsers++;
                }
            }
        }
        long sessions = 0;
        long sessionMillis = 0;
        for (Instant[] span : a.sessionsStarting(start, end)) {
            sessions++;
            sessionMillis += span[1].toEpochMilli() - span[0].toEpochMilli();
        }
        double dau = (double) dauSum / days;
        int wau = a.rolling(end, 7);
        int mau = a.rolling(end, 30);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("period", start.toString());
        row.put("days", days);
        row.put("active_users", active.size());
        row.put("dau", ratio(dauSum, days));
        row.put("wau", wau);
        row.put("mau", mau);
        row.put("stickiness", daily ? ratio(dauSum, mau) : ratio(dau, active.size()));
        row.put("new_users", newUsers);
        row.put("sessions", sessions);
        row.put("sessions_per_dau", ratio(sessions, dauSum));
        row.put("avg_session_seconds", ratio(sessionMillis / 1000.0, sessions));
        row.put("page_views", pageViews);
        row.put("unique_viewers", viewers.size());
        row.put("payers", payers.size());
        row.put("revenue", money(revenue, 1));
        row.put("arpu", money(revenue, active.size()));
        row.put("arppu", money(revenue, payers.size()));
        row.put("arpdau", money(revenue, dauSum));
        row.put("arppdau", money(revenue, payerDays));
        row.put("events", events);
        return row;
    }

    /**
     * Retention by cohort: the users first seen in each day (or ISO week) of {@code from}..{@code to}, and how many
     * of them were active {@code n} periods later (N-day), or then or at any time after (unbounded). A period after
     * the last rolled-up day is not measurable yet: its value is null.
     */
    public List<Map<String, Object>> retention(String appId, LocalDate from, LocalDate to, ZoneId zone,
                                               MetricsQuery.Period by, boolean unbounded, List<Integer> offsets,
                                               String platform, String appVersion) throws StoreUnavailableException {
        requireZone(zone);
        if (by == MetricsQuery.Period.MONTH) {
            throw new IllegalArgumentException("retention: by day or week");
        }
        MetricsQuery range = new MetricsQuery(appId, from, to, zone, by, platform, appVersion);
        Optional<LocalDate> asOf = lastDay(appId, zone);
        List<Map<String, Object>> rows = new ArrayList<>();
        if (asOf.isEmpty()) {
            return rows;
        }
        Activity all = load(appId, zone, range.firstDay(), asOf.get(), null, null);
        Activity cohortDays = load(appId, zone, range.firstDay(), range.lastDay(), platform, appVersion);
        Map<String, LocalDate> firstDays = firstDays(appId, zone);
        for (LocalDate start : range.periods()) {
            LocalDate end = by.next(start).minusDays(1);
            Set<String> cohort = new HashSet<>();
            for (LocalDate d = start; !d.isAfter(end); d = d.plusDays(1)) {
                for (UserDay ud : cohortDays.on(d)) {
                    if (d.equals(firstDays.get(ud.user()))) {
                        cohort.add(ud.user());
                    }
                }
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("cohort", start.toString());
            row.put("size", cohort.size());
            Map<String, Object> retained = new LinkedHashMap<>();
            Map<String, Object> rates = new LinkedHashMap<>();
            for (int n : offsets) {
                LocalDate at = start;
                for (int i = 0; i < n; i++) {
                    at = by.next(at);
                }
                String label = (by == MetricsQuery.Period.DAY ? "d" : "w") + n;
                if (at.isAfter(asOf.get())) {
                    retained.put(label, null);
                    rates.put(label, null);
                    continue;
                }
                LocalDate until = unbounded ? asOf.get() : by.next(at).minusDays(1);
                Set<String> back = new HashSet<>();
                for (LocalDate d = at; !d.isAfter(until); d = d.plusDays(1)) {
                    for (UserDay ud : all.on(d)) {
                        if (cohort.contains(ud.user())) {
                            back.add(ud.user());
                        }
                    }
                }
                retained.put(label, back.size());
                rates.put(label, ratio(back.size(), cohort.size()));
            }
            row.put("retained", retained);
            row.put("rate", rates);
            rows.add(row);
        }
        return rows;
    }

    private void requireZone(ZoneId zone) {
        if (!zones.contains(zone)) {
            throw new IllegalArgumentException("tz: rollups are kept for " + zones + " only, not " + zone);
        }
    }

    /** The latest local day with activity, in the zone. */
    private Optional<LocalDate> lastDay(String appId, ZoneId zone) throws StoreUnavailableException {
        try {
            Document latest = userDays.find(Filters.and(Filters.eq("a", appId), Filters.eq("z", zone.getId())))
                    .sort(Sorts.descending("day")).limit(1).first();
            return Optional.ofNullable(latest).map(d -> LocalDate.parse(d.getString("day")));
        } catch (MongoException e) {
            throw new StoreUnavailableException("MongoDB unavailable: " + e.getMessage(), e);
        }
    }

    /** Each user's first local day in the zone. */
    private Map<String, LocalDate> firstDays(String appId, ZoneId zone) throws StoreUnavailableException {
        Map<String, LocalDate> out = new HashMap<>();
        try {
            for (Document d : users.find(Filters.eq("a", appId)).batchSize(10_000)) {
                out.put(d.getString("u"), d.getDate("first").toInstant().atZone(zone).toLocalDate());
            }
        } catch (MongoException e) {
            throw new StoreUnavailableException("MongoDB unavailable: " + e.getMessage(), e);
        }
        return out;
    }

    private Activity load(String appId, ZoneId zone, LocalDate from, LocalDate to, String platform,
                          String appVersion) throws StoreUnavailableException {
        Activity a = new Activity(zone, from);
        try {
            for (Document d : userDays.find(Filters.and(Filters.eq("a", appId), Filters.eq("z", zone.getId()),
                    Filters.gte("day", from.toString()), Filters.lte("day", to.toString()))).batchSize(10_000)) {
                UserDay ud = fromDocument(d);
                if (ud.matches(platform, appVersion)) {
                    a.add(ud);
                }
            }
        } catch (MongoException e) {
            throw new StoreUnavailableException("MongoDB unavailable: " + e.getMessage(), e);
        }
        return a;
    }

    private static UserDay fromDocument(Document d) {
        Map<String, Long> types = new HashMap<>();
        Document ev = d.get("ev", Document.class);
        if (ev != null) {
            ev.forEach((k, v) -> types.put(ActivityRollup.unkey(k), ((Number) v).longValue()));
        }
        Map<String, Instant[]> sessions = new HashMap<>();
        Document ss = d.get("ss", Document.class);
        if (ss != null) {
            ss.forEach((k, v) -> {
                Document span = (Document) v;
                sessions.put(ActivityRollup.unkey(k), new Instant[] {span.getDate("s").toInstant(),
                    span.getDate("e").toInstant()});
            });
        }
        long cents = 0;
        int purchases = 0;
        Document pu = d.get("pu", Document.class);
        if (pu != null) {
            for (Object amount : pu.values()) {
                cents += UserDay.cents(((Number) amount).doubleValue());
                purchases++;
            }
        }
        return new UserDay(d.getString("u"), LocalDate.parse(d.getString("day")),
                new HashSet<>(d.getList("pl", String.class, List.of())),
                new HashSet<>(d.getList("v", String.class, List.of())), types, sessions, cents, purchases);
    }

    static double ratio(double part, double whole) {
        return whole == 0 ? 0 : BigDecimal.valueOf(part / whole).setScale(6, RoundingMode.HALF_UP).doubleValue();
    }

    /** Cents divided by a count, in currency units rounded to the cent. */
    static double money(long cents, long count) {
        return count == 0 ? 0 : BigDecimal.valueOf(cents).divide(BigDecimal.valueOf(count).multiply(
                BigDecimal.valueOf(100)), 2, RoundingMode.HALF_UP).doubleValue();
    }

    /** The user-days of a range, by day, with the sessions merged across the days they span. */
    private static final class Activity {
        private final ZoneId zone;
        private final LocalDate origin;
        private final Map<LocalDate, List<UserDay>> byDay = new HashMap<>();
        private final Map<String, List<Integer>> daysOfUser = new HashMap<>();
        private final Map<String, Instant[]> sessions = new HashMap<>();

        Activity(ZoneId zone, LocalDate origin) {
            this.zone = zone;
            this.origin = origin;
        }

        void add(UserDay ud) {
            byDay.computeIfAbsent(ud.day(), k -> new ArrayList<>()).add(ud);
            daysOfUser.computeIfAbsent(ud.user(), k -> new ArrayList<>())
                    .add((int) ChronoUnit.DAYS.between(origin, ud.day()));
            ud.sessions().forEach((sid, span) -> sessions.merge(ud.user() + "\u0000" + sid, span.clone(),
                    (x, y) -> new Instant[] {x[0].isBefore(y[0]) ? x[0] : y[0], x[1].isAfter(y[1]) ? x[1] : y[1]}));
        }

        List<UserDay> on(LocalDate day) {
            return byDay.getOrDefault(day, List.of());
        }

        /** Sessions whose first event falls on a local day of start..end. */
        List<Instant[]> sessionsStarting(LocalDate start, LocalDate end) {
            List<Instant[]> out = new ArrayList<>();
            for (Instant[] span : sessions.values()) {
                LocalDate day = span[0].atZone(zone).toLocalDate();
                if (!day.isBefore(start) && !day.isAfter(end)) {
                    out.add(span);
                }
            }
            return out;
        }

        /** Users active on at least one of the {@code window} days ending with {@code day}. */
        int rolling(LocalDate day, int window) {
            int at = (int) ChronoUnit.DAYS.between(origin, day);
            int n = 0;
            for (List<Integer> days : daysOfUser.values()) {
                for (int d : days) {
                    if (d <= at && d > at - window) {
                        n++;
                        break;
                    }
                }
            }
            return n;
        }
    }
}
