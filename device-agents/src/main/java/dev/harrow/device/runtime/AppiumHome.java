package dev.harrow.device.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The folder holding the pinned Appium install (device-agents/appium, installed by the build with npm ci). Found
 * through the system property {@code harrow.appium.home}, else by walking up from the working directory.
 */
public record AppiumHome(Path dir) {
    public static final String PROPERTY = "harrow.appium.home";
    private static final Path RELATIVE = Path.of("device-agents", "appium");

    public static AppiumHome locate() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null) {
            return verified(Path.of(configured));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(RELATIVE);
            if (Files.isDirectory(candidate)) {
                return verified(candidate);
            }
            if (dir.getFileName() != null && dir.getFileName().toString().equals("device-agents")
                    && Files.isDirectory(dir.resolve("appium"))) {
                return verified(dir.resolve("appium"));
            }
        }
        throw new MissingPrerequisiteException("The Appium runtime was not found: set -D" + PROPERTY
                + " to the device-agents/appium folder, or run from inside the Harrow checkout");
    }

    private static AppiumHome verified(Path dir) {
        AppiumHome home = new AppiumHome(dir.toAbsolutePath().normalize());
        if (!Files.isRegularFile(home.mainScript())) {
            throw new MissingPrerequisiteException("The Appium runtime is not installed in " + home.dir()
                    + ": build the device-agents module first (mvn -pl device-agents generate-resources runs npm ci)");
        }
        return home;
    }

    public Path mainScript() {
        return dir.resolve(Path.of("node_modules", "appium", "index.js"));
    }

    /** The installed Appium version, from its package.json. */
    public String version() {
        try {
            String pkg = Files.readString(dir.resolve(Path.of("node_modules", "appium", "package.json")));
            Matcher m = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(pkg);
            return m.find() ? m.group(1) : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }
}
