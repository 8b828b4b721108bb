package dev.harrow.backend.analytics;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import dev.harrow.backend.store.StoreUnavailableException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.bson.Document;

/**
 * The metrics of docs/METRICS.md, read from the day documents of {@link ActivityRollup}: one document per day (and
 * slice) asked, whatever the number of events or users; distinct counts over several days are unions of the days'
 * {@link UserSet}s.
 */
public final class MetricsService {
    /** Days before a range that the rolling 30-day MAU needs. */
    static final int LOOK_BACK = 29;

    private final MongoCollection<Document> days;
    private final MongoCollection<Document> apps;
    private final List<ZoneId> zones;

    public MetricsService(MongoDatabase database, List<ZoneId> zones) {
        this.days = database.getCollection(ActivityRollup.DAYS);
        this.apps = database.getCollection(ActivityRollup.APPS);
        this.zones = List.copyOf(zones);
    }

    public List<ZoneId> zones() {
        return zones;
    }

    /** One row per period, each metric by its name. */
    public List<Map<String, Object>> series(MetricsQuery q) throws StoreUnavailableException {
        requireZone(q.zone());
        Slice slice = new Slice(q.platform(), q.appVersion());
        LocalDate first = q.firstDay();
        LocalDate last = q.lastDay();
        Map<LocalDate, DayRollup> sliced = load(q.appId(), q.zone(), first.minusDays(LOOK_BACK), last, slice);
        // Users first seen on a day are kept for the whole app only; a slice's new users are those of them active
        // in the slice that day.
        Map<LocalDate, DayRollup> whole = slice.equals(Slice.ALL) ? sliced
                : load(q.appId(), q.zone(), first, last, Slice.ALL);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (LocalDate start : q.periods()) {
            LocalDate end = q.by().next(start).minusDays(1);
            rows.add(period(sliced, whole, start, end, q.by() == MetricsQuery.Period.DAY));
        }
        return rows;
    }

