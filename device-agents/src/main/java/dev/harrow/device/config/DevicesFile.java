package dev.harrow.device.config;

import dev.harrow.device.DeviceKind;
import dev.harrow.device.Platform;
import dev.harrow.device.network.NetworkProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads devices.yml (schema: docs/DEVICES.md) into a {@link DevicePool}. Every error names the file, line, column
 * and field; {@code ${VAR}} in a value is taken from the environment (for secrets such as a grid password).
 */
public final class DevicesFile {
    public static final String DEFAULT_NAME = "devices.yml";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final Set<String> TOP = ordered("pool", "defaults", "devices");
    private static final Set<String> POOL = ordered("mode");
    private static final Set<String> DEFAULTS = ordered("timeZone", "locale", "tags", "capabilities", "network",
            "app");
    private static final Set<String> DEVICE = ordered("name", "platform", "kind", "profile", "timeZone", "locale",
            "tags", "capabilities", "network", "appiumUrl", "udid", "deviceName", "platformVersion", "browser", "app",
            "appPackage", "appActivity", "bundleId", "avd", "image", "containerEnv", "gridUrl", "stereotype");
    /** The fields each kind takes beyond the common ones; any other is an error naming the kinds it belongs to. */
    private static final Map<DeviceKind, Set<String>> KIND_FIELDS = Map.of(
            DeviceKind.WEB_EMULATED, Set.of("profile", "app"),
            DeviceKind.REAL, Set.of("appiumUrl", "udid", "deviceName", "platformVersion", "browser", "app",
                    "appPackage", "appActivity", "bundleId"),
            DeviceKind.IOS_SIMULATOR, Set.of("appiumUrl", "udid", "deviceName", "platformVersion", "browser", "app",
                    "bundleId"),
            DeviceKind.ANDROID_EMULATOR, Set.of("avd", "image", "appiumUrl", "containerEnv", "deviceName",
                    "platformVersion", "browser", "app", "appPackage", "appActivity"),
            DeviceKind.GRID, Set.of("gridUrl", "profile", "stereotype", "app"));
    private static final Set<String> COMMON = ordered("name", "platform", "kind", "timeZone", "locale", "tags",
            "capabilities", "network");
    private static final Set<String> NETWORK = ordered("up", "down", "kbps", "latencyMillis", "jitterMillis",
            "lossPercent");
    private static final Set<String> DIRECTION = ordered("kbps", "latencyMillis", "jitterMillis", "lossPercent");

    private DevicesFile() {
    }

    public static DevicePool load(Path file) {
        return load(file, System.getenv());
    }

