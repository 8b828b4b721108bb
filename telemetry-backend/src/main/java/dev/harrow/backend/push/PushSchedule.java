package dev.harrow.backend.push;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * When a push goes out: now, at an instant, or at a wall-clock time in each device's own time zone (so that
 * 09:00 is 09:00 in Tokyo and in New York). A device whose moment has already passed gets the push at once, unless
 * it passed longer ago than the content's TTL: then it expires unsent.
 */
public record PushSchedule(Kind kind, Instant at, LocalDateTime localTime) {
    /** How the moment is given. */
    public enum Kind {
        NOW, AT, LOCAL
    }

    public static PushSchedule now() {
        return new PushSchedule(Kind.NOW, null, null);
    }

    public static PushSchedule at(Instant at) {
        return new PushSchedule(Kind.AT, at, null);
    }

    public static PushSchedule localTime(LocalDateTime localTime) {
        return new PushSchedule(Kind.LOCAL, null, localTime);
    }

    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (kind == null) {
            problems.add("schedule: give now, at (an instant) or localTime (a wall-clock time)");
        } else if (kind == Kind.AT && at == null) {
            problems.add("schedule.at: an ISO-8601 instant such as 2026-12-01T08:00:00Z");
        } else if (kind == Kind.LOCAL && localTime == null) {
            problems.add("schedule.localTime: a local date-time such as 2026-12-01T09:00");
        }
        return problems;
    }

    /** When the push is due on a device in {@code zone}, created at {@code now}. */
    public Instant dueFor(ZoneId zone, Instant now) {
        return switch (kind) {
            case NOW -> now;
            case AT -> at;
            case LOCAL -> localTime.atZone(zone).toInstant();
        };
    }
}
