package dev.harrow.reports.summary;

/**
 * A scenario that no device of the pool can run, with what it needs and why each kind of device falls short. Not
 * a failure: a pool without iPhones cannot run the iOS scenarios, and says so.
 */
public record NotRunnable(String scenario, String displayName, String needs, String reason) {
}
