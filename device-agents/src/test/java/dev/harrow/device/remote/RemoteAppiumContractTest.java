package dev.harrow.device.remote;

import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.harrow.device.AppLaunch;
import dev.harrow.device.DeviceKind;
import dev.harrow.device.DeviceLogEntry;
import dev.harrow.device.Platform;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.config.KindOptions;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.provider.DeviceUnavailableException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real devices and simulators by contract: an Appium server replayed from the protocol (contracts/README.md). Proves
 * the sessions Harrow asks for, the commands it sends and what it makes of the answers; not that a given phone works.
 */
class RemoteAppiumContractTest {
    WireMockServer appium;

    WireMockServer appium(String contract) {
        appium = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort()
                .usingFilesUnderClasspath("contracts/" + contract));
        appium.start();
        return appium;
    }

    @AfterEach
    void stop() {
        if (appium != null) {
            appium.stop();
        }
    }

    static DeviceSpec realAndroid(URI url) {
        return new DeviceSpec("lab-pixel", Platform.ANDROID, DeviceKind.REAL, null, null, null, Set.of(),
                Map.of("appium:newCommandTimeout", 120), new KindOptions.RemoteAppium(url, "R58M", null, "14",
                KindOptions.AppTarget.browser("Chrome")));
    }

    @Test
    void aRealAndroidPhoneGetsAUiAutomator2SessionForChromeAndOffersNetworkAndLogcat() throws Exception {
        WireMockServer server = appium("appium-android");
        DeviceSpec spec = realAndroid(URI.create(server.baseUrl()));

        try (DeviceSession phone = new RemoteAppiumProvider(DeviceKind.REAL).open(spec)) {
            phone.app().launch(AppLaunch.of(URI.create("http://192.0.2.10:8080/app/")).with("deviceId", "lab-pixel"));
            phone.network().get().offline();
            List<DeviceLogEntry> log = phone.logs().get().drain();

            assertThat(log).hasSize(2).first().satisfies(l -> {
                assertThat(l.source()).isEqualTo("logcat");
                assertThat(l.level()).isEqualTo("error");
            });
            assertThat(phone.screenshot()).startsWith(0x89, 'P', 'N', 'G');
            assertThat(phone.isResponsive()).isTrue();
            assertThat(phone.localization().offered()).isFalse();
            assertThat(phone.localization().reason()).hasValueSatisfying(r -> assertThat(r).contains("settings"));
            assertThat(phone.pushInbox().reason()).hasValueSatisfying(r -> assertThat(r).contains("real APNs or FCM"));
        }

        server.verify(postRequestedFor(urlEqualTo("/session"))
                .withRequestBody(matching("(?si).*\"appium:automationName\"\\s*:\\s*\"UiAutomator2\".*"))
                .withRequestBody(matching("(?s).*\"appium:udid\"\\s*:\\s*\"R58M\".*"))
                .withRequestBody(matching("(?s).*\"browserName\"\\s*:\\s*\"Chrome\".*"))
                .withRequestBody(matching("(?s).*\"appium:platformVersion\"\\s*:\\s*\"14\".*"))
                .withRequestBody(matching("(?s).*\"appium:newCommandTimeout\"\\s*:\\s*120.*")));
        server.verify(postRequestedFor(urlEqualTo("/session/a11d-5e55-10n/url"))
                .withRequestBody(matchingJsonPath("$.url", equalTo("http://192.0.2.10:8080/app/?deviceId=lab-pixel"))));
        server.verify(postRequestedFor(urlEqualTo("/session/a11d-5e55-10n/execute/sync"))
                .withRequestBody(matchingJsonPath("$.script", equalTo("mobile: setConnectivity")))
                .withRequestBody(matchingJsonPath("$.args[0].wifi", equalTo("false"))));
        server.verify(deleteRequestedFor(urlEqualTo("/session/a11d-5e55-10n")));
    }

    @Test
    void anIosSimulatorGetsAnXcuitestSessionForSafariAndDeclinesNetworkControl() throws Exception {
        WireMockServer server = appium("appium-ios");
        DeviceSpec spec = new DeviceSpec("sim", Platform.IOS, DeviceKind.IOS_SIMULATOR, null, null, null, Set.of(),
                Map.of(), new KindOptions.RemoteAppium(URI.create(server.baseUrl()), null, "iPhone 15", "17.5",
                KindOptions.AppTarget.browser("Safari")));

        try (DeviceSession simulator = new RemoteAppiumProvider(DeviceKind.IOS_SIMULATOR).open(spec)) {
            assertThat(simulator.network().offered()).isFalse();
            assertThat(simulator.network().reason()).hasValueSatisfying(r -> assertThat(r).contains("proxy"));
            assertThatThrownBy(() -> simulator.network().orSkip())
                    .isInstanceOf(org.opentest4j.TestAbortedException.class).hasMessageContaining("proxy");
            assertThat(simulator.logs().get().drain()).extracting(DeviceLogEntry::source).containsOnly("syslog");
        }

        server.verify(postRequestedFor(urlEqualTo("/session"))
                .withRequestBody(matching("(?si).*\"appium:automationName\"\\s*:\\s*\"XCUITest\".*"))
                .withRequestBody(matching("(?s).*\"browserName\"\\s*:\\s*\"Safari\".*"))
                .withRequestBody(matching("(?s).*\"appium:deviceName\"\\s*:\\s*\"iPhone 15\".*")));
    }

    @Test
    void anAppiumServerThatDoesNotAnswerMakesTheDeviceUnavailableNotBroken() {
        DeviceSpec spec = realAndroid(URI.create("http://127.0.0.1:9"));

        assertThatThrownBy(() -> new RemoteAppiumProvider(DeviceKind.REAL).open(spec))
                .isInstanceOf(DeviceUnavailableException.class)
                .hasMessageContaining("could not create a session on lab-pixel");
    }
}
