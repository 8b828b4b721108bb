package dev.harrow.backend.admin;

import dev.harrow.backend.config.Secrets;
import dev.harrow.backend.http.ApiExchange;
import dev.harrow.backend.ingest.EventValidator;
import dev.harrow.backend.store.EventQuery;
import dev.harrow.backend.store.EventStore;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The admin API (bearer token): stored events, for people and for the scenarios that judge what an app sent.
 * {@code GET /admin/v1/events} and {@code GET /admin/v1/events/count} take {@code app}, {@code deviceId},
 * {@code type}, {@code since}, {@code until} (ISO-8601) and, for the list, {@code limit} (default 1000).
 */
public final class AdminEndpoint {
    public static final String EVENTS = "/admin/v1/events";
    public static final String EVENT_COUNT = "/admin/v1/events/count";
    static final int DEFAULT_LIMIT = 1000;

    private final String adminToken;
    private final EventStore store;

    public AdminEndpoint(String adminToken, EventStore store) {
        this.adminToken = adminToken;
        this.store = store;
    }

    public void events(ApiExchange ex) throws IOException {
        if (!authorized(ex)) {
            return;
        }
        EventQuery query = query(ex);
        if (query != null) {
            ex.respondJson(200, Map.of("events", store.find(query)));
        }
    }

    public void count(ApiExchange ex) throws IOException {
        if (!authorized(ex)) {
            return;
        }
        EventQuery query = query(ex);
        if (query != null) {
            ex.respondJson(200, Map.of("count", store.count(query)));
        }
    }

    /** Answers 401 itself when the bearer token is missing or wrong. */
    private boolean authorized(ApiExchange ex) throws IOException {
        String header = ex.header("Authorization").orElse("");
        String presented = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        if (Secrets.constantTimeEquals(adminToken, presented)) {
            return true;
        }
        ex.setHeader("WWW-Authenticate", "Bearer realm=\"harrow-admin\"");
        ex.respondError(401, "unauthorized", "a valid admin bearer token is required");
        return false;
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
