package dev.harrow.backend.spill;

import dev.harrow.backend.config.Secrets;
import dev.harrow.backend.event.TelemetryEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The spill as a Redis stream: one entry per accepted batch, leased to drainers through a consumer group (pending
 * until acknowledged, taken over by {@code XAUTOCLAIM} once a lease runs out), plus a counter of the events that
 * wait. Every change is one {@code MULTI}; with AOF on, Redis has it on disk before it answers. Layout and the
 * requirements for an external Redis: docs/STORAGE.md.
 */
public final class RedisSpillQueue implements SpillQueue {
    static final String STREAM = "harrow:spill";
    static final String EVENT_COUNT = "harrow:spill:events";
    static final String DEAD_LETTERS = "harrow:spill:dead";
    static final String GROUP = "drainers";
    private static final Logger log = LoggerFactory.getLogger(RedisSpillQueue.class);

    private final JedisPooled redis;
    private final String consumer;
    private final Duration lease;
    private final SpillCodec codec = new SpillCodec();
    private volatile boolean groupReady;

    RedisSpillQueue(JedisPooled redis, String consumer, Duration lease) {
        this.redis = redis;
        this.consumer = consumer;
        this.lease = lease;
    }

    /**
     * Connects to {@code uri} ({@code redis://[user:password@]host:port[/db]}, or {@code rediss://} for TLS).
     *
     * @param consumer this backend instance's name among the drainers
     * @param lease how long a leased batch stays with this instance before another may take it over
     */
    public static RedisSpillQueue connect(String uri, String consumer, Duration lease, Duration timeout) {
        log.info("spill on Redis at {}", Secrets.redactUri(uri));
        return new RedisSpillQueue(RedisConnections.pooled(uri, timeout, 32), consumer, lease);
    }

    @Override
    public void append(List<TelemetryEvent> events) throws SpillUnavailableException {
        if (events.isEmpty()) {
            return;
        }
        String payload = codec.encode(events);
        run(() -> {
            try (AbstractTransaction tx = redis.multi()) {
                tx.xadd(STREAM, XAddParams.xAddParams(), Map.of("b", payload, "n", Integer.toString(events.size())));
                tx.incrBy(EVENT_COUNT, events.size());
                failOnError(tx.exec());
            }
            return null;
        });
    }

    @Override
    public SpillLease lease(int maxBatches) throws SpillUnavailableException {
        return run(() -> {
            // First what this instance leased before and never acknowledged (it failed, or it was restarted) ...
            List<StreamEntry> entries = readGroup(new StreamEntryID(), maxBatches);
            if (entries.isEmpty()) {
                // ... then what another instance leased too long ago ...
                entries = redis.xautoclaim(STREAM, GROUP, consumer, lease.toMillis(), new StreamEntryID(),
                        XAutoClaimParams.xAutoClaimParams().count(maxBatches)).getValue();
            }
            if (entries.isEmpty()) {
                // ... then new batches.
                entries = readGroup(StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY, maxBatches);
            }
            return decode(entries);
        });
    }

    @Override
    public void acknowledge(SpillLease leased) throws SpillUnavailableException {
        if (leased.isEmpty()) {
            return;
        }
        StreamEntryID[] ids = leased.batchIds().stream().map(StreamEntryID::new).toArray(StreamEntryID[]::new);
        run(() -> {
            try (AbstractTransaction tx = redis.multi()) {
                tx.xack(STREAM, GROUP, ids);
                tx.xdel(STREAM, ids);
                tx.decrBy(EVENT_COUNT, leased.events().size());
                failOnError(tx.exec());
            }
            return null;
        });
    }

    @Override
    public long depth() throws SpillUnavailableException {
        return run(() -> {
            String value = redis.get(EVENT_COUNT);
            return value == null ? 0L : Math.max(0L, Long.parseLong(value));
        });
    }

    /**
     * Hands every waiting batch to {@code action}, oldest first, without leasing or removing anything: for a copy of
     * the spill elsewhere (the store migration), not for draining.
     */
    public void forEachWaiting(java.util.function.Consumer<List<TelemetryEvent>> action)
            throws SpillUnavailableException {
        run(() -> {
            StreamEntryID from = StreamEntryID.MINIMUM_ID;
            while (true) {
                List<StreamEntry> page = redis.xrange(STREAM, from, StreamEntryID.MAXIMUM_ID, 100);
                for (StreamEntry entry : page) {
                    String payload = entry.getFields() == null ? null : entry.getFields().get("b");
                    if (payload != null) {
                        action.accept(codec.decode(payload));
                    }
                }
                if (page.size() < 100) {
                    return null;
                }
                StreamEntryID last = page.get(page.size() - 1).getID();
                from = new StreamEntryID(last.getTime(), last.getSequence() + 1);
            }
        });
    }

    @Override
    public Optional<Instant> oldestSpilledAt() throws SpillUnavailableException {
        return run(() -> {
            List<StreamEntry> first = redis.xrange(STREAM, StreamEntryID.MINIMUM_ID, StreamEntryID.MAXIMUM_ID, 1);
            // A stream entry's id starts with the server's clock at XADD, in milliseconds.
            return first.isEmpty() ? Optional.<Instant>empty()
                    : Optional.of(Instant.ofEpochMilli(first.get(0).getID().getTime()));
        });
    }

