package dev.harrow.farm.plan;

import dev.harrow.device.junit.Requirements;
import java.util.Objects;
import java.util.Set;

/**
 * One scenario of the suite: a test method, by its JUnit unique id, with its tags and what it needs from a device.
 */
public record ScenarioRef(String uniqueId, String className, String methodName, String displayName,
                          Set<String> tags, Requirements needs) {
    public ScenarioRef {
        Objects.requireNonNull(uniqueId, "uniqueId");
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(methodName, "methodName");
        tags = Set.copyOf(tags);
        needs = needs == null ? Requirements.NONE : needs;
    }

    /** A scenario that needs nothing in particular. */
    public static ScenarioRef of(String className, String methodName) {
        return new ScenarioRef("[engine:junit-jupiter]/[class:" + className + "]/[method:" + methodName + "()]",
                className, methodName, methodName, Set.of(), Requirements.NONE);
    }

    public ScenarioRef needing(Requirements requirements) {
        return new ScenarioRef(uniqueId, className, methodName, displayName, tags, requirements);
    }

    /** {@code SimpleClass#method}: short enough for a console line, unique in a suite. */
    public String shortName() {
        return className.substring(className.lastIndexOf('.') + 1) + "#" + methodName;
    }

    /** {@code package.Class#method}: the key of its timings and of its verdicts. */
    public String id() {
        return className + "#" + methodName;
    }
}
