package dev.harrow.backend.spill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harrow.backend.event.Platform;
import dev.harrow.backend.event.TelemetryEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.XAddParams;

/**
 * What every spill must do, run against each Redis the project supports: the embedded one here, a real one where a
 * Docker engine exists.
 */
abstract class SpillQueueContract {
    static final Duration LEASE = Duration.ofMillis(800);
    final List<RedisSpillQueue> opened = new ArrayList<>();

    /** A Redis URI, fresh (empty) for each test. */
    abstract String redisUri();

    RedisSpillQueue queue(String consumer) {
        RedisSpillQueue queue = RedisSpillQueue.connect(redisUri(), consumer, LEASE, Duration.ofSeconds(2));
        opened.add(queue);
        return queue;
    }

    @BeforeEach
    void empty() {
        try (JedisPooled redis = new JedisPooled(redisUri())) {
            redis.flushAll();
        }
    }

    @AfterEach
    void closeQueues() {
        opened.forEach(RedisSpillQueue::close);
    }

    static List<TelemetryEvent> events(int n) {
        List<TelemetryEvent> events = new ArrayList<>();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (int i = 0; i < n; i++) {
            events.add(new TelemetryEvent("shop", UUID.randomUUID(), "purchase", now, "dev-" + i, "user-1", "s-1",
                    Platform.IOS, "2.0.0", Map.of("amount", 4.99, "qty", 2L, "tags", List.of("a", "b"),
                    "nested", Map.of("ok", true)), now));
        }
        return events;
    }

    @Test
    void whatIsAppendedIsLeasedBackEqualAndCountedUntilAcknowledged() throws Exception {
        RedisSpillQueue queue = queue("a");
        List<TelemetryEvent> first = events(3);
        List<TelemetryEvent> second = events(2);
        queue.append(first);
        queue.append(second);
        assertThat(queue.depth()).isEqualTo(5);

        SpillLease lease = queue.lease(10);

        assertThat(lease.batchIds()).hasSize(2);
        assertThat(lease.events()).containsExactlyElementsOf(concat(first, second));
        assertThat(queue.depth()).as("leased is still waiting").isEqualTo(5);
        queue.acknowledge(lease);
        assertThat(queue.depth()).isZero();
        assertThat(queue.lease(10).isEmpty()).isTrue();
    }

    @Test
    void aBatchLeasedButNeverAcknowledgedComesBackToTheSameInstanceAfterARestart() throws Exception {
        RedisSpillQueue before = queue("instance-1");
        before.append(events(4));
        SpillLease leased = before.lease(10);
        before.close();

        SpillLease again = queue("instance-1").lease(10);

        assertThat(again.batchIds()).isEqualTo(leased.batchIds());
        assertThat(again.events()).isEqualTo(leased.events());
    }

    @Test
    void aBatchHeldByAnotherInstanceIsTakenOverOnlyAfterItsLease() throws Exception {
        RedisSpillQueue crashed = queue("instance-1");
        crashed.append(events(2));
        SpillLease held = crashed.lease(10);
        RedisSpillQueue survivor = queue("instance-2");

        assertThat(survivor.lease(10).isEmpty()).as("within the lease").isTrue();

        SpillLease takenOver = Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> survivor.lease(10), lease -> !lease.isEmpty());
        assertThat(takenOver.batchIds()).isEqualTo(held.batchIds());
        survivor.acknowledge(takenOver);
        assertThat(survivor.depth()).isZero();
    }

    @Test
    void leasesAreBoundedAndHandOutEachBatchOnce() throws Exception {
        RedisSpillQueue queue = queue("a");
        for (int i = 0; i < 5; i++) {
            queue.append(events(1));
        }

        SpillLease first = queue.lease(3);
        queue.acknowledge(first);
        SpillLease second = queue.lease(3);

        assertThat(first.batchIds()).hasSize(3);
        assertThat(second.batchIds()).hasSize(2).doesNotContainAnyElementsOf(first.batchIds());
    }

    @Test
    void aBatchThatCannotBeReadIsSetAsideInsteadOfBlockingTheRest() throws Exception {
        RedisSpillQueue queue = queue("a");
        queue.append(events(1));
        try (JedisPooled redis = new JedisPooled(redisUri())) {
            redis.xadd(RedisSpillQueue.STREAM, XAddParams.xAddParams(),
                    Map.of("b", "not json", "n", "1"));
            redis.incrBy(RedisSpillQueue.EVENT_COUNT, 1);
        }
        queue.append(events(1));

        SpillLease lease = queue.lease(10);

        assertThat(lease.batchIds()).hasSize(2);
        assertThat(lease.events()).hasSize(2);
        try (JedisPooled redis = new JedisPooled(redisUri())) {
            assertThat(redis.xlen(RedisSpillQueue.DEAD_LETTERS)).isEqualTo(1);
        }
    }

    private static List<TelemetryEvent> concat(List<TelemetryEvent> a, List<TelemetryEvent> b) {
        List<TelemetryEvent> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
