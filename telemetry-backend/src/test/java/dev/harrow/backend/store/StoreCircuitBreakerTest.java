package dev.harrow.backend.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StoreCircuitBreakerTest {
    final AtomicLong now = new AtomicLong();
    final StoreCircuitBreaker breaker = new StoreCircuitBreaker(2, Duration.ofSeconds(1), Duration.ofSeconds(3),
            now::get);

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void opensAfterTheConfiguredNumberOfConsecutiveFailures() {
        breaker.recordFailure();
        assertThat(breaker.allowRequest()).isTrue();
        breaker.recordSuccess();
        breaker.recordFailure();
        assertThat(breaker.state()).as("the success reset the count").isEqualTo(StoreCircuitBreaker.State.CLOSED);
        breaker.recordFailure();

        assertThat(breaker.state()).isEqualTo(StoreCircuitBreaker.State.OPEN);
        assertThat(breaker.allowRequest()).isFalse();
    }

    @Test
    void letsOneProbeThroughAfterTheOpenPeriodAndClosesWhenItSucceeds() {
        breaker.recordFailure();
        breaker.recordFailure();
        advance(Duration.ofMillis(999));
        assertThat(breaker.allowRequest()).isFalse();
        advance(Duration.ofMillis(1));

        assertThat(breaker.allowRequest()).as("the probe").isTrue();
        assertThat(breaker.allowRequest()).as("only one probe at a time").isFalse();
        breaker.recordSuccess();

        assertThat(breaker.state()).isEqualTo(StoreCircuitBreaker.State.CLOSED);
        assertThat(breaker.allowRequest()).isTrue();
    }

    @Test
    void aFailedProbeDoublesTheOpenPeriodUpToTheMaximum() {
        breaker.recordFailure();
        breaker.recordFailure();
        long[] openMillis = {1000, 2000, 3000, 3000};
        for (long millis : openMillis) {
            advance(Duration.ofMillis(millis - 1));
            assertThat(breaker.allowRequest()).as("still open within %d ms", millis).isFalse();
            advance(Duration.ofMillis(1));
            assertThat(breaker.allowRequest()).as("a probe after %d ms", millis).isTrue();
            breaker.recordFailure();
        }
        assertThat(breaker.timesOpened()).isEqualTo(5);
    }

    @Test
    void anUnusedProbeIsGivenBack() {
        breaker.recordFailure();
        breaker.recordFailure();
        advance(Duration.ofSeconds(1));
        assertThat(breaker.allowRequest()).isTrue();

        breaker.cancelProbe();

        assertThat(breaker.state()).isEqualTo(StoreCircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.allowRequest()).isTrue();
    }
}
