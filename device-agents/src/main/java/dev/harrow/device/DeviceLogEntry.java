package dev.harrow.device;

import java.time.Instant;

/**
 * One line a device logged.
 *
 * @param source where it came from: {@code browser} (console), {@code logcat}, {@code syslog}
 * @param level {@code error}, {@code warn}, {@code info} or {@code debug}
 */
public record DeviceLogEntry(Instant at, String source, String level, String message) {
}
