package dev.harrow.backend.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void theEnvironmentOverridesTheFile() throws Exception {
        Path file = dir.resolve("backend.yml");
        Files.writeString(file, """
                http:
                  port: 9000
                storage:
                  database: fromfile
                apps:
                  - id: shop
                    key: file-key-0001
                adminToken: file-admin-token-0001
                limits:
                  maxEventsPerBatch: 100
                """);
        Map<String, String> env = Map.of("HARROW_HTTP_PORT", "9100", "MONGODB_URI", "mongodb://db.internal:27017",
                "HARROW_APP_KEYS", "shop=env-key-0001,blog=env-key-0002", "HARROW_LIMIT_MAX_EVENT_BYTES", "2048");

        BackendConfig config = new BackendConfigLoader(env).load(file);

        assertThat(config.http().port()).isEqualTo(9100);
        assertThat(config.storage().mongodbUri()).isEqualTo("mongodb://db.internal:27017");
        assertThat(config.storage().database()).isEqualTo("fromfile");
        assertThat(config.apps()).extracting(AppKey::appId).containsExactly("shop", "blog");
        assertThat(config.appForKey("env-key-0002")).map(AppKey::appId).hasValue("blog");
        assertThat(config.appForKey("file-key-0001")).isEmpty();
        assertThat(config.adminToken()).isEqualTo("file-admin-token-0001");
        assertThat(config.limits().maxEventsPerBatch()).isEqualTo(100);
        assertThat(config.limits().maxEventBytes()).isEqualTo(2048);
    }

    @Test
    void anUnknownSettingIsNamedWithItsPath() throws Exception {
        Path file = dir.resolve("backend.yml");
        Files.writeString(file, """
                http:
                  port: 9000
                  prot: 9001
                """);

        assertThatThrownBy(() -> new BackendConfigLoader(Map.of()).load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'http.prot'")
                .hasMessageContaining("known there: corsOrigins, host, port, workerThreads");
    }

    @Test
    void aValueOfTheWrongTypeIsNamedWithItsLine() throws Exception {
        Path file = dir.resolve("backend.yml");
        Files.writeString(file, """
                http:
                  host: 127.0.0.1
                  port: eighty
                """);

        assertThatThrownBy(() -> new BackendConfigLoader(Map.of()).load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'http.port'")
                .hasMessageContaining("line 3");
    }

    @Test
    void anInvalidValueIsNamed() {
        assertThatThrownBy(() -> new BackendConfigLoader(Map.of("HARROW_HTTP_PORT", "eighty",
                "HARROW_DATA_DIR", dir.toString())).load(null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("HARROW_HTTP_PORT");
        assertThatThrownBy(() -> new BackendConfigLoader(Map.of("MONGODB_URI", "postgres://x",
                "HARROW_DATA_DIR", dir.toString())).load(null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MONGODB_URI");
    }

    @Test
    void missingCredentialsAreGeneratedOnceAndReused() throws Exception {
        Map<String, String> env = Map.of("HARROW_DATA_DIR", dir.toString());

        BackendConfig first = new BackendConfigLoader(env).load(null);
        BackendConfig second = new BackendConfigLoader(env).load(null);

        assertThat(first.apps()).hasSize(1);
        assertThat(second.apps()).isEqualTo(first.apps());
        assertThat(second.adminToken()).isEqualTo(first.adminToken());
        assertThat(Files.getPosixFilePermissions(dir.resolve(BackendConfigLoader.CREDENTIALS_FILE)))
                .extracting(Object::toString).containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        assertThat(first.toString()).doesNotContain(first.apps().get(0).key());
    }

    @Test
    void aStandaloneBackendRefusesTheSandboxGateways() {
        assertThatThrownBy(() -> new BackendConfigLoader(java.util.Map.of("HARROW_PUSH_SANDBOX", "true")).load(null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("only inside the farm and the tests");
    }
}
