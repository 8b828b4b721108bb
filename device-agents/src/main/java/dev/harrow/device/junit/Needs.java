package dev.harrow.device.junit;

import dev.harrow.device.DeviceCapability;
import dev.harrow.device.Platform;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a scenario needs from its device. The farm runs it only on devices that offer all of it, and reports it as
 * not runnable on a pool where none does, with the reason. On a class it applies to every scenario of the class; a
 * method's capabilities add to the class's, and a method's platforms replace the class's.
 *
 * <pre>
 * &#64;Needs(platform = Platform.ANDROID, value = DeviceCapability.NETWORK_CONTROL)
 * </pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface Needs {
    /** The capabilities the scenario uses. */
    DeviceCapability[] value() default {};

    /** The platforms it runs on, any of them; empty means every platform. */
    Platform[] platform() default {};
}
