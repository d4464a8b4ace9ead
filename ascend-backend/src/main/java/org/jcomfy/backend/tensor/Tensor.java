package org.jcomfy.backend.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.jcomfy.backend.device.DeviceId;

/**
 * A dense, row-major block of elements: shape, dtype, device and off-heap storage.
 * It holds data and metadata only; the math lives in kernels. Views (reshape, leading-dim
 * slices) share storage; anything that would need strides makes a copy in a kernel instead.
 */
public final class Tensor {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private final DType dtype;
    private final long[] shape;
    private final MemorySegment data;
    private final DeviceId device;

    private Tensor(DType dtype, long[] shape, MemorySegment data, DeviceId device) {
        long n = count(shape);
        if (data.byteSize() < n * dtype.byteSize()) {
            throw new IllegalArgumentException("storage of " + data.byteSize() + " bytes is too small for "
                    + dtype + Arrays.toString(shape));
        }
        this.dtype = dtype;
        this.shape = shape.clone();
        this.data = data.byteSize() == n * dtype.byteSize() ? data : data.asSlice(0, n * dtype.byteSize());
        this.device = device;
    }

    // ---- creation ----------------------------------------------------------------------

    /**
     * A zero-filled CPU tensor. Its memory belongs to the thread's open {@link TensorScope}, or,
     * outside any scope, is freed by the garbage collector.
     */
    public static Tensor zeros(DType dtype, long... shape) {
        long bytes = count(shape) * dtype.byteSize();
        MemorySegment seg = TensorScope.allocate(bytes).asSlice(0, bytes);
        return new Tensor(dtype, shape, seg, DeviceId.CPU);
    }

    /** Wraps existing storage (for example a slice of a memory-mapped file). */
    public static Tensor wrap(MemorySegment data, DType dtype, long... shape) {
        return new Tensor(dtype, shape, data, DeviceId.CPU);
    }

    public static Tensor of(float[] values, long... shape) {
        checkCount(values.length, shape);
        Tensor t = zeros(DType.F32, shape);
        MemorySegment.copy(values, 0, t.data, F32, 0, values.length);
        return t;
    }

    public static Tensor ofDoubles(double[] values, long... shape) {
        checkCount(values.length, shape);
        Tensor t = zeros(DType.F64, shape);
        MemorySegment.copy(values, 0, t.data, F64, 0, values.length);
        return t;
    }

    public static Tensor ofLongs(long[] values, long... shape) {
        checkCount(values.length, shape);
        Tensor t = zeros(DType.I64, shape);
        MemorySegment.copy(values, 0, t.data, I64, 0, values.length);
        return t;
    }

    public static Tensor ofInts(int[] values, long... shape) {
        checkCount(values.length, shape);
        Tensor t = zeros(DType.I32, shape);
        MemorySegment.copy(values, 0, t.data, I32, 0, values.length);
        return t;
    }

    // ---- metadata ----------------------------------------------------------------------

    public DType dtype() { return dtype; }
    public DeviceId device() { return device; }
    public MemorySegment data() { return data; }
    public long[] shape() { return shape.clone(); }
    public int rank() { return shape.length; }
    public long numel() { return count(shape); }
    public long byteSize() { return data.byteSize(); }

    /** Size of one dimension; negative indices count from the end, as in torch. */
    public long dim(int i) { return shape[i < 0 ? shape.length + i : i]; }

    // ---- views -------------------------------------------------------------------------

