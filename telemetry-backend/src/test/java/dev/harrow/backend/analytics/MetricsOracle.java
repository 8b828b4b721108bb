package dev.harrow.backend.analytics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The metrics of docs/METRICS.md computed straight from raw events, with none of the backend's code: what the
 * metrics API must agree with.
 */
final class MetricsOracle {
    private final List<AnalyticsDataset.Event> events;
    private final ZoneId zone;
    /** user -> first local day over all events. */
    private final Map<String, LocalDate> firstDay = new HashMap<>();
    /** The events that pass the filter, by local day. */
    private final Map<LocalDate, List<AnalyticsDataset.Event>> kept = new TreeMap<>();
    private final String platform;
    private final String version;

    MetricsOracle(List<AnalyticsDataset.Event> events, ZoneId zone, String platform, String version) {
        this.events = events;
        this.zone = zone;
        this.platform = platform;
        this.version = version;
        for (AnalyticsDataset.Event e : events) {
            firstDay.merge(e.user(), day(e.ts()), (a, b) -> a.isBefore(b) ? a : b);
            if (passes(e)) {
                kept.computeIfAbsent(day(e.ts()), k -> new ArrayList<>()).add(e);
            }
        }
    }

    private boolean passes(AnalyticsDataset.Event e) {
        return (platform == null || platform.equals(e.platform())) && (version == null || version.equals(e.version()));
    }

    LocalDate day(Instant ts) {
        return ts.atZone(zone).toLocalDate();
    }

    static LocalDate periodStart(LocalDate d, String by) {
        return switch (by) {
            case "week" -> d.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case "month" -> d.withDayOfMonth(1);
            default -> d;
        };
    }

    static LocalDate periodNext(LocalDate d, String by) {
        return switch (by) {
            case "week" -> d.plusWeeks(1);
            case "month" -> d.plusMonths(1);
            default -> d.plusDays(1);
        };
    }

