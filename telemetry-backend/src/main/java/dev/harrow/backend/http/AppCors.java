package dev.harrow.backend.http;

import dev.harrow.backend.ingest.CollectorEndpoint;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Cross-origin access for the app-facing API (events, push registrations): apps served from the configured origins
 * ({@code "*"}: any) may call it from a browser or web view with their app key.
 */
public final class AppCors {
    private final List<String> allowedOrigins;

    public AppCors(List<String> allowedOrigins) {
        this.allowedOrigins = List.copyOf(allowedOrigins);
    }

    /** Answers a preflight for a POST with the app key. */
    public void preflight(ApiExchange ex) throws IOException {
        allow(ex);
        ex.setHeader("Access-Control-Allow-Methods", "POST, OPTIONS");
        ex.setHeader("Access-Control-Allow-Headers", "Content-Type, Content-Encoding, "
                + CollectorEndpoint.APP_KEY_HEADER);
        ex.setHeader("Access-Control-Max-Age", "600");
        ex.respondEmpty(204);
    }

    /** Allows the configured origins: "*" for any, else the request's own origin when it is listed. */
    public void allow(ApiExchange ex) {
        String origin = null;
        if (allowedOrigins.contains("*")) {
            origin = "*";
        } else {
            Optional<String> requestOrigin = ex.header("Origin");
            if (requestOrigin.isPresent() && allowedOrigins.contains(requestOrigin.get())) {
                origin = requestOrigin.get();
                ex.setHeader("Vary", "Origin");
            }
        }
        if (origin != null) {
            ex.setHeader("Access-Control-Allow-Origin", origin);
            ex.setHeader("Access-Control-Expose-Headers", "Retry-After");
        }
    }
}
