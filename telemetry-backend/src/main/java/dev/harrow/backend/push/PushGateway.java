package dev.harrow.backend.push;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A way to the devices of one platform: APNs for iOS, FCM for Android. Implementations keep one long-lived client
 * and bound their own concurrency; they never throw for one push's failure, they answer it.
 */
public interface PushGateway extends AutoCloseable {
    /** {@code apns} or {@code fcm}. */
    String name();

    /** Sends every push of the batch; the results come in the batch's order. */
    CompletableFuture<List<SendResult>> send(List<Outgoing> batch);

    @Override
    void close();

    /** The gateway of a platform nobody configured: every push is refused, saying so. */
    static PushGateway unconfigured(String name, String why) {
        return new PushGateway() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public CompletableFuture<List<SendResult>> send(List<Outgoing> batch) {
                return CompletableFuture.completedFuture(batch.stream().map(o -> SendResult.rejected(why)).toList());
            }

            @Override
            public void close() {
            }
        };
    }
}
