package dev.harrow.backend.analytics;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a metrics request asks: an app's metrics over local days {@code from}..{@code to} (both included) in
 * {@code zone}, by day, ISO week or calendar month (a week or month is counted whole: the range is widened to
 * whole periods), for devices of one platform and/or one app version when given.
 */
public record MetricsQuery(String appId, LocalDate from, LocalDate to, ZoneId zone, Period by, String platform,
                           String appVersion) {
    /** The longest range one request may cover. */
    public static final int MAX_DAYS = 400;

    /** How the days are grouped. */
    public enum Period {
        DAY, WEEK, MONTH;

        public static Period parse(String value) {
            try {
                return value == null ? DAY : valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("by: day, week or month, was '" + value + "'");
            }
        }

        LocalDate start(LocalDate day) {
            return switch (this) {
                case DAY -> day;
                case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                case MONTH -> day.withDayOfMonth(1);
            };
        }

        LocalDate next(LocalDate start) {
            return switch (this) {
                case DAY -> start.plusDays(1);
                case WEEK -> start.plusWeeks(1);
                case MONTH -> start.plusMonths(1);
            };
        }
    }

    public MetricsQuery {
        if (appId == null || from == null || to == null || zone == null || by == null) {
            throw new IllegalArgumentException("app, from, to, zone and by are required");
        }
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to (" + to + ") is before from (" + from + ")");
        }
        if (from.plusDays(MAX_DAYS).isBefore(to)) {
            throw new IllegalArgumentException("at most " + MAX_DAYS + " days per request");
        }
    }

    /** The first day of each period, the range widened to whole periods. */
    public List<LocalDate> periods() {
        List<LocalDate> out = new ArrayList<>();
        for (LocalDate p = by.start(from); !p.isAfter(to); p = by.next(p)) {
            out.add(p);
        }
        return out;
    }

    LocalDate firstDay() {
        return by.start(from);
    }

    LocalDate lastDay() {
        return by.next(by.start(to)).minusDays(1);
    }
}
