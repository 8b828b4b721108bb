package dev.harrow.backend.analytics;

/** The event types the metrics read, and the metric names of the API (docs/METRICS.md defines each). */
public final class MetricNames {
    public static final String SCREEN_VIEW = "screen_view";
    public static final String PURCHASE = "purchase";

    private MetricNames() {
    }
}
