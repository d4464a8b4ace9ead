package org.jcomfy.backend.device;

import java.util.List;

/**
 * Found through {@link java.util.ServiceLoader}; lists the devices of one type present on
 * this machine, set up as {@code options} say. Discovery must have no side effects beyond probing
 * (no allocation, no network), and a provider whose native runtime is missing returns an empty list.
 */
public interface DeviceProvider {
    String type();

    List<Device> devices(BackendOptions options);
}
