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

    /** For request bodies: nesting capped, so a hostile body cannot exhaust the stack. */
    public static ObjectMapper requestMapper(int maxNestingDepth) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        // +2: the batch object and its events array sit above an event's own fields
                        .maxNestingDepth(maxNestingDepth + 2)
                        .maxStringLength(4 * 1024 * 1024)
                        .maxNumberLength(64)
                        .build())
                .build();
        return new ObjectMapper(factory);
    }
}
