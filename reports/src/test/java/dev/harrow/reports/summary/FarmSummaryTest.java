package dev.harrow.reports.summary;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FarmSummaryTest {
    @TempDir
    Path dir;

    @Test
    void theJsonCarriesTotalsVerdictsTriesDevicesAndGaps() throws Exception {
        FarmSummary summary = SummaryFixtures.everyKindOfVerdict();
        Path file = dir.resolve("out/farm-summary.json");

        summary.writeJson(file);

        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.get("exitCode").asInt()).isEqualTo(1);
        assertThat(json.get("mode").asText()).isEqualTo("distribute");
        assertThat(json.get("shard").asText()).isEqualTo("1/2");
        assertThat(json.get("totals").get("flaky").asInt()).isEqualTo(1);
        assertThat(json.get("totals").get("not-run").asInt()).isEqualTo(1);
        JsonNode flaky = json.get("scenarios").get(1);
        assertThat(flaky.get("outcome").asText()).isEqualTo("flaky");
        assertThat(flaky.get("attempts")).hasSize(2);
        assertThat(flaky.get("attempts").get(0).get("device").asText()).isEqualTo("pixel-7");
        assertThat(json.get("devices").get(0).get("state").asText()).isEqualTo("quarantined");
        assertThat(json.get("notRunnable").get(0).get("needs").asText()).isEqualTo("ios, push-inbox");
        try (var files = Files.list(file.getParent())) {
            assertThat(files).as("no partial file left behind").containsExactly(file);
        }
    }

    @Test
    void aSummaryReadBackIsTheSummaryWrittenWithItsShardPlan() {
        ShardPlan plan = new ShardPlan("812", "1/2", "3f2a91c0e4b7", "9b1c0d2e4f6a7b8c", "distribute",
                List.of("pixel-7", "iphone-se"), null,
                List.of(new ShardPlan.PlannedSlot("shop.Offline#retries", "pool"),
                        new ShardPlan.PlannedSlot("shop.Push#arrives", ShardPlan.PlannedSlot.NOT_RUNNABLE)),
                List.of(new ShardPlan.PlannedSlot("shop.Offline#retries", "pool")));
        FarmSummary summary = SummaryFixtures.everyKindOfVerdict().withTelemetry(List.of(
                DeviceTelemetry.none("pixel-7").plus(10, 9, 1, 0, 0, 0))).withPlan(plan);
        Path file = dir.resolve("farm-summary.json");

        summary.writeJson(file);
        FarmSummary read = FarmSummary.readJson(file);

        assertThat(read).isEqualTo(summary);
        assertThat(read.plan().index()).isEqualTo(1);
        assertThat(read.plan().count()).isEqualTo(2);
    }

    @Test
    void theConsoleTextSpellsOutEveryVerdictThatIsNotAPlainPass() {
        String text = SummaryFixtures.everyKindOfVerdict().toText();

        assertThat(text).contains("2 device(s), distribute, shard 1/2, 7 verdict(s): 2 passed, 1 flaky, 1 failed, "
                + "1 broken, 1 skipped, 1 not run (75.0 s)");
        assertThat(text).contains("FLAKY   refunds [pool]: failed on pixel-7 (AssertionFailedError: expected 2 "
                + "events), then passed on iphone-se");
        assertThat(text).contains("FAILED  queues [pool]: failed on pixel-7");
        assertThat(text).contains("QUARANTINED: 3 infrastructure failures in a row");
        assertThat(text).contains("NOT RUNNABLE on this pool: arrives (needs ios, push-inbox)");
        assertThat(text).contains("NOT-RUN stranded [pool]: every device that can run it is quarantined");
        assertThat(text).doesNotContain("pays [pool]").contains("PROBLEM a problem");
    }

    @Test
    void thePageDrawsEveryTryOnItsDevicesLaneAndListsRetriesAndQuarantines() throws Exception {
        Path file = dir.resolve("out/farm-summary.html");
        FarmSummary summary = SummaryFixtures.everyKindOfVerdict().withTelemetry(List.of(
                DeviceTelemetry.none("pixel-7").plus(12, 10, 1, 0, 2, 0)
                        .plus(new DeviceTelemetry.Pushes(1, 1, 1, 0, 1, 1, List.of(840L), List.of(2100L)))
                        .plus(new DeviceTelemetry.Pushes(2, 2, 1, 1, 1, 0, List.of(300L), List.of())),
                DeviceTelemetry.none("iphone-se").plus(6, 6, 0, 0, 0, 0)
                        .plus(new DeviceTelemetry.Pushes(1, 1, 1, 0, 0, 0, List.of(), List.of()))));
        summary.writeHtml(file);
        assertThat(summary.toText()).contains("  pixel-7                telemetry: 12 emitted, 10 stored, 1 duplicates "
                + "absorbed, 2 lost, 0 waiting; pushes: 3 targeted, 2 accepted, 1 rejected, 2 delivered, 1 opened "
                + "(delivery p50 300 ms)").contains("iphone-se              telemetry: 6 emitted");
        summary.writeJson(dir.resolve("out/farm-summary.json"));
        assertThat(Files.readString(dir.resolve("out/farm-summary.json")))
                .contains("\"deliveryLatencyMillis\" : {\n        \"n\" : 2,\n        \"p50\" : 300,")
                .contains("\"lost\" : 2");
        String page = Files.readString(file);

        assertThat(page).as("one file, nothing fetched").startsWith("<!doctype html>")
                .doesNotContain("http://", "https://", "src=", "<link");
        String timeline = page.substring(page.indexOf("<svg"), page.indexOf("</svg>"));
        // Nine tries: one bar each, coloured by outcome, in the lane of its device.
        assertThat(timeline.split("<title>", -1)).hasSize(10);
        assertThat(timeline).contains(">pixel-7</text>", ">iphone-se</text>", "refunds: failed", "refunds: passed",
                FarmSummaryPage.COLOURS.get(Outcome.BROKEN));
        assertThat(page).contains("refunds</td><td>flaky</td><td>failed on pixel-7, passed on iphone-se")
                .contains("survives</td><td>passed</td><td>lost on pixel-7, passed on iphone-se")
                .contains("quarantined: 3 infrastructure failures in a row")
                .contains("<b>flaky</b>1")
                .contains("<td>pixel-7</td><td class=\"n\">1</td><td class=\"n\">12</td><td class=\"n\">10</td>"
                        + "<td class=\"n\">1</td><td class=\"n\" style=\"color:#e53935\">2</td>");
        String pushes = page.substring(page.indexOf("data-testid=\"pushes\""));
        // pixel-7 over two tries: three targeted, two accepted and delivered, one rejected, one opened.
        assertThat(pushes).contains("<td>pixel-7</td><td class=\"n\">3</td><td class=\"n\">3</td>"
                        + "<td class=\"n\">2</td><td class=\"n\">1</td><td class=\"n\">2</td><td class=\"n\">1</td>")
                .contains("300 / 840 / 840 ms", "2100 / 2100 / 2100 ms")
                .contains("<title>delivered 2 of 3</title>");
        // iphone-se: accepted and never delivered, in red.
        assertThat(pushes).contains("<td>iphone-se</td><td class=\"n\">1</td><td class=\"n\">1</td>"
                + "<td class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\" style=\"color:#e53935\">0</td>");
    }
}
