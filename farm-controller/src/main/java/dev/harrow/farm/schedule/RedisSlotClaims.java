package dev.harrow.farm.schedule;

import dev.harrow.backend.config.Secrets;
import dev.harrow.backend.spill.RedisConnections;
import dev.harrow.farm.plan.Slot;
import java.time.Duration;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * The claim set of queue mode in a Redis the shards share: one key per slot of the pipeline's plan, set once
 * ({@code SET NX}) to the shard that takes it. A re-run of a shard in the same pipeline finds its own claims and runs
 * those slots again; it never takes one another shard has. Keys expire after {@link #KEPT}.
 */
public final class RedisSlotClaims implements SlotClaims, AutoCloseable {
    static final Duration KEPT = Duration.ofDays(7);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final JedisPooled redis;
    private final String prefix;
    private final String shard;
    private final String where;

    private RedisSlotClaims(JedisPooled redis, String prefix, String shard, String where) {
        this.redis = redis;
        this.prefix = prefix;
        this.shard = shard;
        this.where = where;
    }

    /**
     * Connects, and checks that the queue answers: a shard that cannot reach it must fail at once, not after
     * planning.
     *
     * @param plan the plan's fingerprint: shards of one pipeline that planned differently do not share claims
     */
    public static RedisSlotClaims connect(String uri, String pipeline, String plan, String shard) {
        String where = Secrets.redactUri(uri);
        JedisPooled redis = RedisConnections.pooled(uri, TIMEOUT, 4);
        try {
            redis.ping();
        } catch (JedisException e) {
            redis.close();
            throw new IllegalArgumentException("the shard queue at " + where + " does not answer: " + e.getMessage());
        }
        return new RedisSlotClaims(redis, "harrow:farm:" + pipeline + ":" + plan + ":", shard, where);
    }

    @Override
    public boolean claim(Slot slot) {
        String key = prefix + slot.scenario().id() + "@" + slot.key();
        try {
            if ("OK".equals(redis.set(key, shard, SetParams.setParams().nx().ex(KEPT.toSeconds())))) {
                return true;
            }
            return shard.equals(redis.get(key));
        } catch (JedisException e) {
            throw new SlotClaimException("the shard queue at " + where + " could not be reached to claim "
                    + slot.label() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        redis.close();
    }
}
