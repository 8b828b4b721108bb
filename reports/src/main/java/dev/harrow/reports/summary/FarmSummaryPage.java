package dev.harrow.reports.summary;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The farm summary as one HTML page with no outside resources, beside the Allure report and linked from it: the run
 * in figures, a timeline of what every device did (one lane per device, one bar per try, coloured by outcome), the
 * retries and the quarantines. For a release manager who wants to see where the run's time went and what it had to
 * repeat.
 */
public final class FarmSummaryPage {
    static final Map<Outcome, String> COLOURS = Map.of(Outcome.PASSED, "#4caf50", Outcome.FLAKY, "#e0a800",
            Outcome.FAILED, "#e53935", Outcome.BROKEN, "#8e24aa", Outcome.SKIPPED, "#9e9e9e", Outcome.NOT_RUN,
            "#bdbdbd");
    static final int WIDTH = 1000;
    static final int LANE = 28;
    static final int LABEL = 150;

    private FarmSummaryPage() {
    }

    public static String render(FarmSummary summary) {
        StringBuilder page = new StringBuilder("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>Harrow farm summary</title><style>"
                + "body{font:14px system-ui,sans-serif;margin:24px;color:#222}h1{font-size:22px}h2{font-size:17px;"
                + "margin-top:28px}table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd;"
                + "text-align:left}.n{text-align:right}.figures span{display:inline-block;margin-right:18px;"
                + "font-size:18px}.figures b{display:block;font-size:12px;color:#666;font-weight:normal}"
                + "</style></head><body>\n");
        page.append("<h1>Harrow farm summary</h1>\n<p>").append(esc(summary.pool())).append(", ")
                .append(esc(summary.mode())).append(summary.shard() == null ? "" : ", shard " + esc(summary.shard()))
                .append(", ").append(summary.startedAt()).append(" to ").append(summary.finishedAt())
                .append(" (").append(seconds(Duration.between(summary.startedAt(), summary.finishedAt()).toMillis()))
                .append(")</p>\n<p class=\"figures\" data-testid=\"totals\">");
        for (Outcome outcome : Outcome.values()) {
            page.append("<span style=\"color:").append(COLOURS.get(outcome)).append("\"><b>").append(outcome.wire())
                    .append("</b>").append(summary.count(outcome)).append("</span>");
        }
        page.append("</p>\n");
        page.append("<h2>What each device did</h2>\n").append(timeline(summary));
        page.append("<h2>Devices</h2>\n<table data-testid=\"devices\"><tr><th>device</th><th>platform</th>"
                + "<th>profile</th><th class=\"n\">tries</th><th class=\"n\">busy</th><th class=\"n\">busy share</th>"
                + "<th>state</th></tr>\n");
        long wall = Math.max(1, Duration.between(summary.startedAt(), summary.finishedAt()).toMillis());
        for (DeviceReport d : summary.devices()) {
            page.append("<tr><td>").append(esc(d.device())).append("</td><td>").append(esc(d.platform()))
                    .append("</td><td>").append(esc(d.profile())).append("</td><td class=\"n\">").append(d.tries())
                    .append("</td><td class=\"n\">").append(seconds(d.busyMillis())).append("</td><td class=\"n\">")
                    .append(String.format(Locale.ROOT, "%.0f%%", 100.0 * d.busyMillis() / wall)).append("</td><td>")
                    .append(esc(d.reason() == null ? d.state() : d.state() + ": " + d.reason())).append("</td></tr>\n");
        }
        page.append("</table>\n");
        if (!summary.telemetry().isEmpty()) {
            page.append("<h2>Telemetry, as the devices' apps counted it</h2>\n<table data-testid=\"telemetry\">"
                    + "<tr><th>device</th><th class=\"n\">tries</th><th class=\"n\">emitted</th>"
                    + "<th class=\"n\">stored (acknowledged)</th><th class=\"n\">duplicates absorbed</th>"
                    + "<th class=\"n\">lost</th>"
                    + "<th class=\"n\">waiting at the end</th></tr>\n");
            for (DeviceTelemetry t : summary.telemetry()) {
                page.append("<tr><td>").append(esc(t.device())).append("</td><td class=\"n\">").append(t.tries())
                        .append("</td><td class=\"n\">").append(t.emitted()).append("</td><td class=\"n\">")
                        .append(t.stored()).append("</td><td class=\"n\">").append(t.duplicates())
                        .append("</td><td class=\"n\"").append(t.lost() > 0 ? " style=\"color:#e53935\"" : "")
                        .append(">").append(t.lost()).append("</td><td class=\"n\">").append(t.waiting())
                        .append("</td></tr>\n");
            }
            page.append("</table>\n");
        }
        if (summary.telemetry().stream().anyMatch(t -> t.pushes().targeted() > 0)) {
            page.append(pushes(summary.telemetry()));
        }
        page.append("<h2>Retries</h2>\n");
        List<ScenarioRun> retried = summary.scenarios().stream().filter(s -> s.attempts().size() > 1).toList();
        if (retried.isEmpty()) {
            page.append("<p data-testid=\"retries\">No scenario needed a second try.</p>\n");
        } else {
            page.append("<table data-testid=\"retries\"><tr><th>scenario</th><th>verdict</th><th>tries</th></tr>\n");
            for (ScenarioRun run : retried) {
                List<String> tries = new ArrayList<>();
                run.attempts().forEach(a -> tries.add((a.infrastructure() ? "lost" : a.outcome().wire()) + " on "
                        + a.device()));
                page.append("<tr><td>").append(esc(run.displayName())).append("</td><td>")
                        .append(run.outcome().wire()).append("</td><td>").append(esc(String.join(", ", tries)))
                        .append("</td></tr>\n");
            }
            page.append("</table>\n");
        }
        if (!summary.problems().isEmpty()) {
            page.append("<h2>Problems</h2>\n<ul>");
            summary.problems().forEach(p -> page.append("<li>").append(esc(p)).append("</li>"));
            page.append("</ul>\n");
        }
        return page.append("</body></html>\n").toString();
    }

