package dev.harrow.backend.analytics;

import dev.harrow.backend.admin.AdminAuth;
import dev.harrow.backend.client.ApiPaths;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.http.ApiExchange;
import dev.harrow.backend.store.MongoEventStore;
import dev.harrow.backend.store.StoreUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The metrics API (admin token). {@code GET /admin/v1/metrics?from=&to=&tz=&by=day|week|month&platform=
 * &appVersion=&format=json|csv&app=}: every metric per period. {@code GET /admin/v1/metrics/retention?from=&to=
 * &tz=&by=day|week&mode=n-day|unbounded&offsets=1,3,7&format=}: retention by cohort. {@code POST
 * /admin/v1/metrics/rebuild?app=}: the rollups made again from the raw events, in the background ({@code GET} the
 * same path for its progress).
 */
public final class MetricsEndpoint {
    public static final String METRICS = "/admin/v1/metrics";
    public static final String RETENTION = "/admin/v1/metrics/retention";
    public static final String REBUILD = ApiPaths.ADMIN_METRICS_REBUILD;

    private final BackendConfig config;
    private final MetricsService metrics;
    private final ActivityRollup rollup;
    private final MongoEventStore store;
    private final AdminAuth auth;

    public MetricsEndpoint(BackendConfig config, MetricsService metrics, ActivityRollup rollup,
                           MongoEventStore store) {
        this.config = config;
        this.metrics = metrics;
        this.rollup = rollup;
        this.store = store;
        this.auth = new AdminAuth(config.adminToken());
    }

    public void series(ApiExchange ex) throws IOException {
        answer(ex, () -> {
            Map<String, String> q = ex.query();
            MetricsQuery query = new MetricsQuery(app(q), day(q, "from"), day(q, "to"), zone(q),
                    MetricsQuery.Period.parse(q.get("by")), q.get("platform"), q.get("appVersion"));
            return metrics.series(query);
        });
    }

    public void retention(ApiExchange ex) throws IOException {
        answer(ex, () -> {
            Map<String, String> q = ex.query();
            MetricsQuery.Period by = MetricsQuery.Period.parse(q.get("by"));
            String mode = q.getOrDefault("mode", "n-day");
            if (!mode.equals("n-day") && !mode.equals("unbounded")) {
                throw new IllegalArgumentException("mode: n-day or unbounded, was '" + mode + "'");
            }
            List<Integer> offsets = offsets(q.get("offsets"), by);
            return metrics.retention(app(q), day(q, "from"), day(q, "to"), zone(q), by, mode.equals("unbounded"),
                    offsets, q.get("platform"), q.get("appVersion"));
        });
    }

    /** {@code POST}: starts a rebuild ({@code 202}; {@code 409} while one runs); {@code GET}: where it is. */
    public void rebuild(ApiExchange ex) throws IOException {
        if (!auth.check(ex)) {
            return;
        }
        String app;
        try {
            app = app(ex.query());
        } catch (IllegalArgumentException e) {
            ex.respondError(400, "invalid_query", e.getMessage());
            return;
        }
        if (ex.method().equals("GET")) {
            Optional<ActivityRollup.Rebuild> state = rollup.rebuildOf(app);
            if (state.isEmpty()) {
                ex.respondError(404, "not_found", "no rebuild of app " + app + " since the backend started");
            } else {
                ex.respondJson(200, state.get());
            }
            return;
        }
        int retentionDays = config.storage().retentionDays();
        if (retentionDays > 0) {
            ex.respondError(409, "retention_on", "raw events older than " + retentionDays + " days are deleted "
                    + "(HARROW_RETENTION_DAYS): a rebuild, which recomputes the rollups from the raw events, would "
                    + "lose the metrics of those days; it is refused while retention is on");
            return;
        }
        Optional<ActivityRollup.Rebuild> started = rollup.startRebuild(store, app);
        if (started.isEmpty()) {
            ex.respondError(409, "rebuilding", "a rebuild of app " + app + " is running already");
        } else {
            ex.respondJson(202, started.get());
        }
    }

    private interface Rows {
        List<Map<String, Object>> get() throws StoreUnavailableException;
    }

