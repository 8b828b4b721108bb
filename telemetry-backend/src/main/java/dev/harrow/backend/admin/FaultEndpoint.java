package dev.harrow.backend.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.backend.client.ApiPaths;
import dev.harrow.backend.http.ApiExchange;
import dev.harrow.backend.ops.FaultProxy;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fault controls for test harnesses (admin token): {@code GET /admin/v1/faults} lists the stores and their mode;
 * {@code POST /admin/v1/faults} with {@code {"store":"mongodb"|"redis","mode":"up"|"down"|"hang"}} changes one.
 * Answers 403 unless fault controls are enabled by configuration ({@code HARROW_FAULTS_ENABLED=true}).
 */
public final class FaultEndpoint {
    public static final String PATH = ApiPaths.ADMIN_FAULTS;

    private final AdminAuth auth;
    private final Map<String, FaultProxy> proxies;
    private final ObjectMapper json = new ObjectMapper();

    /** @param proxies by store name; empty when fault controls are disabled */
    public FaultEndpoint(String adminToken, Map<String, FaultProxy> proxies) {
        this.auth = new AdminAuth(adminToken);
        this.proxies = Map.copyOf(proxies);
    }

    public void list(ApiExchange ex) throws IOException {
        if (!auth.check(ex)) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("enabled", !proxies.isEmpty());
        Map<String, String> modes = new LinkedHashMap<>();
        proxies.forEach((store, proxy) -> modes.put(store, proxy.mode().wire()));
        body.put("stores", modes);
        ex.respondJson(200, body);
    }

    public void change(ApiExchange ex) throws IOException {
        if (!auth.check(ex)) {
            return;
        }
        if (proxies.isEmpty()) {
            ex.respondError(403, "faults_disabled", "fault controls are disabled; enable them with "
                    + "HARROW_FAULTS_ENABLED=true (test harnesses only)");
            return;
        }
        JsonNode request;
        try {
            request = json.readTree(ex.body().readNBytes(4096));
        } catch (IOException e) {
            ex.respondError(400, "invalid_json", "the body is not valid JSON");
            return;
        }
        String store = request == null ? null : request.path("store").asText(null);
        FaultProxy proxy = store == null ? null : proxies.get(store);
        if (proxy == null) {
            ex.respondError(400, "unknown_store", "store must be one of " + proxies.keySet());
            return;
        }
        FaultProxy.Mode mode = FaultProxy.Mode.fromWire(request.path("mode").asText("")).orElse(null);
        if (mode == null) {
            ex.respondError(400, "unknown_mode", "mode must be up, down or hang");
            return;
        }
        proxy.set(mode);
        ex.respondJson(200, Map.of("store", store, "mode", mode.wire()));
    }
}
