package dev.harrow.sampleapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SampleAppServerTest {
    static SampleAppServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = SampleAppServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> get(String path) throws Exception {
        URI uri = server.appUri().resolve(path);
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheAppAndItsSdkOnLoopback() throws Exception {
        assertThat(server.appUri().getHost()).isEqualTo("127.0.0.1");
        HttpResponse<String> index = get("/app/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(index.body()).contains("sdk/harrow-telemetry.js").contains("data-testid=\"screen\"");

        HttpResponse<String> sdk = get("/app/sdk/harrow-telemetry.js");
        assertThat(sdk.statusCode()).isEqualTo(200);
        assertThat(sdk.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(sdk.body()).contains("HarrowTelemetry");
    }

    @Test
    void refusesPathsOutsideTheApp() throws Exception {
        assertThat(get("/app/../harrow-sample-app/index.html").statusCode()).isEqualTo(404);
        assertThat(get("/app/%2e%2e/dev/harrow/sampleapp/SampleAppServer.class").statusCode()).isEqualTo(404);
        assertThat(get("/app/missing.js").statusCode()).isEqualTo(404);
        assertThat(get("/elsewhere").statusCode()).isEqualTo(404);
    }
}
