package dev.harrow.farm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The scenarios a farm runs: compiled classes (the roots scanned for scenarios) and the classpath they need. The
 * farm is given a suite the way a device runner is given a test package; it does not link against it.
 *
 * <p>The suite's class loader asks the farm's first, so that the classes both share (the Device handle, the lease
 * registry, JUnit itself) are one copy.
 */
public final class ScenarioSuite {
    private final List<Path> roots;
    private final ClassLoader classLoader;

    private ScenarioSuite(List<Path> roots, ClassLoader classLoader) {
        this.roots = List.copyOf(roots);
        this.classLoader = classLoader;
    }

    /** A suite already on the farm's own classpath (tests of the farm itself). */
    public static ScenarioSuite onClasspath(List<Path> roots) {
        return new ScenarioSuite(roots, ScenarioSuite.class.getClassLoader());
    }

    /**
     * A suite in {@code roots} with the classpath listed in {@code classpathFile} (entries separated by the
     * platform's path separator, as {@code dependency:build-classpath} writes them).
     */
    public static ScenarioSuite load(List<Path> roots, Path classpathFile) {
        for (Path root : roots) {
            if (!Files.isDirectory(root) && !Files.isRegularFile(root)) {
                throw new IllegalArgumentException("the scenario suite " + root + " does not exist; build the "
                        + "scenarios first (mvn verify -Pfarm from the project root does)");
            }
        }
        Set<Path> entries = new LinkedHashSet<>(roots);
        if (classpathFile != null) {
            String content;
            try {
                content = Files.readString(classpathFile, StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the suite classpath " + classpathFile, e);
            }
            for (String entry : content.split(java.io.File.pathSeparator)) {
                if (!entry.isBlank()) {
                    entries.add(Path.of(entry.trim()));
                }
            }
        }
        List<URL> urls = new ArrayList<>();
        for (Path entry : entries) {
            try {
                urls.add(entry.toAbsolutePath().toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("bad classpath entry " + entry, e);
            }
        }
        ClassLoader loader = new URLClassLoader("scenario-suite", urls.toArray(URL[]::new),
                ScenarioSuite.class.getClassLoader());
        return new ScenarioSuite(roots, loader);
    }

    public List<Path> roots() {
        return roots;
    }

    public ClassLoader classLoader() {
        return classLoader;
    }
}
