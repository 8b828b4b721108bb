package dev.harrow.farm.schedule;

import static dev.harrow.farm.stub.StubPool.GENEROUS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.harrow.device.config.PoolMode;
import dev.harrow.farm.stub.ScriptedScenarios.Script;
import dev.harrow.farm.stub.StubPool;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RunProgressTest {
    static final Pattern COUNT = Pattern.compile("^\\[farm (\\d+)/(\\d+) · \\d+:\\d{2}");

    @Test
    void plainLogsGetWholeLinesWithCountsThatOnlyGoUpAndThePerDeviceStatus() {
        StubPool pool = new StubPool().devices("pixel-a", "pixel-b")
                .progress(RunProgress.Style.PLAIN, Duration.ofMillis(40));
        pool.scenarios.byDefault(Script.takesMillis(120));

        pool.run(StubPool.suite("s1", "s2", "s3", "s4", "s5", "s6"), PoolMode.DISTRIBUTE, RetryPolicy.defaults(),
                GENEROUS);

        String console = pool.console();
        assertThat(console).doesNotContain("\r").doesNotContain("\u001b");
        List<String> counted = console.lines().filter(l -> COUNT.matcher(l).find()).toList();
        assertThat(counted).as(console).anySatisfy(l -> assertThat(l).contains("PASSED").endsWith("s)"))
                .anySatisfy(l -> assertThat(l).containsPattern("pixel-a: (Suite#s\\d \\[pool\\] \\d+s|idle|starting|resetting|done)")
                        .contains(" | pixel-b: "));
        int last = -1;
        for (String line : counted) {
            Matcher m = COUNT.matcher(line);
            assertThat(m.find()).isTrue();
            assertThat(Integer.parseInt(m.group(2))).isEqualTo(6);
            assertThat(Integer.parseInt(m.group(1))).as(console).isGreaterThanOrEqualTo(last);
            last = Integer.parseInt(m.group(1));
        }
        assertThat(counted.stream().filter(l -> l.contains("PASSED"))).hasSize(6);
        assertThat(counted).anySatisfy(l -> assertThat(l).startsWith("[farm 6/6"));
    }

    @Test
    void aTerminalGetsOneStatusLineRedrawnInPlaceAndClearedAtTheEnd() {
        StubPool pool = new StubPool().devices("pixel-a").progress(RunProgress.Style.TERMINAL, Duration.ofSeconds(30));
        pool.scenarios.byDefault(Script.takesMillis(60));

        pool.run(StubPool.suite("s1", "s2", "s3"), PoolMode.DISTRIBUTE, RetryPolicy.defaults(), GENEROUS);

        String console = pool.console();
        assertThat(console).containsPattern("\r\u001b\\[2K\\[farm \\d/3 [^\n]*\\] pixel-a: ");
        // What stays on the screen once the terminal has applied every redraw: the finished tries, each a line
        // of its own, and no status line left half drawn.
        StringBuilder current = new StringBuilder();
        List<String> screen = new java.util.ArrayList<>();
        for (int i = 0; i < console.length(); i++) {
            if (console.startsWith("\r\u001b[2K", i)) {
                current.setLength(0);
                i += 4;
            } else if (console.charAt(i) == '\n') {
                screen.add(current.toString());
                current.setLength(0);
            } else {
                current.append(console.charAt(i));
            }
        }
        assertThat(current).as(console).isEmpty();
        assertThat(screen).noneSatisfy(l -> assertThat(l).contains("pixel-a: "));
        assertThat(screen).filteredOn(l -> l.contains("PASSED")).hasSize(3)
                .allSatisfy(l -> assertThat(l).matches(COUNT.pattern() + ".*"));
    }
}
