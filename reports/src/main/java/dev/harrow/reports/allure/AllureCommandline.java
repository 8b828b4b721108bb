package dev.harrow.reports.allure;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Allure commandline unpacked by the reports build (from its Maven artifact), run in a child JVM to turn
 * results into an offline HTML report. Found through {@code -Dharrow.allure.home}, else under
 * {@code reports/target/allure-commandline} from the working directory upwards.
 */
public final class AllureCommandline {
    public static final String PROPERTY = "harrow.allure.home";
    static final long TIMEOUT_SECONDS = 300;
    private final Path home;

    public AllureCommandline(Path home) {
        this.home = home.toAbsolutePath().normalize();
        if (!Files.isDirectory(this.home.resolve("lib"))) {
            throw new IllegalStateException("no Allure commandline at " + this.home
                    + ": build the reports module (mvn -pl reports generate-resources unpacks it)");
        }
    }

    public static AllureCommandline locate() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null) {
            return new AllureCommandline(Path.of(configured));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (Path unpacked : List.of(dir.resolve("reports/target/allure-commandline"),
                    dir.resolve("target/allure-commandline"))) {
                Optional<Path> home = versionDir(unpacked);
                if (home.isPresent()) {
                    return new AllureCommandline(home.get());
                }
            }
        }
        throw new IllegalStateException("the Allure commandline was not found: set -D" + PROPERTY
                + ", or build the reports module first (mvn -pl reports generate-resources)");
    }

    private static Optional<Path> versionDir(Path unpacked) {
        if (!Files.isDirectory(unpacked)) {
            return Optional.empty();
        }
        try (Stream<Path> children = Files.list(unpacked)) {
            return children.filter(p -> p.getFileName().toString().startsWith("allure-")).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Generates the HTML report of {@code results} into {@code reportDir} (replacing it). With {@code singleFile}
     * the report is one index.html that opens from disk without a web server.
     */
    public void generate(Path results, Path reportDir, String reportName, boolean singleFile) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java,
                "-Xmx512m",
                "-cp", home.resolve("lib") + File.separator + "*" + File.pathSeparator + home.resolve("lib/config"),
                "io.qameta.allure.CommandLine",
                "generate", "--clean",
                "--output", reportDir.toAbsolutePath().toString(),
                "--name", reportName));
        if (singleFile) {
            command.add("--single-file");
        }
        command.add(results.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("APP_HOME", home.toString());
        try {
            Files.createDirectories(reportDir.toAbsolutePath().getParent());
            Process process = builder.start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("Allure did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0 || !Files.isRegularFile(reportDir.resolve("index.html"))) {
                throw new IllegalStateException("Allure report generation failed (exit " + process.exitValue()
                        + "): " + new String(output, StandardCharsets.UTF_8).trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the Allure commandline", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating the report", e);
        }
    }
}
