package dev.harrow.farm.replay;

import dev.harrow.backend.client.BackendClient;
import dev.harrow.device.DeviceKind;
import dev.harrow.device.config.DevicePool;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.config.DevicesFile;
import dev.harrow.device.provider.DeviceProvider;
import dev.harrow.device.provider.DeviceProviders;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.runtime.AppiumServer;
import dev.harrow.device.runtime.WorkDirs;
import dev.harrow.sampleapp.SampleAppServer;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@code replay}: a captured session again (docs/REPLAY.md). Exit codes: 0 replayed and, for {@code drive}, every
 * command answered as it did the first time; 1 replayed with differences (or events the backend rejected); 2 bad
 * arguments or an unreadable bundle.
 */
public final class ReplayMain {
    static final String USAGE = """
            usage: replay telemetry BUNDLE --backend URL --app-key KEY [--speed X]
                   replay drive BUNDLE --device NAME [--devices FILE] [--sample-app] [--app URL]
                                       [--collector URL] [--app-key KEY] [--device-id ID]
              BUNDLE              a session bundle: target/farm/sessions/DEVICE/SCENARIO-tryN
            telemetry: send the bundle's events to a backend, the batches as they arrived
              --backend URL       the collector's base URL
              --app-key KEY       the app key the collector knows the app by
              --speed X           the original gaps divided by X; 0 sends without waiting (default 1)
            drive: send the bundle's WebDriver commands to another device, elements found by their locators
              --device NAME       a device of the devices file
              --devices FILE      the device pool (default devices.yml)
              --sample-app        serve the sample app again and open it where the bundle opened an app
              --app URL           open this app where the bundle opened an app (the same path and parameters)
              --collector URL, --app-key KEY, --device-id ID
                                  the launch parameters the replayed app reports with""";

    /**
     * Writes a file of a bundle's dir, never through a symbolic link: a bundle comes from elsewhere, and a link in it
     * must not make the replay overwrite a file outside.
     */
    static void writeWithoutFollowingLinks(Path file, byte[] bytes) throws java.io.IOException {
        if (Files.isSymbolicLink(file)) {
            throw new java.io.IOException(file + " is a symbolic link; the replay does not write through links");
        }
        Files.write(file, bytes, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    private ReplayMain() {
    }

    public static void main(String[] args) {
        int code = 2;
        try {
            code = run(args, System.out, System.err);
        } catch (RuntimeException e) {
            System.err.println("replay: " + e.getMessage());
        } finally {
            System.exit(code);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        if (args.length < 2 || !(args[0].equals("telemetry") || args[0].equals("drive"))) {
            err.println(USAGE);
            return 2;
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 2; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                err.println("replay: unexpected argument " + arg + "\n" + USAGE);
                return 2;
            }
            int eq = arg.indexOf('=');
            if (eq > 0) {
                options.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else if (arg.equals("--sample-app")) {
                options.put("sample-app", "true");
            } else if (i + 1 < args.length) {
                options.put(arg.substring(2), args[++i]);
            } else {
                err.println("replay: " + arg + " needs a value\n" + USAGE);
                return 2;
            }
        }
        options.values().removeIf(String::isEmpty); // unset Maven properties arrive empty
        if ("false".equals(options.get("sample-app"))) {
            options.remove("sample-app");
        }
        SessionBundle bundle;
        try {
            bundle = SessionBundle.read(Path.of(args[1]));
        } catch (RuntimeException e) {
            err.println("replay: " + e.getMessage());
            return 2;
        }
        return args[0].equals("telemetry") ? telemetry(bundle, options, out, err) : drive(bundle, options, out, err);
    }

    private static int telemetry(SessionBundle bundle, Map<String, String> options, PrintStream out,
                                 PrintStream err) {
        String backend = options.get("backend");
        String key = options.get("app-key");
        if (backend == null || key == null) {
            err.println("replay: telemetry needs --backend and --app-key\n" + USAGE);
            return 2;
        }
        double speed = Double.parseDouble(options.getOrDefault("speed", "1"));
        TelemetryReplay.Outcome outcome = TelemetryReplay.send(bundle, new BackendClient(URI.create(backend), ""),
                key, speed, out::println);
        out.printf("replayed %d events in %d batches: %d accepted, %d already held, %d rejected%n",
                outcome.events(), outcome.batches(), outcome.accepted(), outcome.duplicates(), outcome.rejected());
        return outcome.rejected() == 0 ? 0 : 1;
    }

    private static int drive(SessionBundle bundle, Map<String, String> options, PrintStream out, PrintStream err) {
        String name = options.get("device");
        if (name == null) {
            err.println("replay: drive needs --device NAME\n" + USAGE);
            return 2;
        }
        DevicePool pool = DevicesFile.load(Path.of(options.getOrDefault("devices", DevicesFile.DEFAULT_NAME)));
        DeviceSpec spec = pool.device(name).orElseThrow(() -> new IllegalArgumentException("no device " + name
                + " in " + pool.source()));
        WorkDirs dirs = WorkDirs.fromSystemProperties();
        try (SampleAppServer sample = options.containsKey("sample-app") ? SampleAppServer.start() : null;
             AppiumServer appium = spec.kind() == DeviceKind.WEB_EMULATED ? AppiumServer.start(dirs) : null) {
            String app = sample != null ? sample.appUri().toString() : options.get("app");
            DeviceProvider provider = DeviceProviders.standard(appium == null ? null : appium.url(), dirs)
                    .forKind(spec.kind()).orElseThrow(() -> new IllegalArgumentException("no provider for "
                            + spec.kind().wire() + " devices"));
            try (DeviceSession device = provider.open(spec)) {
                CommandReplay.Outcome outcome = CommandReplay.drive(bundle, device.driver(),
                        launchRewrite(app, options), out::println);
                Path screen = bundle.dir().resolve("replay-" + name + ".png");
                writeWithoutFollowingLinks(screen, device.screenshot());
                outcome.mismatches().forEach(m -> out.println("  differs: #" + m.index() + " " + m.method() + " "
                        + m.path() + ": " + m.recorded() + " then, " + m.replayed() + " now"));
                out.println("final screen: " + screen);
                return outcome.mismatches().isEmpty() ? 0 : 1;
            }
        } catch (Exception e) {
            err.println("replay: " + e.getMessage());
            return 2;
        }
    }

    /** Rewrites the app's URL: another origin and path (the app served elsewhere), other launch parameters. */
    static UnaryOperator<String> launchRewrite(String app, Map<String, String> options) {
        return url -> {
            URI original = URI.create(url);
            String query = original.getRawQuery() == null ? "" : original.getRawQuery();
            query = replaceParam(query, "collector", options.get("collector"));
            query = replaceParam(query, "appKey", options.get("app-key"));
            query = replaceParam(query, "deviceId", options.get("device-id"));
            String base = app != null ? app.replaceFirst("\\?.*$", "")
                    : url.replaceFirst("\\?.*$", "");
            return query.isEmpty() ? base : base + "?" + query;
        };
    }

    private static String replaceParam(String query, String name, String value) {
        if (value == null) {
            return query;
        }
        String encoded = name + "=" + java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
        if (query.matches("(^|.*&)" + name + "=.*")) {
            return query.replaceAll("(^|&)" + name + "=[^&]*", "$1" + encoded);
        }
        return query.isEmpty() ? encoded : query + "&" + encoded;
    }
}
