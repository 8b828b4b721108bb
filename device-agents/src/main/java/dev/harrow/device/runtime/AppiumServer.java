package dev.harrow.device.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local Appium 3 server, run from the pinned install under device-agents/appium with the system's Node.js, on
 * a free loopback port. Its temp, config and cache dirs live under {@link WorkDirs}; {@link #close()} ends it and
 * every process it started (drivers, browsers), by PID.
 */
public final class AppiumServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AppiumServer.class);
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int BIND_ATTEMPTS = 3;

    private final Process process;
    private final URL url;
    private final Path logFile;
    private final Path tempDir;

    private AppiumServer(Process process, URL url, Path logFile, Path tempDir) {
        this.process = process;
        this.url = url;
        this.logFile = logFile;
        this.tempDir = tempDir;
    }

    /** Starts Appium from {@link AppiumHome#locate()} and waits until it answers {@code /status}. */
    public static AppiumServer start(WorkDirs dirs) {
        return start(AppiumHome.locate(), dirs);
    }

    public static AppiumServer start(AppiumHome home, WorkDirs dirs) {
        Path node = Prerequisites.node();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
            int port = FreePorts.next();
            try {
                return startOn(node, home, dirs, port);
            } catch (PortTakenException e) {
                last = e;
                log.info("port {} was taken before Appium bound it; trying another", port);
            }
        }
        throw last;
    }

    private static AppiumServer startOn(Path node, AppiumHome home, WorkDirs dirs, int port) {
        Path workDir = dirs.dir("appium-" + port);
        Path logFile = workDir.resolve("appium.log");
        List<String> command = new ArrayList<>(List.of(node.toString(), home.mainScript().toString(), "server",
                "--address", "127.0.0.1",
                "--port", Integer.toString(port),
                "--base-path", "/",
                "--log-level", "info",
                "--log-no-colors",
                "--log-timestamp",
                "--local-timezone"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.dir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        Map<String, String> env = builder.environment();
        env.put("APPIUM_HOME", home.dir().toString());
        // Every session leaves temp files; keep them under the build dir rather than in /tmp, unless that path is
        // too long for the browser's Unix sockets.
        WorkDirs.deleteStaleSocketDirs();
        Path tmp = dirs.socketSafeTempDir("appium-" + port);
        env.put("TMPDIR", tmp.toString());
        env.put("XDG_CONFIG_HOME", dirs.dir("appium-" + port, "config").toString());
        env.put("XDG_CACHE_HOME", dirs.dir("appium-" + port, "cache").toString());
        env.put("NO_UPDATE_NOTIFIER", "1");

        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Appium with " + node, e);
        }
        URL url = url("http://127.0.0.1:" + port + "/");
        AppiumServer server = new AppiumServer(process, url, logFile, tmp);
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                String tail = server.logTail(40);
                if (tail.contains("EADDRINUSE")) {
                    throw new PortTakenException(port);
                }
                throw new IllegalStateException("Appium exited with code " + process.exitValue()
                        + " before it was ready; its log (" + logFile + ") ends with:\n" + tail);
            }
            if (server.answersStatus()) {
                log.info("Appium {} ready on {} (log: {})", home.version(), url, logFile);
                return server;
            }
            sleep(200);
        }
        server.close();
        throw new IllegalStateException("Appium did not answer on " + url + " within " + START_TIMEOUT.toSeconds()
                + " s; its log (" + logFile + ") ends with:\n" + server.logTail(40));
    }

    public URL url() {
        return url;
    }

    public Path logFile() {
        return logFile;
    }

    /** Appium's TMPDIR (and so every browser's): in the build dir, or a short dir deleted on close. */
    public Path tempDir() {
        return tempDir;
    }

    public long pid() {
        return process.pid();
    }

    /** Whether the server process is alive and answers {@code GET /status}. */
    public boolean isHealthy() {
        return process.isAlive() && answersStatus();
    }

    private boolean answersStatus() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url + "status").toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(2000);
            try {
                return c.getResponseCode() == 200;
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** The last {@code lines} lines of the server's log, for error messages and reports. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Ends the server and everything it started, by PID: politely first, then forcibly. */
    @Override
    public void close() {
        ProcessTree.terminate(process.toHandle(), Duration.ofSeconds(10));
        WorkDirs.deleteTree(tempDir);
        log.info("Appium on {} stopped", url);
    }

    private static URL url(String spec) {
        try {
            return URI.create(spec).toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(spec, e);
        }
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Appium", e);
        }
    }

    private static final class PortTakenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTakenException(int port) {
            super("port " + port + " is in use");
        }
    }
}
