package dev.harrow.device.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harrow.device.DeviceKind;
import dev.harrow.device.Platform;
import java.net.URI;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevicesFileTest {
    static final Path SOURCE = Path.of("devices.yml");

    static DevicePool parse(String yaml) {
        return DevicesFile.parse(yaml, SOURCE, Map.of("GRID_TOKEN", "s3cret"));
    }

    @Test
    void theRepositorysDefaultPoolIsValidAndHasBothPlatforms() {
        DevicePool pool = DevicesFile.load(Path.of("..", "devices.yml"), Map.of());

        assertThat(pool.devices()).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(d -> assertThat(d.kind()).isEqualTo(DeviceKind.WEB_EMULATED));
        assertThat(pool.onPlatform(Platform.ANDROID)).isNotEmpty();
        assertThat(pool.onPlatform(Platform.IOS)).isNotEmpty();
    }

    @Test
    void defaultsApplyAndDevicesOverrideThem() {
        DevicePool pool = parse("""
                defaults:
                  timeZone: Europe/Paris
                  locale: fr-FR
                  tags: [emulated]
                  capabilities:
                    appium:newCommandTimeout: 120
                devices:
                  - name: a
                    platform: android
                    kind: web-emulated
                    profile: Pixel 7
                  - name: b
                    platform: ios
                    kind: web-emulated
                    profile: iPhone SE
                    timeZone: Asia/Tokyo
                    tags: [small]
                    capabilities:
                      appium:newCommandTimeout: 30
                      custom:token: ${GRID_TOKEN}
                """);

        DeviceSpec a = pool.device("a").orElseThrow();
        DeviceSpec b = pool.device("b").orElseThrow();
        assertThat(a.timeZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(a.locale()).isEqualTo("fr-FR");
        assertThat(a.capabilities()).containsEntry("appium:newCommandTimeout", 120L);
        assertThat(b.timeZone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
        assertThat(b.tags()).containsExactlyInAnyOrder("emulated", "small");
        assertThat(b.capabilities()).containsEntry("appium:newCommandTimeout", 30L)
                .containsEntry("custom:token", "s3cret");
    }

    @Test
    void anUnknownFieldIsNamedWithItsLineAndTheLikelyIntendedOne() {
        assertThatThrownBy(() -> parse("""
                devices:
                  - name: a
                    platfrom: android
                    kind: web-emulated
                """))
                .isInstanceOf(DevicesFileException.class)
                .hasMessageContaining("devices.yml:3:5: devices[0].platfrom: unknown field (did you mean 'platform'?)");
    }

    @Test
    void badValuesAreNamedWithFileLineAndField() {
        assertThatThrownBy(() -> parse(device("platform: symbian")))
                .hasMessageStartingWith("devices.yml:3:15: devices[0].platform: 'symbian' is not a platform");
        assertThatThrownBy(() -> parse(device("kind: toaster")))
                .hasMessageContaining("devices[0].kind: 'toaster' is not a device kind; use one of web-emulated,");
        assertThatThrownBy(() -> parse(device("timeZone: Mars/Olympus")))
                .hasMessageContaining("devices[0].timeZone: 'Mars/Olympus' is not an IANA time zone");
        assertThatThrownBy(() -> parse(device("locale: not a locale")))
                .hasMessageContaining("devices[0].locale:");
        assertThatThrownBy(() -> parse(device("name: Has Spaces")))
                .hasMessageContaining("devices[0].name: 'Has Spaces' is not a valid device name");
    }

    @Test
    void aWebEmulatedDeviceNeedsAProfile() {
        assertThatThrownBy(() -> parse("""
                devices:
                  - name: a
                    platform: android
                    kind: web-emulated
                """))
                .hasMessageStartingWith("devices.yml:2:5: devices[0].profile: a web-emulated device needs an emulation profile");
    }

    @Test
    void twoDevicesMayNotShareAName() {
        assertThatThrownBy(() -> parse("""
                devices:
                  - {name: a, platform: android, kind: web-emulated, profile: Pixel 7}
                  - {name: a, platform: ios, kind: web-emulated, profile: iPhone SE}
                """))
                .hasMessageContaining("devices.yml:3:12: devices[1].name: 'a' is already the name of another device");
    }

    @Test
    void aMissingEnvironmentVariableIsNamed() {
        assertThatThrownBy(() -> parse(device("profile: ${NO_SUCH_VAR}")))
                .hasMessageContaining("devices[0].profile: environment variable NO_SUCH_VAR is not set");
    }

    @Test
    void brokenYamlAndAnEmptyPoolAreReported() {
        assertThatThrownBy(() -> parse("devices: [\n  - a"))
                .isInstanceOf(DevicesFileException.class).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> parse("devices: []"))
                .hasMessageContaining("devices: list at least one device");
        assertThatThrownBy(() -> parse(""))
                .hasMessageContaining("the file is empty");
    }

    @Test
    void eachKindTakesItsOwnFields() {
        DevicePool pool = parse("""
                devices:
                  - {name: lab-pixel, platform: android, kind: real, appiumUrl: "http://lab:4723", udid: R58M}
                  - {name: sim, platform: ios, kind: ios-simulator, appiumUrl: "http://mac:4723", platformVersion: "17.5"}
                  - {name: avd, platform: android, kind: android-emulator, avd: Pixel_7_API_34,
                     appiumUrl: "http://127.0.0.1:4723"}
                  - {name: boxed, platform: android, kind: android-emulator, image: "budtmo/docker-android:emulator_14.0",
                     containerEnv: {EMULATOR_DEVICE: "Samsung Galaxy S10"}}
                  - {name: hub-phone, platform: android, kind: grid, gridUrl: "http://hub:4444", profile: Pixel 7,
                     stereotype: {"harrow:host": "b"}}
                """);

        KindOptions.RemoteAppium real = pool.device("lab-pixel").orElseThrow().options(KindOptions.RemoteAppium.class);
        assertThat(real.udid()).isEqualTo("R58M");
        assertThat(real.app().browser()).isEqualTo("Chrome");
        assertThat(pool.device("sim").orElseThrow().options(KindOptions.RemoteAppium.class).app().browser())
                .isEqualTo("Safari");
        KindOptions.AndroidEmulator boxed = pool.device("boxed").orElseThrow()
                .options(KindOptions.AndroidEmulator.class);
        assertThat(boxed.image()).startsWith("budtmo/");
        assertThat(boxed.containerEnv()).containsEntry("EMULATOR_DEVICE", "Samsung Galaxy S10");
        assertThat(pool.device("hub-phone").orElseThrow().options(KindOptions.Grid.class).stereotype())
                .containsEntry("harrow:host", "b");
    }

    @Test
    void aKindsRequiredFieldsAndForeignFieldsAreNamed() {
        assertThatThrownBy(() -> parse("devices:\n  - {name: r, platform: android, kind: real, udid: X}"))
                .hasMessageContaining("devices[0].appiumUrl: is required");
        assertThatThrownBy(() -> parse("devices:\n  - {name: r, platform: android, kind: real, "
                + "appiumUrl: \"http://x:4723\"}"))
                .hasMessageContaining("devices[0].udid: a real device needs its udid");
        assertThatThrownBy(() -> parse("devices:\n  - {name: e, platform: android, kind: android-emulator}"))
                .hasMessageContaining("exactly one of avd");
        assertThatThrownBy(() -> parse("devices:\n  - {name: e, platform: android, kind: android-emulator, "
                + "avd: A}")).hasMessageContaining("devices[0].appiumUrl: an AVD is driven by an Appium server");
        assertThatThrownBy(() -> parse("devices:\n  - {name: w, platform: android, kind: web-emulated, "
                + "profile: Pixel 7, udid: X}"))
                .hasMessageContaining("devices[0].udid: does not apply to a web-emulated device (it is for "
                        + "ios-simulator, real)");
        assertThatThrownBy(() -> parse("devices:\n  - {name: s, platform: android, kind: ios-simulator, "
                + "appiumUrl: \"http://x:1\"}")).hasMessageContaining("an ios-simulator device is an ios device");
        assertThatThrownBy(() -> parse("devices:\n  - {name: r, platform: android, kind: real, udid: X, "
                + "appiumUrl: \"ftp://x\"}")).hasMessageContaining("'ftp://x' is not an http(s) URL");
    }

    @Test
    void fiveMistakesAreReportedTogetherEachWithItsLineAndAFix() {
        String file = """
                pool:
                  mode: matrix
                devices:
                  - name: pixel
                    platform: android
                    kind: web-emulated
                    profile: "Pixel 77"
                    timeZone: Europe/Berlin
                  - name: iphone
                    platform: ios
                    kind: web-emulated
                    profile: "iPhone SE"
                    udid: 00008030
                    capabilities:
                      appium:newCommandTimeout: -5
                      noReset: true
                  - name: Tablet
                    platform: android
                    kind: web-emulated
                    profile: "iPad Air"
                """;

        assertThatThrownBy(() -> parse(file)).isInstanceOf(DevicesFileException.class)
                .hasMessage(String.join("\n",
                        "devices.yml:7:14: devices[0].profile: 'Pixel 77' is not an emulation profile (did you mean "
                                + "'Pixel 7'?); use one of Pixel 7, Samsung Galaxy S20 Ultra, Samsung Galaxy S8+, "
                                + "iPhone 14 Pro Max, iPhone 12 Pro, iPhone SE, iPad Air, or another of "
                                + "ChromeDriver's 66 (docs/DEVICES.md)",
                        "devices.yml:13:11: devices[1].udid: does not apply to a web-emulated device (it is for "
                                + "ios-simulator, real); remove it, or change the kind",
                        "devices.yml:15:33: devices[1].capabilities.appium:newCommandTimeout: must not be negative "
                                + "(seconds; 0 means no limit), was -5",
                        "devices.yml:16:16: devices[1].capabilities.noReset: Appium 3 takes only W3C capabilities "
                                + "and vendor-prefixed ones; write 'appium:noReset'",
                        "devices.yml:17:11: devices[2].name: 'Tablet' is not a valid device name: use 1-63 "
                                + "lowercase letters, digits, '.', '_' or '-', starting with a letter or digit",
                        "5 problems in devices.yml; no device starts until each is fixed"));
    }

    @Test
    void capabilityValuesAreCheckedForWhatAppiumTakes() {
        assertThatThrownBy(() -> parse(device("capabilities: {appium:noReset: \"yes\"}")))
                .hasMessageContaining("devices[0].capabilities.appium:noReset: must be true or false, was 'yes'");
        assertThatThrownBy(() -> parse(device("capabilities: {appium:adbExecTimeout: 1.5}")))
                .hasMessageContaining("appium:adbExecTimeout: must be a whole number (milliseconds), was 1.5");
        assertThatThrownBy(() -> parse(device("capabilities: {pageLoadStrategy: fast}")))
                .hasMessageContaining("pageLoadStrategy: must be one of eager, none, normal, was 'fast'");
        assertThat(parse(device("capabilities: {appium:newCommandTimeout: 0, goog:loggingPrefs: {}}")).devices())
                .hasSize(1);
    }

    @Test
    void webDevicesOpenTheAppTheFileNamesAndTheSampleAppOtherwise() {
        DevicePool pool = parse("""
                defaults:
                  app: "http://192.168.1.20:3000/notes/"
                devices:
                  - {name: a, platform: android, kind: web-emulated, profile: Pixel 7}
                  - {name: b, platform: ios, kind: web-emulated, profile: iPhone SE, app: "http://127.0.0.1:8080/"}
                  - {name: c, platform: android, kind: real, appiumUrl: "http://lab:4723", udid: R58,
                     app: /builds/app.apk}
                """);

        assertThat(pool.device("a").orElseThrow().webApp()).hasValue(URI.create("http://192.168.1.20:3000/notes/"));
        assertThat(pool.device("b").orElseThrow().webApp()).hasValue(URI.create("http://127.0.0.1:8080/"));
        assertThat(pool.device("c").orElseThrow().webApp()).as("a native device installs its app").isEmpty();
        assertThat(pool.device("c").orElseThrow().options(KindOptions.RemoteAppium.class).app().app())
                .isEqualTo("/builds/app.apk");
        assertThat(parse(device("profile: Pixel 7")).devices().get(0).webApp()).as("the sample app").isEmpty();
        assertThatThrownBy(() -> parse(device("app: notes.html")))
                .hasMessageContaining("devices[0].app: 'notes.html' is not an http(s) URL with a host");
    }

    /** A valid one-device file with one line replaced. */
    static String device(String replacement) {
        String key = replacement.substring(0, replacement.indexOf(':'));
        StringBuilder out = new StringBuilder("devices:\n");
        String[] lines = {"name: a", "platform: android", "kind: web-emulated", "profile: Pixel 7"};
        boolean first = true;
        for (String line : lines) {
            String use = line.startsWith(key + ":") ? replacement : line;
            out.append(first ? "  - " : "    ").append(use).append('\n');
            first = false;
        }
        if (!String.join("\n", lines).contains(key + ":")) {
            out.append("    ").append(replacement).append('\n');
        }
        return out.toString();
    }

    @Test
    void thePoolSaysHowTheFarmSpendsItAndMatrixIsTheDefault() {
        String devices = """
                devices:
                  - {name: a, platform: android, kind: web-emulated, profile: Pixel 7}
                """;
        assertThat(parse(devices).mode()).isEqualTo(PoolMode.MATRIX);
        assertThat(parse("pool: {mode: distribute}\n" + devices).mode()).isEqualTo(PoolMode.DISTRIBUTE);
        assertThat(parse("pool:\n  mode: per-platform\n" + devices).mode()).isEqualTo(PoolMode.PER_PLATFORM);
        assertThatThrownBy(() -> parse("pool: {mode: spread}\n" + devices))
                .hasMessageContaining("devices.yml:1:").hasMessageContaining("pool.mode: 'spread' is not a pool mode; "
                        + "use one of matrix, per-platform, distribute");
        assertThatThrownBy(() -> parse("pool: {retries: 2}\n" + devices))
                .hasMessageContaining("pool.retries: unknown field");
    }
}
