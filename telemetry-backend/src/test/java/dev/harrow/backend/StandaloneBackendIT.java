package dev.harrow.backend;

import static dev.harrow.backend.support.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.harrow.backend.client.BackendClient;
import dev.harrow.backend.ingest.IngestReply;
import dev.harrow.backend.store.EventQuery;
import dev.harrow.backend.support.BackendProcess;
import dev.harrow.backend.support.RetryingClient;
import java.time.Instant;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged service as an operator runs it: java -jar, configured by the environment. */
class StandaloneBackendIT {
    static final String KEY = "standalone-key-1";
    static final String ADMIN = "standalone-admin-token";

    @TempDir
    Path data;

    @Test
    void runsFromTheJarAndKeepsAcceptedEventsAcrossARestart() throws Exception {
        int port = freePort();
        Process first = start(port);
        try {
            awaitReady(port);
            IngestReply reply = new BackendClient(base(port), ADMIN).send(KEY, List.of(event("dev-jar", "a")));
            assertThat(reply.accepted()).isEqualTo(1);
        } finally {
            stop(first);
        }
        assertThat(first.exitValue()).as("a clean stop on SIGTERM").isIn(0, 143);
        assertThat(data.resolve("mongo.mv")).isRegularFile();
        List<String> logLines = Files.readAllLines(logOf(port, 0));
        assertThat(logLines.stream().filter(l -> l.startsWith("{"))).as("JSON log lines").isNotEmpty()
                .allSatisfy(l -> assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(l)
                        .has("level")).isTrue());
        assertThat(String.join("\n", logLines)).doesNotContain(KEY).doesNotContain(ADMIN);

        Process second = start(port);
        try {
            awaitReady(port);
            assertThat(new BackendClient(base(port), ADMIN).countEvents(EventQuery.forDevice("dev-jar"))).isEqualTo(1);
        } finally {
            stop(second);
        }
    }

    @Test
    void acknowledgedEventsSurviveASigkillOfTheBackendWithItsEmbeddedStores() throws Exception {
        Map<String, String> env = Map.of("HARROW_DATA_DIR", data.toString(), "HARROW_APP_KEYS", "shop=" + KEY,
                "HARROW_ADMIN_TOKEN", ADMIN, "HARROW_FAULTS_ENABLED", "true", "HARROW_RETRY_AFTER_SECONDS", "1");
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        try (BackendProcess backend = new BackendProcess(data, env, List.of()).start()) {
            RetryingClient client = new RetryingClient(backend.uri(), KEY);
            for (int i = 0; i < 20; i++) {
                client.deliver(batch("dev-kill", 50), deadline);
            }
            HttpClient http = HttpClient.newHttpClient();
            http.send(HttpRequest.newBuilder(backend.uri().resolve("/admin/v1/faults"))
                    .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"store\":\"mongodb\",\"mode\":\"down\"}")).build(),
                    HttpResponse.BodyHandlers.discarding());
            for (int i = 0; i < 10; i++) {
                assertThat(client.deliver(batch("dev-kill", 50), deadline).get("accepted").asInt()).isEqualTo(50);
            }
            long redisPid = Long.parseLong(Files.readString(data.resolve("redis/redis-server.pid")).trim());

            backend.kill();
            backend.start();

            await().atMost(Duration.ofSeconds(60)).until(() -> new BackendClient(backend.uri(), ADMIN)
                    .countEvents(EventQuery.forDevice("dev-kill")) == 1500);
            assertThat(ProcessHandle.of(redisPid).filter(ProcessHandle::isAlive))
                    .as("the Redis the killed backend left behind was stopped").isEmpty();
        }
    }

    static List<Map<String, Object>> batch(String device, int n) {
        List<Map<String, Object>> events = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(event(device, "screen_view"));
        }
        return events;
    }

    @Test
    void aConfigurationErrorExitsTwoAndNamesTheSetting() throws Exception {
        ProcessBuilder builder = command(freePort());
        builder.environment().put("HARROW_HTTP_PORT", "not-a-port");
        builder.redirectOutput(ProcessBuilder.Redirect.PIPE);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output).contains("configuration error").contains("HARROW_HTTP_PORT");
    }

    private Process start(int port) throws IOException {
        ProcessBuilder builder = command(port);
        builder.redirectOutput(logOf(port, starts++).toFile());
        return builder.start();
    }

    private int starts;

    private Path logOf(int port, int start) {
        return data.resolve("backend-" + port + "-" + start + ".log");
    }

    private ProcessBuilder command(int port) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", System.getProperty("harrow.backend.jar"))
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("HARROW_LOG_FORMAT", "json");
        env.put("HARROW_HTTP_PORT", Integer.toString(port));
        env.put("HARROW_DATA_DIR", data.toString());
        env.put("HARROW_APP_KEYS", "shop=" + KEY);
        env.put("HARROW_ADMIN_TOKEN", ADMIN);
        env.remove("MONGODB_URI");
        return builder;
    }

    private static void awaitReady(int port) {
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> http.send(
                HttpRequest.newBuilder(base(port).resolve("/health/ready")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static URI base(int port) {
        return URI.create("http://127.0.0.1:" + port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
