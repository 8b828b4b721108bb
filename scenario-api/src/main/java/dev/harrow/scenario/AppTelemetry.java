package dev.harrow.scenario;

/**
 * What the app's telemetry SDK says about itself, as a scenario reads it from the app (the JavaScript SDK's
 * {@code HarrowTelemetry.debug()}, a native SDK's debug screen): the evidence the exactly-once promise is judged on
 * beside what the backend stored ({@link ExactlyOnce}).
 */
public interface AppTelemetry {
    /** Events created and not yet acknowledged by the collector. */
    long queueLength();

    /**
     * One of the SDK's counters: {@code created}, {@code sent}, {@code duplicates}, {@code rejected},
     * {@code dropped}, ...
     */
    long counter(String name);
}
