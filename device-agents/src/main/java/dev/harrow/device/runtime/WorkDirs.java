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
    /** Chromium's singleton socket path adds 46 bytes to TMPDIR; a socket path may hold 107. */
    static final int MAX_SOCKET_DIR_LENGTH = 60;
    static final String SOCKET_DIR_PREFIX = "harrow-";
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

    /**
     * A temp dir for programs that put Unix sockets in it (Chromium's singleton socket lives in TMPDIR). A socket
     * path may hold at most 107 bytes, so a deep checkout's build dir can be too long: then the dir is made under
     * the system temp dir instead, named after this process so that {@link #deleteStaleSocketDirs()} can tell
     * its own leftovers from anyone else's. Callers delete it when done.
     */
    public Path socketSafeTempDir(String name) {
        Path inBuild = dir(name, "tmp");
        if (inBuild.toString().length() <= MAX_SOCKET_DIR_LENGTH) {
            return inBuild;
        }
        Path outside = Path.of(System.getenv().getOrDefault("TMPDIR", "/tmp"))
                .resolve(SOCKET_DIR_PREFIX + ProcessHandle.current().pid() + "-" + name);
        if (outside.toString().length() > MAX_SOCKET_DIR_LENGTH) {
            outside = Path.of("/tmp", SOCKET_DIR_PREFIX + ProcessHandle.current().pid() + "-" + name);
        }
        try {
            Files.createDirectories(outside);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + outside, e);
        }
        return outside;
    }

    /** Removes socket temp dirs left by Harrow processes that no longer run (killed before they could clean up). */
    public static void deleteStaleSocketDirs() {
        for (String base : new String[] {System.getenv().getOrDefault("TMPDIR", "/tmp"), "/tmp"}) {
            try (Stream<Path> children = Files.list(Path.of(base))) {
                children.filter(p -> p.getFileName().toString().startsWith(SOCKET_DIR_PREFIX)).forEach(p -> {
                    String rest = p.getFileName().toString().substring(SOCKET_DIR_PREFIX.length());
                    int dash = rest.indexOf('-');
                    try {
                        long pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
                        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                            return;
                        }
                    } catch (NumberFormatException notOurs) {
                        return;
                    }
                    deleteTree(p);
                });
            } catch (IOException | UncheckedIOException ignored) {
                // no temp dir to tidy
            }
        }
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
