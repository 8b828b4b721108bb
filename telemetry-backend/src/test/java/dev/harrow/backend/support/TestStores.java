package dev.harrow.backend.support;

import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.config.Resilience;
import dev.harrow.backend.spill.EmbeddedRedis;
import dev.harrow.backend.store.EmbeddedMongo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A MongoDB-compatible store and a Redis that a test owns, persisting under one dir, each of which can be stopped
 * and started again on the same port: a store going down for maintenance and coming back.
 */
public final class TestStores implements AutoCloseable {
    public static final String APP_KEY = "fallback-key-01";
    public static final String ADMIN_TOKEN = "fallback-admin-token";

    private final Path dir;
    private EmbeddedMongo mongo;
    private EmbeddedRedis redis;
    private final int mongoPort;
    private final int redisPort;
    private final String redisUri;

    public TestStores(Path dir) {
        this.dir = dir;
        this.mongo = EmbeddedMongo.start(dir.resolve("mongo"));
        this.mongoPort = mongo.port();
        this.redis = EmbeddedRedis.startPersistent(dir.resolve("redis"));
        this.redisPort = redis.port();
        // the password stays with the dir, so the URI holds across a restart of Redis
        this.redisUri = redis.uri();
    }

    public String mongoUri() {
        return "mongodb://127.0.0.1:" + mongoPort;
    }

    public String redisUri() {
        return redisUri;
    }

    public void stopMongo() {
        mongo.close();
        mongo = null;
    }

    public void startMongo() {
        mongo = EmbeddedMongo.start(dir.resolve("mongo"), mongoPort);
    }

    public void stopRedis() {
        redis.close();
        redis = null;
    }

    public void startRedis() {
        redis = EmbeddedRedis.startPersistent(dir.resolve("redis"), redisPort);
    }

    /** A backend config on these stores, with timeouts short enough for tests. */
    public BackendConfig backendConfig() {
        return BackendConfig.embedded(List.of(new AppKey("shop", APP_KEY)), ADMIN_TOKEN)
                .withStorage(new BackendConfig.StorageSettings(mongoUri(), "harrow", null, redisUri(), true))
                .withResilience(fastResilience());
    }

    public static Resilience fastResilience() {
        return Resilience.defaults()
                .withStoreTimeout(Duration.ofMillis(1500))
                .withBreakerOpenFor(Duration.ofMillis(300))
                .withRetryAfter(Duration.ofSeconds(1))
                .withSpillLease(Duration.ofSeconds(3))
                .withInstanceId("test-instance");
    }

    @Override
    public void close() {
        if (mongo != null) {
            mongo.close();
        }
        if (redis != null) {
            redis.close();
        }
    }
}
