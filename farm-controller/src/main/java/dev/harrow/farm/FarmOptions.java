package dev.harrow.farm;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What one farm run does, as plain validated data.
 *
 * @param scenarioFilter which scenarios run: a regular expression matched against {@code Class#method} and the
 *        class's simple name
 * @param deviceFilter which devices of the pool run: names, or empty for all
 */
public record FarmOptions(
        Path devicesFile,
        ScenarioSuite suite,
        Path outputDir,
        Path reportDir,
        Set<String> tags,
        Pattern scenarioFilter,
        Set<String> deviceFilter) {

    public static final String DEFAULT_TAG = "scenario";

    public FarmOptions {
        Objects.requireNonNull(devicesFile, "devicesFile");
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(outputDir, "outputDir");
        devicesFile = devicesFile.toAbsolutePath().normalize();
        outputDir = outputDir.toAbsolutePath().normalize();
        reportDir = reportDir == null ? outputDir.resolve("allure-report") : reportDir.toAbsolutePath().normalize();
        tags = Set.copyOf(tags);
        scenarioFilter = scenarioFilter == null ? Pattern.compile(".*") : scenarioFilter;
        deviceFilter = Set.copyOf(deviceFilter);
    }

    public Path resultsDir() {
        return outputDir.resolve("allure-results");
    }

    public Path summaryFile() {
        return outputDir.resolve("farm-summary.json");
    }

    public Path runtimeDir() {
        return outputDir.resolve("runtime");
    }

    static Pattern scenarioPattern(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("--scenario '" + regex + "' is not a regular expression: "
                    + e.getDescription());
        }
    }

    static Set<String> deviceNames(String spec) {
        if (spec == null || spec.isBlank() || spec.equals("*")) {
            return Set.of();
        }
        return Set.copyOf(List.of(spec.split("\\s*,\\s*")));
    }
}
