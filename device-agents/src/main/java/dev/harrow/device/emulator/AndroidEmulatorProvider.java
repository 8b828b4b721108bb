package dev.harrow.device.emulator;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.harrow.device.DeviceKind;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.config.KindOptions;
import dev.harrow.device.provider.DeviceProvider;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.provider.DeviceUnavailableException;
import dev.harrow.device.remote.RemoteAppiumProvider;
import dev.harrow.device.runtime.WorkDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Android emulators, two ways: an AVD booted with the SDK's {@code emulator} CLI where an Android SDK is installed,
 * or an emulator container started through the Docker Engine API where a Docker engine runs. Either way the device
 * is then driven through Appium (UiAutomator2) like a real one.
 */
public final class AndroidEmulatorProvider implements DeviceProvider {
    static final Duration BOOT_TIMEOUT = Duration.ofMinutes(4);
    /** Console ports: even numbers from 5554, one per emulator on the host. */
    private static final AtomicInteger NEXT_CONSOLE_PORT = new AtomicInteger(5554);

    private final Optional<Path> sdkRoot;
    private final String dockerHost;
    private final WorkDirs dirs;
    private final Duration bootTimeout;

    /**
     * @param sdkRoot the Android SDK (ANDROID_SDK_ROOT), if one is installed
     * @param dockerHost the Docker engine's address ({@code unix:///var/run/docker.sock}, {@code tcp://...})
     */
    public AndroidEmulatorProvider(Optional<Path> sdkRoot, String dockerHost, WorkDirs dirs, Duration bootTimeout) {
        this.sdkRoot = sdkRoot;
        this.dockerHost = dockerHost;
        this.dirs = dirs;
        this.bootTimeout = bootTimeout;
    }

    /** The host's SDK (ANDROID_SDK_ROOT or ANDROID_HOME) and Docker engine (DOCKER_HOST, else the local socket). */
    public static AndroidEmulatorProvider fromEnvironment(WorkDirs dirs) {
        String sdk = Optional.ofNullable(System.getenv("ANDROID_SDK_ROOT")).orElse(System.getenv("ANDROID_HOME"));
        String docker = Optional.ofNullable(System.getenv("DOCKER_HOST")).orElse("unix:///var/run/docker.sock");
        return new AndroidEmulatorProvider(Optional.ofNullable(sdk).map(Path::of), docker, dirs, BOOT_TIMEOUT);
    }

    @Override
    public DeviceKind kind() {
        return DeviceKind.ANDROID_EMULATOR;
    }

    @Override
    public DeviceSession open(DeviceSpec spec) throws DeviceUnavailableException {
        KindOptions.AndroidEmulator options = spec.options(KindOptions.AndroidEmulator.class);
        return options.avd() != null ? openAvd(spec, options) : openContainer(spec, options);
    }

    private DeviceSession openAvd(DeviceSpec spec, KindOptions.AndroidEmulator options)
            throws DeviceUnavailableException {
        Path sdk = sdkRoot.orElseThrow(() -> new DeviceUnavailableException("no Android SDK on this host: set "
                + "ANDROID_SDK_ROOT to boot the AVD " + options.avd(), null));
        int port = NEXT_CONSOLE_PORT.getAndAdd(2);
        AvdEmulator avd = AvdEmulator.boot(sdk, options.avd(), port, dirs.dir("emulators"), bootTimeout);
        return RemoteAppiumProvider.openAt(options.appiumUrl(), spec, avd.serial(), avd.serial(), null,
                options.app(), Map.of(), avd::close);
    }

    private DeviceSession openContainer(DeviceSpec spec, KindOptions.AndroidEmulator options)
            throws DeviceUnavailableException {
        DockerClient docker = docker();
        try {
            docker.pingCmd().exec();
        } catch (RuntimeException e) {
            closeQuietly(docker);
            throw new DeviceUnavailableException("no Docker engine answers at " + dockerHost + " (needed to start "
                    + options.image() + "): " + e.getMessage(), e);
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("APPIUM", "true");
        env.putAll(options.containerEnv());
        EmulatorContainer container = EmulatorContainer.start(docker, options.image(), spec.name(), env, bootTimeout);
        return RemoteAppiumProvider.openAt(container.appiumUrl(), spec, "emulator-5554", "emulator-5554", null,
                options.app(), Map.of(), () -> {
                    container.close();
                    closeQuietly(docker);
                });
    }

    DockerClient docker() {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost).build();
        ZerodepDockerHttpClient http = new ZerodepDockerHttpClient.Builder().dockerHost(config.getDockerHost())
                .connectionTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofMinutes(2)).build();
        return DockerClientImpl.getInstance(config, http);
    }

    private static void closeQuietly(DockerClient docker) {
        try {
            docker.close();
        } catch (java.io.IOException ignored) {
            // nothing to keep
        }
    }
}
