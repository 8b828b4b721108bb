package dev.harrow.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.device.junit.DeviceLeases;
import dev.harrow.farm.fixtures.UserAgentFixture;
import dev.harrow.reports.summary.DeviceRuns;
import dev.harrow.reports.summary.FarmSummary;
import dev.harrow.reports.summary.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

class FarmRunTest {
    @TempDir
    Path dir;
    final ByteArrayOutputStream console = new ByteArrayOutputStream();

    static Path fixtureRoot() throws Exception {
        return Path.of(UserAgentFixture.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    FarmOptions options(String devicesYaml, String scenarioRegex) throws Exception {
        Path devices = dir.resolve("devices.yml");
        Files.writeString(devices, devicesYaml);
        return new FarmOptions(devices, ScenarioSuite.onClasspath(List.of(fixtureRoot())), dir.resolve("out"), null,
                Set.of("farm-fixture"), Pattern.compile(scenarioRegex), Set.of());
    }

    FarmSummary run(FarmOptions options) {
        return new FarmRun(options, new PrintStream(console, true, StandardCharsets.UTF_8)).run();
    }

    @Test
    @DisabledIfSystemProperty(named = "harrow.skipBrowserTests", matches = "true")
    void everyScenarioRunsOnEveryDeviceInParallelAndIsReportedByDevice() throws Exception {
        FarmOptions options = options("""
                devices:
                  - {name: phone-a, platform: android, kind: web-emulated, profile: Pixel 7}
                  - {name: phone-i, platform: ios, kind: web-emulated, profile: iPhone SE}
                """, ".*");

        FarmSummary summary = run(options);

        assertThat(summary.exitCode()).as(console.toString()).isEqualTo(FarmRun.SCENARIO_FAILED);
        assertThat(summary.devices()).extracting(DeviceRuns::device).containsExactly("phone-a", "phone-i");
        DeviceRuns android = summary.devices().get(0);
        DeviceRuns ios = summary.devices().get(1);
        assertThat(android.count(Outcome.PASSED)).isEqualTo(2);
        assertThat(ios.count(Outcome.PASSED)).isEqualTo(1);
        assertThat(ios.count(Outcome.FAILED)).isEqualTo(1);
        assertThat(ios.runs()).filteredOn(r -> r.outcome() == Outcome.FAILED).singleElement()
                .satisfies(r -> assertThat(r.message()).contains("Android"));

        JsonNode json = new ObjectMapper().readTree(options.summaryFile().toFile());
        assertThat(json.get("exitCode").asInt()).isEqualTo(1);
        assertThat(json.get("totals").get("failed").asInt()).isEqualTo(1);
        assertThat(resultHosts(options.resultsDir())).containsExactlyInAnyOrder("phone-a", "phone-a", "phone-i",
                "phone-i");
        assertThat(options.resultsDir().resolve("environment.properties")).isRegularFile();
        assertThat(deviceLogAttachments(options.resultsDir())).anySatisfy(log ->
                assertThat(log).contains("ERROR [browser]").contains("fixture console line"));
        assertThat(options.reportDir().resolve("index.html")).isRegularFile();
        assertThat(console.toString()).contains("[farm 4/4");

        assertThat(DeviceLeases.held()).isZero();
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive))
                .as("Appium, drivers and browsers are all gone").isEmpty();
    }

    @Test
    void aDeviceThatCannotBeReachedIsNotRunAndTheRunExitsTwo() throws Exception {
        FarmOptions options = options("""
                devices:
                  - {name: lab-phone, platform: android, kind: real, appiumUrl: "http://127.0.0.1:9", udid: R58M}
                """, "theBrowserReportsAUserAgent");

        FarmSummary summary = run(options);

        assertThat(summary.exitCode()).isEqualTo(FarmRun.INFRASTRUCTURE);
        DeviceRuns device = summary.devices().get(0);
        assertThat(device.unavailable()).contains("could not create a session on lab-phone");
        assertThat(device.runs()).singleElement().satisfies(r -> assertThat(r.outcome()).isEqualTo(Outcome.NOT_RUN));
    }

    @Test
    void anInvalidPoolExitsTwoNamingFileLineAndField() throws Exception {
        FarmOptions options = options("""
                devices:
                  - {name: p, platform: androd, kind: web-emulated, profile: Pixel 7}
                """, ".*");

        FarmSummary summary = run(options);

        assertThat(summary.exitCode()).isEqualTo(FarmRun.INFRASTRUCTURE);
        assertThat(summary.problems()).singleElement().asString()
                .contains("devices.yml:2:").contains("devices[0].platform: 'androd' is not a platform");
    }

    @Test
    void aFilterThatMatchesNoScenarioExitsTwo() throws Exception {
        FarmSummary summary = run(options("""
                devices:
                  - {name: p, platform: android, kind: web-emulated, profile: Pixel 7}
                """, "noSuchScenario"));

        assertThat(summary.exitCode()).isEqualTo(FarmRun.INFRASTRUCTURE);
        assertThat(summary.problems()).singleElement().asString().contains("no scenario");
    }

    @Test
    void theCommandLineRejectsWhatItCannotUse() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertThat(FarmMain.run(new String[] {"--suite", "x"}, out, errStream)).isEqualTo(FarmRun.INFRASTRUCTURE);
        assertThat(FarmMain.run(new String[] {"--devices", "d.yml", "--suite", dir.toString(), "--bogus", "1"}, out,
                errStream)).isEqualTo(FarmRun.INFRASTRUCTURE);
        assertThat(FarmMain.run(new String[] {"--devices", "d.yml", "--suite", dir.toString(), "--scenario", "("},
                out, errStream)).isEqualTo(FarmRun.INFRASTRUCTURE);

        assertThat(err.toString()).contains("--devices is required").contains("unknown option --bogus")
                .contains("is not a regular expression").contains("usage: farm");
    }

    private static List<String> deviceLogAttachments(Path results) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> logs = new ArrayList<>();
        try (Stream<Path> files = Files.list(results)) {
            for (Path file : files.filter(f -> f.toString().endsWith("-result.json")).toList()) {
                JsonNode attachments = json.readTree(file.toFile()).get("attachments");
                for (JsonNode a : attachments == null ? List.<JsonNode>of() : List.copyOf(toList(attachments))) {
                    if (a.get("name").asText().startsWith("Device log")) {
                        logs.add(Files.readString(results.resolve(a.get("source").asText())));
                    }
                }
            }
        }
        return logs;
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static List<String> resultHosts(Path results) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> hosts = new ArrayList<>();
        try (Stream<Path> files = Files.list(results)) {
            for (Path file : files.filter(f -> f.toString().endsWith("-result.json")).toList()) {
                for (JsonNode label : json.readTree(file.toFile()).get("labels")) {
                    if (label.get("name").asText().equals("host")) {
                        hosts.add(label.get("value").asText());
                    }
                }
            }
        }
        return hosts;
    }
}
