package dev.harrow.device.support;

import static org.awaitility.Awaitility.await;

import dev.harrow.device.runtime.FreePorts;
import dev.harrow.device.runtime.ProcessTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Selenium Grid 4 hub and one relay node in front of an Appium server, each in a child JVM on loopback, as the
 * distributed engine runs on several hosts. Started from the {@code selenium-grid} artifact on the test classpath.
 */
public final class LocalGrid implements AutoCloseable {
    private final Process hub;
    private final Process node;
    private final int hubPort;

    private LocalGrid(Process hub, Process node, int hubPort) {
        this.hub = hub;
        this.node = node;
        this.hubPort = hubPort;
    }

    /**
     * A hub, and a node whose {@code slots} slots relay to {@code appium} for sessions matching {@code stereotype}
     * (JSON).
     */
    public static LocalGrid start(Path dir, URL appium, int slots, String stereotype) throws IOException {
        Files.createDirectories(dir);
        int hubPort = FreePorts.next();
        int publish = FreePorts.next();
        int subscribe = FreePorts.next();
        int nodePort = FreePorts.next();
        Path hubConfig = dir.resolve("hub.toml");
        Files.writeString(hubConfig, """
                [server]
                host = "127.0.0.1"
                port = %d

                [events]
                publish = "tcp://127.0.0.1:%d"
                subscribe = "tcp://127.0.0.1:%d"
                bind = true
                """.formatted(hubPort, publish, subscribe));
        Path nodeConfig = dir.resolve("node.toml");
        Files.writeString(nodeConfig, """
                [server]
                host = "127.0.0.1"
                port = %d

                [events]
                publish = "tcp://127.0.0.1:%d"
                subscribe = "tcp://127.0.0.1:%d"

                [node]
                detect-drivers = false
                override-max-sessions = true
                max-sessions = %d
                hub = "http://127.0.0.1:%d"

                [relay]
                url = "%s"
                status-endpoint = "/status"
                configs = ["%d", '%s']
                """.formatted(nodePort, publish, subscribe, slots, hubPort,
                appium.toString().replaceAll("/$", ""), slots, stereotype));
        Process hub = java(dir.resolve("hub.log"), "hub", "--config", hubConfig.toString());
        Process node = null;
        try {
            node = java(dir.resolve("node.log"), "node", "--config", nodeConfig.toString());
            LocalGrid grid = new LocalGrid(hub, node, hubPort);
            HttpClient http = HttpClient.newHttpClient();
            // ready when the hub sees the node's slots
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> {
                        String status = http.send(HttpRequest.newBuilder(URI.create(grid.url() + "status")).build(),
                                HttpResponse.BodyHandlers.ofString()).body();
                        return status.contains("\"ready\": true") || status.contains("\"ready\":true");
                    });
            return grid;
        } catch (RuntimeException e) {
            ProcessTree.terminate(hub.toHandle(), Duration.ofSeconds(5));
            if (node != null) {
                ProcessTree.terminate(node.toHandle(), Duration.ofSeconds(5));
            }
            throw e;
        }
    }

    public URL url() {
        try {
            return URI.create("http://127.0.0.1:" + hubPort + "/").toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Process java(Path log, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "org.openqa.selenium.grid.Main"));
        command.addAll(List.of(args));
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        ProcessTree.terminate(node.toHandle(), Duration.ofSeconds(10));
        ProcessTree.terminate(hub.toHandle(), Duration.ofSeconds(10));
    }
}
