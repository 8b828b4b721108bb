package dev.harrow.device;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * What to start on a device: the app, and the launch parameters it reads (collector URL, app key, ...). A web app
 * gets them as query parameters; a native app as launch arguments.
 */
public record AppLaunch(URI app, Map<String, String> parameters) {
    public AppLaunch {
        Objects.requireNonNull(app, "app");
        parameters = Map.copyOf(parameters);
    }

    public static AppLaunch of(URI app) {
        return new AppLaunch(app, Map.of());
    }

    /** The app's URI with the parameters added to its query, as a web app or a deep link receives them. */
    public URI asUri() {
        if (parameters.isEmpty()) {
            return app;
        }
        StringJoiner query = new StringJoiner("&");
        parameters.forEach((k, v) -> query.add(encode(k) + "=" + encode(v)));
        String base = app.toString();
        int hash = base.indexOf('#');
        String fragment = hash < 0 ? "" : base.substring(hash);
        String head = hash < 0 ? base : base.substring(0, hash);
        return URI.create(head + (head.contains("?") ? "&" : "?") + query + fragment);
    }

    /** The origin (scheme, host, port) of a web app; null for other URIs. */
    public String webOrigin() {
        String scheme = app.getScheme();
        if (scheme == null || !scheme.startsWith("http") || app.getHost() == null) {
            return null;
        }
        return scheme + "://" + app.getHost() + (app.getPort() < 0 ? "" : ":" + app.getPort());
    }

    /**
     * The hosts the app will talk to, as far as its launch says: its own, and those of any parameter that is an
     * http(s) URL (the collector, a backend). A device's network path lets exactly these through.
     */
    public java.util.Set<String> hostsUsed() {
        java.util.Set<String> hosts = new java.util.LinkedHashSet<>();
        if (app.getHost() != null) {
            hosts.add(app.getHost());
        }
        for (String value : parameters.values()) {
            if (value != null && (value.startsWith("http://") || value.startsWith("https://"))) {
                try {
                    String host = URI.create(value).getHost();
                    if (host != null) {
                        hosts.add(host);
                    }
                } catch (IllegalArgumentException ignored) {
                    // not a URL after all
                }
            }
        }
        return hosts;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public AppLaunch with(String name, String value) {
        Map<String, String> next = new LinkedHashMap<>(parameters);
        next.put(name, value);
        return new AppLaunch(app, next);
    }
}
