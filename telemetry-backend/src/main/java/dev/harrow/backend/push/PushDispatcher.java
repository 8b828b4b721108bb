package dev.harrow.backend.push;

import dev.harrow.backend.config.PushSettings;
import dev.harrow.backend.ops.BackendMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** Expands messages whose creating request died before it could. */
    void recoverUnexpanded() {
        Instant now = clock.instant();
        for (PushMessage message : outbox.unexpanded(now.minus(settings.lease()))) {
            int n = outbox.expand(message, tokens.reachedBy(message.appId(), message.target()), now);
            log.info("push message {} expanded after a restart: {} device(s)", message.id(), n);
        }
    }

    /** One round: claim, send, settle. Returns how many deliveries it settled. */
    public int runOnce() {
        Instant now = clock.instant();
        List<PushOutbox.Claimed> claimed = outbox.claim(owner, now, settings.batch(), settings.lease());
        if (claimed.isEmpty()) {
            return 0;
        }
        Map<String, PushMessage> messages = outbox.messages(claimed.stream().map(PushOutbox.Claimed::messageId)
                .collect(Collectors.toSet())).stream().collect(Collectors.toMap(PushMessage::id, m -> m));
        List<PushOutbox.Settled> settled = new ArrayList<>(claimed.size());
        Map<String, List<PushOutbox.Claimed>> toSend = new LinkedHashMap<>();
        for (PushOutbox.Claimed c : claimed) {
            PushMessage message = messages.get(c.messageId());
            if (message == null || message.cancelled()) {
                settled.add(new PushOutbox.Settled(c, DeliveryState.CANCELLED, "cancelled", null, null));
            } else if (now.isAfter(c.expiresAt())) {
                settled.add(new PushOutbox.Settled(c, DeliveryState.EXPIRED, "ttl passed", null, null));
            } else {
                toSend.computeIfAbsent(c.platform(), p -> new ArrayList<>()).add(c);
            }
        }
        List<Map.Entry<PushOutbox.Claimed, SendResult>> deadTokens = new ArrayList<>();
        for (Map.Entry<String, List<PushOutbox.Claimed>> group : toSend.entrySet()) {
            PushGateway gateway = gateways.getOrDefault(group.getKey(),
                    PushGateway.unconfigured("none", "NoGateway: no gateway for platform " + group.getKey()));
            List<SendResult> results = send(gateway, group.getValue(), messages);
            for (int i = 0; i < results.size(); i++) {
                PushOutbox.Claimed c = group.getValue().get(i);
                SendResult r = results.get(i);
                settled.add(settle(c, r));
                if (r.deactivateToken()) {
                    deadTokens.add(Map.entry(c, r));
                }
            }
        }
        Instant after = clock.instant();
        outbox.settle(settled, after);
        for (Map.Entry<PushOutbox.Claimed, SendResult> dead : deadTokens) {
            PushOutbox.Claimed c = dead.getKey();
            SendResult r = dead.getValue();
            if (tokens.deactivate(c.appId(), c.token(), r.reason(),
                    r.tokenInvalidAt() == null ? after : r.tokenInvalidAt(), after) > 0) {
                log.info("push token of device {} deactivated: {}", c.deviceId(), r.reason());
            }
        }
        return settled.size();
    }

    private PushOutbox.Settled settle(PushOutbox.Claimed c, SendResult r) {
        return switch (r.outcome()) {
            case ACCEPTED -> new PushOutbox.Settled(c, DeliveryState.ACCEPTED, null, r.gatewayId(), null);
            case REJECTED -> new PushOutbox.Settled(c, DeliveryState.REJECTED, r.reason(), null, null);
            case RETRY -> c.attempts() + 1 >= settings.maxAttempts()
                    ? new PushOutbox.Settled(c, DeliveryState.FAILED, r.reason(), null, null)
                    : new PushOutbox.Settled(c, DeliveryState.PENDING, r.reason(), null,
                    clock.instant().plus(delay(c.attempts() + 1, r.retryAfter())));
        };
    }

    private List<SendResult> send(PushGateway gateway, List<PushOutbox.Claimed> batch,
                                  Map<String, PushMessage> messages) {
        List<Outgoing> outgoing = new ArrayList<>(batch.size());
        for (PushOutbox.Claimed c : batch) {
            PushContent content = messages.get(c.messageId()).content();
            Map<String, String> data = new HashMap<>(content.data());
            data.put("messageId", c.messageId());
            outgoing.add(new Outgoing(c.id(), c.messageId(), c.appId(), c.deviceId(), c.token(),
                    content.withData(data), c.expiresAt()));
        }
        List<SendResult> results;
        try {
            // Half the lease: the results must be written while the claim still holds.
            results = gateway.send(outgoing).get(settings.lease().toMillis() / 2, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            results = batch.stream().map(c -> SendResult.retry("Timeout: no answer from " + gateway.name(), null))
                    .toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            results = batch.stream().map(c -> SendResult.retry("Interrupted", null)).toList();
        } catch (java.util.concurrent.ExecutionException e) {
            String why = "GatewayError: " + e.getCause();
            results = batch.stream().map(c -> SendResult.retry(why, null)).toList();
        }
        for (SendResult r : results) {
            metrics.count(SENT, "Push sends by gateway and outcome.", 1, "gateway", gateway.name(), "outcome",
                    r.outcome().name().toLowerCase(java.util.Locale.ROOT));
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
