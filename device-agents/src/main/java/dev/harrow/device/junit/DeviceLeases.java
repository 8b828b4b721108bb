package dev.harrow.device.junit;

import dev.harrow.device.Device;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The devices a farm has leased to running scenarios, by lease id. The farm registers a device and passes the id to
 * the JUnit launcher as the configuration parameter {@link DeviceExtension#LEASE_PARAMETER}; the extension looks it
 * up here.
 */
public final class DeviceLeases {
    private static final Map<String, Device> LEASES = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT = new AtomicLong();

    private DeviceLeases() {
    }

    public static String register(Device device) {
        String id = device.name() + "#" + NEXT.incrementAndGet();
        LEASES.put(id, device);
        return id;
    }

    public static Optional<Device> get(String leaseId) {
        return Optional.ofNullable(LEASES.get(leaseId));
    }

    public static void release(String leaseId) {
        LEASES.remove(leaseId);
    }

    /** How many leases are held now; zero once a run is over. */
    public static int held() {
        return LEASES.size();
    }
}
