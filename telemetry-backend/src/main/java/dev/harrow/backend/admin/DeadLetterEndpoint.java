package dev.harrow.backend.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.backend.http.ApiExchange;
import dev.harrow.backend.store.AppendResult;
import dev.harrow.backend.store.DeadLetter;
import dev.harrow.backend.store.MongoEventStore;
import dev.harrow.backend.store.StoreUnavailableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dead letters for operators (admin token): accepted events that the store refused, with the reason.
 * <ul>
 *   <li>{@code GET /admin/v1/dead-letters?limit=100}: {@code {"pending":n,"deadLetters":[...]}}, those still to be
 *   looked at first;</li>
 *   <li>{@code POST /admin/v1/dead-letters/retry} with {@code {"ids":[...]}} or {@code {"all":true}}: writes them
 *   again; those stored leave the list, those refused again stay with the new error;</li>
 *   <li>{@code POST /admin/v1/dead-letters/dismiss} with the same body: marks them as looked at (kept, no longer
 *   counted by the readiness check).</li>
 * </ul>
 */
public final class DeadLetterEndpoint {
    public static final String PATH = "/admin/v1/dead-letters";
    public static final String RETRY = PATH + "/retry";
    public static final String DISMISS = PATH + "/dismiss";
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 10_000;

    private final AdminAuth auth;
    private final MongoEventStore store;
    private final ObjectMapper json = new ObjectMapper();

    public DeadLetterEndpoint(String adminToken, MongoEventStore store) {
        this.auth = new AdminAuth(adminToken);
        this.store = store;
    }

    public void list(ApiExchange ex) throws IOException {
        if (!auth.check(ex)) {
            return;
        }
        int limit;
        try {
            limit = Integer.parseInt(ex.query().getOrDefault("limit", Integer.toString(DEFAULT_LIMIT)));
        } catch (NumberFormatException e) {
            ex.respondError(400, "invalid_query", "limit must be a whole number");
            return;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            ex.respondError(400, "invalid_query", "limit must be between 1 and " + MAX_LIMIT);
            return;
        }
        try {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("pending", store.deadLetters().pending());
            body.put("deadLetters", store.deadLetters().list(limit));
            ex.respondJson(200, body);
        } catch (StoreUnavailableException e) {
            ex.respondError(503, "store_unavailable", "dead letters cannot be read now; retry shortly");
        }
    }

    public void retry(ApiExchange ex) throws IOException {
        List<String> ids = chosen(ex);
        if (ids == null) {
            return;
        }
        try {
            AppendResult result = store.retryDeadLetters(ids);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("stored", result.accepted() - result.deadLettered());
            body.put("duplicates", result.duplicates());
            body.put("refusedAgain", result.deadLettered());
            ex.respondJson(200, body);
        } catch (StoreUnavailableException e) {
            ex.respondError(503, "store_unavailable", "dead letters cannot be retried now; retry shortly");
        }
    }

    public void dismiss(ApiExchange ex) throws IOException {
        List<String> ids = chosen(ex);
        if (ids == null) {
            return;
        }
        try {
            ex.respondJson(200, Map.of("dismissed", store.deadLetters().dismiss(ids)));
        } catch (StoreUnavailableException e) {
            ex.respondError(503, "store_unavailable", "dead letters cannot be changed now; retry shortly");
        }
    }

    /** The handles a request names ({@code ids}, or every pending one with {@code all}); null after answering. */
    private List<String> chosen(ApiExchange ex) throws IOException {
        if (!auth.check(ex)) {
            return null;
        }
        JsonNode request;
        try {
            request = json.readTree(ex.body().readNBytes(1024 * 1024));
        } catch (IOException e) {
            ex.respondError(400, "invalid_json", "the body is not valid JSON");
            return null;
        }
        List<String> ids = new ArrayList<>();
        try {
            if (request != null && request.path("all").asBoolean(false)) {
                for (DeadLetter letter : store.deadLetters().list(MAX_LIMIT)) {
                    if (DeadLetter.NEW.equals(letter.status()) && !ids.contains(letter.id())) {
                        ids.add(letter.id());
                    }
                }
                return ids;
            }
        } catch (StoreUnavailableException e) {
            ex.respondError(503, "store_unavailable", "dead letters cannot be read now; retry shortly");
            return null;
        }
        JsonNode list = request == null ? null : request.get("ids");
        if (list == null || !list.isArray() || list.isEmpty()) {
            ex.respondError(400, "invalid_request", "the body must be {\"ids\":[...]} or {\"all\":true}");
            return null;
        }
        for (JsonNode id : list) {
            if (!id.isTextual()) {
                ex.respondError(400, "invalid_request", "ids must be strings");
                return null;
            }
            ids.add(id.textValue());
        }
        return ids;
    }
}
