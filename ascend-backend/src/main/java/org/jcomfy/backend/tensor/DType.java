package org.jcomfy.backend.tensor;

/**
 * Element types a tensor can hold. Names follow the safetensors header ("F32", "BF16", ...),
 * so a file's dtype string maps straight onto this enum.
 */
public enum DType {
    F64("F64", 8, true),
    F32("F32", 4, true),
    F16("F16", 2, true),
    BF16("BF16", 2, true),
    F8_E4M3FN("F8_E4M3", 1, true),
    F8_E5M2("F8_E5M2", 1, true),
    I64("I64", 8, false),
    I32("I32", 4, false),
    I16("I16", 2, false),
    I8("I8", 1, false),
    U8("U8", 1, false),
    BOOL("BOOL", 1, false);

    private final String safetensorsName;
    private final int byteSize;
    private final boolean floating;

    DType(String safetensorsName, int byteSize, boolean floating) {
        this.safetensorsName = safetensorsName;
        this.byteSize = byteSize;
        this.floating = floating;
    }

    public String safetensorsName() { return safetensorsName; }
    public int byteSize() { return byteSize; }
    public boolean isFloatingPoint() { return floating; }

    /** Looks up a safetensors dtype string; returns null when the name is unknown. */
    public static DType fromSafetensorsName(String name) {
        for (DType d : values()) {
            if (d.safetensorsName.equals(name)) return d;
        }
        if ("F8_E4M3FN".equals(name)) return F8_E4M3FN;
        return null;
    }
}
