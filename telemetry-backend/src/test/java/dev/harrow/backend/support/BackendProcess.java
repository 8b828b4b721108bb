package dev.harrow.backend.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged backend ({@code java -jar}) as a child process the test can stop, kill and start again. */
public final class BackendProcess implements AutoCloseable {
    private final Path logDir;
    private final Map<String, String> env;
    private final List<String> args;
    private final List<String> jvm;
    private final int port;
    private Process process;
    private int starts;

    public BackendProcess(Path logDir, Map<String, String> env, List<String> args) {
        this(logDir, env, args, List.of("-Xmx512m"));
    }

    /** @param jvm the JVM's own options (heap size and such) */
    public BackendProcess(Path logDir, Map<String, String> env, List<String> args, List<String> jvm) {
        this.jvm = List.copyOf(jvm);
        this.logDir = logDir;
        this.env = new LinkedHashMap<>(env);
        this.args = List.copyOf(args);
        this.port = freePort();
        this.env.put("HARROW_HTTP_PORT", Integer.toString(port));
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Starts the jar and waits until it is ready. */
    public BackendProcess start() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java));
        command.addAll(jvm);
        command.addAll(List.of("-jar", System.getProperty("harrow.backend.jar")));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logDir.resolve("backend-" + (++starts) + ".log").toFile());
        builder.environment().remove("MONGODB_URI");
        builder.environment().remove("REDIS_URI");
        if (System.getProperty("harrow.cache.dir") != null) {
            builder.environment().put("HARROW_CACHE_DIR", System.getProperty("harrow.cache.dir"));
        }
        builder.environment().putAll(env);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> http.send(HttpRequest.newBuilder(uri().resolve("/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        return this;
    }

    /** SIGKILL: the process gets no chance to finish anything. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then SIGKILL if it does not stop in time. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** What the backend printed in its latest start. */
    public String log() throws IOException {
        return java.nio.file.Files.readString(logDir.resolve("backend-" + starts + ".log"));
    }

    public Process process() {
        return process;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