    public static DevicePool load(Path file, Map<String, String> env) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DevicesFileException(file + ": cannot be read: " + e.getMessage(), e);
        }
        return parse(content, file, env);
    }

    /**
     * Parses and checks the whole file before any device starts: every problem is found, not only the first, and
     * reported in one {@link DevicesFileException} whose message has a line per problem ({@code
     * file:line:column: field: problem and its fix}).
     */
    public static DevicePool parse(String content, Path source, Map<String, String> env) {
        YamlCursor root = YamlCursor.parse(content, source.toString(), env);
        Problems problems = new Problems();
        root.requireMapping();
        problems.addAll(root.unknownFields(TOP));

        Defaults defaults = root.get("defaults").map(at -> problems.check(() -> defaults(at, problems)))
                .orElse(Defaults.NONE);
        PoolMode mode = root.get("pool").map(at -> problems.check(() -> poolMode(at))).orElse(PoolMode.MATRIX);
        List<YamlCursor> items = problems.check(() -> root.require("devices").items());
        List<DeviceSpec> devices = new ArrayList<>();
        if (items != null && items.isEmpty()) {
            problems.add(root.require("devices").error("list at least one device"));
        }
        Map<String, YamlCursor> seen = new HashMap<>();
        for (YamlCursor item : items == null ? List.<YamlCursor>of() : items) {
            DeviceSpec spec = device(item, defaults == null ? Defaults.NONE : defaults, problems);
            if (spec == null) {
                continue;
            }
            YamlCursor nameAt = item.require("name");
            if (seen.putIfAbsent(spec.name(), nameAt) != null) {
                problems.add(nameAt.error("'" + spec.name() + "' is already the name of another device; give "
                        + "each device its own name"));
            }
            devices.add(spec);
        }
        problems.throwIfAny(source);
        return new DevicePool(source, devices, mode == null ? PoolMode.MATRIX : mode);
    }

    private static PoolMode poolMode(YamlCursor at) {
        at.requireMapping().allowOnly(POOL);
        return at.get("mode").map(modeAt -> PoolMode.fromWire(modeAt.text()).orElseThrow(() -> modeAt.error(
                "'" + modeAt.text() + "' is not a pool mode; use one of " + PoolMode.allWire())))
                .orElse(PoolMode.MATRIX);
    }

    private static Defaults defaults(YamlCursor at, Problems problems) {
        at.requireMapping();
        problems.addAll(at.unknownFields(DEFAULTS));
        return new Defaults(
                at.get("timeZone").map(z -> problems.check(() -> zone(z))).orElse(null),
                at.get("locale").map(l -> problems.check(() -> locale(l))).orElse(null),
                at.get("tags").map(t -> problems.check(() -> tags(t))).orElse(Set.of()),
                at.get("capabilities").map(c -> problems.check(() -> capabilities(c, problems))).orElse(Map.of()),
                at.get("network").map(n -> problems.check(() -> network(n))).orElse(null),
                at.get("app").map(a -> problems.check(() -> url(a))).orElse(null));
    }

    /**
     * {@code network: 3g} (a named profile), or figures: {@code {kbps, latencyMillis, jitterMillis, lossPercent}}
     * for both directions, or {@code {up: {...}, down: {...}}} for each.
     */
    private static NetworkProfile network(YamlCursor at) {
        if (!at.isMapping()) {
            String name = at.text();
            return NetworkProfile.named(name).orElseThrow(() -> at.error("'" + name + "' is not a network profile;"
                    + " use one of " + String.join(", ", NetworkProfile.NAMED.keySet())
                    + ", or give figures: {kbps, latencyMillis, jitterMillis, lossPercent}"));
        }
        at.allowOnly(NETWORK);
        boolean perDirection = at.get("up").isPresent() || at.get("down").isPresent();
        if (perDirection) {
            for (String field : DIRECTION) {
                if (at.get(field).isPresent()) {
                    throw at.require(field).error("give figures either for both directions or under up: and down:,"
                            + " not both");
                }
            }
            return new NetworkProfile("custom", false,
                    at.get("up").map(DevicesFile::direction).orElse(NetworkProfile.Direction.UNLIMITED),
                    at.get("down").map(DevicesFile::direction).orElse(NetworkProfile.Direction.UNLIMITED));
        }
        NetworkProfile.Direction both = direction(at);
        return new NetworkProfile("custom", false, both, both);
    }

    private static NetworkProfile.Direction direction(YamlCursor at) {
        at.requireMapping().allowOnly(DIRECTION);
        int kbps = nonNegative(at, "kbps");
        int latency = nonNegative(at, "latencyMillis");
        int jitter = nonNegative(at, "jitterMillis");
        double loss = at.get("lossPercent").map(l -> {
            try {
                double value = Double.parseDouble(l.text());
                if (value < 0 || value > 100) {
                    throw l.error("lossPercent is a share of requests from 0 to 100, was " + l.text());
                }
                return value;
            } catch (NumberFormatException e) {
                throw l.error("lossPercent must be a number from 0 to 100, was '" + l.text() + "'");
            }
        }).orElse(0.0);
        return new NetworkProfile.Direction(kbps, latency, jitter, loss);
    }

    private static int nonNegative(YamlCursor at, String field) {
        return at.get(field).map(v -> {
            try {
                int value = Integer.parseInt(v.text());
                if (value < 0) {
                    throw v.error(field + " must not be negative, was " + value);
                }
                return value;
            } catch (NumberFormatException e) {
                throw v.error(field + " must be a whole number, was '" + v.text() + "'");
            }
        }).orElse(0);
    }

    /** The device at {@code at}, or null when it has problems (each added to {@code problems}). */
    private static DeviceSpec device(YamlCursor at, Defaults defaults, Problems problems) {
        if (problems.check(at::requireMapping) == null) {
            return null;
        }
        int before = problems.count();
        problems.addAll(at.unknownFields(DEVICE));
        String name = problems.check(() -> {
            YamlCursor nameAt = at.require("name");
            String text = nameAt.text();
            if (!NAME.matcher(text).matches()) {
                throw nameAt.error("'" + text + "' is not a valid device name: use 1-63 lowercase letters, digits, "
                        + "'.', '_' or '-', starting with a letter or digit");
            }
            return text;
        });
        YamlCursor platformAt = problems.check(() -> at.require("platform"));
        Platform platform = platformAt == null ? null : problems.check(() -> Platform.fromWire(platformAt.text())
                .orElseThrow(() -> platformAt.error("'" + platformAt.text() + "' is not a platform; use android or "
                        + "ios")));
        DeviceKind kind = problems.check(() -> {
            YamlCursor kindAt = at.require("kind");
            return DeviceKind.fromWire(kindAt.text()).orElseThrow(() -> kindAt.error(
                    "'" + kindAt.text() + "' is not a device kind; use one of " + DeviceKind.allWire()));
        });
        String profile = at.get("profile").map(p -> problems.check(p::text)).orElse(null);
        KindOptions options = null;
        if (kind != null) {
            for (String field : DEVICE) {
                if (!COMMON.contains(field) && !KIND_FIELDS.get(kind).contains(field) && at.get(field).isPresent()) {
                    problems.add(at.require(field).error("does not apply to a " + kind.wire() + " device (it is for "
                            + kindsTaking(field) + "); remove it, or change the kind"));
                }
            }
            if (kind == DeviceKind.WEB_EMULATED && (profile == null || profile.isBlank())) {
                problems.add(at.missing("profile", "a web-emulated device needs an emulation profile, such as "
                        + "\"Pixel 7\" or \"iPhone 14 Pro Max\""));
            } else if (profile != null && !profile.isBlank() && !EmulationProfiles.NAMES.contains(profile)) {
                problems.add(at.require("profile").error(EmulationProfiles.unknown(profile)));
            }
            if (platformAt != null && kind == DeviceKind.IOS_SIMULATOR && platform == Platform.ANDROID) {
                problems.add(platformAt.error("an ios-simulator device is an ios device; use platform: ios"));
            }
            if (platformAt != null && kind == DeviceKind.ANDROID_EMULATOR && platform == Platform.IOS) {
                problems.add(platformAt.error("an android-emulator device is an android device; use platform: "
                        + "android"));
            }
            if (platform != null) {
                options = problems.check(() -> kindOptions(at, kind, platform, defaults));
            }
        }
        ZoneId zone = at.get("timeZone").map(z -> problems.check(() -> zone(z))).orElse(defaults.timeZone());
        String locale = at.get("locale").map(l -> problems.check(() -> locale(l))).orElse(defaults.locale());

        Set<String> tags = new LinkedHashSet<>(defaults.tags());
        at.get("tags").map(t -> problems.check(() -> tags(t))).ifPresent(tags::addAll);
        Map<String, Object> capabilities = new LinkedHashMap<>(defaults.capabilities());
        at.get("capabilities").map(c -> problems.check(() -> capabilities(c, problems)))
                .ifPresent(capabilities::putAll);

        NetworkProfile network = at.get("network").map(n -> problems.check(() -> network(n)))
                .orElse(defaults.network());
        if (problems.count() > before || name == null || platform == null || kind == null || options == null) {
            return null;
        }
        return new DeviceSpec(name, platform, kind, profile, zone, locale, tags, capabilities, options, network);
    }

    private static KindOptions kindOptions(YamlCursor at, DeviceKind kind, Platform platform, Defaults defaults) {
        // A web device's app is the address of a web app; under defaults it is for the web devices only, as a
        // native device installs its own app.
        URI webApp = kind == DeviceKind.WEB_EMULATED || kind == DeviceKind.GRID
                ? at.get("app").map(DevicesFile::url).orElse(defaults.app()) : null;
        switch (kind) {
            case WEB_EMULATED:
                return new KindOptions.WebEmulated(webApp);
            case REAL:
            case IOS_SIMULATOR: {
                URI appiumUrl = url(at.require("appiumUrl"));
                String udid = at.get("udid").map(YamlCursor::text).orElse(null);
                if (kind == DeviceKind.REAL && udid == null) {
                    throw at.missing("udid", "a real device needs its udid (adb devices, or idevice_id -l)");
                }
                return new KindOptions.RemoteAppium(appiumUrl, udid, text(at, "deviceName"), text(at,
                        "platformVersion"), appTarget(at, platform));
            }
            case ANDROID_EMULATOR: {
                String avd = text(at, "avd");
                String image = text(at, "image");
                if ((avd == null) == (image == null)) {
                    throw at.missing(avd == null ? "avd" : "image", "an android-emulator device needs exactly one "
                            + "of avd (booted with the SDK's emulator CLI) and image (a container image)");
                }
                URI appiumUrl = at.get("appiumUrl").map(DevicesFile::url).orElse(null);
                if (avd != null && appiumUrl == null) {
                    throw at.missing("appiumUrl", "an AVD is driven by an Appium server with the UiAutomator2 "
                            + "driver: give its URL");
                }
                Map<String, String> env = new LinkedHashMap<>();
                at.get("containerEnv").ifPresent(e -> ((Map<?, ?>) e.requireMapping().plain())
                        .forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v))));
                return new KindOptions.AndroidEmulator(avd, image, appiumUrl, env, appTarget(at, platform));
            }
            case GRID:
            default: {
                Map<String, Object> stereotype = at.get("stereotype").map(DevicesFile::mapping).orElse(Map.of());
                return new KindOptions.Grid(url(at.require("gridUrl")), stereotype, webApp);
            }
        }
    }

    private static KindOptions.AppTarget appTarget(YamlCursor at, Platform platform) {
        String browser = text(at, "browser");
        String app = text(at, "app");
        String appPackage = text(at, "appPackage");
        String appActivity = text(at, "appActivity");
        String bundleId = text(at, "bundleId");
        boolean native_ = app != null || appPackage != null || bundleId != null;
        if (browser != null && native_) {
            throw at.require("browser").error("a device runs the web app in its browser or a native app, not both");
        }
        if (!native_) {
            return KindOptions.AppTarget.browser(browser != null ? browser
                    : platform == Platform.ANDROID ? "Chrome" : "Safari");
        }
        return new KindOptions.AppTarget(null, app, appPackage, appActivity, bundleId);
    }

    private static String text(YamlCursor at, String field) {
        return at.get(field).map(YamlCursor::text).orElse(null);
    }

    private static URI url(YamlCursor at) {
        String text = at.text();
        try {
            URI uri = new URI(text);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new URISyntaxException(text, "not an http(s) URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw at.error("'" + text + "' is not an http(s) URL with a host, such as http://192.168.1.20:3000/");
        }
    }

    private static String kindsTaking(String field) {
        return KIND_FIELDS.entrySet().stream().filter(e -> e.getValue().contains(field))
                .map(e -> e.getKey().wire()).sorted().collect(java.util.stream.Collectors.joining(", "));
    }

    private static ZoneId zone(YamlCursor at) {
        String text = at.text();
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            throw at.error("'" + text + "' is not an IANA time zone, such as Europe/Berlin or America/New_York");
        }
    }

    private static String locale(YamlCursor at) {
        String text = at.text();
        Locale parsed = Locale.forLanguageTag(text);
        if (parsed.getLanguage().isEmpty() || !parsed.toLanguageTag().equalsIgnoreCase(text)) {
            throw at.error("'" + text + "' is not a BCP 47 language tag, such as en-US or ja-JP");
        }
        return parsed.toLanguageTag();
    }

    private static Set<String> tags(YamlCursor at) {
        Set<String> tags = new LinkedHashSet<>();
        for (YamlCursor item : at.items()) {
            String tag = item.text();
            if (!NAME.matcher(tag).matches()) {
                throw item.error("'" + tag + "' is not a valid tag: use lowercase letters, digits, '.', '_' or '-'");
            }
            tags.add(tag);
        }
        return tags;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapping(YamlCursor at) {
        return (Map<String, Object>) at.requireMapping().plain();
    }

    /** The capabilities, each known one checked for what Appium takes (docs/DEVICES.md). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> capabilities(YamlCursor at, Problems problems) {
        at.requireMapping();
        Map<String, Object> capabilities = (Map<String, Object>) at.plain();
        capabilities.forEach((name, value) -> Capabilities.problem(name, value)
                .ifPresent(problem -> problems.add(at.require(name).error(problem))));
        return capabilities;
    }

    /** The problems found so far: checking goes on past each, so that one run names them all. */
    private static final class Problems {
        private static final Pattern POSITION = Pattern.compile(":(\\d+):(\\d+): ");
        private final List<DevicesFileException> found = new ArrayList<>();

        /** The step's value, or null when it found a problem (kept). */
        <T> T check(java.util.function.Supplier<T> step) {
            try {
                return step.get();
            } catch (DevicesFileException e) {
                found.add(e);
                return null;
            }
        }

        void add(DevicesFileException problem) {
            found.add(problem);
        }

        void addAll(List<DevicesFileException> problems) {
            found.addAll(problems);
        }

        int count() {
            return found.size();
        }

        /** Where in the file a problem is, from its {@code file:line:column:} prefix, for the order of the report. */
        private static long position(DevicesFileException problem) {
            java.util.regex.Matcher m = POSITION.matcher(problem.getMessage());
            return m.find() ? Long.parseLong(m.group(1)) * 100_000 + Long.parseLong(m.group(2)) : Long.MAX_VALUE;
        }

        void throwIfAny(Path source) {
            found.sort(java.util.Comparator.comparingLong(Problems::position));
            if (found.size() == 1) {
                throw found.get(0);
            }
            if (!found.isEmpty()) {
                StringBuilder message = new StringBuilder();
                found.forEach(p -> message.append(p.getMessage()).append('\n'));
                message.append(found.size()).append(" problems in ").append(source)
                        .append("; no device starts until each is fixed");
                throw new DevicesFileException(message.toString());
            }
        }
    }

    private static Set<String> ordered(String... values) {
        return new LinkedHashSet<>(List.of(values));
    }

    private record Defaults(ZoneId timeZone, String locale, Set<String> tags, Map<String, Object> capabilities,
                            NetworkProfile network, URI app) {
        static final Defaults NONE = new Defaults(null, null, Set.of(), Map.of(), null, null);
    }
}
