package dev.harrow.backend.store;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes writes durable in groups: every caller of {@link #await()} returns only after a commit that began after it
 * called, but concurrent callers share one commit instead of paying one each.
 */
final class GroupCommit {
    private final Runnable commit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition committed = lock.newCondition();
    private long requested;
    private long done;
    private boolean committing;

    GroupCommit(Runnable commit) {
        this.commit = commit;
    }

    void await() {
        lock.lock();
        try {
            long ticket = ++requested;
            while (done < ticket) {
                if (committing) {
                    committed.awaitUninterruptibly();
                    continue;
                }
                committing = true;
                long upTo = requested;
                lock.unlock();
                try {
                    commit.run();
                } finally {
                    lock.lock();
                    committing = false;
                    done = Math.max(done, upTo);
                    committed.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
