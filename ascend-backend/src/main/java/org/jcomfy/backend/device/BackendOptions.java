package org.jcomfy.backend.device;

import java.util.Objects;
import java.util.Properties;

/**
 * How the backend runs, decided once at start-up and handed to the device ({@link Devices#cpu(BackendOptions)}):
 * the entry points ({@code jcomfy serve|run|tensors|bench} and the benchmark mains) read it with
 * {@link #fromSystemProperties()}, the only place the {@code -Djcomfy.*} switches below are read;
 * tests and embedders use {@link #defaults()} or build one.
 *
 * @param threads          worker threads of the CPU pool shared by all kernels and attention
 *                         ({@code -Djcomfy.threads=N}; default: one per available core)
 * @param attention        how attention picks its implementation: {@code runtime} (time each candidate
 *                         once per shape, the default), {@code static} (the rule table) or
 *                         {@code manual:NAME} ({@code -Djcomfy.attention=...})
 * @param vectorKernels    Vector API kernel bodies; false runs the scalar loops, the reference path
 *                         ({@code -Djcomfy.kernels.scalar=true} turns them off)
 * @param nativeGemm       GEMMs on OpenBLAS when it loads; false uses the Java GEMM ({@code -Djcomfy.gemm=java})
 * @param referenceKernels the plain, single-threaded reference kernels instead of the fast table
 *                         ({@code -Djcomfy.referenceKernels=true})
 */
public record BackendOptions(int threads, String attention, boolean vectorKernels, boolean nativeGemm,
                             boolean referenceKernels) {

    public BackendOptions {
        if (threads < 1) throw new IllegalArgumentException("the thread count must be at least 1, got " + threads);
        Objects.requireNonNull(attention, "attention");
    }

    /** One thread per core, runtime attention selection, vector kernels and OpenBLAS. */
    public static BackendOptions defaults() {
        return new BackendOptions(Runtime.getRuntime().availableProcessors(), "runtime", true, true, false);
    }

    /** {@link #from} the JVM's system properties: what {@code -Djcomfy.*} flags on the command line set. */
    public static BackendOptions fromSystemProperties() {
        return from(System.getProperties());
    }

    /** The options the {@code jcomfy.*} entries of {@code properties} set; absent entries keep their default. */
    public static BackendOptions from(Properties properties) {
        BackendOptions d = defaults();
        return new BackendOptions(
                threads(properties.getProperty("jcomfy.threads"), d.threads()),
                properties.getProperty("jcomfy.attention", d.attention()),
                !Boolean.parseBoolean(properties.getProperty("jcomfy.kernels.scalar")),
                !"java".equalsIgnoreCase(properties.getProperty("jcomfy.gemm")),
                Boolean.parseBoolean(properties.getProperty("jcomfy.referenceKernels")));
    }

    /** The same options with {@code threads} workers (benchmarks fix the count). */
    public BackendOptions withThreads(int threads) {
        return new BackendOptions(threads, attention, vectorKernels, nativeGemm, referenceKernels);
    }

    /** The same options with another attention setting ({@code runtime}, {@code static}, {@code manual:NAME}). */
    public BackendOptions withAttention(String setting) {
        return new BackendOptions(threads, setting, vectorKernels, nativeGemm, referenceKernels);
    }

    private static int threads(String value, int otherwise) {
        if (value == null) return otherwise;
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("jcomfy.threads must be a whole number, got '" + value + "'");
        }
    }
}
