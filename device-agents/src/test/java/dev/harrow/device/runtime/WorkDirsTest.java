package dev.harrow.device.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkDirsTest {
    @TempDir
    Path dir;

    @Test
    void aShortBuildDirHoldsTheSocketTempDir() {
        WorkDirs dirs = new WorkDirs(Path.of("target", "h"));
        Path tmp = dirs.socketSafeTempDir("a");
        // Relative paths resolve against the working directory; only a short one stays in the build dir.
        if (dirs.root().toString().length() < 50) {
            assertThat(tmp).startsWith(dirs.root());
        }
        assertThat(tmp.toString().length()).isLessThanOrEqualTo(WorkDirs.MAX_SOCKET_DIR_LENGTH);
    }

    @Test
    void aBuildDirTooDeepForUnixSocketsGetsAShortTempDirThatIsTidiedWhenItsOwnerIsGone() throws Exception {
        Path deep = dir.resolve("a-checkout-path-that-is-deep-enough-to-overflow-a-unix-socket-path");
        WorkDirs dirs = new WorkDirs(deep);

        Path tmp = dirs.socketSafeTempDir("appium-1");

        assertThat(tmp).isDirectory();
        assertThat(tmp.toString().length()).isLessThanOrEqualTo(WorkDirs.MAX_SOCKET_DIR_LENGTH);
        assertThat(tmp.getFileName().toString()).startsWith("harrow-" + ProcessHandle.current().pid() + "-");
        WorkDirs.deleteStaleSocketDirs();
        assertThat(tmp).as("a live owner's dir is kept").isDirectory();

        Path stale = tmp.resolveSibling("harrow-" + Long.MAX_VALUE / 2 + "-appium-2");
        Files.createDirectories(stale.resolve("sub"));
        WorkDirs.deleteStaleSocketDirs();
        assertThat(stale).doesNotExist();
        WorkDirs.deleteTree(tmp);
    }
}
