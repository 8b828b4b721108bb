package dev.harrow.backend.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** One HTTP request and its response, with the few operations the API's handlers need. */
public final class ApiExchange {
    private final HttpExchange exchange;
    private final ObjectMapper json;
    private Map<String, String> query;
    private boolean responded;

    ApiExchange(HttpExchange exchange, ObjectMapper json) {
        this.exchange = exchange;
        this.json = json;
    }

    public String method() {
        return exchange.getRequestMethod();
    }

    public String path() {
        return exchange.getRequestURI().getPath();
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
    }

    /** The query parameters; the first value wins when one is repeated. */
    public Map<String, String> query() {
        if (query == null) {
            Map<String, String> parsed = new LinkedHashMap<>();
            String raw = exchange.getRequestURI().getRawQuery();
            if (raw != null && !raw.isEmpty()) {
                for (String pair : raw.split("&")) {
                    int eq = pair.indexOf('=');
                    String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                    String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                    parsed.putIfAbsent(key, value);
                }
            }
            query = parsed;
        }
        return query;
    }

    public InputStream body() {
        return exchange.getRequestBody();
    }

    public void setHeader(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
    }

    public void respondJson(int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        setHeader("Content-Type", "application/json; charset=utf-8");
        send(status, bytes);
    }

    /** A JSON error body {@code {"error": code, "message": message}}: code is stable, message is for people. */
    public void respondError(int status, String code, String message) throws IOException {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        respondJson(status, body);
    }

    public void respondEmpty(int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
        responded = true;
        exchange.close();
    }

    public void respondBytes(int status, String contentType, byte[] bytes) throws IOException {
        setHeader("Content-Type", contentType);
        send(status, bytes);
    }

    boolean responded() {
        return responded;
    }

    private void send(int status, byte[] bytes) throws IOException {
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        responded = true;
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
