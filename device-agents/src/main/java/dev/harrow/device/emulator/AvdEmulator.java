package dev.harrow.device.emulator;

import dev.harrow.device.provider.DeviceUnavailableException;
import dev.harrow.device.runtime.ProcessTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Android Virtual Device booted with the SDK's {@code emulator} CLI, headless, on a console port of its own;
 * booted means {@code sys.boot_completed} is 1. {@link #close()} asks the emulator to exit through adb and ends its
 * process by PID if it does not.
 */
final class AvdEmulator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AvdEmulator.class);

    private final Path sdkRoot;
    private final int port;
    private final Process process;

    private AvdEmulator(Path sdkRoot, int port, Process process) {
        this.sdkRoot = sdkRoot;
        this.port = port;
        this.process = process;
    }

    /** Boots {@code avd} on console port {@code port} (an even number from 5554) and waits until it has booted. */
    static AvdEmulator boot(Path sdkRoot, String avd, int port, Path logDir, Duration timeout)
            throws DeviceUnavailableException {
        Path emulator = sdkRoot.resolve("emulator/emulator");
        if (!Files.isExecutable(emulator) || !Files.isExecutable(adb(sdkRoot))) {
            throw new DeviceUnavailableException("no Android SDK emulator and adb under " + sdkRoot
                    + " (set ANDROID_SDK_ROOT; install the emulator and platform-tools packages)", null);
        }
        Process process;
        try {
            Files.createDirectories(logDir);
            process = new ProcessBuilder(emulator.toString(), "-avd", avd, "-port", Integer.toString(port),
                    "-no-window", "-no-audio", "-no-boot-anim", "-no-snapshot-save")
                    .redirectErrorStream(true).redirectOutput(logDir.resolve("emulator-" + port + ".log").toFile())
                    .start();
        } catch (IOException e) {
            throw new DeviceUnavailableException("cannot start the emulator for " + avd, e);
        }
        AvdEmulator booted = new AvdEmulator(sdkRoot, port, process);
        Instant deadline = Instant.now().plus(timeout);
        try {
            booted.adb(Duration.ofSeconds(Math.max(1, timeout.toSeconds())), "wait-for-device");
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    throw new DeviceUnavailableException("the emulator for " + avd + " exited with code "
                            + process.exitValue(), null);
                }
                if ("1".equals(booted.adb(Duration.ofSeconds(10), "shell", "getprop", "sys.boot_completed").trim())) {
                    log.info("AVD {} booted as {}", avd, booted.serial());
                    return booted;
                }
                TimeUnit.MILLISECONDS.sleep(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        booted.close();
        throw new DeviceUnavailableException("the AVD " + avd + " did not boot within " + timeout.toSeconds() + " s",
                null);
    }

    /** The adb serial of this emulator: what Appium calls its udid. */
    String serial() {
        return "emulator-" + port;
    }

    long pid() {
        return process.pid();
    }

    String adb(Duration timeout, String... args) throws DeviceUnavailableException {
        List<String> command = new java.util.ArrayList<>(List.of(adb(sdkRoot).toString(), "-s", serial()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new DeviceUnavailableException("adb " + String.join(" ", args) + " timed out", null);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DeviceUnavailableException("adb failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeviceUnavailableException("interrupted", e);
        }
    }

    @Override
    public void close() {
        try {
            adb(Duration.ofSeconds(10), "emu", "kill");
        } catch (DeviceUnavailableException e) {
            log.debug("{}: emu kill failed: {}", serial(), e.getMessage());
        }
        ProcessTree.terminate(process.toHandle(), Duration.ofSeconds(15));
    }

    private static Path adb(Path sdkRoot) {
        return sdkRoot.resolve("platform-tools/adb");
    }
}
