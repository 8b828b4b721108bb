package dev.harrow.device;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

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

    public AppLaunch with(String name, String value) {
        Map<String, String> next = new LinkedHashMap<>(parameters);
        next.put(name, value);
        return new AppLaunch(app, next);
    }
}
