package dev.harrow.backend.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client that behaves as the SDK must: a batch keeps its event ids across retries, and is sent again after a
 * network error, a 429 or a 503 (after {@code Retry-After}) until the collector acknowledges it.
 */
public final class RetryingClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final URI endpoint;
    private final String appKey;
    private final AtomicLong retries = new AtomicLong();

    public RetryingClient(URI base, String appKey) {
        this.endpoint = base.resolve("/v1/events");
        this.appKey = appKey;
    }

    /** Sends until acknowledged; returns the 200 body. Gives up only at {@code deadline}. */
    public JsonNode deliver(List<Map<String, Object>> batch, Instant deadline) throws Exception {
        byte[] body = json.writeValueAsBytes(Map.of("events", batch));
        while (Instant.now().isBefore(deadline)) {
            long pauseMillis;
            try {
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(endpoint)
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .header("X-App-Key", appKey)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() == 200) {
                    return json.readTree(response.body());
                }
                if (response.statusCode() != 429 && response.statusCode() != 503) {
                    throw new IllegalStateException("refused for good: HTTP " + response.statusCode() + " "
                            + new String(response.body()));
                }
                pauseMillis = response.headers().firstValue("Retry-After").map(s -> Long.parseLong(s) * 1000)
                        .orElse(1000L);
            } catch (IOException e) {
                pauseMillis = 200; // the collector is restarting or unreachable: try again soon
            }
            retries.incrementAndGet();
            Thread.sleep(pauseMillis);
        }
        throw new IllegalStateException("a batch was not acknowledged before the deadline");
    }

    public long retries() {
        return retries.get();
    }
}
