package dev.harrow.farm.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShardTest {
    @Test
    void shardsAreNumberedFromOne() {
        assertThat(Shard.parse(" 2/4 ")).isEqualTo(new Shard(2, 4)).hasToString("2/4");
        assertThatThrownBy(() -> Shard.parse("0/4")).hasMessageContaining("shard 0/4 does not exist");
        assertThatThrownBy(() -> Shard.parse("5/4")).hasMessageContaining("shard 5/4 does not exist");
        assertThatThrownBy(() -> Shard.parse("2")).hasMessageContaining("is not i/n");
        assertThatThrownBy(() -> Shard.parse("a/b")).hasMessageContaining("is not i/n");
    }

    @Test
    void everyScenarioIsInExactlyOneShardWhateverTheDiscoveryOrder() {
        Random random = new Random(7);
        List<ScenarioRef> suite = IntStream.range(0, 50).mapToObj(i -> ScenarioRef.of("shop.S", "s" + i)).toList();
        Map<String, Long> weights = new HashMap<>();
        suite.forEach(s -> weights.put(s.id(), (long) random.nextInt(5) * 1000));

        List<Set<String>> shards = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            shards.add(new Shard(i, 4).select(suite, s -> weights.get(s.id())));
        }
        List<ScenarioRef> shuffled = new ArrayList<>(suite);
        Collections.shuffle(shuffled, random);

        Set<String> union = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            assertThat(new Shard(i + 1, 4).select(shuffled, s -> weights.get(s.id())))
                    .as("the same split in any order").isEqualTo(shards.get(i));
            for (String id : shards.get(i)) {
                assertThat(union.add(id)).as(id + " in one shard only").isTrue();
            }
        }
        assertThat(union).hasSize(50);
    }

    @Test
    void shardsGetEqualExpectedWorkNotEqualCounts() {
        // One 60 s scenario and twelve of 10 s: by count, the shard with the long one would take 60 s + 50 s.
        List<ScenarioRef> suite = new ArrayList<>();
        Map<String, Long> weights = new HashMap<>();
        suite.add(ScenarioRef.of("shop.S", "long"));
        weights.put("shop.S#long", 60_000L);
        for (int i = 0; i < 12; i++) {
            suite.add(ScenarioRef.of("shop.S", "short" + i));
            weights.put("shop.S#short" + i, 10_000L);
        }

        Set<String> first = new Shard(1, 2).select(suite, s -> weights.get(s.id()));
        Set<String> second = new Shard(2, 2).select(suite, s -> weights.get(s.id()));

        long work1 = first.stream().mapToLong(weights::get).sum();
        long work2 = second.stream().mapToLong(weights::get).sum();
        assertThat(work1).isEqualTo(work2).isEqualTo(90_000L);
        assertThat(first).hasSize(4).contains("shop.S#long");
    }
}