    private static Map<String, Object> period(Map<LocalDate, DayRollup> sliced, Map<LocalDate, DayRollup> whole,
                                              LocalDate start, LocalDate end, boolean daily) {
        UserSet active = new UserSet();
        UserSet payers = new UserSet();
        UserSet viewers = new UserSet();
        long dauSum = 0;
        long payerDays = 0;
        long revenue = 0;
        long newUsers = 0;
        long sessions = 0;
        long sessionMillis = 0;
        int days = 0;
        Map<String, Long> events = new TreeMap<>();
        for (LocalDate d = start; !d.isAfter(end); d = d.plusDays(1)) {
            days++;
            DayRollup day = sliced.getOrDefault(d, DayRollup.EMPTY);
            active.addAll(day.active());
            payers.addAll(day.payers());
            viewers.addAll(day.viewers());
            dauSum += day.active().size();
            payerDays += day.payers().size();
            revenue += day.revenueCents();
            sessions += day.sessions();
            sessionMillis += day.sessionMillis();
            newUsers += whole.getOrDefault(d, DayRollup.EMPTY).firstSeen().countCommon(day.active());
            day.events().forEach((t, n) -> events.merge(t, n, Long::sum));
        }
        double dau = (double) dauSum / days;
        int mau = unionOver(sliced, end, 30).size();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("period", start.toString());
        row.put("days", days);
        row.put("active_users", active.size());
        row.put("dau", ratio(dauSum, days));
        row.put("wau", unionOver(sliced, end, 7).size());
        row.put("mau", mau);
        row.put("stickiness", daily ? ratio(dauSum, mau) : ratio(dau, active.size()));
        row.put("new_users", newUsers);
        row.put("sessions", sessions);
        row.put("sessions_per_dau", ratio(sessions, dauSum));
        row.put("avg_session_seconds", ratio(sessionMillis / 1000.0, sessions));
        row.put("page_views", events.getOrDefault(MetricNames.SCREEN_VIEW, 0L));
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

    /** Users active on at least one of the {@code window} days ending with {@code end}. */
    private static UserSet unionOver(Map<LocalDate, DayRollup> days, LocalDate end, int window) {
        UserSet out = new UserSet();
        for (LocalDate d = end.minusDays(window - 1L); !d.isAfter(end); d = d.plusDays(1)) {
            out.addAll(days.getOrDefault(d, DayRollup.EMPTY).active());
        }
        return out;
    }

    /**
     * Retention by cohort: the users first seen in each day (or ISO week) of {@code from}..{@code to}, and how many
     * of them were active {@code n} periods later (N-day), or then or at any time after (unbounded). A period after
     * the last day with activity is not measurable yet: its value is null.
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
        Slice slice = new Slice(platform, appVersion);
        Map<LocalDate, DayRollup> whole = load(appId, zone, range.firstDay(), asOf.get(), Slice.ALL);
        Map<LocalDate, DayRollup> sliced = slice.equals(Slice.ALL) ? whole
                : load(appId, zone, range.firstDay(), range.lastDay(), slice);
        // Users active on a day or any later one up to the last day with activity, for unbounded retention.
        Map<LocalDate, UserSet> fromOn = new HashMap<>();
        UserSet later = new UserSet();
        for (LocalDate d = asOf.get(); !d.isBefore(range.firstDay()); d = d.minusDays(1)) {
            later.addAll(whole.getOrDefault(d, DayRollup.EMPTY).active());
            fromOn.put(d, later.copy());
        }
        for (LocalDate start : range.periods()) {
            LocalDate end = by.next(start).minusDays(1);
            UserSet cohort = new UserSet();
            for (LocalDate d = start; !d.isAfter(end); d = d.plusDays(1)) {
                cohort.addAll(whole.getOrDefault(d, DayRollup.EMPTY).firstSeen().copy()
                        .retainAll(sliced.getOrDefault(d, DayRollup.EMPTY).active()));
            }
            int size = cohort.size();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("cohort", start.toString());
            row.put("size", size);
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
                UserSet back;
                if (unbounded) {
                    back = fromOn.get(at);
                } else {
                    back = new UserSet();
                    for (LocalDate d = at; !d.isAfter(by.next(at).minusDays(1)); d = d.plusDays(1)) {
                        back.addAll(whole.getOrDefault(d, DayRollup.EMPTY).active());
                    }
                }
                int common = back.countCommon(cohort);
                retained.put(label, common);
                rates.put(label, ratio(common, size));
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
            Document app = apps.find(Filters.eq("_id", appId)).first();
            Document last = app == null ? null : app.get("last", Document.class);
            return Optional.ofNullable(last).map(l -> l.getString(ActivityRollup.key(zone.getId())))
                    .map(LocalDate::parse);
        } catch (MongoException e) {
            throw new StoreUnavailableException("MongoDB unavailable: " + e.getMessage(), e);
        }
    }

    /** The day documents of a slice over {@code from}..{@code to}, read by id (one lookup per day). */
    private Map<LocalDate, DayRollup> load(String appId, ZoneId zone, LocalDate from, LocalDate to, Slice slice)
            throws StoreUnavailableException {
        List<String> ids = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            ids.add(appId + "|" + zone.getId() + "|" + d + "|" + slice.key());
        }
        Map<LocalDate, DayRollup> out = new HashMap<>();
        try {
            for (Document d : days.find(Filters.in("_id", ids))) {
                out.put(LocalDate.parse(d.getString("day")), DayRollup.of(d));
            }
        } catch (MongoException e) {
            throw new StoreUnavailableException("MongoDB unavailable: " + e.getMessage(), e);
        }
        return out;
    }

    static double ratio(double part, double whole) {
        return whole == 0 ? 0 : BigDecimal.valueOf(part / whole).setScale(6, RoundingMode.HALF_UP).doubleValue();
    }

    /** Cents divided by a count, in currency units rounded to the cent. */
    static double money(long cents, long count) {
        return count == 0 ? 0 : BigDecimal.valueOf(cents).divide(BigDecimal.valueOf(count).multiply(
                BigDecimal.valueOf(100)), 2, RoundingMode.HALF_UP).doubleValue();
    }

    /** One day document, decoded. */
    private record DayRollup(Map<String, Long> events, long revenueCents, long sessions, long sessionMillis,
                             UserSet active, UserSet viewers, UserSet payers, UserSet firstSeen) {
        static final DayRollup EMPTY = new DayRollup(Map.of(), 0, 0, 0, new UserSet(), new UserSet(), new UserSet(),
                new UserSet());

        static DayRollup of(Document d) {
            Map<String, Long> events = new HashMap<>();
            Document ev = d.get("ev", Document.class);
            if (ev != null) {
                ev.forEach((k, v) -> events.put(ActivityRollup.unkey(k), ((Number) v).longValue()));
            }
            return new DayRollup(events, number(d, "rev"), number(d, "sn"), number(d, "sl"),
                    UserSet.of(d.get(ActivityRollup.ACTIVE, Document.class)),
                    UserSet.of(d.get(ActivityRollup.VIEWERS, Document.class)),
                    UserSet.of(d.get(ActivityRollup.PAYERS, Document.class)),
                    UserSet.of(d.get(ActivityRollup.NEW, Document.class)));
        }

        private static long number(Document d, String field) {
            Object v = d.get(field);
            return v == null ? 0 : ((Number) v).longValue();
        }
    }
}
