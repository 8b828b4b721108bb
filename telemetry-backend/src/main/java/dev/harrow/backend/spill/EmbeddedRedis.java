package dev.harrow.backend.spill;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis server run by the backend when no {@code REDIS_URI} is configured: the redis-server binary shipped in the
 * embedded-redis artifact, on loopback, with its files in one dir. Persistent mode turns the append-only file on
 * with an fsync per write, so an acknowledged spill survives a crash of either process. A server left running by a
 * killed backend (found through the pid file in that dir) is stopped before a new one starts.
 */
public final class EmbeddedRedis implements AutoCloseable {
    static final String PID_FILE = "redis-server.pid";
    static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);

    private final Process process;
    private final int port;
    private final Path dir;
    private final boolean deleteDirOnClose;

    private EmbeddedRedis(Process process, int port, Path dir, boolean deleteDirOnClose) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.deleteDirOnClose = deleteDirOnClose;
    }

    /** Persistent Redis with its files in {@code dir}, on a free port. */
    public static EmbeddedRedis startPersistent(Path dir) {
        return start(dir, dir.resolve("bin"), true, 0, false);
    }

    /** Persistent Redis in {@code dir} on {@code port}: restarts a stopped spill where its clients expect it. */
    public static EmbeddedRedis startPersistent(Path dir, int port) {
        return start(dir, dir.resolve("bin"), true, port, false);
    }

    /** Redis without persistence, in a fresh dir under {@code parent} that is deleted when it stops. */
    public static EmbeddedRedis startInMemory(Path parent) {
        try {
            Files.createDirectories(parent);
            // One binary for every in-memory server under parent: written once, not once per server.
            return start(Files.createTempDirectory(parent, "harrow-redis-"), parent.resolve("harrow-redis-bin"), false,
                    0, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a dir for Redis under " + parent, e);
        }
    }

    private static EmbeddedRedis start(Path dir, Path binDir, boolean persistent, int requestedPort,
                                       boolean deleteDirOnClose) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Redis dir " + dir, e);
        }
        Path binary = installBinary(binDir);
        stopLeftover(dir, binary);
        int port = requestedPort != 0 ? requestedPort : freePort();
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--port", Integer.toString(port),
                "--bind", "127.0.0.1",
                "--protected-mode", "yes",
                "--dir", dir.toString(),
                "--daemonize", "no",
                "--save", "",
                "--maxmemory-policy", "noeviction",
                "--logfile", dir.resolve("redis.log").toString()));
        if (persistent) {
            command.addAll(List.of("--appendonly", "yes", "--appendfsync", "always"));
        } else {
            command.addAll(List.of("--appendonly", "no"));
        }
        Process process = spawn(command, dir, binary);
        EmbeddedRedis redis = new EmbeddedRedis(process, port, dir, deleteDirOnClose);
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the embedded Redis exited with code " + process.exitValue()
                        + "; see " + dir.resolve("redis.log"));
            }
            if (redis.answersPing()) {
                log.info("embedded Redis on 127.0.0.1:{} ({}, files in {})", port,
                        persistent ? "append-only file, fsync always" : "no persistence", dir);
                return redis;
            }
            sleep(50);
        }
        redis.close();
        throw new IllegalStateException("the embedded Redis did not answer within " + START_TIMEOUT.toSeconds() + " s");
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** Stops Redis politely (it finishes its append-only file), or forcibly after ten seconds. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(dir.resolve(PID_FILE));
        } catch (IOException ignored) {
            // the next start checks the pid file anyway
        }
        if (deleteDirOnClose) {
            deleteTree(dir);
        }
    }

    boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] reply = new byte[7];
            int n = socket.getInputStream().read(reply);
            return n > 0 && new String(reply, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /** The redis-server binary for this machine, copied out of the embedded-redis jar once. */
    /**
     * Starts the server. A binary written moments ago can fail to start with ETXTBSY ("Text file busy"): a process
     * another thread forked meanwhile may still hold the write handle until it execs. That passes; so does the error.
     */
    private static Process spawn(List<String> command, Path dir, Path binary) {
        for (int attempt = 1; ; attempt++) {
            try {
                Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("redis.out").toFile()).start();
                Files.writeString(dir.resolve(PID_FILE), Long.toString(process.pid()));
                return process;
            } catch (IOException e) {
                boolean busy = String.valueOf(e.getMessage()).contains("error=26");
                if (!busy || attempt == 10) {
                    throw new UncheckedIOException("cannot start " + binary, e);
                }
                sleep(20L * attempt);
            }
        }
    }

    /** Puts the binary in {@code binDir} unless it is there; one thread at a time, and never half a file. */
    static synchronized Path installBinary(Path binDir) {
        String resource = binaryResource();
        Path target = binDir.resolve(resource);
        try (InputStream in = EmbeddedRedis.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no embedded redis-server for this machine (" + resource
                        + "); set REDIS_URI to a Redis server");
            }
            if (!Files.isExecutable(target)) {
                Files.createDirectories(binDir);
                // Unique: another JVM may be installing into the same dir.
                Path partial = Files.createTempFile(binDir, resource, ".partial");
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                if (!partial.toFile().setExecutable(true, true)) {
                    throw new IOException("cannot make " + partial + " executable");
                }
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install redis-server into " + binDir, e);
        }
    }

    static String binaryResource() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            throw new IllegalStateException("the embedded Redis runs on Linux only; set REDIS_URI to a Redis server");
        }
        return switch (arch) {
            case "amd64", "x86_64" -> "redis-server-6.2.6-v5-linux-amd64";
            case "aarch64", "arm64" -> "redis-server-6.2.7-linux-arm64";
            default -> throw new IllegalStateException("no embedded redis-server for " + arch
                    + "; set REDIS_URI to a Redis server");
        };
    }

    /** A server a killed backend left behind in this dir is ours: stop it so that its files are free. */
    private static void stopLeftover(Path dir, Path binary) {
        Path pidFile = dir.resolve(PID_FILE);
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            Optional<ProcessHandle> leftover = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.equals(binary.toString())).orElse(false));
            if (leftover.isPresent()) {
                log.warn("stopping the embedded Redis (pid {}) that a previous run left in {}", pid, dir);
                leftover.get().destroy();
                leftover.get().onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (IOException | NumberFormatException e) {
            log.debug("unreadable pid file {}: {}", pidFile, e.getMessage());
        } catch (Exception e) {
            ProcessHandle.of(readPid(pidFile)).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static long readPid(Path pidFile) {
        try {
            return Long.parseLong(Files.readString(pidFile).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: the dir is under the build or temp dir
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting Redis", e);
        }
    }
}
