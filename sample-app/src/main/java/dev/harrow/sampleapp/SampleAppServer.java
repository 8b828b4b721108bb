package dev.harrow.sampleapp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves the sample app's web files from this jar on a free loopback port, as a phone's browser would load them
 * from a web server. The app is at {@link #appUri()}.
 */
public final class SampleAppServer implements AutoCloseable {
    static final String ROOT = "harrow-sample-app/";
    public static final String APP_PATH = "/app/";
    /** The JUnit configuration parameter through which a farm tells scenarios where the app is served. */
    public static final String APP_URL_PARAMETER = "harrow.app.url";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "json", "application/json",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");

    private final HttpServer server;
    private final ExecutorService workers;

    private SampleAppServer(HttpServer server, ExecutorService workers) {
        this.server = server;
        this.workers = workers;
    }

    /** Starts on a free loopback port. */
    public static SampleAppServer start() {
        return start(InetAddress.getLoopbackAddress().getHostAddress());
    }

    /**
     * Starts on a free port of {@code bindAddress} ({@code 0.0.0.0} for every interface, so that phones on the LAN
     * can load the app).
     */
    public static SampleAppServer start(String bindAddress) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bindAddress, 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the sample app server", e);
        }
        ExecutorService workers = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "sample-app-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        server.createContext("/", SampleAppServer::serve);
        server.start();
        return new SampleAppServer(server, workers);
    }

    public URI appUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + APP_PATH);
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }

    private static void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                send(exchange, 405, "text/plain; charset=utf-8", "method not allowed".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (path.equals("/") || path.equals("/app")) {
                exchange.getResponseHeaders().set("Location", APP_PATH);
                exchange.sendResponseHeaders(302, -1);
                return;
            }
            if (!path.startsWith(APP_PATH)) {
                notFound(exchange);
                return;
            }
            String relative = path.substring(APP_PATH.length());
            if (relative.isEmpty() || relative.endsWith("/")) {
                relative += "index.html";
            }
            // Only plain names: no way out of the app's folder.
            if (relative.contains("..") || relative.contains("//") || relative.contains("\\")) {
                notFound(exchange);
                return;
            }
            try (InputStream in = SampleAppServer.class.getClassLoader().getResourceAsStream(ROOT + relative)) {
                if (in == null) {
                    notFound(exchange);
                    return;
                }
                String ext = relative.substring(relative.lastIndexOf('.') + 1);
                // The app under test must be what this build ships, never a copy the browser kept.
                exchange.getResponseHeaders().set("Cache-Control", "no-store");
                send(exchange, 200, TYPES.getOrDefault(ext, "application/octet-stream"), in.readAllBytes());
            }
        }
    }

    private static void notFound(HttpExchange exchange) throws IOException {
        send(exchange, 404, "text/plain; charset=utf-8", "not found".getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
