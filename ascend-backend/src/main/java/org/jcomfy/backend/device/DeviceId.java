package org.jcomfy.backend.device;

/** Names a device the way users write it: {@code cpu}, {@code ascend:0}, {@code cuda:1}. */
public record DeviceId(String type, int index) {
    public static final DeviceId CPU = new DeviceId("cpu", 0);

    public static DeviceId parse(String name) {
        int colon = name.indexOf(':');
        if (colon < 0) return new DeviceId(name, 0);
        return new DeviceId(name.substring(0, colon), Integer.parseInt(name.substring(colon + 1)));
    }

    @Override
    public String toString() {
        return "cpu".equals(type) ? "cpu" : type + ":" + index;
    }
}
