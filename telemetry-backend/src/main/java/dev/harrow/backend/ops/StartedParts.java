package dev.harrow.backend.ops;

import java.util.Deque;
import org.slf4j.Logger;

/** What a component started, newest first: stopped in reverse order, each failure logged, none stopping the rest. */
public final class StartedParts {
    private StartedParts() {
    }

    public static void closeAll(Deque<AutoCloseable> started, Logger log) {
        while (!started.isEmpty()) {
            AutoCloseable next = started.pop();
            try {
                next.close();
            } catch (Exception e) {
                log.warn("stopping {} failed: {}", next.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
