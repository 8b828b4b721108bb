package dev.harrow.farm;

/** One scenario of the suite: a test method, by its JUnit unique id. */
public record ScenarioRef(String uniqueId, String className, String methodName, String displayName) {
    /** {@code SimpleClass#method}: short enough for a console line, unique in a suite. */
    public String shortName() {
        return className.substring(className.lastIndexOf('.') + 1) + "#" + methodName;
    }

    public String id() {
        return className + "#" + methodName;
    }
}
