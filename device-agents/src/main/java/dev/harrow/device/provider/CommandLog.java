package dev.harrow.device.provider;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.openqa.selenium.remote.http.Contents;
import org.openqa.selenium.remote.http.Filter;
import org.openqa.selenium.remote.http.HttpRequest;
import org.openqa.selenium.remote.http.HttpResponse;

/**
 * The WebDriver commands a session sent and what came back, with timings: the command log of a session capture.
 * Recorded by an HTTP filter on the session's WebDriver client, so it sees every command whatever sent it (the
 * scenario, the device agent, Appium's client), at the cost of copying each small request and answer. Answers
 * larger than {@value #MAX_ANSWER} characters (screenshots, page sources) are kept as their size only. At most
 * {@value #MAX_COMMANDS} commands are kept between two {@link #drain()}s; later ones are counted as dropped.
 */
public final class CommandLog {
    public static final int MAX_ANSWER = 4096;
    public static final int MAX_COMMANDS = 20_000;
    private static final Pattern SESSION = Pattern.compile("^/session(/[^/]+)?");

    /**
     * One command. {@code path} has the session id taken out ({@code /element/ID/click}, {@code /url}); an empty
     * path is the session's creation (or deletion with {@code DELETE}).
     */
    public record Command(Instant at, long millis, String method, String path, String body, int status,
                          String answer) {
    }

    private final List<Command> commands = new ArrayList<>();
    private int dropped;
    private long recordingNanos;

    /** An HTTP filter for the session's WebDriver client that records each command and its answer. */
    public Filter filter() {
        return next -> request -> {
            long copying = System.nanoTime();
            Instant at = Instant.now();
            String body = text(request);
            long start = System.nanoTime();
            copying = start - copying;
            HttpResponse response = next.execute(request);
            long end = System.nanoTime();
            long millis = (end - start) / 1_000_000;
            byte[] answer = Contents.bytes(response.getContent());
            // The body was read: give the client a copy to read again.
            response.setContent(Contents.bytes(answer));
            String kept = answer.length <= MAX_ANSWER ? new String(answer, StandardCharsets.UTF_8)
                    : "{\"omitted\":" + answer.length + "}";
            record(new Command(at, millis, request.getMethod().name(), SESSION.matcher(request.getUri())
                    .replaceFirst(""), body, response.getStatus(), kept), copying + System.nanoTime() - end);
            return response;
        };
    }

    private synchronized void record(Command command, long costNanos) {
        recordingNanos += costNanos;
        if (commands.size() >= MAX_COMMANDS) {
            dropped++;
        } else {
            commands.add(command);
        }
    }

    /** The commands recorded since the last call, oldest first. */
    public synchronized List<Command> drain() {
        List<Command> out = List.copyOf(commands);
        commands.clear();
        return out;
    }

    /** Time the recording itself has cost so far (copying requests and answers), for the capture-cost figure. */
    public synchronized long recordingNanos() {
        return recordingNanos;
    }

    /** Commands not kept because the log was full. */
    public synchronized int dropped() {
        return dropped;
    }

    private static String text(HttpRequest request) {
        byte[] body = Contents.bytes(request.getContent());
        // The request is sent after this: give it its body back.
        request.setContent(Contents.bytes(body));
        return new String(body, StandardCharsets.UTF_8);
    }
}
