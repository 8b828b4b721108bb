package dev.harrow.farm.plan;

import dev.harrow.backend.config.Secrets;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The CI pipeline a sharded run belongs to. Its shards plan from one timing snapshot pinned for the pipeline, so a
 * shard that starts after another saved new timings still takes the part the plan gave it; the merge step checks
 * them by it. In queue mode they also claim their slots from one queue, named after the pipeline.
 *
 * @param id what the CI calls the pipeline (GitHub Actions' run id, GitLab's pipeline id, ...), or {@value #LOCAL}
 *        for shards run by hand on one machine
 * @param queue the Redis the shards claim slots from ({@code redis://[:password@]host:port[/db]}), or null for
 *        fixed parts
 */
public record Pipeline(String id, URI queue) {
    public static final String LOCAL = "local";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,79}");
    /** Where CI servers say which pipeline a job is part of; a re-run of a job keeps the id, so it keeps the plan. */
    private static final List<String> CI_VARIABLES = List.of("GITHUB_RUN_ID", "CI_PIPELINE_ID",
            "BUILDKITE_BUILD_ID", "CIRCLE_WORKFLOW_ID", "BUILD_TAG");

    public Pipeline {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("--pipeline '" + id + "' is not a pipeline id: letters, digits, '.', "
                    + "'_' and '-', at most 80");
        }
        if (queue != null && !List.of("redis", "rediss").contains(String.valueOf(queue.getScheme()))) {
            throw new IllegalArgumentException("--queue " + redacted(queue) + " is not a Redis URI such as "
                    + "redis://ci-redis:6379");
        }
    }

    /** The pipeline the environment names, without a queue. */
    public static Pipeline detect() {
        return detect(System.getenv());
    }

    static Pipeline detect(Map<String, String> env) {
        for (String variable : CI_VARIABLES) {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                return new Pipeline(value.trim().replaceAll("[^A-Za-z0-9._-]", "_"), null);
            }
        }
        return new Pipeline(LOCAL, null);
    }

    public Pipeline withId(String value) {
        return new Pipeline(value, queue);
    }

    public Pipeline withQueue(String uri) {
        try {
            return new Pipeline(id, new URI(uri));
        } catch (URISyntaxException e) {
            // Not the message: it quotes the input, password and all.
            throw new IllegalArgumentException("--queue is not a URI (" + e.getReason() + ")");
        }
    }

    /** The queue's address without its password, for logs and summaries. */
    public String queueForDisplay() {
        return queue == null ? null : redacted(queue);
    }

    private static String redacted(URI uri) {
        return Secrets.redactUri(uri.toString());
    }
}
