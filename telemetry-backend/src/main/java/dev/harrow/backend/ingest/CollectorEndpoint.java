package dev.harrow.backend.ingest;

import dev.harrow.backend.client.ApiPaths;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.config.IngestLimits;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.http.ApiExchange;
import dev.harrow.backend.http.AppCors;
import dev.harrow.backend.ops.BackendMetrics;
import dev.harrow.backend.store.AppendResult;
import dev.harrow.backend.store.EventStore;
import dev.harrow.backend.store.StoreUnavailableException;
import dev.harrow.backend.store.StoredKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/events}: the collection API of docs/ARCHITECTURE.md. It answers 200 only after the accepted events
 * are durably held (MongoDB, or the Redis spill while MongoDB is down); an event it rejects is named with its index
 * and reason and the rest of the batch is kept. 429 and 503 carry {@code Retry-After}: the client keeps the batch.
 */
public final class CollectorEndpoint {
    public static final String PATH = ApiPaths.EVENTS;
    public static final String APP_KEY_HEADER = ApiPaths.APP_KEY_HEADER;
    /** How long a client should wait before sending again when the collector is saturated. */
    static final int BUSY_RETRY_AFTER_SECONDS = 1;
    /** How much of an oversized body is read and dropped before answering 413. */
    static final long DISCARD_LIMIT = 64L * 1024 * 1024;
    private static final Logger log = LoggerFactory.getLogger(CollectorEndpoint.class);

    private final BackendConfig config;
    private final EventStore store;
    private final Clock clock;
    private final BackendMetrics metrics;
    private final EventValidator validator;
    private final ReceiptCheck receipts;
    private final AppCors cors;
    private final Semaphore inFlight;
    private final String storeRetryAfter;

    public CollectorEndpoint(BackendConfig config, EventStore store, Clock clock, BackendMetrics metrics) {
        this(config, store, clock, metrics, ReceiptCheck.NONE);
    }

    /** @param receipts decides whether a push receipt is about a push that was sent (the push service) */
    public CollectorEndpoint(BackendConfig config, EventStore store, Clock clock, BackendMetrics metrics,
                             ReceiptCheck receipts) {
        this.receipts = receipts;
        this.config = config;
        this.store = store;
        this.clock = clock;
        this.metrics = metrics;
        this.validator = new EventValidator(config.limits().maxNestingDepth(), config.limits().rules());
        this.cors = new AppCors(config.http().corsOrigins());
        this.inFlight = new Semaphore(config.limits().maxConcurrentBatches());
        int most = config.limits().maxConcurrentBatches();
        metrics.gauge("harrow_ingest_batches_in_flight", "Batches being validated and stored now.",
                () -> most - inFlight.availablePermits());
        this.storeRetryAfter = Long.toString(Math.max(1, config.resilience().retryAfter().toSeconds()));
    }

    /** CORS preflight: apps served from the allowed origins may post telemetry with their key. */
    public void preflight(ApiExchange ex) throws IOException {
        cors.preflight(ex);
    }

    public void ingest(ApiExchange ex) throws IOException {
        cors.allow(ex);
        int status;
        if (!inFlight.tryAcquire()) {
            ex.setHeader("Retry-After", Integer.toString(BUSY_RETRY_AFTER_SECONDS));
            ex.respondError(429, "too_busy", "the collector is storing too many batches; retry shortly");
            status = 429;
        } else {
            try {
                status = accept(ex);
            } finally {
                inFlight.release();
            }
        }
        metrics.batch(status);
    }

