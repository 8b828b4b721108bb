package dev.harrow.device.bench;

import dev.harrow.device.AppLaunch;
import dev.harrow.device.DeviceKind;
import dev.harrow.device.Platform;
import dev.harrow.device.agent.AgentPolicy;
import dev.harrow.device.agent.DeviceAgent;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.runtime.AppiumServer;
import dev.harrow.device.runtime.WorkDirs;
import dev.harrow.device.support.TestPageServer;
import dev.harrow.device.webemulated.WebEmulatedProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.openqa.selenium.By;

/**
 * What a web-emulated device costs: creating a session, the gap between two scenarios on the same device when the
 * session is reused and reset, and the memory each device takes. Target: the median gap between two scenarios on
 * one device is under 10% of a new session's creation time.
 *
 * <p>Run: {@code mvn -pl device-agents verify -Pbench -DskipTests}. Bounded: 10 session creations, 30 scenarios on
 * one device, 4 devices for memory.
 */
public final class DeviceBenchmark {
    static final int CREATIONS = 10;
    static final int SCENARIOS = 30;
    static final List<String> PROFILES = List.of("Pixel 7", "Samsung Galaxy S20 Ultra", "iPhone 14 Pro Max",
            "iPhone SE");

    public static void main(String[] args) throws Exception {
        WorkDirs dirs = WorkDirs.fromSystemProperties();
        try (AppiumServer appium = AppiumServer.start(dirs); TestPageServer page = new TestPageServer()) {
            WebEmulatedProvider provider = new WebEmulatedProvider(appium.url(), dirs);
            System.out.printf(Locale.ROOT, "Harrow device benchmark: web-emulated phones, Appium %s, %d cores%n",
                    dev.harrow.device.runtime.AppiumHome.locate().version(), Runtime.getRuntime().availableProcessors());

            List<Long> creations = new ArrayList<>();
            for (int i = 0; i < CREATIONS; i++) {
                long start = System.nanoTime();
                DeviceSession session = provider.open(spec("bench-new", PROFILES.get(0)));
                creations.add(System.nanoTime() - start);
                session.close();
            }

            List<Long> gaps = new ArrayList<>();
            DeviceAgent agent = new DeviceAgent(spec("bench-reuse", PROFILES.get(0)), provider,
                    AgentPolicy.defaults());
            agent.provision();
            for (int i = 0; i < SCENARIOS; i++) {
                DeviceSession device = agent.lease();
                // a short scenario: launch the app, read what it shows
                device.app().launch(AppLaunch.of(page.url()).with("run", Integer.toString(i)));
                device.driver().findElement(By.cssSelector("#probe")).getText();
                long scenarioEnd = System.nanoTime();
                agent.release();
                if (i + 1 < SCENARIOS) {
                    agent.lease();
                    gaps.add(System.nanoTime() - scenarioEnd);
                    agent.release();
                }
            }
            List<Long> resets = agent.resets().stream().map(Duration::toNanos).toList();
            agent.close();

            List<CompletableFuture<DeviceSession>> opening = new ArrayList<>();
            for (int i = 0; i < PROFILES.size(); i++) {
                String profile = PROFILES.get(i);
                String name = "bench-mem-" + i;
                opening.add(CompletableFuture.supplyAsync(() -> open(provider, spec(name, profile))));
            }
            List<DeviceSession> devices = new ArrayList<>();
            for (CompletableFuture<DeviceSession> f : opening) {
                DeviceSession device = f.get();
                device.app().launch(AppLaunch.of(page.url()));
                devices.add(device);
            }
            Memory memory = Memory.of(ProcessHandle.of(appium.pid()).orElseThrow().descendants().toList());
            long appiumRss = Memory.of(List.of(ProcessHandle.of(appium.pid()).orElseThrow())).rssKib;
            devices.forEach(DeviceSession::close);

            double creationMedian = median(creations) / 1e6;
            double gapMedian = median(gaps) / 1e6;
            System.out.println();
            System.out.println("| measure | median | p90 | runs |");
            System.out.println("|---|---:|---:|---:|");
            row("new session (create)", creations);
            row("gap between two scenarios, reused session", gaps);
            row("reset alone", resets);
            System.out.println();
            System.out.printf(Locale.ROOT, "gap / creation: %.1f%% (target: under 10%%)%n", 100 * gapMedian / creationMedian);
            System.out.printf(Locale.ROOT, "memory, %d devices open: %,d KiB proportional set (%,d KiB per device), "
                            + "%,d KiB resident summed over %d processes; Appium itself %,d KiB resident%n",
                    devices.size(), memory.pssKib, memory.pssKib / devices.size(), memory.rssKib, memory.processes,
                    appiumRss);
        }
    }

    static DeviceSpec spec(String name, String profile) {
        Platform platform = profile.startsWith("iPhone") ? Platform.IOS : Platform.ANDROID;
        return new DeviceSpec(name, platform, DeviceKind.WEB_EMULATED, profile, null, null, Set.of(), Map.of());
    }

    static DeviceSession open(WebEmulatedProvider provider, DeviceSpec spec) {
        try {
            return provider.open(spec);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void row(String name, List<Long> nanos) {
        System.out.printf(Locale.ROOT, "| %s | %.0f ms | %.0f ms | %d |%n", name, median(nanos) / 1e6,
                percentile(nanos, 90) / 1e6, nanos.size());
    }

    static double median(List<Long> values) {
        return percentile(values, 50);
    }

    static double percentile(List<Long> values, int p) {
        List<Long> sorted = values.stream().sorted().toList();
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }

    /** Memory of processes from /proc: resident, and proportional (shared pages split between their users). */
    record Memory(long rssKib, long pssKib, int processes) {
        static Memory of(List<ProcessHandle> handles) throws IOException {
            long rss = 0;
            long pss = 0;
            int n = 0;
            for (ProcessHandle p : handles) {
                Path rollup = Path.of("/proc", Long.toString(p.pid()), "smaps_rollup");
                if (!Files.isReadable(rollup)) {
                    continue;
                }
                for (String line : Files.readAllLines(rollup)) {
                    if (line.startsWith("Rss:")) {
                        rss += kib(line);
                    } else if (line.startsWith("Pss:")) {
                        pss += kib(line);
                    }
                }
                n++;
            }
            return new Memory(rss, pss, n);
        }

        private static long kib(String line) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
    }
}
