package dev.harrow.backend.push;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.core.ApiFuture;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.ErrorCode;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.IncomingHttpResponse;
import com.google.firebase.messaging.AndroidConfig;
import com.google.firebase.messaging.BatchResponse;
import com.google.firebase.messaging.FirebaseMessaging;
import com.google.firebase.messaging.FirebaseMessagingException;
import com.google.firebase.messaging.Message;
import com.google.firebase.messaging.MessagingErrorCode;
import com.google.firebase.messaging.Notification;
import com.google.firebase.messaging.SendResponse;
import dev.harrow.backend.config.PushSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * FCM HTTP v1 through the Firebase Admin SDK: one Firebase app per credential, {@code sendEach} in chunks of at
 * most {@code concurrency} (never more than FCM's 500), per-message answers. Note that the SDK itself retries a
 * 503 a few times (honouring {@code Retry-After}) before it answers; Harrow's schedule retries what it gives up on.
 */
public final class FcmGateway implements PushGateway {
    static final int FCM_MAX_BATCH = 500;

    private final FirebaseApp app;
    private final FirebaseMessaging messaging;
    private final int chunk;
    private final Clock clock;

    private FcmGateway(FirebaseApp app, int chunk, Clock clock) {
        this.app = app;
        this.messaging = FirebaseMessaging.getInstance(app);
        this.chunk = chunk;
        this.clock = clock;
    }

    /** A gateway for the configured project; {@code endpoint} (when set) replaces Google's host, for stubs. */
    public static FcmGateway connect(PushSettings.Fcm fcm, Clock clock) {
        try (InputStream account = fcm.serviceAccountFile() != null ? Files.newInputStream(fcm.serviceAccountFile())
                : new ByteArrayInputStream(fcm.serviceAccountJson().getBytes(StandardCharsets.UTF_8))) {
            return connect(fcm, GoogleCredentials.fromStream(account), clock);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the FCM service account of project " + fcm.projectId()
                    + ": " + e.getClass().getSimpleName(), e);
        }
    }

    /** A gateway to a stub that takes any bearer token: the sandbox. */
    public static FcmGateway sandbox(String projectId, String endpoint, int concurrency, Clock clock) {
        GoogleCredentials fixed = new GoogleCredentials() {
            @Override
            public AccessToken refreshAccessToken() {
                return new AccessToken("harrow-sandbox", Date.from(Instant.now().plus(Duration.ofDays(1))));
            }
        };
        return connect(new PushSettings.Fcm(projectId, null, "{}", endpoint, concurrency), fixed, clock);
    }

    private static FcmGateway connect(PushSettings.Fcm fcm, GoogleCredentials credentials, Clock clock) {
        FirebaseOptions.Builder options = FirebaseOptions.builder().setCredentials(credentials)
                .setProjectId(fcm.projectId()).setConnectTimeout(10_000).setReadTimeout(30_000);
        if (fcm.endpoint() != null) {
            String base = fcm.endpoint().replaceAll("/+$", "");
            // The SDK has no setting for its URL; the transport sends its requests to the configured host instead.
            options.setHttpTransport(new NetHttpTransport.Builder().setConnectionFactory(url ->
                    (HttpURLConnection) new URL(base + url.getFile()).openConnection()).build());
        }
        FirebaseApp app = FirebaseApp.initializeApp(options.build(), "harrow-fcm-" + UUID.randomUUID());
        return new FcmGateway(app, Math.min(FCM_MAX_BATCH, fcm.concurrency()), clock);
    }

    @Override
    public String name() {
        return "fcm";
    }

    @Override
    public CompletableFuture<List<SendResult>> send(List<Outgoing> batch) {
        return CompletableFuture.supplyAsync(() -> {
            List<SendResult> results = new ArrayList<>(batch.size());
            for (int from = 0; from < batch.size(); from += chunk) {
                List<Outgoing> part = batch.subList(from, Math.min(batch.size(), from + chunk));
                results.addAll(sendChunk(part));
            }
            return results;
        });
    }

    private List<SendResult> sendChunk(List<Outgoing> part) {
        List<Message> messages = part.stream().map(FcmGateway::message).toList();
        ApiFuture<BatchResponse> future = messaging.sendEachAsync(messages);
        try {
            List<SendResult> results = new ArrayList<>(part.size());
            for (SendResponse response : future.get().getResponses()) {
                results.add(response.isSuccessful() ? SendResult.accepted(response.getMessageId())
                        : answer(response.getException()));
            }
            return results;
        } catch (ExecutionException e) {
            String why = "SendFailed: " + e.getCause().getClass().getSimpleName();
            return part.stream().map(o -> SendResult.retry(why, null)).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return part.stream().map(o -> SendResult.retry("Interrupted", null)).toList();
        }
    }

    static Message message(Outgoing push) {
        PushContent content = push.content();
        AndroidConfig.Builder android = AndroidConfig.builder()
                .setPriority(content.priority() == PushContent.Priority.HIGH ? AndroidConfig.Priority.HIGH
                        : AndroidConfig.Priority.NORMAL)
                .setTtl(content.ttl().toMillis());
        if (content.collapseKey() != null) {
            android.setCollapseKey(content.collapseKey());
        }
        Message.Builder message = Message.builder().setToken(push.token()).putAllData(content.data())
                .setAndroidConfig(android.build());
        if (content.title() != null || content.body() != null) {
            message.setNotification(Notification.builder().setTitle(content.title()).setBody(content.body())
                    .build());
        }
        return message.build();
    }

    SendResult answer(FirebaseMessagingException e) {
        MessagingErrorCode code = e.getMessagingErrorCode();
        Duration retryAfter = retryAfter(e.getHttpResponse());
        if (code == null) {
            ErrorCode general = e.getErrorCode();
            boolean transientError = general == ErrorCode.UNAVAILABLE || general == ErrorCode.INTERNAL
                    || general == ErrorCode.DEADLINE_EXCEEDED || general == ErrorCode.UNKNOWN
                    || general == ErrorCode.RESOURCE_EXHAUSTED;
            String reason = general == null ? "UNKNOWN" : general.name();
            return transientError ? SendResult.retry(reason, retryAfter) : SendResult.rejected(reason);
        }
        return switch (code) {
            case UNREGISTERED -> SendResult.deadToken(code.name(), clock.instant());
            // INVALID_ARGUMENT also covers a bad payload: only a token FCM calls invalid is a dead token.
            case INVALID_ARGUMENT -> invalidToken(e.getMessage())
                    ? SendResult.deadToken(code.name(), clock.instant())
                    : SendResult.rejected(code.name() + ": " + e.getMessage());
            case QUOTA_EXCEEDED, UNAVAILABLE, INTERNAL -> SendResult.retry(code.name(), retryAfter);
            // A token of another sender, or the app's APNs credentials in Firebase: the token may be fine.
            case SENDER_ID_MISMATCH, THIRD_PARTY_AUTH_ERROR -> SendResult.rejected(code.name());
        };
    }

    static boolean invalidToken(String message) {
        return message != null && message.toLowerCase(Locale.ROOT).contains("registration token");
    }

    /** {@code Retry-After} in seconds (or an HTTP date), when the answer had one. */
    static Duration retryAfter(IncomingHttpResponse response) {
        if (response == null) {
            return null;
        }
        Object value = response.getHeaders().get("retry-after");
        if (value instanceof List<?> list) {
            value = list.isEmpty() ? null : list.get(0);
        }
        if (value == null) {
            return null;
        }
        String text = value.toString().trim();
        try {
            return Duration.ofSeconds(Long.parseLong(text));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = java.time.ZonedDateTime.parse(text,
                        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Duration.between(Instant.now(), at).isNegative() ? Duration.ZERO
                        : Duration.between(Instant.now(), at);
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }
    }

    @Override
    public void close() {
        app.delete();
    }
}
