package dev.harrow.backend;

import static dev.harrow.backend.support.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.backend.support.BackendProcess;
import dev.harrow.backend.support.RawHttp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anyone holding the app key (every copy of the app has it) can send a few kilobytes of gzip that expand into more than a
 * million empty objects. A backend with a small heap takes 16 such senders at once for ten seconds: no
 * OutOfMemoryError, every one refused at the limit, and a normal client's batches still answered meanwhile.
 */
class HostileBodiesIT {
    static final String KEY = "hostile-app-key-1";
    static final int ATTACKERS = 16;
    static final long ATTACK_MILLIS = 10_000;

    @TempDir
    Path dir;

    /** {"events":[{},{},...]}: just under the 4 MB a batch may expand to, a few kilobytes of gzip. */
    static byte[] bomb() {
        StringBuilder json = new StringBuilder(4_300_000).append("{\"events\":[");
        for (int i = 0; i < 1_300_000; i++) {
            json.append(i == 0 ? "{}" : ",{}");
        }
        return RawHttp.gzip(RawHttp.utf8(json.append("]}").toString()));
    }

    @Test
    void aFloodOfTinyBodiesThatExpandIntoMillionsOfObjectsCannotExhaustTheHeap() throws Exception {
        BackendProcess backend = new BackendProcess(dir, Map.of("HARROW_DATA_DIR", dir.resolve("data").toString(),
                "HARROW_APP_KEYS", "shop=" + KEY, "HARROW_ADMIN_TOKEN", "hostile-admin-token"), List.of(),
                List.of("-Xmx160m", "-XX:+ExitOnOutOfMemoryError")).start();
        ExecutorService pool = Executors.newFixedThreadPool(ATTACKERS + 1);
        try {
            byte[] bomb = bomb();
            assertThat(bomb.length).as("a small body").isLessThan(20_000);
            RawHttp http = new RawHttp(backend.uri());
            Map<String, String> gzip = Map.of("Content-Type", "application/json", "Content-Encoding", "gzip",
                    "X-App-Key", KEY);
            Map<String, String> plain = Map.of("Content-Type", "application/json", "X-App-Key", KEY);
            ObjectMapper json = new ObjectMapper();
            AtomicBoolean attacking = new AtomicBoolean(true);
            AtomicInteger refused = new AtomicInteger();
            ConcurrentLinkedQueue<Integer> unexpected = new ConcurrentLinkedQueue<>();
            List<Future<?>> attackers = new ArrayList<>();
            for (int a = 0; a < ATTACKERS; a++) {
                attackers.add(pool.submit(() -> {
                    while (attacking.get()) {
                        int status = http.post("/v1/events", gzip, bomb).statusCode();
                        if (status == 413 || status == 429) {
                            refused.incrementAndGet();
                        } else {
                            unexpected.add(status);
                        }
                    }
                }));
            }
            List<Long> normalMillis = new ArrayList<>();
            long end = System.currentTimeMillis() + ATTACK_MILLIS;
            int sent = 0;
            while (System.currentTimeMillis() < end) {
                List<Map<String, Object>> batch = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    batch.add(event("normal-device", "screen_view"));
                }
                long start = System.nanoTime();
                HttpResponse<String> response = http.post("/v1/events", plain,
                        json.writeValueAsBytes(Map.of("events", batch)));
                // 429 is the collector's back-pressure: the client keeps the batch and sends it again
                while (response.statusCode() == 429) {
                    response = http.post("/v1/events", plain, json.writeValueAsBytes(Map.of("events", batch)));
                }
                normalMillis.add((System.nanoTime() - start) / 1_000_000);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                sent += 50;
            }
            attacking.set(false);
            for (Future<?> attacker : attackers) {
                attacker.get();
            }
            normalMillis.sort(Long::compare);
            long p95 = normalMillis.get((int) (normalMillis.size() * 0.95));
            System.out.printf("hostile bodies: %d refused, %d normal batches, p95 %d ms%n", refused.get(),
                    normalMillis.size(), p95);

            assertThat(unexpected).as("every hostile body refused at a limit").isEmpty();
            assertThat(refused.get()).isGreaterThan(ATTACKERS);
            assertThat(backend.process().isAlive()).as("no OutOfMemoryError ended the process").isTrue();
            assertThat(backend.log()).doesNotContain("OutOfMemoryError");
            assertThat(p95).as("normal batches answered meanwhile").isLessThan(3_000);
            assertThat(sent).isPositive();
        } finally {
            pool.shutdownNow();
            backend.close();
        }
    }
}
