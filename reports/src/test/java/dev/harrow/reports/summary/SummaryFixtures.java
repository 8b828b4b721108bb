package dev.harrow.reports.summary;

import java.time.Instant;
import java.util.List;

/** A run with one verdict of every kind, for the summary's renderings. */
public final class SummaryFixtures {
    public static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    private SummaryFixtures() {
    }

    static Attempt attempt(String device, Outcome outcome, long millis, String message, boolean infrastructure) {
        return new Attempt(device, T0, outcome, millis, message, infrastructure);
    }

    public static FarmSummary everyKindOfVerdict() {
        List<ScenarioRun> runs = List.of(
                new ScenarioRun("shop.Checkout#pays", "pays", "pool", Outcome.PASSED, 1200, null,
                        List.of(attempt("pixel-7", Outcome.PASSED, 1200, null, false))),
                new ScenarioRun("shop.Checkout#refunds", "refunds", "pool", Outcome.FLAKY, 900,
                        "AssertionFailedError: expected 2 events",
                        List.of(attempt("pixel-7", Outcome.FAILED, 800, "AssertionFailedError: expected 2 events",
                                false), attempt("iphone-se", Outcome.PASSED, 900, null, false))),
                new ScenarioRun("shop.Checkout#survivesADroppedDevice", "survives", "pool", Outcome.PASSED, 700,
                        null, List.of(attempt("pixel-7", Outcome.BROKEN, 300, "WebDriverException: session gone",
                        true), attempt("iphone-se", Outcome.PASSED, 700, null, false))),
                new ScenarioRun("shop.Offline#queues", "queues", "pool", Outcome.FAILED, 500,
                        "AssertionFailedError: 3 events lost",
                        List.of(attempt("pixel-7", Outcome.FAILED, 400, "AssertionFailedError: 2 events lost", false),
                                attempt("iphone-se", Outcome.FAILED, 500, "AssertionFailedError: 3 events lost",
                                        false))),
                new ScenarioRun("shop.Offline#hangs", "hangs", "pool", Outcome.BROKEN, 60000,
                        "timed out after 60 s", List.of(attempt("pixel-7", Outcome.BROKEN, 60000,
                        "timed out after 60 s", false))),
                new ScenarioRun("shop.Offline#skips", "skips", "pool", Outcome.SKIPPED, 0, "needs push",
                        List.of(attempt("pixel-7", Outcome.SKIPPED, 0, "needs push", false))),
                new ScenarioRun("shop.Offline#stranded", "stranded", "pool", Outcome.NOT_RUN, 0,
                        "every device that can run it is quarantined", List.of()));
        List<DeviceReport> devices = List.of(
                new DeviceReport("pixel-7", "android", "web-emulated", "Pixel 7", DeviceReport.QUARANTINED,
                        "3 infrastructure failures in a row", 5, 62700),
                new DeviceReport("iphone-se", "ios", "web-emulated", "iPhone SE", DeviceReport.OK, null, 3, 2100));
        List<NotRunnable> gaps = List.of(new NotRunnable("shop.Push#arrives", "arrives", "ios, push-inbox",
                "iphone-se: no push-inbox: a real device receives pushes from the real gateways"));
        return FarmSummary.of(T0, T0.plusSeconds(75), "devices.yml", "distribute", "1/2", 1,
                List.of("a problem"), runs, devices, gaps);
    }
}
