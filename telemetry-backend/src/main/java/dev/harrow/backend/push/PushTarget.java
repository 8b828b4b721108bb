package dev.harrow.backend.push;

import java.util.ArrayList;
import java.util.List;

/** Who a push goes to: listed devices, a segment, or every active token of the app. Exactly one. */
public record PushTarget(List<String> deviceIds, Segment segment, boolean everyone) {
    static final int MAX_DEVICE_IDS = 10_000;

    public PushTarget {
        deviceIds = deviceIds == null ? List.of() : List.copyOf(deviceIds);
    }

    public static PushTarget devices(String... ids) {
        return new PushTarget(List.of(ids), null, false);
    }

    public static PushTarget of(Segment segment) {
        return new PushTarget(null, segment, false);
    }

    public static PushTarget all() {
        return new PushTarget(null, null, true);
    }

    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        int given = (deviceIds.isEmpty() ? 0 : 1) + (segment == null ? 0 : 1) + (everyone ? 1 : 0);
        if (given != 1) {
            problems.add("target: exactly one of deviceIds, segment or everyone");
        }
        if (deviceIds.size() > MAX_DEVICE_IDS) {
            problems.add("target.deviceIds: at most " + MAX_DEVICE_IDS + "; use a segment for more");
        }
        if (segment != null) {
            problems.addAll(segment.problems());
        }
        return problems;
    }

    public boolean matches(DeviceToken token) {
        if (everyone) {
            return true;
        }
        return segment != null ? segment.matches(token) : deviceIds.contains(token.deviceId());
    }
}
