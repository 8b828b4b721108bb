package dev.harrow.backend.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.harrow.backend.event.Platform;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.ops.BackendMetrics;
import dev.harrow.backend.support.InMemorySpillQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The drain always moves forward: a batch is tried a bounded number of times before its faults are isolated. */
class SpillDrainerTest {

    /** A store that fails every plain write of the batch, as a store does with a document it cannot take. */
    static final class StubbornStore implements EventStore {
        final AtomicInteger plainAttempts = new AtomicInteger();
        final AtomicInteger isolatingAttempts = new AtomicInteger();
        volatile boolean answers = true;

        @Override
        public AppendResult append(List<TelemetryEvent> events) throws StoreUnavailableException {
            plainAttempts.incrementAndGet();
            throw new StoreUnavailableException("read timed out (a document the store chokes on)", null);
        }

        @Override
        public AppendResult appendIsolating(List<TelemetryEvent> events) throws StoreUnavailableException {
            isolatingAttempts.incrementAndGet();
            if (!answers) {
                throw new StoreUnavailableException("down", null);
            }
            return new AppendResult(events.size(), 0, false, 1);
        }

        @Override
        public List<TelemetryEvent> find(EventQuery query) {
            return List.of();
        }

        @Override
        public long count(EventQuery query) {
            return 0;
        }

        @Override
        public boolean ping() {
            return answers;
        }

        @Override
        public void close() {
        }
    }

    static TelemetryEvent event() {
        Instant now = Instant.now();
        return new TelemetryEvent("shop", UUID.randomUUID(), "screen_view", now, "d", null, null, Platform.WEB,
                "1", Map.of(), now);
    }

    static StoreCircuitBreaker breaker() {
        return new StoreCircuitBreaker(100, Duration.ofMillis(10), Duration.ofMillis(10), System::nanoTime);
    }

    @Test
    void aBatchThatKeepsFailingWhileTheStoreAnswersIsSettledAfterABoundedNumberOfTries() throws Exception {
        InMemorySpillQueue spill = new InMemorySpillQueue();
        spill.append(List.of(event(), event(), event()));
        StubbornStore store = new StubbornStore();

        try (SpillDrainer drainer = new SpillDrainer(spill, store, breaker(), new BackendMetrics(), 10).start()) {
            await().atMost(Duration.ofSeconds(15)).until(() -> spill.depth() == 0);
        }

        assertThat(store.plainAttempts).hasValue(SpillDrainer.ISOLATE_AFTER);
        assertThat(store.isolatingAttempts).hasValue(1);
    }

    @Test
    void whileTheStoreIsDownABatchWaitsAndIsNeverSettledOnItsOwn() throws Exception {
        InMemorySpillQueue spill = new InMemorySpillQueue();
        spill.append(List.of(event()));
        StubbornStore store = new StubbornStore();
        store.answers = false;

        try (SpillDrainer drainer = new SpillDrainer(spill, store, breaker(), new BackendMetrics(), 10).start()) {
            await().atMost(Duration.ofSeconds(15)).until(() -> store.plainAttempts.get() > SpillDrainer.ISOLATE_AFTER);
            assertThat(spill.depth()).isEqualTo(1);
            assertThat(store.isolatingAttempts).hasValue(0);
            assertThat(drainer.oldestSpilledAt()).isNotNull();
        }
    }
}
