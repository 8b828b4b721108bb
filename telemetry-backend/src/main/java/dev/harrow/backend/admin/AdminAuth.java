package dev.harrow.backend.admin;

import dev.harrow.backend.config.Secrets;
import dev.harrow.backend.http.ApiExchange;
import java.io.IOException;

/** The admin API's bearer token check. */
public final class AdminAuth {
    private final String adminToken;

    public AdminAuth(String adminToken) {
        this.adminToken = adminToken;
    }

    /** Whether the request carries the admin token; if not, answers 401 itself. */
    public boolean check(ApiExchange ex) throws IOException {
        String header = ex.header("Authorization").orElse("");
        String presented = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        if (Secrets.constantTimeEquals(adminToken, presented)) {
            return true;
        }
        ex.setHeader("WWW-Authenticate", "Bearer realm=\"harrow-admin\"");
        ex.respondError(401, "unauthorized", "a valid admin bearer token is required");
        return false;
    }
}
