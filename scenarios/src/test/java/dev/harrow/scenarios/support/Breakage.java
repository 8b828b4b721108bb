package dev.harrow.scenarios.support;

import java.util.Arrays;
import java.util.Locale;

/**
 * A property of the system under test broken on purpose, so that the scenarios' own tests can show that a scenario
 * fails when what it checks is broken. Switched on only by those tests, through the system property
 * {@value #PROPERTY} (comma-separated names, e.g. {@code sdk-persistence}); never in a farm run.
 */
public enum Breakage {
    /** The app's SDK keeps its queue in memory: events waiting for the network are lost with the app. */
    SDK_PERSISTENCE;

    public static final String PROPERTY = "harrow.scenarios.break";

    public String switchName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean active() {
        return Arrays.asList(System.getProperty(PROPERTY, "").split(",")).contains(switchName());
    }
}
