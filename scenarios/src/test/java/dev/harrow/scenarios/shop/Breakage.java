package dev.harrow.scenarios.shop;

import dev.harrow.backend.config.BackendConfig;
import dev.harrow.scenarios.shop.Breakage;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * A property of the system under test broken on purpose, so that the scenarios' own tests can show that a scenario
 * fails when what it checks is broken. Switched on only by those tests, through the system property
 * {@value #PROPERTY} (comma-separated names, e.g. {@code sdk-persistence}); never in a farm run. A switch of the app
 * is a launch parameter of the sample app; a switch of the backend is a setting of the scenario's own backend.
 */
public enum Breakage {
    /** The app's SDK keeps its queue in memory: events waiting for the network are lost with the app. */
    SDK_PERSISTENCE("volatileQueue"),
    /** The app's SDK drops a batch the collector could not take (5xx, 429) instead of keeping it for a retry. */
    SDK_RETRY("dropOnServerError"),
    /** The app never reports push receipts (delivered, opened). */
    PUSH_RECEIPTS("noReceipts"),
    /** The app registers its push token without its time zone: the backend can only assume UTC. */
    SDK_TIME_ZONE("noTimeZone"),
    /** The app's uncaught errors are not reported. */
    ERROR_CAPTURE("noErrorCapture"),
    /** The app's SDK begins a new session with every event (a session timeout of 1 ms). */
    SDK_SESSIONS("sessionTimeoutMs"),
    /** The backend runs without its Redis spill: while MongoDB is down nothing can be acknowledged. */
    REDIS_FALLBACK(null);

    public static final String PROPERTY = "harrow.scenarios.break";

    private final String launchParameter;

    Breakage(String launchParameter) {
        this.launchParameter = launchParameter;
    }

    public String switchName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean active() {
        return Arrays.asList(System.getProperty(PROPERTY, "").split(",")).contains(switchName());
    }

    /** The scenario's own backend as the active switches break it ({@code backend.startOwn(Breakage::own)}). */
    public static BackendConfig own(BackendConfig config) {
        return REDIS_FALLBACK.active() ? config.withStorage(config.storage().withSpill(false)) : config;
    }

    /** The sample app's launch parameter that breaks this property when set to 1, for switches of the app. */
    Optional<String> launchParameter() {
        return Optional.ofNullable(launchParameter);
    }
}
