package dev.harrow.device;

/**
 * Hands pushes to the app as the OS would. Offered where a sandbox gateway stands in for APNs or FCM (emulated
 * devices): the device agent delivers what the sandbox accepted. Real devices decline it: the real gateways deliver.
 */
public interface PushInbox {
    void deliver(PushNotification notification);
}
