package dev.harrow.backend.http;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The backend's JSON mappers. */
public final class Json {
    private Json() {
    }

    /** For responses and trusted data: ISO-8601 instants. */
    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    /**
     * For request bodies: nesting capped, so a hostile body cannot exhaust the stack. The cap is well above the
     * per-event limit, so that an event nested too deep is rejected alone and the rest of its batch is kept.
     */
    public static ObjectMapper requestMapper(int maxNestingDepth) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(documentNestingCap(maxNestingDepth))
                        .maxStringLength(4 * 1024 * 1024)
                        .maxNumberLength(64)
                        .build())
                .build();
        return new ObjectMapper(factory);
    }

    /** Bodies nested deeper than this are refused whole (400). */
    public static int documentNestingCap(int maxNestingDepth) {
        return maxNestingDepth * 2 + 32;
    }
}