    /**
     * The push funnel per device: targeted, answered by a gateway, accepted, and the app's receipts, drawn as bars
     * against what was targeted, with the receipts' latencies. Accepted but never delivered is the push that was
     * "sent" and never arrived: shown in red.
     */
    private static String pushes(List<DeviceTelemetry> telemetry) {
        StringBuilder out = new StringBuilder("<h2>Pushes, as the farm's backend recorded them</h2>\n"
                + "<table data-testid=\"pushes\"><tr><th>device</th><th class=\"n\">targeted</th>"
                + "<th class=\"n\">sent</th><th class=\"n\">accepted</th><th class=\"n\">rejected</th>"
                + "<th class=\"n\">delivered</th><th class=\"n\">opened</th><th>funnel</th>"
                + "<th class=\"n\">delivery p50 / p90 / max</th><th class=\"n\">open p50 / p90 / max</th></tr>\n");
        for (DeviceTelemetry t : telemetry) {
            DeviceTelemetry.Pushes p = t.pushes();
            if (p.targeted() == 0) {
                continue;
            }
            boolean missing = p.delivered() < p.accepted();
            out.append("<tr><td>").append(esc(t.device())).append("</td><td class=\"n\">").append(p.targeted())
                    .append("</td><td class=\"n\">").append(p.sent()).append("</td><td class=\"n\">")
                    .append(p.accepted()).append("</td><td class=\"n\">").append(p.rejected())
                    .append("</td><td class=\"n\"").append(missing ? " style=\"color:#e53935\"" : "").append(">")
                    .append(p.delivered()).append("</td><td class=\"n\">").append(p.opened()).append("</td><td>")
                    .append(funnel(p)).append("</td><td class=\"n\">").append(latency(p.deliveryLatency()))
                    .append("</td><td class=\"n\">").append(latency(p.openLatency())).append("</td></tr>\n");
        }
        return out.append("</table>\n").toString();
    }

    private static String funnel(DeviceTelemetry.Pushes p) {
        long[] steps = {p.sent(), p.accepted(), p.delivered(), p.opened()};
        String[] names = {"sent", "accepted", "delivered", "opened"};
        StringBuilder svg = new StringBuilder("<svg width=\"124\" height=\"18\" role=\"img\" aria-label=\"funnel\">");
        for (int i = 0; i < steps.length; i++) {
            double h = 16.0 * steps[i] / p.targeted();
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"26\" height=\"%.1f\" "
                    + "fill=\"%s\"><title>%s %d of %d</title></rect>", i * 31, 17 - h, Math.max(1, h),
                    i == 2 && p.delivered() < p.accepted() ? "#e53935" : "#1e88e5", names[i], steps[i],
                    p.targeted()));
        }
        return svg.append("</svg>").toString();
    }

    private static String latency(Map<String, Long> figures) {
        if (figures.get("n") == 0) {
            return "&ndash;";
        }
        return figures.get("p50") + " / " + figures.get("p90") + " / " + figures.get("max") + " ms";
    }

    /** One lane per device, one bar per try from its start for its duration; hover shows the scenario. */
    private static String timeline(FarmSummary summary) {
        Instant start = summary.startedAt();
        double span = Math.max(1, Duration.between(start, summary.finishedAt()).toMillis());
        List<DeviceReport> devices = summary.devices();
        int height = LANE * devices.size() + 24;
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT, "<svg data-testid=\"timeline\" "
                + "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"tries per device over the run\">%n",
                WIDTH + LABEL, height));
        for (int i = 0; i < devices.size(); i++) {
            String device = devices.get(i).device();
            int y = i * LANE;
            svg.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\" font-size=\"13\">%s</text>"
                    + "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f3f3f3\"/>%n", y + 18, esc(device),
                    LABEL, y + 4, WIDTH, LANE - 8));
            for (ScenarioRun run : summary.scenarios()) {
                for (Attempt a : run.attempts()) {
                    if (!a.device().equals(device) || a.startedAt() == null) {
                        continue;
                    }
                    double x = LABEL + WIDTH * Duration.between(start, a.startedAt()).toMillis() / span;
                    double w = Math.max(2, WIDTH * a.durationMillis() / span);
                    svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                            + "fill=\"%s\" stroke=\"#fff\"><title>%s: %s (%s)</title></rect>%n", x, y + 4, w,
                            LANE - 8, COLOURS.get(a.outcome()), esc(run.displayName()), a.outcome().wire(),
                            seconds(a.durationMillis())));
                }
            }
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#666\">0 s</text>"
                + "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#666\" text-anchor=\"end\">%s</text>%n</svg>%n",
                LABEL, height - 4, LABEL + WIDTH, height - 4, seconds((long) span)));
        return svg.toString();
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static String esc(String text) {
        if (text == null) {
            return "-";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
