package dev.harrow.backend.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.backend.config.IngestLimits;
import dev.harrow.backend.http.Json;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads {@code {"events": [...]}} as a stream and stops at the first limit, before anything large is built: the
 * events are counted as they come (a batch with one more than allowed is refused there), each event is built alone
 * and only up to its own budget of tokens, and the body as a whole has a budget of bytes, tokens, depth and string
 * length. So memory per request is bounded by the limits, not by what a body expands to: a few kilobytes of gzip
 * holding a million empty objects cost what the first 501 of them cost.
 */
final class BatchReader {
    /** JSON tokens one event may hold: a real event has a few dozen; the bound keeps one event's tree small. */
    static final int MAX_TOKENS_PER_EVENT = 4_000;

    /** The body as a whole cannot be read as a batch; answered with {@code status} and nothing is stored. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        Refused(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    /** What {@link #next} hands over: an event's tree, or the reason it was not built. */
    record Item(int index, JsonNode node, RejectReason tooLarge, String eventId) {
    }

    private final ObjectMapper json;
    private final IngestLimits limits;
    private final BudgetedParser parser;
    private int index = -1;

    BatchReader(InputStream body, IngestLimits limits) throws IOException, Refused {
        this.limits = limits;
        this.json = Json.requestMapper(limits.maxNestingDepth());
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(Json.documentNestingCap(limits.maxNestingDepth()))
                .maxStringLength(limits.maxDecompressedBytes())
                .maxNumberLength(64)
                .maxNameLength(1024)
                .maxDocumentLength(limits.maxDecompressedBytes())
                .maxTokenCount((long) limits.maxEventsPerBatch() * MAX_TOKENS_PER_EVENT + 16)
                .build();
        JsonParser raw = json.getFactory().rebuild().streamReadConstraints(constraints).build().createParser(body);
        this.parser = new BudgetedParser(raw);
        try {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw invalidBatch();
            }
            while (true) {
                JsonToken token = parser.nextToken();
                if (token != JsonToken.FIELD_NAME) {
                    throw invalidBatch();
                }
                if (parser.currentName().equals("events")) {
                    if (parser.nextToken() != JsonToken.START_ARRAY) {
                        throw invalidBatch();
                    }
                    return;
                }
                parser.nextToken();
                parser.skipChildren();
            }
        } catch (IOException e) {
            throw refusal(e);
        }
    }

    /** The next event, or null after the last one (and after checking that the body ends well). */
    Item next() throws Refused {
        try {
            JsonToken token = parser.nextToken();
            if (token == JsonToken.END_ARRAY) {
                finish();
                return null;
            }
            if (token == null) {
                throw new Refused(400, "invalid_json", "the body ends inside the events array");
            }
            index++;
            if (index >= limits.maxEventsPerBatch()) {
                throw new Refused(413, "too_many_events", "a batch may hold at most " + limits.maxEventsPerBatch()
                        + " events");
            }
            long start = parser.currentTokenLocation().getByteOffset();
            if (!token.isStructStart()) {
                return new Item(index, json.readTree(parser), null, null);
            }
            parser.budget(MAX_TOKENS_PER_EVENT);
            JsonNode node;
            try {
                node = json.readTree(parser);
            } catch (EventOverBudget over) {
                parser.skipRest(over.depth);
                return new Item(index, null, RejectReason.EVENT_TOO_LARGE, null);
            } finally {
                parser.budget(-1);
            }
            long end = parser.currentLocation().getByteOffset();
            if (start >= 0 && end - start > limits.maxEventBytes()) {
                return new Item(index, null, RejectReason.EVENT_TOO_LARGE, idOf(node));
            }
            return new Item(index, node, null, null);
        } catch (IOException e) {
            throw refusal(e);
        }
    }

    private void finish() throws IOException, Refused {
        while (true) {
            JsonToken token = parser.nextToken();
            if (token == JsonToken.END_OBJECT) {
                if (parser.nextToken() != null) {
                    throw new Refused(400, "invalid_json", "the body goes on after the batch");
                }
                return;
            }
            if (token != JsonToken.FIELD_NAME) {
                throw invalidBatch();
            }
            parser.nextToken();
            parser.skipChildren();
        }
    }

    private Refused refusal(IOException e) {
        if (e instanceof EventOverBudget) {
            return new Refused(413, "batch_too_large", "an event holds more than " + MAX_TOKENS_PER_EVENT
                    + " JSON tokens");
        }
        if (e instanceof StreamConstraintsException constraint) {
            String message = String.valueOf(constraint.getOriginalMessage());
            if (message.contains("nesting depth")) {
                return new Refused(400, "too_deeply_nested", "the body nests deeper than "
                        + Json.documentNestingCap(limits.maxNestingDepth()) + " levels");
            }
            if (message.contains("Document length")) {
                return new Refused(413, "batch_too_large", "a batch may hold at most "
                        + limits.maxDecompressedBytes() + " bytes once decompressed");
            }
            if (message.contains("Token count")) {
                return new Refused(413, "batch_too_large", "a batch may hold at most "
                        + ((long) limits.maxEventsPerBatch() * MAX_TOKENS_PER_EVENT) + " JSON tokens");
            }
            return new Refused(413, "batch_too_large", "the batch is over a limit: " + message);
        }
        if (e instanceof java.util.zip.ZipException || e instanceof java.io.EOFException) {
            return new Refused(400, "invalid_gzip", "the body is not valid gzip");
        }
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException processing) {
            return new Refused(400, "invalid_json", "the body is not valid JSON: " + processing.getOriginalMessage());
        }
        return new Refused(400, "invalid_body", "the body cannot be read: " + e.getMessage());
    }

    private static Refused invalidBatch() {
        return new Refused(400, "invalid_batch", "the body must be {\"events\": [...]}");
    }

    private static String idOf(JsonNode node) {
        JsonNode id = node == null ? null : node.get("eventId");
        if (id == null || !id.isTextual()) {
            return null;
        }
        String text = id.textValue();
        return text.length() <= 64 ? text : text.substring(0, 64);
    }

    /** Thrown when one event goes over its token budget, while its tree is being built. */
    static final class EventOverBudget extends IOException {
        private static final long serialVersionUID = 1L;
        final int depth;

        EventOverBudget(int depth) {
            super("an event is over its token budget", null);
            this.depth = depth;
        }
    }

    /** A parser that stops an event's tree from growing past its budget of tokens. */
    private static final class BudgetedParser extends JsonParserDelegate {
        private int remaining = -1;
        private int depth;
        private int startDepth;

        BudgetedParser(JsonParser parser) {
            super(parser);
        }

        /** Starts a budget for the structure whose first token was just read (or ends it, with -1). */
        void budget(int tokens) {
            remaining = tokens;
            startDepth = depth - 1;
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken token = delegate.nextToken();
            track(token);
            if (remaining >= 0 && --remaining < 0) {
                throw new EventOverBudget(startDepth);
            }
            return token;
        }

        private void track(JsonToken token) {
            if (token == null) {
                return;
            }
            if (token.isStructStart()) {
                depth++;
            } else if (token.isStructEnd()) {
                depth--;
            }
        }

        /** Skips what is left of an event abandoned half way, back to the depth it started at. */
        void skipRest(int eventStartDepth) throws IOException {
            remaining = -1;
            while (depth > eventStartDepth) {
                JsonToken token = delegate.nextToken();
                if (token == null) {
                    return;
                }
                track(token);
            }
        }

        @Override
        public JsonParser skipChildren() throws IOException {
            // walked token by token so that the depth stays known
            JsonToken current = delegate.currentToken();
            if (current == null || !current.isStructStart()) {
                return this;
            }
            int target = depth - 1;
            while (depth > target) {
                JsonToken token = delegate.nextToken();
                if (token == null) {
                    break;
                }
                track(token);
            }
            return this;
        }
    }
}
