package dev.harrow.backend.push.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** What the sandbox gateways accepted, in order, bounded: the oldest go first past {@value #KEPT}. */
public final class SandboxInbox {
    static final int KEPT = 200_000;

    private final List<SandboxPush> pushes = new ArrayList<>();
    private final AtomicLong seq = new AtomicLong();

    long nextSeq() {
        return seq.incrementAndGet();
    }

    synchronized void add(SandboxPush push) {
        if (pushes.size() >= KEPT) {
            pushes.subList(0, KEPT / 10).clear();
        }
        pushes.add(push);
    }

    /** The pushes to {@code token} (all tokens when null) after sequence number {@code after}. */
    public synchronized List<SandboxPush> since(long after, String token) {
        List<SandboxPush> out = new ArrayList<>();
        for (SandboxPush p : pushes) {
            if (p.seq() > after && (token == null || token.equals(p.token()))) {
                out.add(p);
            }
        }
        return out;
    }

    /** How many pushes the sandboxes accepted since they started, the ones no longer kept included. */
    public long received() {
        return seq.get();
    }

    public synchronized int size() {
        return pushes.size();
    }
}
