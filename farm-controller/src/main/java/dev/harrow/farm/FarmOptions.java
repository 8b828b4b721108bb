package dev.harrow.farm;

import dev.harrow.device.Platform;
import dev.harrow.device.config.PoolMode;
import dev.harrow.farm.plan.Pipeline;
import dev.harrow.farm.plan.Shard;
import dev.harrow.farm.schedule.FarmSchedule;
import dev.harrow.farm.schedule.RunProgress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What one farm run does, as plain validated data.
 *
 * @param timingsFile where scenario durations are kept between runs
 * @param mode how the pool is spent; null for what devices.yml says
 * @param schedule retries, timeouts and agent patience
 * @param progress how progress is shown
 * @param pipeline the CI pipeline a sharded run belongs to, and the queue its shards share, if any
 * @param reach where the farm's backend and sample app listen and the host the devices are given for them
 */
public record FarmOptions(
        Path devicesFile,
        ScenarioSuite suite,
        Path outputDir,
        Path reportDir,
        Path timingsFile,
        Selection selection,
        PoolMode mode,
        FarmSchedule.Settings schedule,
        RunProgress.Style progress,
        Pipeline pipeline,
        Reach reach) {

    public static final String DEFAULT_TAG = "scenario";

    public FarmOptions {
        Objects.requireNonNull(devicesFile, "devicesFile");
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(outputDir, "outputDir");
        devicesFile = devicesFile.toAbsolutePath().normalize();
        outputDir = outputDir.toAbsolutePath().normalize();
        reportDir = reportDir == null ? outputDir.resolve("allure-report") : reportDir.toAbsolutePath().normalize();
        timingsFile = timingsFile == null ? defaultTimings(devicesFile) : timingsFile.toAbsolutePath().normalize();
        selection = selection == null ? Selection.all() : selection;
        reach = reach == null ? Reach.LOOPBACK : reach;
        schedule = schedule == null ? FarmSchedule.Settings.defaults() : schedule;
        progress = progress == null ? RunProgress.Style.PLAIN : progress;
        pipeline = pipeline == null ? Pipeline.detect() : pipeline;
        if (pipeline.queue() != null && selection.shard() == null) {
            throw new IllegalArgumentException("--queue needs --shard: the queue is shared by the shards of one "
                    + "pipeline, and the merge step counts them");
        }
    }

    /** Every scenario tagged "scenario" on every device, as devices.yml says, with the default limits. */
    public static FarmOptions of(Path devicesFile, ScenarioSuite suite, Path outputDir) {
        return new FarmOptions(devicesFile, suite, outputDir, null, null, null, null, null, null, null, null);
    }

    public FarmOptions withSelection(Selection value) {
        return new FarmOptions(devicesFile, suite, outputDir, reportDir, timingsFile, value, mode, schedule, progress,
                pipeline, reach);
    }

    public FarmOptions withMode(PoolMode value) {
        return new FarmOptions(devicesFile, suite, outputDir, reportDir, timingsFile, selection, value, schedule,
                progress, pipeline, reach);
    }

    public FarmOptions withSchedule(FarmSchedule.Settings value) {
        return new FarmOptions(devicesFile, suite, outputDir, reportDir, timingsFile, selection, mode, value,
                progress, pipeline, reach);
    }

    public FarmOptions withTimings(Path value) {
        return new FarmOptions(devicesFile, suite, outputDir, reportDir, value, selection, mode, schedule, progress,
                pipeline, reach);
    }

    public FarmOptions withPipeline(Pipeline value) {
        return new FarmOptions(devicesFile, suite, outputDir, reportDir, timingsFile, selection, mode, schedule,
                progress, value, reach);
    }

    public FarmOptions withReach(Reach value) {
        return new FarmOptions(devicesFile, suite, outputDir, reportDir, timingsFile, selection, mode, schedule,
                progress, pipeline, value);
    }

    /** Timings live beside the pool they were measured on, in {@code .harrow/} (ignored by git, cached by CI). */
    static Path defaultTimings(Path devicesFile) {
        Path dir = devicesFile.toAbsolutePath().getParent();
        return dir.resolve(".harrow").resolve("timings.json");
    }

    /**
     * Where this run's results go: the output folder, or for a shard its own folder in it
     * ({@code OUT/shards/2-of-4/}), so that shards run one after another on one machine keep each other's results
     * for the merge step.
     */
    public Path runDir() {
        Shard shard = selection.shard();
        return shard == null ? outputDir : shardsDir(outputDir).resolve(shard.index() + "-of-" + shard.count());
    }

    /** Where the shards of a pipeline leave their results under an output folder. */
    public static Path shardsDir(Path outputDir) {
        return outputDir.resolve("shards");
    }

    /** The HTML report of this run: {@link #reportDir()}, except for a shard, whose report is in its own folder. */
    public Path runReportDir() {
        return selection.shard() == null ? reportDir : runDir().resolve("allure-report");
    }

    public Path resultsDir() {
        return runDir().resolve("allure-results");
    }

    public Path summaryFile() {
        return runDir().resolve("farm-summary.json");
    }

    public Path junitDir() {
        return runDir().resolve("junit");
    }

    public Path runtimeDir() {
        return runDir().resolve("runtime");
    }

    public Path sessionsDir() {
        return runDir().resolve("sessions");
    }

    /**
     * Which scenarios and devices take part.
     *
     * @param tags JUnit tag expressions selecting scenarios
     * @param excludedTags tag expressions dropping them
     * @param scenarioFilter a regular expression for {@code Class#method} or the simple class name
     * @param devices device names, or empty for the whole pool
     * @param platforms platforms to run on, or empty for all; scenarios only for other platforms are left out
     * @param shard the part of the suite this run takes, or null for all of it
     */
    public record Selection(Set<String> tags, Set<String> excludedTags, Pattern scenarioFilter, Set<String> devices,
                            Set<Platform> platforms, Shard shard) {
        public Selection {
            tags = tags.isEmpty() ? Set.of(DEFAULT_TAG) : Set.copyOf(tags);
            excludedTags = Set.copyOf(excludedTags);
            scenarioFilter = scenarioFilter == null ? Pattern.compile(".*") : scenarioFilter;
            devices = Set.copyOf(devices);
            platforms = Set.copyOf(platforms);
        }

        public static Selection all() {
            return new Selection(Set.of(), Set.of(), null, Set.of(), Set.of(), null);
        }

        public Selection withTags(Set<String> value) {
            return new Selection(value, excludedTags, scenarioFilter, devices, platforms, shard);
        }

        public Selection withScenarios(String regex) {
            return new Selection(tags, excludedTags, scenarioPattern(regex), devices, platforms, shard);
        }

        public Selection withShard(Shard value) {
            return new Selection(tags, excludedTags, scenarioFilter, devices, platforms, value);
        }

        public Selection withDevices(Set<String> value) {
            return new Selection(tags, excludedTags, scenarioFilter, value, platforms, shard);
        }
    }

    static Pattern scenarioPattern(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("--scenario '" + regex + "' is not a regular expression: "
                    + e.getDescription());
        }
    }

    static Set<String> names(String spec) {
        if (spec == null || spec.isBlank() || spec.equals("*")) {
            return Set.of();
        }
        return Set.copyOf(List.of(spec.trim().split("\\s*,\\s*")));
    }

    /** The farm summary as a page with the devices' timeline, beside farm-summary.json. */
    public Path summaryPage() {
        return summaryFile().resolveSibling("farm-summary.html");
    }

    /** The report as one HTML file that opens from disk: beside the report folder, named after it. */
    public Path singleFileReportDir() {
        return singleFile(runReportDir());
    }

    static Path singleFile(Path reportDir) {
        return reportDir.resolveSibling(reportDir.getFileName() + "-single-file");
    }
}
