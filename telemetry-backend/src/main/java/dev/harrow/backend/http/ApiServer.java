package dev.harrow.backend.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front of the backend: routes by method and exact path (or a path prefix ending in '/'), answers 404 and
 * 405 itself, and turns an unexpected exception into a 500 that says nothing about the internals.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    private final HttpServer server;
    private final ExecutorService workers;
    private final List<Route> routes = new ArrayList<>();
    private final ObjectMapper json;

    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY small answers wait for the
        // client's delayed ACK (tens of milliseconds each).
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    public ApiServer(String host, int port, int workerThreads, ObjectMapper json) throws IOException {
        this.json = json;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 256);
        AtomicInteger threadNumber = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(workerThreads, workerThreads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "harrow-http-" + threadNumber.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        server.setExecutor(workers);
        server.createContext("/", this::dispatch);
    }

    /** Adds a route; a path ending in '/' matches every path under it. */
    public ApiServer route(String method, String path, ApiHandler handler) {
        routes.add(new Route(method, path, handler));
        return this;
    }

    public void start() {
        server.start();
    }

    public URI baseUri() {
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getHostString();
        return URI.create("http://" + host + ":" + address.getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dispatch(HttpExchange raw) {
        ApiExchange exchange = new ApiExchange(raw, json);
        try {
            String path = exchange.path();
            if (exchange.method().equals("HEAD")) {
                exchange.answerAsHead();
            }
            Set<String> allowed = new TreeSet<>();
            for (Route route : routes) {
                if (route.matches(path)) {
                    if (route.method().equals(exchange.method())) {
                        route.handler().handle(exchange);
                        return;
                    }
                    allowed.add(route.method());
                }
            }
            if (allowed.contains("GET")) {
                allowed.add("HEAD");
            }
            if (allowed.isEmpty()) {
                exchange.respondError(404, "not_found", "no such endpoint: " + path);
            } else {
                exchange.setHeader("Allow", String.join(", ", allowed));
                exchange.respondError(405, "method_not_allowed", "allowed: " + String.join(", ", allowed));
            }
        } catch (Exception e) {
            log.error("request {} {} failed", loggable(exchange.method()), loggable(exchange.path()), e);
            if (!exchange.responded()) {
                try {
                    exchange.respondError(500, "internal_error", "the request could not be handled");
                } catch (IOException ignored) {
                    // the client went away; nothing more to say to it
                }
            }
        } finally {
            raw.close();
        }
    }

    /**
     * Text from a request as it may be logged: line breaks and other control characters escaped, so that a request
     * cannot forge log lines ({@code %0d%0a} in a path), and bounded in length.
     */
    public static String loggable(String fromRequest) {
        if (fromRequest == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(fromRequest.length(), 300) + 8);
        for (int i = 0; i < fromRequest.length() && out.length() < 300; i++) {
            char c = fromRequest.charAt(i);
            switch (c) {
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.length() >= 300 ? out + "..." : out.toString();
    }

    private record Route(String method, String path, ApiHandler handler) {
        boolean matches(String requestPath) {
            return path.endsWith("/") ? requestPath.startsWith(path) : requestPath.equals(path);
        }
    }
}
