package dev.harrow.device;

import java.time.ZoneId;

/** The device's time zone and language, as the app sees them, and the power to change them. */
public interface Localization {
    ZoneId timeZone();

    String locale();

    /** Moves the device to another time zone, as a traveller landing would; the app sees it at once. */
    void setTimeZone(ZoneId zone);

    void setLocale(String languageTag);
}
