package org.jcomfy.backend.device;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Every device the registered providers report, and lookup by name ({@code cpu}, {@code ascend:0}).
 * Entry points pass the {@link BackendOptions} they read at start-up; the overloads without options
 * use {@link BackendOptions#defaults()} (tests, and listing what hardware is present).
 */
public final class Devices {
    private Devices() {}

    public static List<Device> available(BackendOptions options) {
        List<Device> all = new ArrayList<>();
        for (DeviceProvider p : ServiceLoader.load(DeviceProvider.class)) {
            try {
                all.addAll(p.devices(options));
            } catch (IllegalArgumentException e) {
                throw e;   // options the provider refuses (an unknown attention mode): the caller's mistake, not a probe failure
            } catch (RuntimeException | LinkageError e) {
                System.err.println("jcomfy: device provider '" + p.type() + "' failed to probe: " + e);
            }
        }
        return all;
    }

    public static List<Device> available() { return available(BackendOptions.defaults()); }

    public static Device get(String name, BackendOptions options) {
        DeviceId want = DeviceId.parse(name);
        List<Device> all = available(options);
        for (Device d : all) {
            if (d.id().equals(want)) return d;
        }
        throw new IllegalArgumentException("no device '" + name + "'; available: " + all.stream().map(Device::id).toList());
    }

    public static Device cpu(BackendOptions options) { return get("cpu", options); }

    public static Device cpu() { return cpu(BackendOptions.defaults()); }
}
