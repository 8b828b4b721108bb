package dev.harrow.reports.allure;

/**
 * What a device can show about a scenario once it has ended, taken on the thread that ran it. Either may be empty
 * (null) when the device cannot give it.
 */
public interface LaneEvidence {
    /** A PNG of the device's screen. */
    byte[] finalScreen();

    /** The device's log lines from the scenario, as text. */
    String deviceLog();

    /** The WebDriver commands the scenario sent, with their timings, as text; null when not captured. */
    default String commandLog() {
        return null;
    }

    /** Every request the device made during the scenario, as a HAR 1.2 file; null when its kind keeps none. */
    default byte[] networkHar() {
        return null;
    }

    static LaneEvidence none() {
        return new LaneEvidence() {
            @Override
            public byte[] finalScreen() {
                return null;
            }

            @Override
            public String deviceLog() {
                return null;
            }
        };
    }
}
