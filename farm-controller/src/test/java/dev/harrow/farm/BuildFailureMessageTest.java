package dev.harrow.farm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Maven says when the farm cannot run: the farm writes why to the failure file the build names, and the build
 * fails with those words (farm-controller/pom.xml), not with a plugin's stack trace.
 */
class BuildFailureMessageTest {
    @TempDir
    Path dir;

    @Test
    void aPoolWithMistakesLeavesEveryProblemForTheBuildAndExitsTwo() throws Exception {
        Path devices = Files.writeString(dir.resolve("devices.yml"), """
                devices:
                  - {name: pixel, platform: android, kind: web-emulated, profile: "Pixel 77"}
                  - {name: Tablet, platform: ios, kind: web-emulated, profile: "iPhone SE"}
                """);
        Path failure = dir.resolve("farm-failure.txt");
        Files.writeString(failure, "left by an earlier run");

        assertThat(farm(failure, "--devices", devices.toString(), "--suite", "target/test-classes", "--out",
                dir.resolve("out").toString())).isEqualTo(2);

        assertThat(Files.readString(failure)).contains("devices.yml:2:67").contains("'Pixel 77' is not an emulation "
                + "profile (did you mean 'Pixel 7'?)").contains("devices.yml:3:12").contains("'Tablet' is not a "
                + "valid device name").contains("2 problems in").doesNotContain("left by an earlier run");
    }

    @Test
    void anOptionItCannotUseIsTheMessageAndAPassingRunLeavesNoFile() throws Exception {
        Path failure = dir.resolve("farm-failure.txt");

        assertThat(farm(failure, "--devices", "d.yml", "--suite", "target/test-classes", "--mode", "spread"))
                .isEqualTo(2);
        assertThat(Files.readString(failure)).contains("farm: --mode spread is not a mode")
                .contains("farm --help lists every option");

        assertThat(farm(failure, "--help")).isZero();
        assertThat(failure).as("a run that did not fail leaves none").doesNotExist();
    }

    int farm(Path failureFile, String... args) throws Exception {
        String[] command = new String[5 + args.length];
        command[0] = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        command[1] = "-D" + CommandLine.FAILURE_FILE_PROPERTY + "=" + failureFile;
        command[2] = "-cp";
        command[3] = System.getProperty("java.class.path");
        command[4] = FarmMain.class.getName();
        System.arraycopy(args, 0, command, 5, args.length);
        Process farm = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("farm.log").toFile()).start();
        assertThat(farm.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(dir.resolve("farm.log"),
                StandardCharsets.UTF_8)).isTrue();
        return farm.exitValue();
    }
}