    @Override
    public void holdDeadLetter(List<TelemetryEvent> events, String error) throws SpillUnavailableException {
        String payload = codec.encode(events);
        run(() -> redis.xadd(DEAD_LETTERS, XAddParams.xAddParams(),
                Map.of("b", payload, "n", Integer.toString(events.size()), "error", error)));
    }

    @Override
    public List<SpillDeadLetter> deadLetters(int limit) throws SpillUnavailableException {
        return run(() -> {
            List<SpillDeadLetter> out = new ArrayList<>();
            for (StreamEntry entry : redis.xrange(DEAD_LETTERS, StreamEntryID.MINIMUM_ID, StreamEntryID.MAXIMUM_ID,
                    limit)) {
                Map<String, String> fields = entry.getFields() == null ? Map.of() : entry.getFields();
                Instant at = Instant.ofEpochMilli(entry.getID().getTime());
                String error = fields.getOrDefault("error", "the spilled batch could not be read back");
                try {
                    String payload = fields.get("b");
                    out.add(new SpillDeadLetter(entry.getID().toString(), at, error,
                            payload == null ? List.of() : codec.decode(payload)));
                } catch (IllegalStateException unreadable) {
                    out.add(new SpillDeadLetter(entry.getID().toString(), at, error, List.of()));
                }
            }
            return out;
        });
    }

    @Override
    public long deadLetterCount() throws SpillUnavailableException {
        return run(() -> redis.xlen(DEAD_LETTERS));
    }

    @Override
    public void removeDeadLetters(Collection<String> ids) throws SpillUnavailableException {
        if (ids.isEmpty()) {
            return;
        }
        StreamEntryID[] entries = ids.stream().map(StreamEntryID::new).toArray(StreamEntryID[]::new);
        run(() -> redis.xdel(DEAD_LETTERS, entries));
    }

    @Override
    public boolean ping() {
        try {
            return "PONG".equals(redis.ping());
        } catch (JedisException e) {
            return false;
        }
    }

    @Override
    public void close() {
        redis.close();
    }

    private List<StreamEntry> readGroup(StreamEntryID from, int count) {
        List<Map.Entry<String, List<StreamEntry>>> result = redis.xreadGroup(GROUP, consumer,
                XReadGroupParams.xReadGroupParams().count(count), Map.of(STREAM, from));
        if (result == null || result.isEmpty()) {
            return List.of();
        }
        return result.get(0).getValue();
    }

    /** The leased entries as events. An entry that cannot be read is moved aside, never retried forever. */
    private SpillLease decode(List<StreamEntry> entries) {
        List<String> ids = new ArrayList<>();
        List<TelemetryEvent> events = new ArrayList<>();
        for (StreamEntry entry : entries) {
            Map<String, String> fields = entry.getFields();
            String payload = fields == null ? null : fields.get("b");
            try {
                if (payload == null) {
                    throw new IllegalStateException("the entry has no batch");
                }
                events.addAll(codec.decode(payload));
                ids.add(entry.getID().toString());
            } catch (IllegalStateException e) {
                log.error("spilled batch {} cannot be read and is moved to {}: {}", entry.getID(), DEAD_LETTERS,
                        e.getMessage());
                try (AbstractTransaction tx = redis.multi()) {
                    tx.xadd(DEAD_LETTERS, XAddParams.xAddParams(), fields == null || fields.isEmpty()
                            ? Map.of("id", entry.getID().toString()) : fields);
                    tx.xack(STREAM, GROUP, entry.getID());
                    tx.xdel(STREAM, entry.getID());
                    failOnError(tx.exec());
                }
            }
        }
        return ids.isEmpty() ? SpillLease.EMPTY : new SpillLease(ids, events);
    }

    private <T> T run(RedisCall<T> call) throws SpillUnavailableException {
        try {
            ensureGroup();
            try {
                return call.run();
            } catch (JedisDataException e) {
                if (e.getMessage() == null || !e.getMessage().startsWith("NOGROUP")) {
                    throw e;
                }
                // Redis lost the group (restarted without persistence): make it again and retry once.
                groupReady = false;
                ensureGroup();
                return call.run();
            }
        } catch (JedisException | IllegalStateException e) {
            throw new SpillUnavailableException("Redis spill unavailable: " + e.getMessage(), e);
        }
    }

    private void ensureGroup() {
        if (groupReady) {
            return;
        }
        try {
            redis.xgroupCreate(STREAM, GROUP, new StreamEntryID(), true);
        } catch (JedisDataException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
                throw e;
            }
        }
        groupReady = true;
    }

    private static void failOnError(List<Object> results) {
        if (results == null) {
            throw new JedisException("the transaction was aborted");
        }
        for (Object result : results) {
            if (result instanceof Exception e) {
                throw new JedisException("a command of the transaction failed: " + e.getMessage(), e);
            }
        }
    }

    @FunctionalInterface
    private interface RedisCall<T> {
        T run();
    }
}
