package dev.harrow.backend.push;

import dev.harrow.backend.config.PushSettings;
import dev.harrow.backend.http.ApiServer;
import dev.harrow.backend.ops.BackendMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what is due: claims deliveries from the {@link PushOutbox}, hands them to the platform's gateway, and
 * writes back what the gateway said. Permanent refusals are final (and a dead token is deactivated); transient
 * ones go back to the schedule with exponential backoff and jitter, never sooner than the gateway's
 * {@code Retry-After}, until the attempts run out. Two loops run per instance, so that one claims and settles in
 * MongoDB while the other's batch is in flight.
 */
public final class PushDispatcher implements AutoCloseable {
    static final String SENT = "harrow_push_sends_total";
    static final int LOOPS = 2;
    private static final Logger log = LoggerFactory.getLogger(PushDispatcher.class);

    private final PushOutbox outbox;
    private final TokenRegistry tokens;
    private final Map<String, PushGateway> gateways;
    private final PushSettings.Dispatch settings;
    private final String owner;
    private final Clock clock;
    private final BackendMetrics metrics;
    private final List<Thread> loops = new ArrayList<>();
    private final Object wake = new Object();
    private volatile boolean running;
    private Instant nextRecovery = Instant.MIN;

    /**
     * @param gateways by platform: {@code ios} and {@code android}
     * @param owner this instance's name in claims
     */
    public PushDispatcher(PushOutbox outbox, TokenRegistry tokens, Map<String, PushGateway> gateways,
                          PushSettings.Dispatch settings, String owner, Clock clock, BackendMetrics metrics) {
        this.outbox = outbox;
        this.tokens = tokens;
        this.gateways = Map.copyOf(gateways);
        this.settings = settings;
        this.owner = owner;
        this.clock = clock;
        this.metrics = metrics;
    }

    public PushDispatcher start() {
        running = true;
        for (int i = 0; i < LOOPS; i++) {
            Thread loop = new Thread(this::loop, "harrow-push-dispatch-" + i);
            loop.setDaemon(true);
            loops.add(loop);
            loop.start();
        }
        return this;
    }

