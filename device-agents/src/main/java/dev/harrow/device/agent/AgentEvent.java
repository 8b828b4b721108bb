package dev.harrow.device.agent;

import java.time.Instant;

/** A device agent changed state; {@code reason} says why when the change was forced by a failure. */
public record AgentEvent(String device, AgentState from, AgentState to, Instant at, String reason) {
}
