package dev.harrow.farm.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A session bundle is data from elsewhere: a replay sends only W3C commands and writes through no link. */
class ReplaySafetyTest {
    @TempDir
    Path dir;

    @Test
    void onlyKnownW3cCommandsAreSentAndNothingClimbsOutOfTheSession() {
        assertThat(CommandReplay.replayable("POST", "/url")).isTrue();
        assertThat(CommandReplay.replayable("POST", "/element/6f1c-22.1/click")).isTrue();
        assertThat(CommandReplay.replayable("GET", "/element/abc/attribute/value")).isTrue();

        assertThat(CommandReplay.replayable("POST", "/goog/cdp/execute")).as("DevTools: not W3C").isFalse();
        assertThat(CommandReplay.replayable("DELETE", "")).isFalse();
        assertThat(CommandReplay.replayable("POST", "/../../session")).isFalse();
        assertThat(CommandReplay.replayable("POST", "/element/../click")).isFalse();
        assertThat(CommandReplay.replayable("POST", "/element/%2e%2e/click")).isFalse();
        assertThat(CommandReplay.replayable("GET", "/url/extra")).isFalse();
        assertThat(CommandReplay.replayable("PUT", "/url")).isFalse();
    }

    @Test
    void aScreenshotIsNeverWrittenThroughALink() throws IOException {
        Path outside = dir.resolve("outside.txt");
        Files.writeString(outside, "keep me");
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        Path planted = bundle.resolve("replay-pixel-7.png");
        Files.createSymbolicLink(planted, outside);

        assertThatThrownBy(() -> ReplayMain.writeWithoutFollowingLinks(planted, new byte[] {1, 2, 3}))
                .isInstanceOf(IOException.class);
        assertThat(Files.readString(outside)).isEqualTo("keep me");

        Path plain = bundle.resolve("replay-iphone.png");
        ReplayMain.writeWithoutFollowingLinks(plain, new byte[] {1, 2, 3});
        assertThat(Files.readAllBytes(plain)).containsExactly(1, 2, 3);
    }
}
