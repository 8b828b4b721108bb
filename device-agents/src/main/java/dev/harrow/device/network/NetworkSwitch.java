package dev.harrow.device.network;

import java.time.Instant;

/** A change of a device's network during a session, with when it happened. */
public record NetworkSwitch(Instant at, NetworkProfile profile) {
}
