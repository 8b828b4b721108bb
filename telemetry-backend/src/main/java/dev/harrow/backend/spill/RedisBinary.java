package dev.harrow.backend.spill;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The redis-server binary shipped in the embedded-redis artifact, and where it may run from. A binary is an
 * executable: whoever can replace it runs code as the backend's user. So it is extracted into a directory of this
 * user's own ({@code -Dharrow.cache.dir} or {@code HARROW_CACHE_DIR}, else {@code $XDG_CACHE_HOME/harrow}, else
 * {@code ~/.cache/harrow}) with mode
 * 0700, and before every start it is checked: the directory owned by this user and closed to everyone else, the file
 * not writable by others, and its SHA-256 equal to that of the copy inside the jar. A binary that fails a check is
 * never run: it is extracted afresh.
 */
final class RedisBinary {
    static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> PRIVATE_EXECUTABLE = PosixFilePermissions.fromString("rwx------");
    private static final Logger log = LoggerFactory.getLogger(RedisBinary.class);
    private static volatile String shippedDigest;

    private RedisBinary() {
    }

    /** This user's cache of binaries. */
    static Path cacheDir() {
        String configured = System.getProperty("harrow.cache.dir", System.getenv("HARROW_CACHE_DIR"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("harrow").toAbsolutePath();
    }

    /** A verified binary, ready to run; extracted (again) when there is none or the one there fails a check. */
    static synchronized Path verified() {
        String resource = resourceName();
        String digest = shippedDigest(resource);
        Path dir = cacheDir().resolve("redis-" + digest.substring(0, 16));
        Path binary = dir.resolve(resource);
        try {
            createPrivateDirs(dir);
            String problem = problem(dir, binary, digest);
            if (problem != null) {
                if (Files.exists(binary, LinkOption.NOFOLLOW_LINKS)) {
                    log.warn("the cached redis-server at {} is not run ({}); extracting it again", binary, problem);
                }
                extract(resource, dir, binary);
                problem = problem(dir, binary, digest);
                if (problem != null) {
                    throw new IllegalStateException("cannot prepare redis-server in " + dir + ": " + problem);
                }
            }
            return binary;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare redis-server in " + dir, e);
        }
    }

    /** Why {@code binary} must not run, or null when it may. */
    static String problem(Path dir, Path binary, String digest) throws IOException {
        UserPrincipal me = dir.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return dir + " is not a directory";
        }
        if (!Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).equals(me)) {
            return dir + " belongs to " + Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
        }
        Set<PosixFilePermission> dirPermissions = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (openToOthers(dirPermissions)) {
            return dir + " is open to others (" + PosixFilePermissions.toString(dirPermissions) + ")";
        }
        if (!Files.isRegularFile(binary, LinkOption.NOFOLLOW_LINKS)) {
            return binary + " is missing or not a regular file";
        }
        if (!Files.getOwner(binary, LinkOption.NOFOLLOW_LINKS).equals(me)) {
            return binary + " belongs to " + Files.getOwner(binary, LinkOption.NOFOLLOW_LINKS);
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(binary, LinkOption.NOFOLLOW_LINKS);
        if (permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            return binary + " is writable by others";
        }
        String actual = sha256(Files.newInputStream(binary, LinkOption.NOFOLLOW_LINKS));
        if (!actual.equals(digest)) {
            return binary + " differs from the binary in the jar (sha-256 " + actual + ")";
        }
        return null;
    }

    private static boolean openToOthers(Set<PosixFilePermission> permissions) {
        for (PosixFilePermission p : permissions) {
            if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
                return true;
            }
        }
        return false;
    }

    /** Creates {@code dir} (and its parents) private to this user where it makes them. */
    static void createPrivateDirs(Path dir) throws IOException {
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            createPrivateDirs(parent);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // made meanwhile by another thread or process: checked like any other
        }
    }

    private static void extract(String resource, Path dir, Path binary) throws IOException {
        Files.setPosixFilePermissions(dir, PRIVATE_DIR);
        // Written under a unique name, then moved over: never half a file, and whatever was there is replaced.
        Path partial = Files.createTempFile(dir, resource, ".partial",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (InputStream in = open(resource)) {
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(partial, PRIVATE_EXECUTABLE);
        Files.move(partial, binary, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String shippedDigest(String resource) {
        String digest = shippedDigest;
        if (digest == null) {
            try {
                digest = sha256(open(resource));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource + " from the jar", e);
            }
            shippedDigest = digest;
        }
        return digest;
    }

    private static InputStream open(String resource) {
        InputStream in = RedisBinary.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("no embedded redis-server for this machine (" + resource
                    + "); set REDIS_URI to a Redis server");
        }
        return in;
    }

    static String sha256(InputStream in) throws IOException {
        try (in) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String resourceName() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            throw new IllegalStateException("the embedded Redis runs on Linux only; set REDIS_URI to a Redis server");
        }
        return switch (arch) {
            case "amd64", "x86_64" -> "redis-server-6.2.6-v5-linux-amd64";
            case "aarch64", "arm64" -> "redis-server-6.2.7-linux-arm64";
            default -> throw new IllegalStateException("no embedded redis-server for " + arch
                    + "; set REDIS_URI to a Redis server");
        };
    }
}
