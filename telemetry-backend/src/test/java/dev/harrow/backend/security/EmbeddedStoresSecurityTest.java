package dev.harrow.backend.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.config.BackendConfigLoader;
import dev.harrow.backend.spill.EmbeddedRedis;
import dev.harrow.backend.spill.RedisBinaryAccess;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing on the host takes the embedded stores over: a binary planted where one would be run never runs, the
 * embedded Redis asks for a password and has no commands that write files, and the data is this user's only.
 */
class EmbeddedStoresSecurityTest {
    @TempDir
    Path dir;

    static String planted(Path marker) {
        return "#!/bin/sh\ntouch " + marker + "\nexit 1\n";
    }

    @Test
    void aBinaryPlantedInTheSharedTempDirOrInTheCacheNeverRuns() throws Exception {
        Path marker = dir.resolve("planted-binary-ran");
        // Where backends before this one ran the binary from: the shared temp dir.
        Path shared = Path.of(System.getProperty("java.io.tmpdir"), "harrow-redis-bin");
        Files.createDirectories(shared);
        Path old = shared.resolve(RedisBinaryAccess.resourceName());
        Files.writeString(old, planted(marker));
        old.toFile().setExecutable(true, false);
        // And a binary replaced in this user's cache.
        Path cached = RedisBinaryAccess.verifiedBinary();
        Path replacement = Files.createTempFile(cached.getParent(), "planted", ".tmp");
        Files.writeString(replacement, planted(marker));
        Files.move(replacement, cached, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        cached.toFile().setExecutable(true, true);

        try (TelemetryBackend backend = TelemetryBackend.startEmbedded("shop")) {
            assertThat(backend.baseUri()).isNotNull();
        }

        assertThat(marker).as("no planted binary ran").doesNotExist();
        assertThat(Files.size(cached)).as("the cache holds the real binary again, not the script")
                .isGreaterThan(1_000_000);
        Files.deleteIfExists(old);
    }

    @Test
    void theEmbeddedRedisAsksForItsPasswordAndCannotBeTurnedIntoAFileWriter() throws Exception {
        try (EmbeddedRedis redis = EmbeddedRedis.startInMemory(dir.resolve("redis"))) {
            URI uri = URI.create(redis.uri());
            String password = uri.getUserInfo().substring(1);

            assertThat(send(redis.port(), "PING")).startsWith("-NOAUTH");
            String config = send(redis.port(), "AUTH " + password, "CONFIG SET dir /tmp");
            assertThat(config).contains("+OK").contains("-ERR unknown command");
            for (String command : List.of("DEBUG SLEEP 0", "MODULE LIST", "SLAVEOF 127.0.0.1 1",
                    "REPLICAOF 127.0.0.1 1")) {
                assertThat(send(redis.port(), "AUTH " + password, command)).as(command)
                        .contains("-ERR unknown command");
            }
            assertThat(send(redis.port(), "AUTH " + password, "PING")).contains("+PONG");
        }
    }

    @Test
    void theDataDirAndItsFilesAreThisUsersOnly() throws Exception {
        Path data = dir.resolve("harrow-data");
        BackendConfig config = new BackendConfigLoader(Map.of("HARROW_DATA_DIR", data.toString(),
                "HARROW_HTTP_PORT", "0")).load(null);
        try (TelemetryBackend backend = TelemetryBackend.start(config)) {
            assertThat(backend.config().storage().embedded()).isTrue();
        }
        assertThat(permissions(data)).isEqualTo("rwx------");
        assertThat(permissions(data.resolve("mongo.mv"))).isEqualTo("rw-------");
        assertThat(permissions(data.resolve("credentials.properties"))).isEqualTo("rw-------");
        assertThat(permissions(data.resolve("redis"))).isEqualTo("rwx------");
        assertThat(permissions(data.resolve("redis").resolve("redis.conf"))).isEqualTo("rw-------");
    }

    @Test
    void theEmbeddedMongoListensOnLoopbackOnly() {
        try (TelemetryBackend backend = TelemetryBackend.startEmbedded("shop")) {
            String uri = backend.embeddedStore().orElseThrow().connectionString();
            assertThat(uri).startsWith("mongodb://127.0.0.1:");
        }
    }

    static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    /** Sends inline commands and reads what comes back within a moment. */
    static String send(int port, String... commands) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            for (String command : commands) {
                out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder reply = new StringBuilder();
            byte[] buffer = new byte[1024];
            int lines = 0;
            while (lines < commands.length) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                String chunk = new String(buffer, 0, n, StandardCharsets.US_ASCII);
                reply.append(chunk);
                lines += (int) chunk.chars().filter(c -> c == '\n').count();
            }
            return reply.toString();
        }
    }
}
