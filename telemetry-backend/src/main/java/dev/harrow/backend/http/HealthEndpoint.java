package dev.harrow.backend.http;

import java.io.IOException;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** {@code /health/live}: the process answers. {@code /health/ready}: a durable store accepts writes now. */
public final class HealthEndpoint {
    public static final String LIVE = "/health/live";
    public static final String READY = "/health/ready";

    private final BooleanSupplier storeReady;

    public HealthEndpoint(BooleanSupplier storeReady) {
        this.storeReady = storeReady;
    }

    public void live(ApiExchange ex) throws IOException {
        ex.respondJson(200, Map.of("status", "up"));
    }

    public void ready(ApiExchange ex) throws IOException {
        boolean ready = storeReady.getAsBoolean();
        ex.respondJson(ready ? 200 : 503, Map.of("status", ready ? "ready" : "unavailable"));
    }
}
