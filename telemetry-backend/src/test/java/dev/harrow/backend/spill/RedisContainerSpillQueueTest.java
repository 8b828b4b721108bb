package dev.harrow.backend.spill;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/** The same contract against a real Redis 7 with AOF on. Skipped where no Docker engine runs. */
@Testcontainers(disabledWithoutDocker = true)
class RedisContainerSpillQueueTest extends SpillQueueContract {
    @Container
    static final GenericContainer<?> REDIS = new GenericContainer<>(DockerImageName.parse("redis:7.2"))
            .withCommand("redis-server", "--appendonly", "yes", "--appendfsync", "always")
            .withExposedPorts(6379);

    @Override
    String redisUri() {
        return "redis://" + REDIS.getHost() + ":" + REDIS.getMappedPort(6379);
    }
}