    /** Something became due now (a message was created): look without waiting for the next poll. */
    public void wake() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    private void loop() {
        while (running) {
            int done;
            try {
                recoverUnexpanded();
                done = runOnce();
            } catch (RuntimeException e) {
                log.warn("push dispatch round failed (will retry): {}", e.toString());
                done = 0;
            }
            if (done == 0) {
                synchronized (wake) {
                    try {
                        wake.wait(settings.poll().toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /**
     * Expands messages whose creating request died before it could. Looked for once per sweep interval, not on
     * every round: such messages are rare, and the search reads the messages collection.
     */
    void recoverUnexpanded() {
        Instant now = clock.instant();
        synchronized (wake) {
            if (now.isBefore(nextRecovery)) {
                return;
            }
            nextRecovery = now.plus(settings.sweep());
        }
        for (PushMessage message : outbox.takeUnexpanded(now, settings.lease())) {
            int n = outbox.expand(message, tokens.reachedBy(message.appId(), message.target()), now);
            log.info("push message {} expanded after a restart: {} device(s)", message.id(), n);
        }
    }

    /** One round: claim, send, settle. Returns how many devices it settled. */
    public int runOnce() {
        Instant now = clock.instant();
        List<PushOutbox.Claimed> claimed = outbox.claim(owner, now, settings.batch(), settings.lease(),
                settings.sweep());
        if (claimed.isEmpty()) {
            return 0;
        }
        Map<String, PushMessage> messages = outbox.messages(claimed.stream().map(PushOutbox.Claimed::messageId)
                .collect(Collectors.toSet())).stream().collect(Collectors.toMap(PushMessage::id, m -> m));
        // Every batch of the round goes out before any result is awaited, so that the gateways work in parallel;
        // a batch of a cancelled message, or past its TTL, is not sent (its future stays null).
        List<CompletableFuture<List<SendResult>>> sends = new ArrayList<>(claimed.size());
        // When each batch's answers came back: latencies to the apps' receipts start there, not at the write.
        List<CompletableFuture<Instant>> answered = new ArrayList<>(claimed.size());
        for (PushOutbox.Claimed batch : claimed) {
            PushMessage message = messages.get(batch.messageId());
            boolean live = message != null && !message.cancelled() && !now.isAfter(batch.expiresAt());
            CompletableFuture<List<SendResult>> send = live ? send(gateway(batch.platform()), batch, message) : null;
            sends.add(send);
            answered.add(send == null ? null : send.handle((r, e) -> clock.instant()));
        }
        List<PushOutbox.Settled> settled = new ArrayList<>(claimed.size());
        List<Map.Entry<String, Map.Entry<PushOutbox.Target, SendResult>>> deadTokens = new ArrayList<>();
        int devices = 0;
        for (int b = 0; b < claimed.size(); b++) {
            PushOutbox.Claimed batch = claimed.get(b);
            devices += batch.targets().size();
            if (sends.get(b) == null) {
                PushMessage message = messages.get(batch.messageId());
                boolean cancelled = message == null || message.cancelled();
                DeliveryState state = cancelled ? DeliveryState.CANCELLED : DeliveryState.EXPIRED;
                String why = cancelled ? "cancelled" : "ttl passed";
                settled.add(new PushOutbox.Settled(batch, batch.targets().stream()
                        .map(t -> new PushOutbox.Outcome(t, state, why, null, null)).toList(), null, null));
                continue;
            }
            List<SendResult> results = await(sends.get(b), batch, gateway(batch.platform()).name());
            Instant at = answered.get(b).getNow(clock.instant());
            List<PushOutbox.Outcome> outcomes = new ArrayList<>(results.size());
            Duration wait = Duration.ZERO;
            String retryReason = null;
            boolean lastAttempt = batch.attempts() + 1 >= settings.maxAttempts();
            for (int i = 0; i < results.size(); i++) {
                PushOutbox.Target target = batch.targets().get(i);
                SendResult r = results.get(i);
                outcomes.add(outcome(target, r, lastAttempt, at));
                if (r.outcome() == SendResult.Outcome.RETRY && !lastAttempt) {
                    Duration d = delay(batch.attempts() + 1, r.retryAfter());
                    wait = d.compareTo(wait) > 0 ? d : wait;
                    retryReason = r.reason();
                }
                if (r.deactivateToken()) {
                    deadTokens.add(Map.entry(batch.appId(), Map.entry(target, r)));
                }
            }
            settled.add(new PushOutbox.Settled(batch, outcomes, clock.instant().plus(wait), retryReason));
        }
        Instant after = clock.instant();
        outbox.settle(settled, after);
        for (Map.Entry<String, Map.Entry<PushOutbox.Target, SendResult>> dead : deadTokens) {
            deactivate(dead.getKey(), dead.getValue().getKey(), dead.getValue().getValue(), after);
        }
        return devices;
    }

    private void deactivate(String appId, PushOutbox.Target target, SendResult r, Instant now) {
        if (tokens.deactivate(appId, target.token(), r.reason(),
                r.tokenInvalidAt() == null ? now : r.tokenInvalidAt(), now) > 0) {
            log.info("push token of device {} deactivated: {}", ApiServer.loggable(target.deviceId()), r.reason());
        }
    }

    private PushGateway gateway(String platform) {
        return gateways.getOrDefault(platform,
                PushGateway.unconfigured("none", "NoGateway: no gateway for platform " + platform));
    }

    private static List<SendResult> all(PushOutbox.Claimed batch, SendResult result) {
        return batch.targets().stream().map(t -> result).toList();
    }

    private static PushOutbox.Outcome outcome(PushOutbox.Target target, SendResult r, boolean lastAttempt,
                                              Instant at) {
        return switch (r.outcome()) {
            case ACCEPTED -> new PushOutbox.Outcome(target, DeliveryState.ACCEPTED, null, r.gatewayId(), at);
            case REJECTED -> new PushOutbox.Outcome(target, DeliveryState.REJECTED, r.reason(), null, at);
            case RETRY -> new PushOutbox.Outcome(target, lastAttempt ? DeliveryState.FAILED : DeliveryState.PENDING,
                    r.reason(), null, at);
        };
    }

    private CompletableFuture<List<SendResult>> send(PushGateway gateway, PushOutbox.Claimed batch,
                                                     PushMessage message) {
        PushContent content = message.content();
        Map<String, String> data = new HashMap<>(content.data());
        data.put("messageId", message.id());
        PushContent withId = content.withData(data);
        List<Outgoing> outgoing = new ArrayList<>(batch.targets().size());
        for (PushOutbox.Target t : batch.targets()) {
            outgoing.add(new Outgoing(message.id() + "/" + t.deviceId(), message.id(), batch.appId(), t.deviceId(),
                    t.token(), withId, batch.expiresAt()));
        }
        try {
            return gateway.send(outgoing);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private List<SendResult> await(CompletableFuture<List<SendResult>> sent, PushOutbox.Claimed batch,
                                   String gateway) {
        List<SendResult> results;
        try {
            // Half the lease: the results must be written while the claim still holds.
            results = sent.get(settings.lease().toMillis() / 2, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            results = all(batch, SendResult.retry("Timeout: no answer from " + gateway, null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            results = all(batch, SendResult.retry("Interrupted", null));
        } catch (ExecutionException e) {
            results = all(batch, SendResult.retry("GatewayError: " + e.getCause(), null));
        }
        for (SendResult r : results) {
            metrics.count(SENT, "Push sends by gateway and outcome.", 1, "gateway", gateway, "outcome",
                    r.outcome().name().toLowerCase(Locale.ROOT));
        }
        return results;
    }

    /**
     * The wait before attempt {@code attempt + 1}: {@code backoff * 2^(attempt-1)} capped at {@code maxBackoff},
     * half of it fixed and half random (so that retries of one outage spread out), and never less than what the
     * gateway asked for.
     */
    Duration delay(int attempt, Duration retryAfter) {
        long cap = settings.maxBackoff().toMillis();
        long exp = Math.min(cap, settings.backoff().toMillis() << Math.min(30, attempt - 1));
        long jittered = exp / 2 + ThreadLocalRandom.current().nextLong(exp / 2 + 1);
        long wanted = retryAfter == null ? 0 : retryAfter.toMillis();
        return Duration.ofMillis(Math.max(jittered, wanted));
    }

    @Override
    public void close() {
        running = false;
        wake();
        for (Thread loop : loops) {
            loop.interrupt();
            try {
                loop.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
