package dev.harrow.backend.dashboard;

import dev.harrow.backend.http.ApiExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The dashboard: one page and its script, with Chart.js served from its WebJar on the classpath (no CDN). The
 * page itself holds no data: after the admin signs in with the admin token, it reads the metrics, push and ingest
 * APIs with that token, like any other client.
 */
public final class DashboardEndpoint {
    public static final String PAGE = "/dashboard";
    public static final String SCRIPT = "/dashboard/dashboard.js";
    public static final String CHARTS = "/dashboard/chart.umd.js";
    static final String CHART_JS_POM = "META-INF/maven/org.webjars.npm/chart.js/pom.properties";

    private final Map<String, byte[]> files;

    public DashboardEndpoint() {
        this.files = Map.of(PAGE, load("dev/harrow/backend/dashboard/index.html"),
                SCRIPT, load("dev/harrow/backend/dashboard/dashboard.js"),
                CHARTS, load("META-INF/resources/webjars/chart.js/" + chartJsVersion() + "/dist/chart.umd.js"));
    }

    /** The WebJar's own version, so that the path follows the dependency when it is upgraded. */
    private static String chartJsVersion() {
        java.util.Properties pom = new java.util.Properties();
        try {
            pom.load(new java.io.ByteArrayInputStream(load(CHART_JS_POM)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pom.getProperty("version");
    }

    private static byte[] load(String resource) {
        try (InputStream in = DashboardEndpoint.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("dashboard resource missing from the build: " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void serve(ApiExchange ex) throws IOException {
        String path = ex.path();
        String type = path.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/html; charset=utf-8";
        byte[] body = files.get(path);
        if (body == null) {
            ex.respondError(404, "not_found", "no such dashboard file: " + path);
            return;
        }
        ex.setHeader("Cache-Control", "no-cache");
        ex.respondBytes(200, type, body);
    }
}
