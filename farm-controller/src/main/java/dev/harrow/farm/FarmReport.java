package dev.harrow.farm;

import dev.harrow.reports.allure.AllureCommandline;
import dev.harrow.reports.allure.ReportInputs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** The HTML report of a run or of a merged pipeline, from its Allure results. */
final class FarmReport {
    static final String NAME = "Harrow farm";

    private FarmReport() {
    }

    /**
     * Generates the report as a folder and as one file that opens from disk, with the categories, the executor
     * (linking the farm summary page) and the previous report's history (for the trend charts); a problem to report
     * if it could not be.
     */
    static Optional<String> generate(Path results, Path reportDir, Path summaryPage, Instant started) {
        try {
            ReportInputs.writeCategories(results);
            ReportInputs.writeExecutor(results, NAME, started, ciBuildUrl(),
                    reportDir.relativize(summaryPage).toString());
            ReportInputs.carryHistory(reportDir, results);
            AllureCommandline allure = AllureCommandline.locate();
            allure.generate(results, reportDir, NAME, false);
            allure.generate(results, FarmOptions.singleFile(reportDir), NAME, true);
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("the HTML report could not be generated: " + e.getMessage());
        }
    }

    /** The CI build's page, when the run is part of one (GitHub Actions, GitLab CI, Jenkins). */
    static String ciBuildUrl() {
        Map<String, String> env = System.getenv();
        if (env.containsKey("GITHUB_RUN_ID") && env.containsKey("GITHUB_REPOSITORY")) {
            return env.getOrDefault("GITHUB_SERVER_URL", "https://github.com") + "/" + env.get("GITHUB_REPOSITORY")
                    + "/actions/runs/" + env.get("GITHUB_RUN_ID");
        }
        if (env.containsKey("CI_PIPELINE_URL")) {
            return env.get("CI_PIPELINE_URL");
        }
        return env.get("BUILD_URL");
    }
}
