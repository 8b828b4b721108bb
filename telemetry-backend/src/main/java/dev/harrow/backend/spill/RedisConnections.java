package dev.harrow.backend.spill;

import java.net.URI;
import java.time.Duration;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;

/** Connections to a Redis named by URI, the one way Harrow reads such a URI (the spill, the farm's shard queue). */
public final class RedisConnections {
    private RedisConnections() {
    }

    /**
     * A pool of connections to {@code uri} ({@code redis://[user:password@]host:port[/db]}, or {@code rediss://}
     * for TLS), each call waiting at most {@code timeout}.
     */
    public static JedisPooled pooled(String uri, Duration timeout, int connections) {
        URI parsed = URI.create(uri);
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) timeout.toMillis())
                .socketTimeoutMillis((int) timeout.toMillis())
                .ssl("rediss".equals(parsed.getScheme()));
        String userInfo = parsed.getUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                if (colon > 0) {
                    client.user(userInfo.substring(0, colon));
                }
                client.password(userInfo.substring(colon + 1));
            } else {
                client.password(userInfo);
            }
        }
        String path = parsed.getPath();
        if (path != null && path.length() > 1) {
            client.database(Integer.parseInt(path.substring(1)));
        }
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(connections);
        pool.setMaxWait(timeout);
        int port = parsed.getPort() < 0 ? 6379 : parsed.getPort();
        return new JedisPooled(pool, new HostAndPort(parsed.getHost(), port), client.build());
    }
}
