package dev.harrow.reports.allure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.reports.fixtures.LaneFixture;
import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

class LaneResultsListenerTest {
    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
    final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path results;

    static void runOn(Path results, RunLane lane) {
        runOn(results, lane, RunAttempt.first(lane.device()), selectClass(LaneFixture.class));
    }

    static void runOn(Path results, RunLane lane, RunAttempt attempt, DiscoverySelector selector) {
        AllureLifecycle lifecycle = new AllureLifecycle(new FileSystemResultsWriter(results));
        Allure.setLifecycle(lifecycle);
        Launcher launcher = LauncherFactory.create();
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selector).build(),
                new LaneResultsListener(lifecycle, lane, attempt));
    }

    @Test
    void eachScenarioOnEachDeviceIsOneResultWithTheDeviceAsLaneAndParameter() throws IOException {
        runOn(results, new RunLane("pixel-7", "android", "web-emulated", "Pixel 7", evidence(PNG, "E boom")));
        runOn(results, new RunLane("iphone-se", "ios", "web-emulated", "iPhone SE", evidence(PNG, null)));

        List<JsonNode> all = readResults();
        assertThat(all).hasSize(8);
        JsonNode passedOnPixel = find(all, "passes", "pixel-7");
        JsonNode passedOnIphone = find(all, "passes", "iphone-se");
        assertThat(passedOnPixel.get("status").asText()).isEqualTo("passed");
        assertThat(label(passedOnPixel, "host")).isEqualTo("pixel-7");
        assertThat(label(passedOnPixel, "thread")).isEqualTo("pixel-7");
        assertThat(label(passedOnPixel, "parentSuite")).isEqualTo("android");
        assertThat(label(passedOnPixel, "epic")).isEqualTo("Telemetry");
        assertThat(label(passedOnPixel, "feature")).isEqualTo("Delivery");
        assertThat(label(passedOnPixel, "tag")).isEqualTo("scenario");
        assertThat(passedOnPixel.get("historyId").asText()).isNotEqualTo(passedOnIphone.get("historyId").asText());
        assertThat(passedOnPixel.get("testCaseId").asText()).isEqualTo(passedOnIphone.get("testCaseId").asText());
        assertThat(passedOnPixel.get("steps").get(0).get("name").asText()).isEqualTo("a step the scenario records");
        JsonNode attachment = passedOnPixel.get("attachments").get(0);
        assertThat(attachment.get("type").asText()).isEqualTo("image/png");
        assertThat(results.resolve(attachment.get("source").asText())).hasBinaryContent(PNG);
        JsonNode logAttachment = passedOnPixel.get("attachments").get(1);
        assertThat(logAttachment.get("name").asText()).isEqualTo("Device log (pixel-7)");
        assertThat(results.resolve(logAttachment.get("source").asText())).hasContent("E boom");
        assertThat(passedOnIphone.get("attachments")).hasSize(1);

        assertThat(find(all, "failsAnAssertion", "pixel-7").get("status").asText()).isEqualTo("failed");
        assertThat(find(all, "failsAnAssertion", "pixel-7").get("statusDetails").get("message").asText())
                .contains("events stored");
        assertThat(find(all, "breaks", "pixel-7").get("status").asText()).isEqualTo("broken");
        assertThat(find(all, "isAborted", "iphone-se").get("status").asText()).isEqualTo("skipped");
    }

    @Test
    void aDeviceThatCannotTakeAScreenshotStillGetsItsResults() throws IOException {
        runOn(results, new RunLane("dead-device", "android", "real", null, new LaneEvidence() {
            @Override
            public byte[] finalScreen() {
                throw new IllegalStateException("session gone");
            }

            @Override
            public String deviceLog() {
                throw new IllegalStateException("session gone");
            }
        }));

        assertThat(readResults()).hasSize(4).allSatisfy(r -> assertThat(r.has("attachments")
                && r.get("attachments").size() > 0).isFalse());
    }

    @Test
    void aRetryOnAnotherDeviceSharesTheSlotsHistoryAndAPassAfterAFailureIsFlaky() throws IOException {
        RunLane pixel = new RunLane("pixel-7", "android", "web-emulated", "Pixel 7", null);
        RunLane iphone = new RunLane("iphone-se", "ios", "web-emulated", "iPhone SE", null);
        runOn(results, pixel, new RunAttempt("pool", 1, false, null),
                selectMethod(LaneFixture.class, "failsAnAssertion"));
        runOn(results, iphone, new RunAttempt("pool", 2, true, null), selectMethod(LaneFixture.class, "passes"));

        List<JsonNode> all = readResults();
        JsonNode first = find(all, "failsAnAssertion", "pixel-7");
        JsonNode retry = find(all, "passes", "iphone-se");
        assertThat(retry.get("statusDetails").get("flaky").asBoolean()).isTrue();
        assertThat(first.get("statusDetails").get("flaky").asBoolean()).isFalse();
        assertThat(retry.get("parameters").toString()).contains("\"try\"");
        // Same slot, so same history: Allure shows the first try under the retry's "Retries" tab.
        String failedId = first.get("historyId").asText();
        runOn(results, pixel, new RunAttempt("pool", 2, true, null),
                selectMethod(LaneFixture.class, "failsAnAssertion"));
        assertThat(readResults()).filteredOn(r -> r.get("historyId").asText().equals(failedId)).hasSize(2);
    }

    @Test
    void aScenarioTheFarmEndedIsBrokenWithTheFarmsReason() throws IOException {
        RunLane pixel = new RunLane("pixel-7", "android", "web-emulated", "Pixel 7", null);
        runOn(results, pixel, new RunAttempt("pixel-7", 1, false,
                () -> Optional.of("ended by the farm: no device activity for 120 s")),
                selectMethod(LaneFixture.class, "failsAnAssertion"));

        JsonNode result = find(readResults(), "failsAnAssertion", "pixel-7");
        assertThat(result.get("status").asText()).isEqualTo("broken");
        assertThat(result.get("statusDetails").get("message").asText())
                .startsWith("ended by the farm: no device activity for 120 s (then: events stored");
    }

    @Test
    void aScenarioNoDeviceCanRunIsASkippedResultWithTheReason() throws IOException {
        AllureLifecycle lifecycle = new AllureLifecycle(new FileSystemResultsWriter(results));
        LaneResultsListener.writeNotRunnable(lifecycle, "[engine:junit-jupiter]/[class:x]/[method:passes()]",
                LaneFixture.class.getName(), "passes", "passes", "needs ios; the pool has android devices only");

        JsonNode result = readResults().get(0);
        assertThat(result.get("status").asText()).isEqualTo("skipped");
        assertThat(result.get("statusDetails").get("message").asText())
                .isEqualTo("not runnable on this pool: needs ios; the pool has android devices only");
        assertThat(label(result, "epic")).isEqualTo("Telemetry");
        assertThat(label(result, "feature")).isEqualTo("Delivery");
    }

    static LaneEvidence evidence(byte[] png, String log) {
        return new LaneEvidence() {
            @Override
            public byte[] finalScreen() {
                return png;
            }

            @Override
            public String deviceLog() {
                return log;
            }
        };
    }

    private List<JsonNode> readResults() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(results)) {
            for (Path p : files.filter(f -> f.toString().endsWith("-result.json")).toList()) {
                out.add(json.readTree(p.toFile()));
            }
        }
        return out;
    }

    private static JsonNode find(List<JsonNode> all, String method, String device) {
        return all.stream().filter(r -> label(r, "testMethod").equals(method))
                .filter(r -> label(r, "host").equals(device)).findFirst().orElseThrow();
    }

    private static String label(JsonNode result, String name) {
        for (JsonNode label : result.get("labels")) {
            if (label.get("name").asText().equals(name)) {
                return label.get("value").asText();
            }
        }
        return "";
    }
}
