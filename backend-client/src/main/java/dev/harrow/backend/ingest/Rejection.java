package dev.harrow.backend.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One rejected event of a batch, as the collector reports it: its index in the batch, its id if readable, why. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Rejection(int index, String eventId, RejectReason reason, String detail) {
}
