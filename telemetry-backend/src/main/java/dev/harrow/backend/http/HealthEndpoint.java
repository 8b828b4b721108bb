package dev.harrow.backend.http;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: a durable store accepts writes now (200), or
 * none does (503); the body says which store is up and how much waits in the spill.
 */
public final class HealthEndpoint {
    public static final String LIVE = "/health/live";
    public static final String READY = "/health/ready";

    private final BooleanSupplier ready;
    private final Supplier<Map<String, Object>> detail;

    public HealthEndpoint(BooleanSupplier ready, Supplier<Map<String, Object>> detail) {
        this.ready = ready;
        this.detail = detail;
    }

    public void live(ApiExchange ex) throws IOException {
        ex.respondJson(200, Map.of("status", "up"));
    }

    public void ready(ApiExchange ex) throws IOException {
        boolean isReady = ready.getAsBoolean();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", isReady ? "ready" : "unavailable");
        body.putAll(detail.get());
        ex.respondJson(isReady ? 200 : 503, body);
    }
}
