package dev.harrow.device.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the runtime keeps what it writes (Appium's temp, config and cache dirs, browser profiles, logs): under the
 * build dir, never in the system temp dir, so that nothing accumulates outside it. The root is the system property
 * {@code harrow.work.dir}, else {@code target/harrow} under the working directory.
 */
public final class WorkDirs {
    public static final String PROPERTY = "harrow.work.dir";
    private final Path root;

    public WorkDirs(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public static WorkDirs fromSystemProperties() {
        String configured = System.getProperty(PROPERTY);
        return new WorkDirs(configured != null ? Path.of(configured) : Path.of("target", "harrow"));
    }

    public Path root() {
        return root;
    }

    /** A directory under the root, created if missing. */
    public Path dir(String first, String... more) {
        Path dir = root.resolve(Path.of(first, more));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return dir;
    }

    /** Deletes a directory tree under the root; best effort, since a dying browser may still write into it. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // left for the next clean of the build dir
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // a file vanished while walking: fine, that is what we wanted
        }
    }
}
