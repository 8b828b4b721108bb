package dev.harrow.backend.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.backend.config.PushSettings;
import dev.harrow.backend.ingest.RejectReason;
import dev.harrow.backend.ingest.ReceiptCheck;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.ops.BackendMetrics;
import dev.harrow.backend.ops.StartedParts;
import dev.harrow.backend.push.sandbox.ApnsSandbox;
import dev.harrow.backend.push.sandbox.FcmSandbox;
import dev.harrow.backend.push.sandbox.GatewayScript;
import dev.harrow.backend.push.sandbox.SandboxCertificate;
import dev.harrow.backend.push.sandbox.SandboxInbox;
import dev.harrow.backend.store.MongoEventStore;
import dev.harrow.backend.store.StoreUnavailableException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The push service: token registry, messages, the dispatcher and its gateways (and, in sandbox mode, the sandbox
 * gateways they talk to). Everything it keeps is in MongoDB beside the events; receipts are events.
 */
public final class PushService implements AutoCloseable {
    public static final String SANDBOX_PROJECT = "harrow-sandbox";
    public static final String SANDBOX_TOPIC = "dev.harrow.shop";
    private static final Logger log = LoggerFactory.getLogger(PushService.class);

    private final TokenRegistry tokens;
    private final PushOutbox outbox;
    private final PushSettings.Guard guard;
    private final PushDispatcher dispatcher;
    private final MongoEventStore events;
    private final Clock clock;
    private final Sandbox sandbox;
    private final Deque<AutoCloseable> started;

    /** The sandbox gateways' inbox and scripts, when this service runs them. */
    public record Sandbox(SandboxInbox inbox, GatewayScript apns, GatewayScript fcm, int apnsPort,
                          java.security.cert.X509Certificate apnsCertificate, String fcmEndpoint) {
        public GatewayScript script(String gateway) {
            return switch (gateway) {
                case "apns" -> apns;
                case "fcm" -> fcm;
                default -> throw new IllegalArgumentException("gateway: '" + gateway + "' is not apns or fcm");
            };
        }
    }

    private PushService(TokenRegistry tokens, PushOutbox outbox, PushDispatcher dispatcher, MongoEventStore events,
                        Clock clock, Sandbox sandbox, Deque<AutoCloseable> started, PushSettings.Guard guard) {
        this.guard = guard;
        this.tokens = tokens;
        this.outbox = outbox;
        this.dispatcher = dispatcher;
        this.events = events;
        this.clock = clock;
        this.sandbox = sandbox;
        this.started = started;
    }

