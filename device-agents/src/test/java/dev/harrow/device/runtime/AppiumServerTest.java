package dev.harrow.device.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

@DisabledIfSystemProperty(named = "harrow.skipBrowserTests", matches = "true")
class AppiumServerTest {

    @Test
    void startsOnLoopbackWithItsDirsInTheBuildDirAndLeavesNoProcessBehind() throws Exception {
        WorkDirs dirs = WorkDirs.fromSystemProperties();
        AppiumServer server = AppiumServer.start(dirs);
        long pid = server.pid();
        try {
            assertThat(server.url().getHost()).isEqualTo("127.0.0.1");
            assertThat(server.isHealthy()).isTrue();
            assertThat(server.logFile()).startsWith(dirs.root());
            String environ = Files.readString(Path.of("/proc", Long.toString(pid), "environ"));
            assertThat(environ).contains("TMPDIR=" + server.tempDir() + "\0");
            assertThat(environ).contains("APPIUM_HOME=" + AppiumHome.locate().dir());
        } finally {
            server.close();
        }
        Optional<ProcessHandle> after = ProcessHandle.of(pid);
        assertThat(after.filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(server.isHealthy()).isFalse();
        assertThat(server.tempDir()).doesNotExist();
    }

    @Test
    void theDriverIsInstalledFromTheLockfileAndNotDownloaded() {
        AppiumHome home = AppiumHome.locate();

        assertThat(home.version()).startsWith("3.");
        assertThat(home.dir().resolve("node_modules/appium-chromium-driver/package.json")).isRegularFile();
    }
}
