package dev.harrow.device.emulator;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.harrow.device.DeviceKind;
import dev.harrow.device.Platform;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.config.KindOptions;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.provider.DeviceUnavailableException;
import dev.harrow.device.runtime.WorkDirs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Android emulators by contract: the Docker Engine API and Appium replayed from their references
 * (contracts/README.md), and an Android SDK whose emulator and adb are stand-in scripts. Proves the requests Harrow
 * makes and the order of boot, session and teardown; not that an emulator image boots.
 */
class AndroidEmulatorContractTest {
    static final String CONTAINER = "4f1c0ffee5e55ea7ed0123456789abcdef0123456789abcdef0123456789abcd";
    static final String IMAGE = "budtmo/docker-android:emulator_14.0";
    WireMockServer docker;
    WireMockServer appium;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        appium = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort()
                .usingFilesUnderClasspath("contracts/appium-android"));
        appium.start();
        docker = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort()
                .usingFilesUnderClasspath("contracts/docker-engine"));
        docker.start();
        // the inspect answer publishes Appium on the port of the Appium stand-in
        docker.stubFor(get(urlPathMatching("(/v[0-9.]+)?/containers/" + CONTAINER + "/json")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody("{\"Id\":\"" + CONTAINER + "\",\"State\":{\"Running\":true},\"NetworkSettings\":{\"Ports\":"
                        + "{\"4723/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"" + appium.port() + "\"}]}}}")));
    }

    @AfterEach
    void stop() {
        appium.stop();
        docker.stop();
    }

    static DeviceSpec container(String image) {
        return new DeviceSpec("boxed", Platform.ANDROID, DeviceKind.ANDROID_EMULATOR, null, null, null, Set.of(),
                Map.of(), new KindOptions.AndroidEmulator(null, image, null, Map.of("EMULATOR_DEVICE", "Pixel 7"),
                KindOptions.AppTarget.browser("Chrome")));
    }

    AndroidEmulatorProvider provider(Optional<Path> sdk, String dockerHost) {
        return new AndroidEmulatorProvider(sdk, dockerHost, new WorkDirs(dir.resolve("work")), Duration.ofSeconds(20));
    }

    @Test
    void aContainerIsCreatedOnLoopbackDrivenThroughItsAppiumAndRemovedAtTheEnd() throws Exception {
        AndroidEmulatorProvider provider = provider(Optional.empty(), "tcp://127.0.0.1:" + docker.port());

        try (DeviceSession emulator = provider.open(container(IMAGE))) {
            assertThat(emulator.isResponsive()).isTrue();
            assertThat(emulator.network().offered()).isTrue();
        }

        docker.verify(postRequestedFor(urlPathMatching("(/v[0-9.]+)?/containers/create"))
                .withRequestBody(matchingJsonPath("$.Image", com.github.tomakehurst.wiremock.client.WireMock
                        .equalTo(IMAGE)))
                .withRequestBody(matchingJsonPath("$.HostConfig.Privileged", com.github.tomakehurst.wiremock.client
                        .WireMock.equalTo("true")))
                .withRequestBody(matching("(?s).*\"PathOnHost\"\\s*:\\s*\"/dev/kvm\".*"))
                .withRequestBody(matching("(?s).*\"HostIp\"\\s*:\\s*\"127.0.0.1\".*"))
                .withRequestBody(matching("(?s).*EMULATOR_DEVICE=Pixel 7.*"))
                .withRequestBody(matching("(?s).*APPIUM=true.*")));
        docker.verify(postRequestedFor(urlPathMatching("(/v[0-9.]+)?/containers/" + CONTAINER + "/start")));
        appium.verify(postRequestedFor(urlEqualTo("/session"))
                .withRequestBody(matching("(?s).*\"appium:udid\"\\s*:\\s*\"emulator-5554\".*")));
        docker.verify(postRequestedFor(urlPathMatching("(/v[0-9.]+)?/containers/" + CONTAINER + "/stop")));
        docker.verify(deleteRequestedFor(urlPathMatching("(/v[0-9.]+)?/containers/" + CONTAINER)));
    }

    @Test
    void anImageTheHostDoesNotHaveIsNamedNeverPulled() {
        docker.stubFor(post(urlPathMatching("(/v[0-9.]+)?/containers/create")).atPriority(1).willReturn(aResponse()
                .withStatus(404).withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"No such image: acme/android:1\"}")));

        assertThatThrownBy(() -> provider(Optional.empty(), "tcp://127.0.0.1:" + docker.port())
                .open(container("acme/android:1")))
                .isInstanceOf(DeviceUnavailableException.class)
                .hasMessageContaining("acme/android:1 is not on the Docker host; pull it first");
        docker.verify(0, postRequestedFor(urlPathMatching(".*/images/create.*")));
    }

    @Test
    void withoutADockerEngineTheDeviceIsUnavailableWithTheReason() {
        assertThatThrownBy(() -> provider(Optional.empty(), "tcp://127.0.0.1:9").open(container(IMAGE)))
                .isInstanceOf(DeviceUnavailableException.class)
                .hasMessageContaining("no Docker engine answers at tcp://127.0.0.1:9");
    }

    @Test
    void anAvdIsBootedWithTheSdksEmulatorAndEndedAfterItsSession() throws Exception {
        Path sdk = fakeSdk();
        DeviceSpec spec = new DeviceSpec("avd-phone", Platform.ANDROID, DeviceKind.ANDROID_EMULATOR, null, null, null,
                Set.of(), Map.of(), new KindOptions.AndroidEmulator("Pixel_7_API_34", null,
                URI.create(appium.baseUrl()), Map.of(), KindOptions.AppTarget.browser("Chrome")));

        DeviceSession emulator = provider(Optional.of(sdk), "tcp://127.0.0.1:9").open(spec);
        String args = Files.readString(sdk.resolve("emulator-args"));
        long emulatorPid = Long.parseLong(Files.readString(sdk.resolve("emulator-pid")).trim());
        emulator.close();

        assertThat(args).contains("-avd Pixel_7_API_34").contains("-no-window").contains("-port 55");
        String serial = "emulator-" + args.replaceAll("(?s).*-port (\\d+).*", "$1").trim();
        appium.verify(postRequestedFor(urlEqualTo("/session"))
                .withRequestBody(matching("(?s).*\"appium:udid\"\\s*:\\s*\"" + serial + "\".*")));
        assertThat(Files.readString(sdk.resolve("adb-calls"))).contains("-s " + serial + " wait-for-device")
                .contains("shell getprop sys.boot_completed").contains("emu kill");
        assertThat(ProcessHandle.of(emulatorPid).filter(ProcessHandle::isAlive)).isEmpty();
    }

    @Test
    void withoutAnSdkAnAvdIsUnavailableWithTheReason() {
        DeviceSpec spec = new DeviceSpec("avd-phone", Platform.ANDROID, DeviceKind.ANDROID_EMULATOR, null, null, null,
                Set.of(), Map.of(), new KindOptions.AndroidEmulator("Pixel_7_API_34", null,
                URI.create(appium.baseUrl()), Map.of(), KindOptions.AppTarget.browser("Chrome")));

        assertThatThrownBy(() -> provider(Optional.empty(), "tcp://127.0.0.1:9").open(spec))
                .isInstanceOf(DeviceUnavailableException.class).hasMessageContaining("set ANDROID_SDK_ROOT");
    }

    /** An SDK whose emulator sleeps like a booted device and whose adb reports it booted, recording its calls. */
    Path fakeSdk() throws Exception {
        Path sdk = dir.resolve("sdk");
        Path emulator = sdk.resolve("emulator/emulator");
        Path adb = sdk.resolve("platform-tools/adb");
        Files.createDirectories(emulator.getParent());
        Files.createDirectories(adb.getParent());
        Files.writeString(emulator, "#!/bin/sh\n"
                + "echo \"$@\" > \"" + sdk.resolve("emulator-args") + "\"\n"
                + "echo $$ > \"" + sdk.resolve("emulator-pid") + "\"\n"
                + "exec sleep 300\n");
        Files.writeString(adb, "#!/bin/sh\n"
                + "echo \"$@\" >> \"" + sdk.resolve("adb-calls") + "\"\n"
                + "case \"$3\" in shell) echo 1 ;; esac\n");
        for (Path script : new Path[] {emulator, adb}) {
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        }
        return sdk;
    }
}
