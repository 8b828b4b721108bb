package dev.harrow.device.network;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One request that the app on a device made, as the device's network path saw it: what was asked, what the profile
 * did to it, and what came back. The entries of the try's HAR file are these.
 *
 * @param outcome {@link Outcome} of the request
 * @param requestBody the body sent, when bodies are kept ({@code farm.har.bodies}); null otherwise
 * @param status the answer's status; 0 when there was none
 * @param shapedMillis the time the profile added (latency, jitter, bandwidth)
 */
public record Exchange(Instant started, String method, String url, String httpVersion,
                       List<Map.Entry<String, String>> requestHeaders, long requestBytes, String requestBody,
                       Outcome outcome, int status, String statusText, List<Map.Entry<String, String>> responseHeaders,
                       long responseBytes, String mimeType, long totalMillis, long waitMillis, long shapedMillis,
                       String profile) {

    /** What the path did with a request. */
    public enum Outcome {
        /** Sent on and answered. */
        FORWARDED,
        /** Failed at once: the device was offline. Nothing left the device. */
        OFFLINE,
        /** Refused at once: a host the run does not use. Not looked up, not forwarded. */
        REFUSED_HOST,
        /** Lost on the way up (the server never saw it) by the profile's loss. */
        LOST_UP,
        /** Lost on the way down (the server answered; the app never heard) by the profile's loss. */
        LOST_DOWN,
        /** The server could not be reached or broke off. */
        FAILED;

        /** Whether the request reached its server. */
        public boolean reachedServer() {
            return this == FORWARDED || this == LOST_DOWN;
        }
    }

    /** Whether this request reached its server. */
    public boolean reachedServer() {
        return outcome.reachedServer();
    }
}
