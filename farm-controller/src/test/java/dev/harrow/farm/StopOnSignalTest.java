package dev.harrow.farm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A farm stopped by SIGTERM (a CI job cancelled, {@code timeout}, Ctrl-C) leaves nothing running: the processes it
 * started and theirs (Appium, drivers, browsers, Redis) end with it.
 */
class StopOnSignalTest {

    @Test
    void aCommandStoppedBySigtermEndsTheProcessesItStartedAndTheirChildren() throws Exception {
        Process command = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Probe.class.getName()).redirectErrorStream(true).start();
        List<Long> pids = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(command.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (pids.size() < 2 && (line = lines.readLine()) != null) {
                if (line.matches("\\d+")) {
                    pids.add(Long.parseLong(line));
                }
            }
            assertThat(pids).as("the probe's child and grandchild").hasSize(2);
            assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isPresent());

            command.destroy(); // SIGTERM

            await().atMost(Duration.ofSeconds(30)).until(() -> !command.isAlive());
            await().atMost(Duration.ofSeconds(10)).until(() -> pids.stream()
                    .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
        } finally {
            command.destroyForcibly();
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    /** A command that starts a shell with a child of its own, prints both PIDs and waits to be stopped. */
    public static final class Probe {
        public static void main(String[] args) {
            CommandLine.main("probe", args, (a, out, err) -> {
                try {
                    Process shell = new ProcessBuilder("sh", "-c", "sleep 600 & echo $!; wait").start();
                    out.println(shell.pid());
                    out.println(new BufferedReader(new InputStreamReader(shell.getInputStream(),
                            StandardCharsets.UTF_8)).readLine());
                    out.flush();
                    new CountDownLatch(1).await();
                    return 0;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }
}