    private Set<String> activeBetween(LocalDate from, LocalDate to) {
        Set<String> out = new HashSet<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            for (AnalyticsDataset.Event e : kept.getOrDefault(d, List.of())) {
                out.add(e.user());
            }
        }
        return out;
    }

    List<Map<String, Object>> series(LocalDate from, LocalDate to, String by) {
        // Sessions: spans over all their events, counted when their first event passes the filter.
        Map<String, Instant[]> spans = new HashMap<>();
        Map<String, AnalyticsDataset.Event> firstEvents = new HashMap<>();
        for (AnalyticsDataset.Event e : events) {
            String id = e.user() + "|" + e.session();
            spans.merge(id, new Instant[] {e.ts(), e.ts()}, (a, b) -> new Instant[] {
                a[0].isBefore(b[0]) ? a[0] : b[0], a[1].isAfter(b[1]) ? a[1] : b[1]});
            firstEvents.merge(id, e, (a, b) -> b.ts().isBefore(a.ts()) ? b : a);
        }
        List<Instant[]> sessions = new ArrayList<>();
        spans.forEach((id, span) -> {
            if (passes(firstEvents.get(id))) {
                sessions.add(span);
            }
        });
        List<Map<String, Object>> rows = new ArrayList<>();
        for (LocalDate start = periodStart(from, by); !start.isAfter(to); start = periodNext(start, by)) {
            LocalDate end = periodNext(start, by).minusDays(1);
            long dauSum = 0;
            long payerDays = 0;
            long pv = 0;
            long cents = 0;
            long nru = 0;
            int days = 0;
            Set<String> payers = new HashSet<>();
            Set<String> viewers = new HashSet<>();
            Map<String, Long> byType = new TreeMap<>();
            for (LocalDate d = start; !d.isAfter(end); d = d.plusDays(1)) {
                days++;
                Map<String, List<AnalyticsDataset.Event>> byUser = new HashMap<>();
                for (AnalyticsDataset.Event e : kept.getOrDefault(d, List.of())) {
                    byUser.computeIfAbsent(e.user(), k -> new ArrayList<>()).add(e);
                }
                dauSum += byUser.size();
                for (Map.Entry<String, List<AnalyticsDataset.Event>> u : byUser.entrySet()) {
                    boolean paid = false;
                    for (AnalyticsDataset.Event e : u.getValue()) {
                        byType.merge(e.type(), 1L, Long::sum);
                        if (e.type().equals("screen_view")) {
                            pv++;
                            viewers.add(u.getKey());
                        }
                        if (e.amount() != null) {
                            cents += Math.round(e.amount() * 100);
                            paid = true;
                        }
                    }
                    if (paid) {
                        payers.add(u.getKey());
                        payerDays++;
                    }
                    if (d.equals(firstDay.get(u.getKey()))) {
                        nru++;
                    }
                }
            }
            long sessionCount = 0;
            long millis = 0;
            for (Instant[] span : sessions) {
                LocalDate d = day(span[0]);
                if (!d.isBefore(start) && !d.isAfter(end)) {
                    sessionCount++;
                    millis += span[1].toEpochMilli() - span[0].toEpochMilli();
                }
            }
            int active = activeBetween(start, end).size();
            int mau = activeBetween(end.minusDays(29), end).size();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("period", start.toString());
            row.put("days", days);
            row.put("active_users", active);
            row.put("dau", ratio(dauSum, days));
            row.put("wau", activeBetween(end.minusDays(6), end).size());
            row.put("mau", mau);
            row.put("stickiness", by.equals("day") ? ratio(dauSum, mau) : ratio((double) dauSum / days, active));
            row.put("new_users", nru);
            row.put("sessions", sessionCount);
            row.put("sessions_per_dau", ratio(sessionCount, dauSum));
            row.put("avg_session_seconds", ratio(millis / 1000.0, sessionCount));
            row.put("page_views", pv);
            row.put("unique_viewers", viewers.size());
            row.put("payers", payers.size());
            row.put("revenue", money(cents, 1));
            row.put("arpu", money(cents, active));
            row.put("arppu", money(cents, payers.size()));
            row.put("arpdau", money(cents, dauSum));
            row.put("arppdau", money(cents, payerDays));
            row.put("events", byType);
            rows.add(row);
        }
        return rows;
    }

    /** Retention of cohorts by first day (or week), N-day or unbounded, measured up to {@code asOf}. */
    List<Map<String, Object>> retention(LocalDate from, LocalDate to, String by, boolean unbounded,
                                        List<Integer> offsets, LocalDate asOf) {
        MetricsOracle all = new MetricsOracle(events, zone, null, null);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (LocalDate start = periodStart(from, by); !start.isAfter(to); start = periodNext(start, by)) {
            LocalDate end = periodNext(start, by).minusDays(1);
            Set<String> cohort = new HashSet<>();
            for (LocalDate d = start; !d.isAfter(end); d = d.plusDays(1)) {
                for (AnalyticsDataset.Event e : kept.getOrDefault(d, List.of())) {
                    if (d.equals(firstDay.get(e.user()))) {
                        cohort.add(e.user());
                    }
                }
            }
            Map<String, Object> retained = new LinkedHashMap<>();
            Map<String, Object> rate = new LinkedHashMap<>();
            for (int n : offsets) {
                LocalDate at = start;
                for (int i = 0; i < n; i++) {
                    at = periodNext(at, by);
                }
                String label = (by.equals("day") ? "d" : "w") + n;
                if (at.isAfter(asOf)) {
                    retained.put(label, null);
                    rate.put(label, null);
                    continue;
                }
                Set<String> back = all.activeBetween(at, unbounded ? asOf : periodNext(at, by).minusDays(1));
                back.retainAll(cohort);
                retained.put(label, back.size());
                rate.put(label, ratio(back.size(), cohort.size()));
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("cohort", start.toString());
            row.put("size", cohort.size());
            row.put("retained", retained);
            row.put("rate", rate);
            rows.add(row);
        }
        return rows;
    }

    LocalDate lastDay() {
        return ((TreeMap<LocalDate, List<AnalyticsDataset.Event>>) kept).lastKey();
    }

    static double ratio(double part, double whole) {
        return whole == 0 ? 0 : new BigDecimal(Double.toString(part / whole)).setScale(6, RoundingMode.HALF_UP)
                .doubleValue();
    }

    static double money(long cents, long count) {
        return count == 0 ? 0 : new BigDecimal(cents).divide(new BigDecimal(count * 100), 2, RoundingMode.HALF_UP)
                .doubleValue();
    }
}
