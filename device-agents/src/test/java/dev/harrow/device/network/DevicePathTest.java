package dev.harrow.device.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A device's network path: forwards what the run uses, holds a device offline, shapes, and keeps the record. */
class DevicePathTest {
    HttpServer server;
    AtomicInteger served = new AtomicInteger();
    DevicePath path;
    HttpClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            served.incrementAndGet();
            byte[] body = ("hello " + ex.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        path = DevicePath.start("pixel-test", NetworkProfile.FULL);
        client = HttpClient.newBuilder().proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", path.port())))
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() {
        path.close();
        server.stop(0);
    }

    URI at(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    HttpResponse<String> get(String p) throws Exception {
        return client.send(HttpRequest.newBuilder(at(p)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void forwardsWhatTheRunUsesAndKeepsAHarRecord() throws Exception {
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(at("/v1/events?x=1"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"events\":[]}")).header("Content-Type",
                        "application/json").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("hello /v1/events?x=1");
        Exchange recorded = path.exchanges().get(0);
        assertThat(recorded.outcome()).isEqualTo(Exchange.Outcome.FORWARDED);
        assertThat(recorded.method()).isEqualTo("POST");
        assertThat(recorded.requestBytes()).isEqualTo(13);
        assertThat(recorded.requestBody()).as("bodies are the app's data: left out by default").isNull();

        JsonNode har = new ObjectMapper().readTree(path.har()).get("log");
        assertThat(har.get("version").asText()).isEqualTo("1.2");
        assertThat(har.get("creator").get("name").asText()).isNotBlank();
        JsonNode entry = har.get("entries").get(0);
        for (String field : new String[] {"startedDateTime", "time", "request", "response", "cache", "timings"}) {
            assertThat(entry.has(field)).as(field).isTrue();
        }
        assertThat(entry.get("request").get("queryString").get(0).get("name").asText()).isEqualTo("x");
        assertThat(entry.get("response").get("status").asInt()).isEqualTo(200);
        assertThat(entry.get("response").get("content").get("size").asLong()).isEqualTo(20);
        for (String timing : new String[] {"send", "wait", "receive"}) {
            assertThat(entry.get("timings").get(timing).asLong()).as(timing).isGreaterThanOrEqualTo(0);
        }
        assertThat(entry.get("pageref").asText()).isEqualTo(har.get("pages").get(0).get("id").asText());
    }

    @Test
    void anOfflineDeviceSendsNothingUntilItIsOnlineAgain() throws Exception {
        path.use(NetworkProfile.OFFLINE);

        assertThatThrownBy(() -> get("/while-offline")).isInstanceOf(IOException.class);
        assertThat(served).as("nothing reached the server").hasValue(0);

        path.use(NetworkProfile.FULL);
        assertThat(get("/back-online").statusCode()).isEqualTo(200);
        // (a client may try a failed GET once more: each try is in the record)
        assertThat(path.exchanges()).extracting(Exchange::outcome).last().isEqualTo(Exchange.Outcome.FORWARDED);
        assertThat(path.exchanges().subList(0, path.exchanges().size() - 1)).extracting(Exchange::outcome)
                .containsOnly(Exchange.Outcome.OFFLINE);
        assertThat(path.switches()).extracting(s -> s.profile().name()).containsExactly("full", "offline", "full");
    }

    @Test
    void aHostTheRunDoesNotUseIsRefusedAtOnceWithoutALookup() throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> refused = client.send(HttpRequest.newBuilder(
                URI.create("http://clients2.google.com/time/1/current")).build(), HttpResponse.BodyHandlers.ofString());
        long millis = (System.nanoTime() - t0) / 1_000_000;

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(millis).as("no lookup, no connection").isLessThan(2_000);
        assertThat(path.exchanges().get(0).outcome()).isEqualTo(Exchange.Outcome.REFUSED_HOST);
        path.allow("api.example.test");
        assertThat(path.isAllowed("api.example.test")).isTrue();
    }

    @Test
    void latencyAndBandwidthDelayEveryRequest() throws Exception {
        path.use(NetworkProfile.custom(0, 150, 0, 0));
        long t0 = System.nanoTime();
        assertThat(get("/slow").statusCode()).isEqualTo(200);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("150 ms up and 150 ms down").isGreaterThanOrEqualTo(300);
        assertThat(path.exchanges().get(0).shapedMillis()).isGreaterThanOrEqualTo(300);
    }

    @Test
    void aLossyProfileFailsAShareOfRequestsCloseToItsFigure() throws Exception {
        path.use(NetworkProfile.custom(0, 0, 0, 20));  // 20% lost up, 20% down: 36% of requests fail
        int n = 400;
        int failed = 0;
        for (int i = 0; i < n; i++) {
            try {
                // a POST, which a client does not send again on its own as it does a GET
                if (client.send(HttpRequest.newBuilder(at("/r" + i)).POST(HttpRequest.BodyPublishers.ofString("e"))
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode() != 200) {
                    failed++;
                }
            } catch (IOException e) {
                failed++;
            }
        }
        double share = 100.0 * failed / n;
        System.out.printf("lossy profile: %d of %d requests failed (%.1f%%, expected 36%%)%n", failed, n, share);
        assertThat(share).isBetween(28.0, 44.0);
        long lostUp = path.exchanges().stream().filter(e -> e.outcome() == Exchange.Outcome.LOST_UP).count();
        assertThat(served.get()).as("requests lost on the way up never reached the server").isEqualTo(n - (int) lostUp);
    }
}
