package org.jcomfy.backend.attention;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.jcomfy.backend.tensor.Tensor;

/** Implementations with known behaviour for the selector tests. */
final class TestImplementations {
    private TestImplementations() {}

    /** Delegates to a real implementation under another name and counts the calls. */
    static final class Counting implements AttentionImplementation {
        final AtomicInteger calls = new AtomicInteger();
        private final String name;
        private final AttentionImplementation delegate;
        private final Predicate<AttentionShape> supports;
        private final long sleepMillis;

        Counting(String name, AttentionImplementation delegate) {
            this(name, delegate, s -> true, 0);
        }

        Counting(String name, AttentionImplementation delegate, Predicate<AttentionShape> supports, long sleepMillis) {
            this.name = name;
            this.delegate = delegate;
            this.supports = supports;
            this.sleepMillis = sleepMillis;
        }

        @Override public String name() { return name; }
        @Override public boolean supports(AttentionShape shape) { return supports.test(shape); }

        @Override
        public Tensor compute(Tensor q, Tensor k, Tensor v, Tensor bias, float scale) {
            calls.incrementAndGet();
            if (sleepMillis > 0) {
                try {
                    Thread.sleep(sleepMillis); // deliberately slow, so runtime mode must not pick it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return delegate.compute(q, k, v, bias, scale);
        }
    }

    /** Claims to support everything, then throws. */
    static final class Failing implements AttentionImplementation {
        final AtomicInteger calls = new AtomicInteger();
        private final String name;

        Failing(String name) {
            this.name = name;
        }

        @Override public String name() { return name; }
        @Override public boolean supports(AttentionShape shape) { return true; }

        @Override
        public Tensor compute(Tensor q, Tensor k, Tensor v, Tensor bias, float scale) {
            calls.incrementAndGet();
            throw new UnsupportedOperationException(name + " cannot run " + AttentionShape.of(q, k, v, bias));
        }
    }
}
