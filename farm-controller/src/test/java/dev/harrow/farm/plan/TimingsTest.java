package dev.harrow.farm.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimingsTest {
    static final ScenarioRef STEADY = ScenarioRef.of("shop.S", "steady");
    static final ScenarioRef SPIKY = ScenarioRef.of("shop.S", "spiky");
    static final ScenarioRef NEW = ScenarioRef.of("shop.S", "brandNew");

    @TempDir
    Path dir;

    @Test
    void theEstimateIsTheNinetiethPercentileOfRecentPassesAndUnknownsGetTheMean() {
        TimingStore store = TimingStore.inMemory();
        store.recordPass(STEADY.id(), Duration.ofSeconds(10));
        IntStream.rangeClosed(1, 10).forEach(i -> store.recordPass(SPIKY.id(), Duration.ofSeconds(i == 7 ? 100 : i)));

        DurationEstimates estimates = DurationEstimates.from(store, List.of(STEADY, SPIKY, NEW));

        assertThat(estimates.of(STEADY)).hasSeconds(10);
        // Sorted: 1..6, 8, 9, 10, 100: the 9th of 10 is 10 s; one slow run in ten does not make it "slow".
        assertThat(estimates.of(SPIKY)).hasSeconds(10);
        assertThat(estimates.of(NEW)).isEqualTo(Duration.ofSeconds(10)).isEqualTo(estimates.forUnknown());
        assertThat(estimates.isKnown(NEW)).isFalse();
        assertThat(DurationEstimates.from(TimingStore.inMemory(), List.of(NEW)).of(NEW))
                .isEqualTo(DurationEstimates.DEFAULT);
    }

    @Test
    void aStoreKeepsTheTenMostRecentPasses() {
        TimingStore store = TimingStore.inMemory();
        IntStream.rangeClosed(1, 15).forEach(i -> store.recordPass(STEADY.id(), Duration.ofMillis(i)));

        assertThat(store.recentPasses(STEADY.id())).hasSize(10).first().isEqualTo(Duration.ofMillis(6));
    }

    @Test
    void theFileSurvivesARunAndABrokenFileIsAnEmptyStore() throws Exception {
        Path file = dir.resolve(".harrow/timings.json");
        FileTimingStore store = FileTimingStore.open(file);
        assertThat(store.recentPasses(STEADY.id())).isEmpty();
        store.recordPass(STEADY.id(), Duration.ofMillis(1234));
        store.recordPass(STEADY.id(), Duration.ofMillis(1300));
        store.save();

        assertThat(FileTimingStore.open(file).recentPasses(STEADY.id()))
                .containsExactly(Duration.ofMillis(1234), Duration.ofMillis(1300));
        try (var files = Files.list(file.getParent())) {
            assertThat(files).as("no partial file left").containsExactly(file);
        }

        Files.writeString(file, "{not json");
        assertThat(FileTimingStore.open(file).recentPasses(STEADY.id())).isEmpty();
        Files.writeString(file, "{\"format\": 99, \"scenarios\": {\"shop.S#steady\": [5]}}");
        assertThat(FileTimingStore.open(file).recentPasses(STEADY.id())).as("an unknown format is not guessed at")
                .isEmpty();
    }
}