    /** Same storage, new shape; one dimension may be -1. */
    public Tensor reshape(long... newShape) {
        long[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("only one -1 allowed in reshape");
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) s[infer] = known == 0 ? 0 : numel() / known;
        if (count(s) != numel()) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        }
        return new Tensor(dtype, s, data, device);
    }

    /** Rows {@code [start, end)} of the leading dimension, sharing storage. */
    public Tensor narrow(long start, long end) {
        if (shape.length == 0 || start < 0 || end > shape[0] || start > end) {
            throw new IndexOutOfBoundsException("narrow(" + start + ", " + end + ") of " + Arrays.toString(shape));
        }
        long rowBytes = (numel() / Math.max(shape[0], 1)) * dtype.byteSize();
        long[] s = shape.clone();
        s[0] = end - start;
        return new Tensor(dtype, s, data.asSlice(start * rowBytes, (end - start) * rowBytes), device);
    }

    /** Row {@code index} of the leading dimension, one rank lower, sharing storage. */
    public Tensor select(long index) {
        Tensor row = narrow(index, index + 1);
        return row.reshape(Arrays.copyOfRange(shape, 1, shape.length));
    }

    /** This tensor as a batch of one: a leading dimension of size 1, sharing storage (the inverse of {@code select(0)}). */
    public Tensor batchOfOne() {
        long[] s = new long[shape.length + 1];
        s[0] = 1;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return new Tensor(dtype, s, data, device);
    }

    // ---- element access (slow path: tests, small tensors, reference kernels) -----------

    /** Element at a flat row-major index, widened to float. */
    public float getFloat(long i) {
        return switch (dtype) {
            case F32 -> data.getAtIndex(F32, i);
            case F64 -> (float) data.getAtIndex(F64, i);
            case BF16 -> Floats.bf16ToFloat(data.getAtIndex(I16, i));
            case F16 -> Floats.f16ToFloat(data.getAtIndex(I16, i));
            case F8_E4M3FN -> Floats.e4m3ToFloat(data.get(ValueLayout.JAVA_BYTE, i));
            case F8_E5M2 -> Floats.e5m2ToFloat(data.get(ValueLayout.JAVA_BYTE, i));
            default -> (float) getLong(i);
        };
    }

    public double getDouble(long i) {
        return dtype == DType.F64 ? data.getAtIndex(F64, i) : dtype.isFloatingPoint() ? getFloat(i) : getLong(i);
    }

    public long getLong(long i) {
        return switch (dtype) {
            case I64 -> data.getAtIndex(I64, i);
            case I32 -> data.getAtIndex(I32, i);
            case I16 -> data.getAtIndex(I16, i);
            case I8 -> data.get(ValueLayout.JAVA_BYTE, i);
            case U8, BOOL -> data.get(ValueLayout.JAVA_BYTE, i) & 0xff;
            default -> (long) getDouble(i);
        };
    }

    /** Stores a float at a flat index, narrowing to this tensor's dtype. */
    public void setFloat(long i, float v) {
        switch (dtype) {
            case F32 -> data.setAtIndex(F32, i, v);
            case F64 -> data.setAtIndex(F64, i, v);
            case BF16 -> data.setAtIndex(I16, i, Floats.floatToBf16(v));
            case F16 -> data.setAtIndex(I16, i, Floats.floatToF16(v));
            case F8_E4M3FN -> data.set(ValueLayout.JAVA_BYTE, i, Floats.floatToE4M3(v));
            case F8_E5M2 -> data.set(ValueLayout.JAVA_BYTE, i, Floats.floatToE5M2(v));
            case I64 -> data.setAtIndex(I64, i, (long) v);
            case I32 -> data.setAtIndex(I32, i, (int) v);
            default -> throw new UnsupportedOperationException("setFloat on " + dtype);
        }
    }

    public void setDouble(long i, double v) {
        if (dtype == DType.F64) data.setAtIndex(F64, i, v); else setFloat(i, (float) v);
    }

    public void setLong(long i, long v) {
        switch (dtype) {
            case I64 -> data.setAtIndex(I64, i, v);
            case I32 -> data.setAtIndex(I32, i, (int) v);
            case I16 -> data.setAtIndex(I16, i, (short) v);
            case I8, U8, BOOL -> data.set(ValueLayout.JAVA_BYTE, i, (byte) v);
            default -> setDouble(i, v);
        }
    }

    /** All elements widened to a float array (copies). */
    public float[] toFloatArray() {
        long n = numel();
        if (n > Integer.MAX_VALUE) throw new IllegalStateException("tensor too large for a Java array: " + this);
        float[] out = new float[(int) n];
        if (dtype == DType.F32) {
            MemorySegment.copy(data, F32, 0, out, 0, out.length);
        } else {
            for (int i = 0; i < out.length; i++) out[i] = getFloat(i);
        }
        return out;
    }

    public long[] toLongArray() {
        long[] out = new long[Math.toIntExact(numel())];
        for (int i = 0; i < out.length; i++) out[i] = getLong(i);
        return out;
    }

    /** A float32 copy (or this tensor, when it already is float32 and {@code copy} is false). */
    public Tensor toF32() {
        if (dtype == DType.F32) return this;
        Tensor out = zeros(DType.F32, shape);
        for (long i = 0, n = numel(); i < n; i++) out.data.setAtIndex(F32, i, getFloat(i));
        return out;
    }

    /** A copy with its own storage, converted to {@code target}. */
    public Tensor copyAs(DType target) {
        Tensor out = zeros(target, shape);
        if (target == dtype) {
            MemorySegment.copy(data, 0, out.data, 0, data.byteSize());
        } else if (target.isFloatingPoint()) {
            for (long i = 0, n = numel(); i < n; i++) out.setDouble(i, getDouble(i));
        } else {
            for (long i = 0, n = numel(); i < n; i++) out.setLong(i, getLong(i));
        }
        return out;
    }

    public Tensor copy() { return copyAs(dtype); }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + " " + dtype + " on " + device;
    }

    // ---- helpers -----------------------------------------------------------------------

    public static long count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static void checkCount(int length, long[] shape) {
        if (count(shape) != length) {
            throw new IllegalArgumentException(length + " values do not fill shape " + Arrays.toString(shape));
        }
    }
}
