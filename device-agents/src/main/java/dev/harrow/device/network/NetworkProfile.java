package dev.harrow.device.network;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A device's network as a set of figures per direction: bandwidth, latency, jitter and loss, up (device to server)
 * and down; or no network at all. The named profiles follow the presets device clouds and browsers offer (Chrome
 * DevTools' "Slow/Fast 3G", AWS Device Farm's network profiles); a {@code devices.yml} device or a scenario can also
 * give its own figures.
 *
 * <p>How the figures act, on the farm's path of each device ({@link DevicePath}): each request waits the latency of
 * its direction (plus up to the jitter, at random) and the time its bytes take at the bandwidth; a lost request or
 * answer fails as a network error with the probability of its direction's loss. Loss is per request, not per
 * packet: on a real link TCP hides most packet loss as delay, and what an app sees of the rest is a failed request.
 *
 * @param name how devices.yml and scenarios name it ({@code custom} for figures given inline)
 * @param offline no network: every request fails at once, as in airplane mode
 */
public record NetworkProfile(String name, boolean offline, Direction up, Direction down) {
    /**
     * One direction of a link.
     *
     * @param kbps bandwidth in kilobits per second; 0: not limited
     * @param latencyMillis one-way delay added to every request
     * @param jitterMillis up to this much more delay, at random per request
     * @param lossPercent the share of requests (0-100) that this direction loses
     */
    public record Direction(int kbps, int latencyMillis, int jitterMillis, double lossPercent) {
        public static final Direction UNLIMITED = new Direction(0, 0, 0, 0);

        public Direction {
            if (kbps < 0 || latencyMillis < 0 || jitterMillis < 0 || lossPercent < 0 || lossPercent > 100) {
                throw new IllegalArgumentException("a network direction needs kbps, latencyMillis and jitterMillis "
                        + "of 0 or more and lossPercent from 0 to 100, was " + this);
            }
        }
    }

    public static final NetworkProfile FULL = new NetworkProfile("full", false, Direction.UNLIMITED,
            Direction.UNLIMITED);
    public static final NetworkProfile OFFLINE = new NetworkProfile("offline", true, Direction.UNLIMITED,
            Direction.UNLIMITED);
    /** EDGE: 240 kbit/s down, 200 up, 400 ms each way. */
    public static final NetworkProfile EDGE_2G = new NetworkProfile("2g", false, new Direction(200, 400, 100, 1),
            new Direction(240, 400, 100, 1));
    /** DevTools' "Slow 3G"-like: 780 kbit/s down, 330 up, 200 ms each way. */
    public static final NetworkProfile SLOW_3G = new NetworkProfile("3g", false, new Direction(330, 200, 50, 0.5),
            new Direction(780, 200, 50, 0.5));
    /** A good LTE link: 20 Mbit/s down, 10 up, 25 ms each way. */
    public static final NetworkProfile LTE_4G = new NetworkProfile("4g", false, new Direction(10_000, 25, 10, 0),
            new Direction(20_000, 25, 10, 0));
    /** Busy Wi-Fi: 30 Mbit/s, 5 ms each way, up to 40 ms of jitter, 5% of requests lost each way. */
    public static final NetworkProfile LOSSY_WIFI = new NetworkProfile("lossy-wifi", false,
            new Direction(30_000, 5, 40, 5), new Direction(30_000, 5, 40, 5));
    /** Geostationary satellite: 10 Mbit/s down, 2 up, 300 ms each way, 1% lost. */
    public static final NetworkProfile SATELLITE = new NetworkProfile("satellite", false,
            new Direction(2_000, 300, 50, 1), new Direction(10_000, 300, 50, 1));

    /** Every named profile, by name. */
    public static final Map<String, NetworkProfile> NAMED = named(FULL, OFFLINE, EDGE_2G, SLOW_3G, LTE_4G,
            LOSSY_WIFI, SATELLITE);

    public NetworkProfile {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a network profile needs a name");
        }
        up = up == null ? Direction.UNLIMITED : up;
        down = down == null ? Direction.UNLIMITED : down;
    }

    /** A named profile; empty for a name that is none of {@link #NAMED}. */
    public static Optional<NetworkProfile> named(String name) {
        return Optional.ofNullable(name == null ? null : NAMED.get(name.toLowerCase(Locale.ROOT)));
    }

    /** Figures of one's own, the same both ways. */
    public static NetworkProfile custom(int kbps, int latencyMillis, int jitterMillis, double lossPercent) {
        Direction both = new Direction(kbps, latencyMillis, jitterMillis, lossPercent);
        return new NetworkProfile("custom", false, both, both);
    }

    /** The figures as a plain map (for reports and recorded switches). */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("offline", offline);
        out.put("up", up);
        out.put("down", down);
        return out;
    }

    private static Map<String, NetworkProfile> named(NetworkProfile... profiles) {
        Map<String, NetworkProfile> out = new LinkedHashMap<>();
        for (NetworkProfile p : List.of(profiles)) {
            out.put(p.name(), p);
        }
        return Map.copyOf(out);
    }
}
