package dev.harrow.backend.admin;

import dev.harrow.backend.client.ApiPaths;
import dev.harrow.backend.http.ApiExchange;
import dev.harrow.backend.ingest.EventValidator;
import dev.harrow.backend.store.EventQuery;
import dev.harrow.backend.store.EventStore;
import dev.harrow.backend.store.StoreUnavailableException;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The admin API (bearer token): stored events, for people and for the scenarios that judge what an app sent.
 * {@code GET /admin/v1/events} and {@code GET /admin/v1/events/count} take {@code app}, {@code deviceId},
 * {@code type}, {@code since}, {@code until} (ISO-8601) and, for the list, {@code limit} (default 1000).
 * {@code GET /admin/v1/ingest} reports what the collector accepted, absorbed as duplicates, rejected and spilled;
 * {@code GET /admin/v1/storage} what the store holds.
 */
public final class AdminEndpoint {
    public static final String EVENTS = ApiPaths.ADMIN_EVENTS;
    public static final String EVENT_COUNT = ApiPaths.ADMIN_EVENT_COUNT;
    public static final String INGEST_STATS = "/admin/v1/ingest";
    public static final String STORAGE = "/admin/v1/storage";
    static final int DEFAULT_LIMIT = 1000;

    private final AdminAuth auth;
    private final EventStore store;
    private final Supplier<Map<String, Object>> ingestStats;
    private final StorageReport storage;

    /** What the store holds, for {@code GET /admin/v1/storage}. */
    @FunctionalInterface
    public interface StorageReport {
        Map<String, Object> get() throws StoreUnavailableException;
    }

    public AdminEndpoint(String adminToken, EventStore store, Supplier<Map<String, Object>> ingestStats,
                         StorageReport storage) {
        this.auth = new AdminAuth(adminToken);
        this.store = store;
        this.ingestStats = ingestStats;
        this.storage = storage;
    }

    /** {@code GET /admin/v1/storage}: documents and bytes per collection, and the embedded store's file. */
    public void storage(ApiExchange ex) throws IOException {
        if (!auth.check(ex)) {
            return;
        }
        try {
            ex.respondJson(200, storage.get());
        } catch (StoreUnavailableException e) {
            ex.respondError(503, "store_unavailable", "MongoDB cannot be asked now; retry shortly");
        }
    }

    public void ingestStats(ApiExchange ex) throws IOException {
        if (auth.check(ex)) {
            ex.respondJson(200, ingestStats.get());
        }
    }

    public void events(ApiExchange ex) throws IOException {
        if (!auth.check(ex)) {
            return;
        }
        EventQuery query = query(ex);
        if (query != null) {
            try {
                ex.respondJson(200, Map.of("events", store.find(query)));
            } catch (StoreUnavailableException e) {
                ex.respondError(503, "store_unavailable", "MongoDB cannot be queried now; retry shortly");
            }
        }
    }

    public void count(ApiExchange ex) throws IOException {
        if (!auth.check(ex)) {
            return;
        }
        EventQuery query = query(ex);
        if (query != null) {
            try {
                ex.respondJson(200, Map.of("count", store.count(query)));
            } catch (StoreUnavailableException e) {
                ex.respondError(503, "store_unavailable", "MongoDB cannot be queried now; retry shortly");
            }
        }
    }

    /** The query of the request, or null after answering 400. */
    private static EventQuery query(ApiExchange ex) throws IOException {
        Map<String, String> q = ex.query();
        try {
            int limit = q.containsKey("limit") ? Integer.parseInt(q.get("limit")) : DEFAULT_LIMIT;
            return new EventQuery(q.get("app"), q.get("deviceId"), q.get("type"), instant(q.get("since")),
                    instant(q.get("until")), limit);
        } catch (NumberFormatException e) {
            ex.respondError(400, "invalid_query", "limit must be a whole number");
        } catch (DateTimeParseException e) {
            ex.respondError(400, "invalid_query", "since and until must be ISO-8601 instants");
        } catch (IllegalArgumentException e) {
            ex.respondError(400, "invalid_query", e.getMessage());
        }
        return null;
    }

    private static Instant instant(String value) {
        if (value == null) {
            return null;
        }
        Instant parsed = EventValidator.parseInstant(value);
        if (parsed == null) {
            throw new DateTimeParseException("not an instant", value, 0);
        }
        return parsed;
    }
}
