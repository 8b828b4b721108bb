package dev.harrow.backend.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The body of a 200 from {@code POST /v1/events}.
 *
 * @param accepted events now held by the backend (the client drops them)
 * @param deadLettered how many of the accepted events the store refused and holds apart for an operator; left out
 *        of the reply when none
 */
public record IngestReply(int accepted, int duplicates, List<Rejection> rejected,
                          @JsonInclude(JsonInclude.Include.NON_DEFAULT) int deadLettered) {
    public IngestReply {
        rejected = List.copyOf(rejected);
    }

    public IngestReply(int accepted, int duplicates, List<Rejection> rejected) {
        this(accepted, duplicates, rejected, 0);
    }
}
