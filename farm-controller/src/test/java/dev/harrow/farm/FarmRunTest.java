package dev.harrow.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.device.junit.DeviceLeases;
import dev.harrow.farm.fixtures.UserAgentFixture;
import dev.harrow.reports.summary.DeviceTelemetry;
import dev.harrow.reports.summary.FarmSummary;
import dev.harrow.reports.summary.Outcome;
import dev.harrow.reports.summary.ScenarioRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** The farm on real emulated devices (Appium, Chromium), and its configuration and command-line errors. */
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
        return FarmOptions.of(devices, ScenarioSuite.onClasspath(List.of(fixtureRoot())), dir.resolve("out"))
                .withSelection(FarmOptions.Selection.all().withTags(Set.of("farm-fixture"))
                        .withScenarios(scenarioRegex));
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
                """, "UserAgentFixture");

        FarmSummary summary = run(options);

        assertThat(summary.exitCode()).as(console.toString()).isEqualTo(FarmRun.SCENARIO_FAILED);
        assertThat(summary.mode()).isEqualTo("matrix");
        assertThat(summary.scenarios()).hasSize(4);
        assertThat(summary.decidedOn("phone-a")).extracting(ScenarioRun::outcome)
                .containsOnly(Outcome.PASSED).hasSize(2);
        List<ScenarioRun> ios = summary.decidedOn("phone-i");
        assertThat(ios).extracting(ScenarioRun::outcome).containsExactlyInAnyOrder(Outcome.PASSED, Outcome.FAILED);
        assertThat(ios).filteredOn(r -> r.outcome() == Outcome.FAILED).singleElement().satisfies(r -> {
            assertThat(r.message()).contains("Android");
            assertThat(r.attempts()).as("retried, on its own device: the verdict is about it").hasSize(2)
                    .allSatisfy(a -> assertThat(a.device()).isEqualTo("phone-i"));
        });

        JsonNode json = new ObjectMapper().readTree(options.summaryFile().toFile());
        assertThat(json.get("exitCode").asInt()).isEqualTo(1);
        assertThat(json.get("totals").get("failed").asInt()).isEqualTo(1);
        assertThat(resultHosts(options.resultsDir())).containsExactlyInAnyOrder("phone-a", "phone-a", "phone-i",
                "phone-i", "phone-i");
        assertThat(options.resultsDir().resolve("environment.properties")).isRegularFile();
        assertThat(deviceLogAttachments(options.resultsDir())).anySatisfy(log ->
                assertThat(log).contains("ERROR [browser]").contains("fixture console line"));
        assertThat(options.reportDir().resolve("index.html")).isRegularFile();
        assertThat(options.junitDir().resolve("TEST-" + UserAgentFixture.class.getName() + ".xml")).isRegularFile();
        assertThat(console.toString()).contains("[farm 4/4").contains("FAILED, retrying");

        assertThat(DeviceLeases.held()).isZero();
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive))
                .as("Appium, drivers and browsers are all gone").isEmpty();
    }

    @Test
    @DisabledIfSystemProperty(named = "harrow.skipBrowserTests", matches = "true")
    void theSummaryCountsThePushesTheFarmsBackendSentEachDeviceWithTheirLatencies() throws Exception {
        FarmOptions options = options("""
                devices:
                  - {name: phone-a, platform: android, kind: web-emulated, profile: Pixel 7}
                """, "PushReceiptFixture");

        FarmSummary summary = run(options);

        assertThat(summary.exitCode()).as(console.toString()).isZero();
        DeviceTelemetry.Pushes pushes = summary.telemetry().stream().filter(t -> t.device().equals("phone-a"))
                .findFirst().orElseThrow().pushes();
        assertThat(pushes.targeted()).isEqualTo(1);
        assertThat(pushes.accepted()).isEqualTo(1);
        assertThat(pushes.delivered()).isEqualTo(1);
        assertThat(pushes.opened()).isEqualTo(1);
        assertThat(pushes.deliveryLatency()).containsEntry("p50", 400L);
        assertThat(pushes.openLatency()).containsEntry("max", 1500L);
        assertThat(Files.readString(options.summaryPage()))
                .contains("data-testid=\"pushes\"", "400 / 400 / 400 ms");
        Path session;
        try (Stream<Path> files = Files.walk(options.outputDir().resolve("sessions"))) {
            session = files.filter(f -> f.getFileName().toString().equals("session.json")).findFirst().orElseThrow();
        }
        JsonNode bundle = new ObjectMapper().readTree(session.toFile());
        assertThat(bundle.at("/pushes/counts/opened").asInt()).isEqualTo(1);
        assertThat(bundle.at("/pushes/deliveries/0/state").asText()).isEqualTo("accepted");
    }

    @Test
    void aDeviceThatCannotBeReachedIsNotRunAndTheRunExitsTwo() throws Exception {
        FarmOptions options = options("""
                devices:
                  - {name: lab-phone, platform: android, kind: real, appiumUrl: "http://127.0.0.1:9", udid: R58M}
                """, "theBrowserReportsAUserAgent");

        FarmSummary summary = run(options);

        assertThat(summary.exitCode()).isEqualTo(FarmRun.INFRASTRUCTURE);
        assertThat(summary.devices()).singleElement().satisfies(d -> {
            assertThat(d.state()).isEqualTo("unavailable");
            assertThat(d.reason()).contains("could not create a session on lab-phone");
        });
        assertThat(summary.scenarios()).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(Outcome.NOT_RUN);
            assertThat(r.message()).contains("every device that can run it is out of the run: lab-phone");
        });
        assertThat(summary.problems()).singleElement().asString().startsWith("devices out of the run: lab-phone");
    }

    @Test
    void anInvalidPoolExitsTwoNamingFileLineAndField() throws Exception {
        FarmOptions options = options("""
                devices:
                  - {name: p, platform: androd, kind: web-emulated, profile: Pixel 7}
                """, "UserAgentFixture");

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
        String suite = dir.toString();

        for (String[] args : List.of(
                new String[] {"--suite", "x"},
                new String[] {"--devices", "d.yml", "--suite", suite, "--bogus", "1"},
                new String[] {"--devices", "d.yml", "--suite", suite, "--scenario", "("},
                new String[] {"--devices", "d.yml", "--suite", suite, "--shard", "0/4"},
                new String[] {"--devices", "d.yml", "--suite", suite, "--shard", "half"},
                new String[] {"--devices", "d.yml", "--suite", suite, "--mode", "spread"},
                new String[] {"--devices", "d.yml", "--suite", suite, "--scenario-timeout", "ten"},
                new String[] {"--devices", "d.yml", "--suite", suite, "--retries", "-1"},
                new String[] {"--devices", "d.yml", "--suite", suite, "--platform", "symbian"})) {
            assertThat(FarmMain.run(args, out, errStream)).as(String.join(" ", args))
                    .isEqualTo(FarmRun.INFRASTRUCTURE);
        }

        assertThat(err.toString()).contains("--devices is required").contains("unknown option --bogus")
                .contains("is not a regular expression").contains("shard 0/4 does not exist: shards are numbered")
                .contains("--shard 'half' is not i/n").contains("--mode spread is not a mode; use one of matrix")
                .contains("--scenario-timeout 'ten' is not a duration").contains("--retries '-1' is not a count")
                .contains("--platform symbian is not a platform").contains("usage: farm");
    }

    @Test
    void helpPrintsTheUsageWithEveryOptionAndExitsZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertThat(FarmMain.run(new String[] {"--help"}, outStream, err)).isZero();
        assertThat(MergeMain.run(new String[] {"--out", "x", "-h"}, outStream, err)).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8)).contains("usage: farm --devices", "--shard I/N",
                "(default 1)", "usage: farm-merge", "--from DIR");
    }

    @Test
    void emptyValuesKeepTheDefaultsSoBuildToolsCanPassUnsetProperties() {
        FarmOptions options = FarmMain.parse(new String[] {"--devices", "d.yml", "--suite", dir.toString(),
                "--mode", "", "--shard", " ", "--retries", "", "--scenario-timeout", "90s", "--device", "*"});

        assertThat(options.mode()).isNull();
        assertThat(options.selection().shard()).isNull();
        assertThat(options.selection().devices()).isEmpty();
        assertThat(options.schedule().retries().perScenario()).isEqualTo(1);
        assertThat(options.schedule().limits().timeout()).hasSeconds(90);
        assertThat(options.timingsFile()).isEqualTo(Path.of("d.yml").toAbsolutePath().getParent()
                .resolve(".harrow/timings.json"));
    }

    static List<String> deviceLogAttachments(Path results) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> logs = new ArrayList<>();
        for (JsonNode result : results(results)) {
            JsonNode attachments = result.get("attachments");
            if (attachments == null) {
                continue;
            }
            for (JsonNode a : attachments) {
                if (a.get("name").asText().startsWith("Device log")) {
                    logs.add(Files.readString(results.resolve(a.get("source").asText())));
                }
            }
        }
        return logs;
    }

    static List<String> resultHosts(Path results) throws Exception {
        List<String> hosts = new ArrayList<>();
        for (JsonNode result : results(results)) {
            for (JsonNode label : result.get("labels")) {
                if (label.get("name").asText().equals("host")) {
                    hosts.add(label.get("value").asText());
                }
            }
        }
        return hosts;
    }

    static List<JsonNode> results(Path results) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(results)) {
            for (Path file : files.filter(f -> f.toString().endsWith("-result.json")).toList()) {
                out.add(json.readTree(file.toFile()));
            }
        }
        return out;
    }
}
