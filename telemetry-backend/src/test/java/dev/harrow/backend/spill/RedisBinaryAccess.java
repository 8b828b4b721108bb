package dev.harrow.backend.spill;

import java.nio.file.Path;

/** Where the embedded Redis binary runs from, for security tests in other packages. */
public final class RedisBinaryAccess {
    private RedisBinaryAccess() {
    }

    public static Path verifiedBinary() {
        return RedisBinary.verified();
    }

    public static String resourceName() {
        return RedisBinary.resourceName();
    }
}
