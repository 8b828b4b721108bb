package dev.harrow.backend.client;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * How to reach a running backend: its base URL, the admin token, and the key of the app under test. A farm hands it
 * to scenarios as JUnit configuration parameters ({@link #asParameters()}); scenarios read it back with
 * {@link #fromParameters}.
 */
public record BackendConnection(URI baseUri, String adminToken, String appKey) {
    public static final String URL_PARAMETER = "harrow.backend.url";
    public static final String ADMIN_TOKEN_PARAMETER = "harrow.backend.admin-token";
    public static final String APP_KEY_PARAMETER = "harrow.backend.app-key";

    public BackendConnection {
        Objects.requireNonNull(baseUri, "baseUri");
        Objects.requireNonNull(adminToken, "adminToken");
        Objects.requireNonNull(appKey, "appKey");
    }

    public Map<String, String> asParameters() {
        return Map.of(URL_PARAMETER, baseUri.toString(), ADMIN_TOKEN_PARAMETER, adminToken, APP_KEY_PARAMETER, appKey);
    }

    /** The connection described by the parameters, if they name one; all three must be present. */
    public static Optional<BackendConnection> fromParameters(Function<String, Optional<String>> parameter) {
        Optional<String> url = parameter.apply(URL_PARAMETER);
        if (url.isEmpty()) {
            return Optional.empty();
        }
        String token = parameter.apply(ADMIN_TOKEN_PARAMETER).orElseThrow(() -> new IllegalArgumentException(
                URL_PARAMETER + " is set but " + ADMIN_TOKEN_PARAMETER + " is not"));
        String key = parameter.apply(APP_KEY_PARAMETER).orElseThrow(() -> new IllegalArgumentException(
                URL_PARAMETER + " is set but " + APP_KEY_PARAMETER + " is not"));
        return Optional.of(new BackendConnection(URI.create(url.get()), token, key));
    }

    public BackendClient client() {
        return new BackendClient(baseUri, adminToken);
    }

    /** Never print the secrets. */
    @Override
    public String toString() {
        return "BackendConnection[" + baseUri + "]";
    }
}
