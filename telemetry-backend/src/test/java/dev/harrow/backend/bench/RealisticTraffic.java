package dev.harrow.backend.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/**
 * Batches as a fleet of apps sends them: {@code devices} devices (70% signed in) over {@code days} days, each
 * event a screen view, a session start, an add-to-cart, a purchase or a log line with the props real SDKs attach,
 * gzip-compressed as the SDKs send them. One generator per client thread; the same seed makes the same traffic
 * (event ids aside, which are random as on devices).
 */
public final class RealisticTraffic {
    private static final String[] SCREENS = {"home", "product", "cart", "checkout", "search", "settings"};
    private static final double[] PRICES = {0.99, 4.99, 9.99, 19.99};

    private final Random random;
    private final int devices;
    private final Instant firstDay;
    private final int days;
    private final ObjectMapper json = new ObjectMapper();
    private Instant start;
    private long span;

    public RealisticTraffic(long seed, int devices, Instant firstDay, int days) {
        this.random = new Random(seed);
        this.devices = devices;
        this.firstDay = firstDay.truncatedTo(ChronoUnit.DAYS);
        this.days = days;
        this.span = days * 86_400L;
    }

    /** Traffic of the last {@code days} days up to now: every event within what the collector takes as recent. */
    public static RealisticTraffic recent(long seed, int devices, int days) {
        RealisticTraffic traffic = new RealisticTraffic(seed, devices, Instant.now(), days);
        traffic.start = Instant.now().minus(java.time.Duration.ofDays(days)).plus(java.time.Duration.ofMinutes(30));
        traffic.span = java.time.Duration.between(traffic.start, Instant.now()).getSeconds();
        return traffic;
    }

    /** One event in the collector's wire form. */
    public Map<String, Object> event() {
        int device = random.nextInt(devices);
        Instant ts = (start != null ? start : firstDay).plusSeconds((long) (random.nextDouble() * span));
        int roll = random.nextInt(100);
        String type = roll < 70 ? "screen_view" : roll < 85 ? "session_start" : roll < 95 ? "add_to_cart"
                : roll < 97 ? "purchase" : "log";
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("eventId", UUID.randomUUID().toString());
        e.put("type", type);
        e.put("ts", ts.toString());
        e.put("deviceId", String.format("device-%05d", device));
        if (device % 10 < 7) {
            e.put("userId", String.format("user-%05d", device));
        }
        e.put("sessionId", String.format("s-%05d-%d", device, ts.getEpochSecond() / 86_400));
        e.put("platform", device % 2 == 0 ? "android" : "ios");
        e.put("appVersion", "2.4." + device % 3);
        switch (type) {
            case "screen_view" -> e.put("props", Map.of("screen", SCREENS[random.nextInt(SCREENS.length)],
                    "durationMs", 100 + random.nextInt(20_000)));
            case "purchase" -> e.put("props", Map.of("amount", PRICES[random.nextInt(PRICES.length)],
                    "currency", "EUR", "orderId", UUID.randomUUID().toString().substring(0, 8)));
            case "add_to_cart" -> e.put("props", Map.of("sku", "sku-" + random.nextInt(500),
                    "quantity", 1 + random.nextInt(3)));
            case "log" -> e.put("props", Map.of("level", "info", "message",
                    "request finished in " + (5 + random.nextInt(900)) + " ms"));
            default -> { }
        }
        return e;
    }

    /** A batch of {@code size} events as {@code POST /v1/events} takes it, gzip-compressed. */
    public byte[] gzipBatch(int size) {
        List<Map<String, Object>> events = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            events.add(event());
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                json.writeValue(gzip, Map.of("events", events));
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
