package dev.harrow.farm.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.harrow.device.provider.CommandLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.openqa.selenium.remote.HttpCommandExecutor;
import org.openqa.selenium.remote.RemoteWebDriver;

/**
 * Drives a bundle's command log again on another device's session. Element ids belong to the session that made
 * them, so each element is found again by the locator that found it first (the find command's own body), and later
 * commands get the new id. A find that failed in the original was a wait polling for something not there yet: it is
 * left out, and a find that succeeded is retried on the new device until it succeeds too (up to
 * {@link #FIND_PATIENCE}), because the new device may be slower or faster than the first. Session lifecycle,
 * screenshots and log reads are not replayed. Every other command is sent as recorded, to the new session, and a
 * different HTTP status is reported as a mismatch.
 */
public final class CommandReplay {
    public static final Duration FIND_PATIENCE = Duration.ofSeconds(15);
    static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private static final List<String> NOT_REPLAYED = List.of("/screenshot", "/se/log", "/log", "/se/log/types");
    /**
     * The W3C WebDriver commands a replay sends, as method and path under the session ({@code {}} an element, window
     * or cookie id). A bundle is data from elsewhere: anything else it holds (vendor commands such as DevTools
     * calls, which can reach far beyond the page) is skipped, and a path that tries to climb out of the session is
     * refused.
     */
    static final List<String> W3C_COMMANDS = List.of(
            "POST /url", "GET /url", "POST /back", "POST /forward", "POST /refresh", "GET /title", "GET /source",
            "GET /timeouts", "POST /timeouts", "GET /window", "POST /window", "DELETE /window", "GET /window/handles",
            "POST /window/new", "GET /window/rect", "POST /window/rect", "POST /window/maximize",
            "POST /window/minimize", "POST /window/fullscreen", "POST /frame", "POST /frame/parent",
            "POST /element", "POST /elements", "GET /element/active", "POST /element/{}/element",
            "POST /element/{}/elements", "GET /element/{}/selected", "GET /element/{}/displayed",
            "GET /element/{}/attribute/{}", "GET /element/{}/property/{}", "GET /element/{}/css/{}",
            "GET /element/{}/text", "GET /element/{}/name", "GET /element/{}/rect", "GET /element/{}/enabled",
            "GET /element/{}/computedrole", "GET /element/{}/computedlabel", "POST /element/{}/click",
            "POST /element/{}/clear", "POST /element/{}/value", "GET /element/{}/screenshot", "POST /execute/sync",
            "POST /execute/async", "GET /cookie", "GET /cookie/{}", "POST /cookie", "DELETE /cookie/{}",
            "DELETE /cookie", "POST /actions", "DELETE /actions", "POST /alert/dismiss", "POST /alert/accept",
            "GET /alert/text", "POST /alert/text", "POST /print");
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,200}");

    /** Whether {@code method path} is a W3C command a replay may send. */
    static boolean replayable(String method, String path) {
        if (path == null || path.contains("..") || path.contains("//") || path.contains("\\")
                || path.contains("%") || !path.startsWith("/")) {
            return false;
        }
        String[] segments = path.substring(1).split("/", -1);
        for (String known : W3C_COMMANDS) {
            int space = known.indexOf(' ');
            if (!known.substring(0, space).equals(method)) {
                continue;
            }
            String[] pattern = known.substring(space + 2).split("/", -1);
            if (pattern.length != segments.length) {
                continue;
            }
            boolean matches = true;
            for (int i = 0; i < pattern.length && matches; i++) {
                matches = pattern[i].equals("{}") ? ID.matcher(segments[i]).matches() && !segments[i].equals(".")
                        : pattern[i].equals(segments[i]);
            }
            if (matches) {
                return true;
            }
        }
        return false;
    }
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A command whose answer on the new device differs in status from the original. */
    public record Mismatch(int index, String method, String path, int recorded, int replayed) {
    }

    /** What the replay did. */
    public record Outcome(int replayed, int skipped, List<Mismatch> mismatches) {
    }

    private final URI server;
    private final String session;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, String> ids = new HashMap<>();

    private CommandReplay(URI server, String session) {
        this.server = server;
        this.session = session;
    }

    /**
     * Replays {@code bundle}'s commands on {@code target}'s session. {@code rewriteUrl} may change the URLs the app
     * is opened with (another backend, another device id).
     */
    public static Outcome drive(SessionBundle bundle, RemoteWebDriver target, UnaryOperator<String> rewriteUrl,
                                Consumer<String> progress) {
        URI server;
        try {
            server = ((HttpCommandExecutor) target.getCommandExecutor()).getAddressOfRemoteServer().toURI();
        } catch (URISyntaxException | ClassCastException e) {
            throw new IllegalArgumentException("the target session has no HTTP address to replay to", e);
        }
        return new CommandReplay(server, target.getSessionId().toString()).run(bundle.commands(), rewriteUrl,
                progress);
    }

    private Outcome run(List<CommandLog.Command> commands, UnaryOperator<String> rewriteUrl,
                        Consumer<String> progress) {
        int replayed = 0;
        int skipped = 0;
        List<Mismatch> mismatches = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            CommandLog.Command c = commands.get(i);
            boolean find = c.method().equals("POST")
                    && (c.path().endsWith("/element") || c.path().endsWith("/elements"));
            if (c.path().isEmpty() || NOT_REPLAYED.contains(c.path()) || find && c.status() != 200
                    || !replayable(c.method(), c.path())) {
                skipped++;
                continue;
            }
            String path = substitutePath(c.path());
            String body = substituteBody(c.body(), c.path().equals("/url") ? rewriteUrl : UnaryOperator.identity());
            HttpResponse<String> answer = find ? findPatiently(c, path, body) : send(c.method(), path, body);
            if (find && answer.statusCode() == 200) {
                mapIds(read(c.answer()).path("value"), read(answer.body()).path("value"));
            }
            if (answer.statusCode() != c.status()) {
                mismatches.add(new Mismatch(i, c.method(), c.path(), c.status(), answer.statusCode()));
            }
            replayed++;
            if (replayed % 25 == 0) {
                progress.accept("replayed " + replayed + " commands (" + (i + 1) + "/" + commands.size() + ")");
            }
        }
        progress.accept("replayed " + replayed + " commands, skipped " + skipped + ", " + mismatches.size()
                + " answered differently");
        return new Outcome(replayed, skipped, List.copyOf(mismatches));
    }

    private HttpResponse<String> findPatiently(CommandLog.Command c, String path, String body) {
        Instant giveUp = Instant.now().plus(FIND_PATIENCE);
        while (true) {
            HttpResponse<String> answer = send(c.method(), path, body);
            boolean found = answer.statusCode() == 200 && !(c.path().endsWith("/elements")
                    && read(answer.body()).path("value").size() < read(c.answer()).path("value").size());
            if (found || Instant.now().isAfter(giveUp)) {
                return answer;
            }
            try {
                Thread.sleep(100); // polling the device, as an implicit wait does
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return answer;
            }
        }
    }

    /** Old element ids to new ones, from the original find's answer and the replayed find's answer. */
    private void mapIds(JsonNode recorded, JsonNode replayed) {
        if (recorded.isArray()) {
            for (int n = 0; n < Math.min(recorded.size(), replayed.size()); n++) {
                mapIds(recorded.get(n), replayed.get(n));
            }
        } else if (recorded.has(ELEMENT) && replayed.has(ELEMENT)) {
            ids.put(recorded.get(ELEMENT).asText(), replayed.get(ELEMENT).asText());
        }
    }

    private String substitutePath(String path) {
        String[] segments = path.split("/", -1);
        for (int n = 0; n < segments.length; n++) {
            segments[n] = ids.getOrDefault(segments[n], segments[n]);
        }
        return String.join("/", segments);
    }

    private String substituteBody(String body, UnaryOperator<String> rewriteUrl) {
        if (body == null || body.isBlank()) {
            return body;
        }
        JsonNode node = read(body);
        JsonNode replaced = replace(node);
        if (replaced.isObject() && replaced.has("url")) {
            ((ObjectNode) replaced).put("url", rewriteUrl.apply(replaced.get("url").asText()));
        }
        return replaced.toString();
    }

    private JsonNode replace(JsonNode node) {
        if (node.isTextual()) {
            String id = ids.get(node.asText());
            return id == null ? node : TextNode.valueOf(id);
        }
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            node.forEach(e -> out.add(replace(e)));
            return out;
        }
        if (node.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                out.set(f.getKey(), replace(f.getValue()));
            }
            return out;
        }
        return node;
    }

    private HttpResponse<String> send(String method, String path, String body) {
        HttpRequest.BodyPublisher publisher = body == null || body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.toString().replaceFirst("/+$", "")
                        + "/session/" + session + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json; charset=utf-8")
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : publisher)
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("the target device did not answer " + method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("replay interrupted", e);
        }
    }

    private static JsonNode read(String json) {
        try {
            return json == null || json.isBlank() ? JSON.nullNode() : JSON.readTree(json);
        } catch (IOException e) {
            return JSON.nullNode();
        }
    }
}
