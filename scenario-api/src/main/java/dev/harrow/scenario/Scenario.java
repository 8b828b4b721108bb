package dev.harrow.scenario;

import dev.harrow.device.junit.DeviceExtension;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks an end-to-end scenario: the farm discovers it by the "scenario" tag and runs it on every device of the
 * pool; its test methods may take a {@link dev.harrow.device.Device} and a {@link Backend}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("scenario")
@ExtendWith({DeviceExtension.class, BackendExtension.class})
public @interface Scenario {
}
