package dev.harrow.backend.push;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.eatthepath.pushy.apns.util.SimpleApnsPayloadBuilder;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import dev.harrow.backend.config.PushSettings;

/**
 * APNs through one long-lived Pushy client per credential (Pushy keeps the HTTP/2 connections and the signing
 * token fresh), with at most {@code concurrency} notifications in flight: beyond that, senders wait for a slot
 * rather than queueing without bound in the client.
 */
public final class ApnsGateway implements PushGateway {
    /** Answers that prove the token dead: APNs' 410 and a token that is not a token. */
    static final Set<String> DEAD_TOKEN = Set.of("Unregistered", "BadDeviceToken");
    /** Answers worth trying again later: APNs' own overload and outages, and an expired provider token. */
    static final Set<String> TRANSIENT = Set.of("TooManyRequests", "InternalServerError", "ServiceUnavailable",
            "Shutdown", "ExpiredProviderToken", "IdleTimeout", "TooManyProviderTokenUpdates");

    private final ApnsClient client;
    private final String topic;
    private final Semaphore inFlight;
    private final Clock clock;

    ApnsGateway(ApnsClient client, String topic, int concurrency, Clock clock) {
        this.client = client;
        this.topic = topic;
        this.inFlight = new Semaphore(concurrency);
        this.clock = clock;
    }

    /**
     * A client for the configured credential.
     *
     * @param trusted the server certificate to trust instead of the system's (the sandbox's); null for APNs
     */
    public static ApnsGateway connect(PushSettings.Apns apns, X509Certificate trusted, EventLoopGroup events,
                                      Clock clock) {
        try (InputStream key = apns.keyFile() != null ? Files.newInputStream(apns.keyFile())
                : new ByteArrayInputStream(apns.keyPem().getBytes(StandardCharsets.US_ASCII))) {
            ApnsClientBuilder builder = new ApnsClientBuilder()
                    .setApnsServer(apns.host(), apns.port())
                    .setSigningKey(ApnsSigningKey.loadFromInputStream(key, apns.teamId(), apns.keyId()))
                    .setEventLoopGroup(events)
                    .setConnectionTimeout(Duration.ofSeconds(10));
            if (trusted != null) {
                builder.setTrustedServerCertificateChain(trusted);
            }
            return new ApnsGateway(builder.build(), apns.topic(), apns.concurrency(), clock);
        } catch (IOException | GeneralSecurityException e) {
            // The message names the key's id and file, never its content.
            throw new IllegalStateException("cannot load the APNs signing key " + apns.keyId() + ": "
                    + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public String name() {
        return "apns";
    }

    @Override
    public CompletableFuture<List<SendResult>> send(List<Outgoing> batch) {
        List<CompletableFuture<SendResult>> results = new ArrayList<>(batch.size());
        // A batch is mostly one message: its payload is written once, not once per device.
        Map<PushContent, String> payloads = new HashMap<>();
        for (Outgoing push : batch) {
            results.add(sendOne(push, payloads.computeIfAbsent(push.content(), ApnsGateway::payload)));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(done -> results.stream().map(CompletableFuture::join).toList());
    }

    private static String payload(PushContent content) {
        SimpleApnsPayloadBuilder payload = new SimpleApnsPayloadBuilder();
        if (content.title() != null) {
            payload.setAlertTitle(content.title());
        }
        if (content.body() != null) {
            payload.setAlertBody(content.body());
        }
        if (content.badge() != null) {
            payload.setBadgeNumber(content.badge());
        }
        if (content.sound() != null) {
            payload.setSound(content.sound());
        }
        boolean alert = content.title() != null || content.body() != null;
        if (!alert) {
            payload.setContentAvailable(true);
        }
        for (Map.Entry<String, String> entry : content.data().entrySet()) {
            payload.addCustomProperty(entry.getKey(), entry.getValue());
        }
        return payload.build();
    }

    private CompletableFuture<SendResult> sendOne(Outgoing push, String payload) {
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.completedFuture(SendResult.retry("Interrupted", null));
        }
        PushContent content = push.content();
        boolean alert = content.title() != null || content.body() != null;
        SimpleApnsPushNotification notification = new SimpleApnsPushNotification(push.token(), topic,
                payload, push.expiresAt(),
                content.priority() == PushContent.Priority.HIGH && alert ? DeliveryPriority.IMMEDIATE
                        : DeliveryPriority.CONSERVE_POWER,
                alert ? PushType.ALERT : PushType.BACKGROUND, content.collapseKey(), apnsId(push.deliveryId()));
        return client.sendNotification(notification)
                .handle((response, failure) -> {
                    inFlight.release();
                    return failure != null ? SendResult.retry("ConnectionFailed: " + failure.getClass()
                            .getSimpleName(), null) : answer(response);
                });
    }

    SendResult answer(PushNotificationResponse<?> response) {
        if (response.isAccepted()) {
            return SendResult.accepted(response.getApnsId().toString());
        }
        String reason = response.getRejectionReason().orElse("HTTP " + response.getStatusCode());
        if (DEAD_TOKEN.contains(reason)) {
            return SendResult.deadToken(reason, response.getTokenInvalidationTimestamp().orElse(clock.instant()));
        }
        if (TRANSIENT.contains(reason) || response.getStatusCode() >= 500) {
            return SendResult.retry(reason, null);
        }
        return SendResult.rejected(reason);
    }

    /** The same delivery always gets the same APNs id, so that a resend after a crash is recognisable. */
    static UUID apnsId(String deliveryId) {
        return UUID.nameUUIDFromBytes(deliveryId.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        client.close().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
}