    /** Answers the request; returns the status it answered with. */
    private int accept(ApiExchange ex) throws IOException {
        IngestLimits limits = config.limits();
        Optional<AppKey> app = config.appForKey(ex.header(APP_KEY_HEADER).orElse(null));
        if (app.isEmpty()) {
            return error(ex, 401, "unauthorized", "missing or unknown " + APP_KEY_HEADER);
        }
        String contentType = ex.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (!contentType.equals("application/json") && !contentType.startsWith("application/json;")) {
            return error(ex, 415, "unsupported_media_type", "Content-Type must be application/json");
        }
        String encoding = ex.header("Content-Encoding").orElse("identity").trim().toLowerCase(Locale.ROOT);
        if (!encoding.equals("identity") && !encoding.equals("gzip")) {
            return error(ex, 415, "unsupported_encoding", "Content-Encoding must be gzip or absent");
        }
        long declared = ex.header("Content-Length").map(CollectorEndpoint::parseLength).orElse(-1L);
        String tooLarge = "a batch may hold at most " + limits.maxBatchBytes() + " bytes";
        byte[] body = declared > limits.maxBatchBytes() ? null : readAtMost(ex.body(), limits.maxBatchBytes());
        if (body == null) {
            // Read what the client is still sending (up to a bound) so that it gets to read the 413 rather than a
            // reset connection.
            discard(ex.body(), DISCARD_LIMIT);
            return error(ex, 413, "batch_too_large", tooLarge);
        }
        InputStream decoded;
        try {
            decoded = encoding.equals("gzip") ? new GZIPInputStream(new ByteArrayInputStream(body))
                    : new ByteArrayInputStream(body);
        } catch (ZipException | EOFException e) {
            return error(ex, 400, "invalid_gzip", "the body is not valid gzip");
        }

        String appId = app.get().appId();
        Instant now = clock.instant();
        List<TelemetryEvent> valid = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        // closed at once: an inflater holds native memory that otherwise waits for a garbage collection
        try (InputStream input = decoded) {
            try {
                readBatch(new BatchReader(input, limits), appId, now, valid, rejected);
            } catch (BatchReader.Refused refused) {
                if (refused.status == 400 && encoding.equals("gzip")
                        && expandsPast(input, limits.maxDecompressedBytes())) {
                    // a compressed body that is not JSON and expands past the limit (a gzip bomb): 413 all the same
                    return error(ex, 413, "batch_too_large", "a batch may hold at most "
                            + limits.maxDecompressedBytes() + " bytes once decompressed");
                }
                return error(ex, refused.status, refused.code, refused.getMessage());
            }
        }
        // counted once the batch as a whole is taken: a refused batch rejects nothing one by one
        rejected.forEach(r -> metrics.rejected(appId, r.reason().wire()));

        AppendResult stored;
        try {
            stored = store.append(valid);
        } catch (StoreUnavailableException e) {
            log.atWarn().addKeyValue("app", appId).addKeyValue("events", valid.size())
                    .log("no store can take the batch, answered 503: {}", e.getMessage());
            ex.setHeader("Retry-After", storeRetryAfter);
            return error(ex, 503, "store_unavailable", "events cannot be stored now; keep them and retry");
        }
        metrics.accepted(appId, stored.accepted(), stored.spilled());
        if (stored.duplicates() > 0) {
            metrics.duplicates(appId, stored.duplicates());
        }
        ex.respondJson(200, new IngestReply(stored.accepted(), stored.duplicates(), rejected, stored.deadLettered()));
        return 200;
    }

    /** Validates each event of the batch into {@code valid} or {@code rejected}. */
    private void readBatch(BatchReader reader, String appId, Instant now, List<TelemetryEvent> valid,
                           List<Rejection> rejected) throws BatchReader.Refused {
        for (BatchReader.Item item = reader.next(); item != null; item = reader.next()) {
            if (item.tooLarge() != null) {
                rejected.add(new Rejection(item.index(), item.eventId(), RejectReason.EVENT_TOO_LARGE,
                        "an event may hold at most " + config.limits().maxEventBytes() + " bytes"));
                continue;
            }
            EventValidator.Outcome outcome = validator.validate(item.node(), item.index(), appId, now);
            if (outcome instanceof EventValidator.Valid v) {
                Optional<ReceiptCheck.Refusal> refusal = StoredKind.forType(v.event().type()) == StoredKind.PUSH_RECEIPTS
                        ? receipts.check(v.event(), now) : Optional.empty();
                if (refusal.isPresent()) {
                    rejected.add(new Rejection(item.index(), v.event().eventId().toString(), refusal.get().reason(),
                            refusal.get().message()));
                } else {
                    valid.add(v.event());
                }
            } else {
                rejected.add(((EventValidator.Invalid) outcome).rejection());
            }
        }
    }

    private static int error(ApiExchange ex, int status, String code, String message) throws IOException {
        ex.respondError(status, code, message);
        return status;
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Whether what is left of {@code in} goes past {@code limit} bytes; reads it in a small buffer, keeps nothing. */
    private static boolean expandsPast(InputStream in, long limit) {
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        try {
            int n;
            while ((n = in.read(buffer)) != -1) {
                total += n;
                if (total > limit) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static void discard(InputStream in, long limit) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while (total < limit && (n = in.read(buffer)) != -1) {
            total += n;
        }
    }

    /** The whole stream if it holds at most {@code max} bytes, else null (and the rest is not read). */
    static byte[] readAtMost(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, 64 * 1024));
        byte[] buffer = new byte[16 * 1024];
        int total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > max) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
