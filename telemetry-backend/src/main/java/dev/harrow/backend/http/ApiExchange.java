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
    /** A HEAD request answered by its GET route: headers as for GET, no body. */
    private boolean head;

    ApiExchange(HttpExchange exchange, ObjectMapper json) {
        this.exchange = exchange;
        this.json = json;
    }

    public String method() {
        return head ? "GET" : exchange.getRequestMethod();
    }

    /** Answers this HEAD request as its GET would be answered, without the body. */
    void answerAsHead() {
        head = true;
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

    /** The client's address (no port), as the connection shows it. */
    public String remoteAddress() {
        java.net.InetSocketAddress remote = exchange.getRemoteAddress();
        return remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
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

    /**
     * A JSON error body {@code {"error": code, "message": message}}: code is stable, message is for people. The
     * message never names the backend's classes, whatever a library put into it.
     */
    public void respondError(int status, String code, String message) throws IOException {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", withoutClassNames(message));
        respondJson(status, body);
    }

    /** Qualified Java names ({@code com.mongodb.MongoSocketOpenException}) and the like, as seen in messages. */
    private static final java.util.regex.Pattern QUALIFIED_NAME = java.util.regex.Pattern.compile(
            "`?\\b(?:[a-z_][a-z0-9_]*\\.){2,}[A-Za-z_$][A-Za-z0-9_$]*(?:\\$[A-Za-z0-9_$]+)*`?");

    static String withoutClassNames(String message) {
        if (message == null) {
            return "";
        }
        String cleaned = QUALIFIED_NAME.matcher(message).replaceAll("(internal)");
        return cleaned.length() <= 1000 ? cleaned : cleaned.substring(0, 1000) + "...";
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
        if (head) {
            // what GET would say, and no body: the length the body would have is not sent either
            exchange.sendResponseHeaders(status, -1);
            responded = true;
            exchange.close();
            return;
        }
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
