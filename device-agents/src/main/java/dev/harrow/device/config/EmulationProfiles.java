package dev.harrow.device.config;

import java.util.List;
import java.util.Set;

/**
 * The emulation profiles a {@code web-emulated} (or {@code grid}) device can name: ChromeDriver's mobile emulation
 * devices, the list Chromium DevTools offers, as the ChromeDriver that Debian's chromium-driver ships knows them.
 * A name outside it would fail only when the session starts ("invalid argument: 'Pixel 77' must be a valid
 * device"), so devices.yml is checked against it first.
 */
public final class EmulationProfiles {
    /** Every profile name, as ChromeDriver spells it. */
    public static final Set<String> NAMES = Set.copyOf(List.of(
            "iPhone SE", "iPhone XR", "iPhone 12 Pro", "iPhone 14 Pro Max", "Pixel 3 XL", "Pixel 7",
            "Samsung Galaxy S8+", "Samsung Galaxy S20 Ultra", "iPad Mini", "iPad Air", "iPad Pro", "Surface Pro 7",
            "Surface Duo", "Galaxy Z Fold 5", "Asus Zenbook Fold", "Samsung Galaxy A51/71", "Samsung Galaxy A51",
            "Samsung Galaxy 71", "Nest Hub Max", "Nest Hub", "iPhone 4", "iPhone 5/SE", "iPhone 5", "iPhone 6/7/8",
            "iPhone 6", "iPhone 7", "iPhone 8", "iPhone 6/7/8 Plus", "iPhone 6 Plus", "iPhone 7 Plus",
            "iPhone 8 Plus", "iPhone X", "BlackBerry Z30", "Nexus 4", "Nexus 5", "Nexus 5X", "Nexus 6", "Nexus 6P",
            "Pixel 2", "Pixel 2 XL", "Pixel 3", "Pixel 4", "LG Optimus L70", "Nokia N9", "Nokia Lumia 520",
            "Microsoft Lumia 550", "Microsoft Lumia 950", "Galaxy S III", "Galaxy S5", "Galaxy S8", "Galaxy S9+",
            "Galaxy Tab S4", "JioPhone 2", "Kindle Fire HDX", "iPad", "Blackberry PlayBook", "Nexus 10", "Nexus 7",
            "Galaxy Note 3", "Galaxy Note II", "Laptop with touch", "Laptop with HiDPI screen",
            "Laptop with MDPI screen", "Moto G4", "Moto G Power", "Facebook on Android"));
    /** The phones most teams pick from, named first in an error. */
    private static final List<String> COMMON = List.of("Pixel 7", "Samsung Galaxy S20 Ultra", "Samsung Galaxy S8+",
            "iPhone 14 Pro Max", "iPhone 12 Pro", "iPhone SE", "iPad Air");

    private EmulationProfiles() {
    }

    /** The problem with an unknown profile name, naming the closest known one and the usual ones. */
    static String unknown(String name) {
        return "'" + name + "' is not an emulation profile"
                + YamlCursor.closest(name, NAMES).map(k -> " (did you mean '" + k + "'?)").orElse("")
                + "; use one of " + String.join(", ", COMMON) + ", or another of ChromeDriver's "
                + NAMES.size() + " (docs/DEVICES.md)";
    }
}