    private void answer(ApiExchange ex, Rows rows) throws IOException {
        if (!auth.check(ex)) {
            return;
        }
        try {
            String app = app(ex.query());
            if (rollup.rebuilding(app)) {
                ex.setHeader("Retry-After", "10");
                ex.respondError(503, "rebuilding", "the rollups of app " + app + " are being rebuilt; "
                        + rollup.rebuildOf(app).map(r -> r.eventsRead() + " events read so far").orElse(""));
                return;
            }
            List<Map<String, Object>> out = rows.get();
            String format = ex.query().getOrDefault("format", "json");
            if (format.equals("csv")) {
                ex.respondBytes(200, "text/csv; charset=utf-8", csv(out).getBytes(StandardCharsets.UTF_8));
            } else if (format.equals("json")) {
                ex.respondJson(200, Map.of("rows", out,
                        "zones", metrics.zones().stream().map(ZoneId::getId).toList()));
            } else {
                ex.respondError(400, "invalid_query", "format: json or csv, was '" + format + "'");
            }
        } catch (IllegalArgumentException | DateTimeException e) {
            ex.respondError(400, "invalid_query", e.getMessage());
        } catch (StoreUnavailableException e) {
            ex.setHeader("Retry-After", "5");
            ex.respondError(503, "store_unavailable", "the store cannot answer now; retry shortly");
        }
    }

    private String app(Map<String, String> q) {
        String app = q.getOrDefault("app", config.apps().get(0).appId());
        if (config.apps().stream().noneMatch(a -> a.appId().equals(app))) {
            throw new IllegalArgumentException("unknown app " + app);
        }
        return app;
    }

    private static LocalDate day(Map<String, String> q, String name) {
        String value = q.get(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " is required (a date: 2026-11-22)");
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(name + ": '" + value + "' is not a date like 2026-11-22");
        }
    }

    private ZoneId zone(Map<String, String> q) {
        String tz = q.get("tz");
        if (tz == null) {
            return metrics.zones().get(0);
        }
        try {
            return ZoneId.of(tz);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("tz: '" + tz + "' is not an IANA time zone");
        }
    }

    private static List<Integer> offsets(String value, MetricsQuery.Period by) {
        if (value == null) {
            return by == MetricsQuery.Period.DAY ? List.of(1, 3, 7, 14, 30) : List.of(1, 2, 3, 4, 5, 6, 7, 8);
        }
        List<Integer> out = new ArrayList<>();
        for (String part : value.split(",")) {
            try {
                int n = Integer.parseInt(part.trim());
                if (n < 1 || n > 366) {
                    throw new NumberFormatException();
                }
                out.add(n);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("offsets: whole numbers from 1 to 366, was '" + value + "'");
            }
        }
        return out;
    }

    /** One line per row; nested maps (events by type, retention by offset) become one column per key. */
    static String csv(List<Map<String, Object>> rows) {
        List<String> columns = new ArrayList<>();
        Map<String, TreeSet<String>> nested = new LinkedHashMap<>();
        for (Map<String, Object> row : rows) {
            row.forEach((k, v) -> {
                if (v instanceof Map<?, ?> m) {
                    TreeSet<String> keys = nested.computeIfAbsent(k, x -> new TreeSet<>());
                    m.keySet().forEach(key -> keys.add(String.valueOf(key)));
                } else if (!columns.contains(k)) {
                    columns.add(k);
                }
            });
        }
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>(columns);
        nested.forEach((k, keys) -> keys.forEach(key -> header.add(k + "." + key)));
        out.append(String.join(",", header)).append('\n');
        for (Map<String, Object> row : rows) {
            List<String> cells = new ArrayList<>();
            for (String c : columns) {
                cells.add(cell(row.get(c)));
            }
            nested.forEach((k, keys) -> {
                Map<?, ?> m = row.get(k) instanceof Map<?, ?> map ? map : Map.of();
                keys.forEach(key -> cells.add(cell(m.get(key))));
            });
            out.append(String.join(",", cells)).append('\n');
        }
        return out.toString();
    }

    private static String cell(Object value) {
        if (value == null) {
            return "";
        }
        String s = String.valueOf(value);
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
