package dev.harrow.backend.spill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
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
    void inMemoryRedisesStartTogetherFromOneVerifiedBinaryAndCleanUpTheirDirs() throws Exception {
        Path parent = dir.resolve("mem");
        List<EmbeddedRedis> started = new ArrayList<>();
        ExecutorService starters = Executors.newFixedThreadPool(4);
        try {
            Callable<EmbeddedRedis> start = () -> EmbeddedRedis.startInMemory(parent);
            for (Future<EmbeddedRedis> f : starters.invokeAll(Collections.nCopies(4, start))) {
                started.add(f.get());
            }
            assertThat(started).allSatisfy(r -> assertThat(r.answersPing()).isTrue());
        } finally {
            starters.shutdownNow();
            started.forEach(EmbeddedRedis::close);
        }

        try (Stream<Path> left = Files.list(parent)) {
            assertThat(left).as("each server's dir is gone, and no binary was put there").isEmpty();
        }
        try (Stream<Path> bin = Files.list(RedisBinary.verified().getParent())) {
            assertThat(bin).as("one binary in the user's cache, no partial copy").singleElement()
                    .satisfies(b -> assertThat(Files.isExecutable(b)).isTrue());
        }
    }

    @Test
    void aPortTakenBetweenTheProbeAndTheBindIsReplacedByAnother() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int free = probe.getLocalPort();
            probe.close();
            Iterator<Integer> ports = List.of(taken.getLocalPort(), free).iterator();
            EmbeddedRedis started = EmbeddedRedis.start(dir.resolve("raced"), false, 0, true, ports::next);
            try {
                assertThat(started.answersPing()).isTrue();
                assertThat(started.uri()).endsWith(":" + free);
            } finally {
                started.close();
            }
            assertThat(dir.resolve("raced")).doesNotExist();
        }
    }
}
