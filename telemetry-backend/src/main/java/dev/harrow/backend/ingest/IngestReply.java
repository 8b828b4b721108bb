package dev.harrow.backend.ingest;

import java.util.List;

/** The body of a 200 from {@code POST /v1/events}. */
public record IngestReply(int accepted, int duplicates, List<Rejection> rejected) {
    public IngestReply {
        rejected = List.copyOf(rejected);
    }
}