    /**
     * Starts the service on the events' database.
     *
     * @param owner this backend instance's name in delivery claims
     */
    public static PushService start(PushSettings settings, MongoEventStore events, Runnable durable, String owner,
                                    Clock clock, BackendMetrics metrics, ObjectMapper json) {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            TokenRegistry tokens = new TokenRegistry(events.database(), durable);
            started.push(tokens);
            PushOutbox outbox = new PushOutbox(events.database(), durable, json);
            try {
                tokens.ensureIndexes();
                outbox.ensureIndexes();
            } catch (RuntimeException e) {
                log.warn("push indexes not created now (MongoDB not answering): {}", e.getMessage());
            }
            // One small event loop group for the APNs client and the sandbox: shutting down is then quick.
            EventLoopGroup netty = new NioEventLoopGroup(2);
            started.push(() -> netty.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS));
            Map<String, PushGateway> gateways = new LinkedHashMap<>();
            Sandbox sandbox = null;
            if (settings.sandbox()) {
                SandboxInbox inbox = new SandboxInbox();
                GatewayScript apnsScript = new GatewayScript();
                GatewayScript fcmScript = new GatewayScript();
                ApnsSandbox apnsSandbox = ApnsSandbox.start(netty, apnsScript, inbox, clock, json);
                started.push(apnsSandbox);
                FcmSandbox fcmSandbox = FcmSandbox.start(fcmScript, inbox, clock, json);
                started.push(fcmSandbox);
                sandbox = new Sandbox(inbox, apnsScript, fcmScript, apnsSandbox.port(), apnsSandbox.certificate(),
                        fcmSandbox.endpoint());
                PushSettings.Apns apns = new PushSettings.Apns("HARROWSBX1", "HARROWTEAM", SANDBOX_TOPIC, null,
                        sandboxSigningKey(), "127.0.0.1", apnsSandbox.port(), 1000);
                gateways.put("ios", ApnsGateway.connect(apns, apnsSandbox.certificate(), netty, clock));
                gateways.put("android", FcmGateway.sandbox(SANDBOX_PROJECT, fcmSandbox.endpoint(), 64, clock));
            } else {
                gateways.put("ios", settings.apns() == null
                        ? PushGateway.unconfigured("apns", "NotConfigured: no APNs credentials")
                        : ApnsGateway.connect(settings.apns(), null, netty, clock));
                gateways.put("android", settings.fcm() == null
                        ? PushGateway.unconfigured("fcm", "NotConfigured: no FCM service account")
                        : FcmGateway.connect(settings.fcm(), clock));
            }
            gateways.values().forEach(started::push);
            PushDispatcher dispatcher = new PushDispatcher(outbox, tokens, gateways, settings.dispatch(), owner,
                    clock, metrics).start();
            started.push(dispatcher);
            log.info("push service started ({}; gateways {})", settings.sandbox() ? "sandbox gateways on loopback"
                    : "production gateways", gateways.keySet());
            return new PushService(tokens, outbox, dispatcher, events, clock, sandbox, started, settings.guard());
        } catch (RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    /** A fresh P-256 signing key for the sandbox's APNs client, as PKCS#8 PEM (the .p8 format). */
    private static String sandboxSigningKey() {
        try {
            byte[] der = SandboxCertificate.ecKeyPair().getPrivate().getEncoded();
            return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                    .encodeToString(der) + "\n-----END PRIVATE KEY-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the sandbox's APNs signing key", e);
        }
    }

    public TokenRegistry tokens() {
        return tokens;
    }

    public Optional<Sandbox> sandbox() {
        return Optional.ofNullable(sandbox);
    }

    /**
     * Creates a message (or returns the one with the same idempotency key) and expands it to its devices.
     *
     * @return the message and whether it existed already
     */
    public Map.Entry<PushMessage, Boolean> create(String appId, String idempotencyKey, PushTarget target,
                                                  PushContent content, PushSchedule schedule) {
        List<String> problems = PushMessage.problems(idempotencyKey, target, content, schedule);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        Instant now = clock.instant();
        PushMessage message = new PushMessage(UUID.randomUUID().toString(), appId, idempotencyKey, target, content,
                schedule == null ? PushSchedule.now() : schedule, now, false, false, 0);
        Map.Entry<PushMessage, Boolean> created = outbox.create(message);
        if (created.getValue()) {
            return created;
        }
        int targeted = outbox.expand(message, tokens.reachedBy(appId, target), now);
        dispatcher.wake();
        return Map.entry(new PushMessage(message.id(), appId, idempotencyKey, target, content, message.schedule(),
                now, true, false, targeted), false);
    }

    public Optional<PushMessage> message(String appId, String id) {
        return outbox.message(id).filter(m -> m.appId().equals(appId));
    }

    /** The status of an app's latest messages, newest first. */
    public List<Map<String, Object>> recent(String appId, int limit) throws StoreUnavailableException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PushMessage m : outbox.recent(appId, limit)) {
            status(appId, m.id()).ifPresent(out::add);
        }
        return out;
    }

    /** Cancels what has not gone out yet. */
    public Optional<Map<String, Object>> cancel(String appId, String id) throws StoreUnavailableException {
        if (message(appId, id).isEmpty()) {
            return Optional.empty();
        }
        outbox.cancel(id);
        return status(appId, id);
    }

    /**
     * Takes a receipt only for a push that was sent (or is being sent) to that device, dated no earlier than the
     * push fell due and no later than now, each give or take the clock allowance; a receipt for a push the device
     * never got is refused, so that the delivery figures count only real deliveries.
     */
    public Optional<ReceiptCheck.Refusal> checkReceipt(TelemetryEvent receipt, Instant now) {
        Object messageId = receipt.props().get(MongoEventStore.PUSH_MESSAGE_ID);
        if (!(messageId instanceof String id) || id.isBlank()) {
            return Optional.of(new ReceiptCheck.Refusal(RejectReason.UNKNOWN_PUSH,
                    "a receipt names its push in props.messageId"));
        }
        Optional<org.bson.Document> copy = outbox.delivery(id, receipt.deviceId());
        String state = copy.map(c -> c.getString("state")).orElse(null);
        boolean sentOrSending = DeliveryState.ACCEPTED.name().equals(state) || DeliveryState.CLAIMED.name().equals(state)
                || DeliveryState.PENDING.name().equals(state);
        if (copy.isEmpty() || !sentOrSending) {
            return Optional.of(new ReceiptCheck.Refusal(RejectReason.UNKNOWN_PUSH,
                    "no push " + id + " was sent to this device"));
        }
        java.util.Date sent = copy.get().getDate("settledAt") != null ? copy.get().getDate("settledAt")
                : copy.get().getDate("dueAt");
        Duration allowance = guard.receiptClockAllowance();
        if ((sent != null && receipt.ts().isBefore(sent.toInstant().minus(allowance)))
                || receipt.ts().isAfter(now.plus(allowance))) {
            return Optional.of(new ReceiptCheck.Refusal(RejectReason.RECEIPT_OUT_OF_RANGE,
                    "a receipt is dated between its push's send and now, give or take " + allowance.toMinutes()
                            + " minutes"));
        }
        return Optional.empty();
    }

    /** Counts, receipts and latencies of a message, as the admin API shows them. */
    public Optional<Map<String, Object>> status(String appId, String id) throws StoreUnavailableException {
        Optional<PushMessage> found = message(appId, id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        PushMessage message = found.get();
        PushOutbox.Counts counts = outbox.counts(id);
        Map<String, Instant> sentAt = counts.sentAt();
        Receipts receipts = Receipts.of(events.pushReceipts(appId, id), TelemetryEvent::deviceId, sentAt);
        Map<String, Instant> delivered = receipts.delivered();
        Map<String, Instant> opened = receipts.opened();
        long open = counts.of(DeliveryState.PENDING) + counts.of(DeliveryState.CLAIMED);
        long settled = counts.byState().values().stream().mapToLong(Long::longValue).sum() - open;
        String state = message.cancelled() ? "cancelled" : !message.expanded() ? "expanding"
                : open == 0 ? "done" : settled == 0 && counts.retrying() == 0 ? "scheduled" : "sending";
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("id", message.id());
        status.put("app", appId);
        status.put("state", state);
        status.put("createdAt", message.createdAt());
        status.put("schedule", message.schedule());
        status.put("idempotencyKey", message.idempotencyKey());
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("targeted", message.targeted());
        c.put("pending", open);
        c.put("retrying", counts.retrying());
        c.put("sent", counts.of(DeliveryState.ACCEPTED) + counts.of(DeliveryState.REJECTED));
        c.put("accepted", counts.of(DeliveryState.ACCEPTED));
        c.put("rejected", counts.of(DeliveryState.REJECTED));
        c.put("rejectedByReason", counts.rejectedByReason());
        c.put("failed", counts.of(DeliveryState.FAILED));
        c.put("failedByReason", counts.failedByReason());
        c.put("cancelled", counts.of(DeliveryState.CANCELLED));
        c.put("expired", counts.of(DeliveryState.EXPIRED));
        c.put("delivered", delivered.size());
        c.put("opened", opened.size());
        status.put("counts", c);
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("sendToDelivered", Percentiles.of(latencies(sentAt, delivered)));
        latency.put("sendToOpened", Percentiles.of(latencies(sentAt, opened)));
        status.put("latencyMillis", latency);
        return Optional.of(status);
    }

    private static List<Long> latencies(Map<String, Instant> sentAt, Map<String, Instant> receipts) {
        List<Long> out = new ArrayList<>();
        receipts.forEach((key, at) -> out.add(millisBetween(sentAt.get(key), at)));
        return out;
    }

    /** A receipt's latency; a device clock behind the backend's reads 0, not a negative figure. */
    private static Long millisBetween(Instant sent, Instant receipt) {
        return sent == null || receipt == null ? null : Math.max(0, Duration.between(sent, receipt).toMillis());
    }

    /**
     * One device's pushes that fell due at or after {@code since} (at most {@code limit}, oldest first): each copy's
     * outcome and receipts, and the device's counts and latencies over them, as the admin API shows them.
     */
    public Map<String, Object> deliveries(String appId, String deviceId, Instant since, int limit)
            throws StoreUnavailableException {
        List<Document> copies = outbox.deliveriesTo(appId, deviceId, since, limit);
        Map<String, Instant> sentAt = new LinkedHashMap<>();
        Map<DeliveryState, Long> byState = new EnumMap<>(DeliveryState.class);
        for (Document copy : copies) {
            DeliveryState state = DeliveryState.valueOf(copy.getString("state"));
            byState.merge(state, 1L, Long::sum);
            if (state == DeliveryState.ACCEPTED) {
                sentAt.put(copy.getString("message"), copy.getDate("settledAt").toInstant());
            }
        }
        Receipts receipts = Receipts.of(events.pushReceipts(appId, deviceId, sentAt.keySet()),
                r -> String.valueOf(r.props().get(MongoEventStore.PUSH_MESSAGE_ID)), sentAt);
        List<Map<String, Object>> list = new ArrayList<>(copies.size());
        for (Document copy : copies) {
            Map<String, Object> one = new LinkedHashMap<>();
            String messageId = copy.getString("message");
            one.put("messageId", messageId);
            one.put("state", DeliveryState.valueOf(copy.getString("state")).wire());
            one.put("reason", copy.getString("reason"));
            one.put("attempts", copy.getInteger("attempts"));
            one.put("dueAt", instant(copy.getDate("dueAt")));
            one.put("sentAt", sentAt.get(messageId));
            one.put("deliveredAt", receipts.delivered().get(messageId));
            one.put("openedAt", receipts.opened().get(messageId));
            one.put("deliveredAfterMillis", millisBetween(sentAt.get(messageId), receipts.delivered().get(messageId)));
            one.put("openedAfterMillis", millisBetween(sentAt.get(messageId), receipts.opened().get(messageId)));
            list.add(one);
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("targeted", copies.size());
        c.put("pending", byState.getOrDefault(DeliveryState.PENDING, 0L)
                + byState.getOrDefault(DeliveryState.CLAIMED, 0L));
        c.put("sent", byState.getOrDefault(DeliveryState.ACCEPTED, 0L)
                + byState.getOrDefault(DeliveryState.REJECTED, 0L));
        for (DeliveryState settled : List.of(DeliveryState.ACCEPTED, DeliveryState.REJECTED, DeliveryState.FAILED,
                DeliveryState.CANCELLED, DeliveryState.EXPIRED)) {
            c.put(settled.wire(), byState.getOrDefault(settled, 0L));
        }
        c.put("delivered", receipts.delivered().size());
        c.put("opened", receipts.opened().size());
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("sendToDelivered", Percentiles.of(latencies(sentAt, receipts.delivered())));
        latency.put("sendToOpened", Percentiles.of(latencies(sentAt, receipts.opened())));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("app", appId);
        out.put("deviceId", deviceId);
        out.put("since", since);
        out.put("counts", c);
        out.put("latencyMillis", latency);
        out.put("deliveries", list);
        return out;
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }

    /**
     * The earliest {@code push_delivered} and {@code push_opened} receipt per key (a device of one message, or a
     * message of one device), counting only copies a gateway accepted.
     */
    private record Receipts(Map<String, Instant> delivered, Map<String, Instant> opened) {
        static Receipts of(List<TelemetryEvent> receipts, Function<TelemetryEvent, String> key,
                           Map<String, Instant> sentAt) {
            Receipts out = new Receipts(new LinkedHashMap<>(), new LinkedHashMap<>());
            for (TelemetryEvent receipt : receipts) {
                String k = key.apply(receipt);
                if (!sentAt.containsKey(k)) {
                    continue;
                }
                Map<String, Instant> into = switch (receipt.type()) {
                    case "push_delivered" -> out.delivered();
                    case "push_opened" -> out.opened();
                    default -> null;
                };
                if (into != null) {
                    into.merge(k, receipt.ts(), (a, b) -> a.isBefore(b) ? a : b);
                }
            }
            return out;
        }
    }

    /** One delivery, as stored: for people asking "what happened to the push on this device?". */
    public Optional<Document> delivery(String appId, String messageId, String deviceId) {
        return message(appId, messageId).flatMap(m -> outbox.delivery(messageId, deviceId));
    }

    @Override
    public void close() {
        closeAll(started);
    }

    private static void closeAll(Deque<AutoCloseable> started) {
        StartedParts.closeAll(started, log);
    }
}
