package dev.harrow.backend.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    @Test
    void everyCallerReturnsAfterACommitThatStartedAfterItCalledAndCallersShareCommits() throws Exception {
        AtomicLong writes = new AtomicLong();
        AtomicLong committedUpTo = new AtomicLong();
        AtomicInteger commits = new AtomicInteger();
        GroupCommit group = new GroupCommit(() -> {
            long seen = writes.get();
            commits.incrementAndGet();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            committedUpTo.accumulateAndGet(seen, Math::max);
        });
        int threads = 8;
        int perThread = 50;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        AtomicInteger violations = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    long mine = writes.incrementAndGet();
                    group.await();
                    if (committedUpTo.get() < mine) {
                        violations.incrementAndGet();
                    }
                }
            });
            worker.start();
            workers.add(worker);
        }
        go.countDown();
        for (Thread worker : workers) {
            worker.join();
        }

        assertThat(violations.get()).as("a caller returned before its write was committed").isZero();
        assertThat(commits.get()).as("commits shared between callers").isLessThan(threads * perThread);
    }
}
