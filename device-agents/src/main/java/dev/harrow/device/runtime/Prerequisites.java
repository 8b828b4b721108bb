package dev.harrow.device.runtime;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The programs the local runtime needs, found on this machine or named with the package that provides them.
 * Overrides: system properties {@code harrow.node}, {@code harrow.chromium}, {@code harrow.chromedriver}.
 */
public final class Prerequisites {
    static final int NODE_MAJOR = 20;
    static final int NODE_MINOR = 19;
    private static final Pattern NODE_VERSION = Pattern.compile("v(\\d+)\\.(\\d+)\\.(\\d+)");

    private Prerequisites() {
    }

    public static Path node() {
        Path node = find("harrow.node", "node").orElseThrow(() -> new MissingPrerequisiteException(
                "Node.js was not found on the PATH: the Appium runtime needs Node.js " + NODE_MAJOR + "." + NODE_MINOR
                        + " or newer (Debian: apt-get install nodejs; Debian 12's own nodejs is too old, use the "
                        + "NodeSource or another Node 20+ package)"));
        String version = run(node, "--version");
        Matcher m = NODE_VERSION.matcher(version);
        if (!m.find()) {
            throw new MissingPrerequisiteException(node + " --version said '" + version + "', not a Node.js version");
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major < NODE_MAJOR || (major == NODE_MAJOR && minor < NODE_MINOR)) {
            throw new MissingPrerequisiteException("Node.js " + m.group() + " at " + node + " is too old: Appium 3 "
                    + "needs " + NODE_MAJOR + "." + NODE_MINOR + " or newer (package nodejs, version 20 or later)");
        }
        return node;
    }

    public static Path chromium() {
        return find("harrow.chromium", "chromium", "chromium-browser", "google-chrome")
                .orElseThrow(() -> new MissingPrerequisiteException(
                        "Chromium was not found: web-emulated devices need it (Debian: apt-get install chromium)"));
    }

    public static Path chromedriver() {
        return find("harrow.chromedriver", "chromedriver").orElseThrow(() -> new MissingPrerequisiteException(
                "ChromeDriver was not found: web-emulated devices need it (Debian: apt-get install chromium-driver)"));
    }

    /** The configured path if the property is set (it must then exist), else the first name found on the PATH. */
    static Optional<Path> find(String property, String... names) {
        String configured = System.getProperty(property);
        if (configured != null) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new MissingPrerequisiteException("-D" + property + "=" + configured + " is not an executable file");
            }
            return Optional.of(path);
        }
        String pathEnv = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String name : names) {
            for (String dir : pathEnv.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static String run(Path program, String arg) {
        try {
            Process p = new ProcessBuilder(program.toString(), arg).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new MissingPrerequisiteException(program + " cannot be run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
