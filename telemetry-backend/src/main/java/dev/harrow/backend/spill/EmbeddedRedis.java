package dev.harrow.backend.spill;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import dev.harrow.backend.config.Secrets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis server run by the backend when no {@code REDIS_URI} is configured: the redis-server binary shipped in the
 * embedded-redis artifact ({@link RedisBinary}: run only from a private, verified copy), on loopback, with its files in
 * one private dir. It is started from a configuration file of its own (mode 0600) that sets a generated password and
 * disables the commands that would let any local process take it over ({@code CONFIG}, {@code DEBUG},
 * {@code MODULE}, {@code SLAVEOF}, {@code REPLICAOF}); the password is kept in that file, so a restart on the same dir
 * keeps it and its clients' URI. Persistent mode turns the append-only file on with an fsync per write, so an
 * acknowledged spill survives a crash of either process. A server left running by a killed backend (found through
 * the pid file in that dir) is stopped before a new one starts.
 */
public final class EmbeddedRedis implements AutoCloseable {
    static final String PID_FILE = "redis-server.pid";
    static final String CONFIG_FILE = "redis.conf";
    static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    /** Commands no client of the spill needs, each of which hands the server (or the files it writes) over. */
    static final List<String> DISABLED_COMMANDS = List.of("CONFIG", "DEBUG", "MODULE", "SLAVEOF", "REPLICAOF");
    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);

    private final Process process;
    private final int port;
    private final String password;
    private final Path dir;
    private final boolean deleteDirOnClose;

    private EmbeddedRedis(Process process, int port, String password, Path dir, boolean deleteDirOnClose) {
        this.process = process;
        this.port = port;
        this.password = password;
        this.dir = dir;
        this.deleteDirOnClose = deleteDirOnClose;
    }

    /** Persistent Redis with its files in {@code dir}, on a free port. */
    public static EmbeddedRedis startPersistent(Path dir) {
        return start(dir, true, 0, false);
    }

    /** Persistent Redis in {@code dir} on {@code port}: restarts a stopped spill where its clients expect it. */
    public static EmbeddedRedis startPersistent(Path dir, int port) {
        return start(dir, true, port, false);
    }

    /** Redis without persistence, in a fresh private dir under {@code parent} that is deleted when it stops. */
    public static EmbeddedRedis startInMemory(Path parent) {
        try {
            Files.createDirectories(parent);
            return start(Files.createTempDirectory(parent, "harrow-redis-",
                    PosixFilePermissions.asFileAttribute(RedisBinary.PRIVATE_DIR)), false, 0, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a dir for Redis under " + parent, e);
        }
    }

    private static EmbeddedRedis start(Path dir, boolean persistent, int requestedPort, boolean deleteDirOnClose) {
        return start(dir, persistent, requestedPort, deleteDirOnClose, EmbeddedRedis::freePort);
    }

    /** As above, with the free ports taken from {@code freePorts} when no port is requested. */
    static EmbeddedRedis start(Path dir, boolean persistent, int requestedPort, boolean deleteDirOnClose,
                               java.util.function.IntSupplier freePorts) {
        try {
            RedisBinary.createPrivateDirs(dir);
            Files.setPosixFilePermissions(dir, RedisBinary.PRIVATE_DIR);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Redis dir " + dir, e);
        }
        Path binary = RedisBinary.verified();
        stopLeftover(dir, binary);
        // A free port is free only until someone binds it: another server of this host can take it between our
        // probe and Redis's bind. Redis then exits naming the port; another port is tried, a few times.
        for (int attempt = 1; ; attempt++) {
            int port = requestedPort != 0 ? requestedPort : freePorts.getAsInt();
            String password = writeConfig(dir, port, persistent);
            Process process = spawn(List.of(binary.toString(), dir.resolve(CONFIG_FILE).toString()), dir, binary);
            EmbeddedRedis redis = new EmbeddedRedis(process, port, password, dir, deleteDirOnClose);
            Instant deadline = Instant.now().plus(START_TIMEOUT);
            while (Instant.now().isBefore(deadline) && process.isAlive() && !redis.answersPing()) {
                sleep(50);
            }
            if (process.isAlive() && redis.answersPing()) {
                log.info("embedded Redis on 127.0.0.1:{} ({}, files in {})", port,
                        persistent ? "append-only file, fsync always" : "no persistence", dir);
                return redis;
            }
            if (!process.isAlive() && requestedPort == 0 && attempt < 5 && portTaken(dir, port)) {
                log.info("port {} was taken before the embedded Redis could bind it; trying another", port);
                continue;
            }
            String problem = process.isAlive()
                    ? "the embedded Redis did not answer within " + START_TIMEOUT.toSeconds() + " s"
                    : "the embedded Redis exited with code " + process.exitValue() + ": " + lastLogLine(dir);
            redis.close();
            throw new IllegalStateException(problem);
        }
    }

    /** The server's last word (the dir of an in-memory server goes when it closes). */
    private static String lastLogLine(Path dir) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("redis.log"));
            return lines.isEmpty() ? "(its log is empty)" : lines.get(lines.size() - 1).trim();
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Whether the server's log says it could not bind {@code port} because another process holds it. */
    private static boolean portTaken(Path dir, int port) {
        try {
            return Files.readString(dir.resolve("redis.log")).contains(":" + port + ": bind: Address already in use");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Writes the server's configuration (mode 0600) and returns its password: the one a previous start in this dir
     * generated, else a new one.
     */
    private static String writeConfig(Path dir, int port, boolean persistent) {
        Path file = dir.resolve(CONFIG_FILE);
        String password = null;
        try {
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith("requirepass ")) {
                        password = line.substring("requirepass ".length()).trim();
                    }
                }
            }
            if (password == null || !password.matches("[A-Za-z0-9_-]{24,}")) {
                password = Secrets.randomToken(24);
            }
            StringBuilder conf = new StringBuilder()
                    .append("# written by the Harrow backend at every start; the password is kept\n")
                    .append("port ").append(port).append('\n')
                    .append("bind 127.0.0.1\n")
                    .append("protected-mode yes\n")
                    .append("requirepass ").append(password).append('\n')
                    .append("dir ").append(dir).append('\n')
                    .append("daemonize no\n")
                    .append("save \"\"\n")
                    .append("maxmemory-policy noeviction\n")
                    .append("logfile ").append(dir.resolve("redis.log")).append('\n')
                    .append(persistent ? "appendonly yes\nappendfsync always\n" : "appendonly no\n");
            for (String command : DISABLED_COMMANDS) {
                conf.append("rename-command ").append(command).append(" \"\"\n");
            }
            Path partial = Files.createTempFile(dir, CONFIG_FILE, ".partial",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(partial, conf);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return password;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** How the spill reaches this server, its password included (logged only redacted). */
    public String uri() {
        return "redis://:" + password + "@127.0.0.1:" + port;
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
            out.write(("AUTH " + password + "\r\nPING\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] reply = new byte[64];
            int total = 0;
            long deadline = System.nanoTime() + 1_000_000_000L;
            while (total < reply.length && System.nanoTime() < deadline) {
                int n = socket.getInputStream().read(reply, total, reply.length - total);
                if (n < 0) {
                    break;
                }
                total += n;
                if (new String(reply, 0, total, StandardCharsets.US_ASCII).contains("+PONG")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

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
