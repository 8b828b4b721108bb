package dev.harrow.backend.spill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedRedisSpillQueueTest extends SpillQueueContract {
    @TempDir
    static Path dir;
    static EmbeddedRedis redis;

    @BeforeAll
    static void start() {
        redis = EmbeddedRedis.startPersistent(dir.resolve("redis"));
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    @Override
    String redisUri() {
        return redis.uri();
    }

    @Test
    void aRestartedPersistentRedisStillHoldsTheSpill() throws Exception {
        RedisSpillQueue queue = queue("a");
        queue.append(events(3));
        int port = redis.port();

        redis.close();
        assertThatThrownBy(queue::depth).isInstanceOf(SpillUnavailableException.class);
        assertThatThrownBy(() -> queue.append(events(1))).isInstanceOf(SpillUnavailableException.class);
        assertThat(queue.ping()).isFalse();
        redis = EmbeddedRedis.startPersistent(dir.resolve("redis"), port);

        assertThat(queue.depth()).isEqualTo(3);
        assertThat(queue.lease(10).events()).hasSize(3);
    }

    @Test
    void aRedisLeftRunningByAKilledBackendIsStoppedBeforeANewOneStarts() {
        Path other = dir.resolve("leftover");
        EmbeddedRedis first = EmbeddedRedis.startPersistent(other);
        long leftoverPid = first.pid();

        EmbeddedRedis second = EmbeddedRedis.startPersistent(other);
        try {
            assertThat(ProcessHandle.of(leftoverPid).filter(ProcessHandle::isAlive)).isEmpty();
            assertThat(second.answersPing()).isTrue();
        } finally {
            second.close();
        }
    }

    @Test
    void anInMemoryRedisCleansUpItsDir() {
        Path parent = dir.resolve("mem");
        EmbeddedRedis memory = EmbeddedRedis.startInMemory(parent);
        memory.close();

        assertThat(parent).isEmptyDirectory();
    }
}
