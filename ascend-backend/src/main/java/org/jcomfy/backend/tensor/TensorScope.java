package org.jcomfy.backend.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A region for temporaries, as DJL's NDManager: while a scope is open on a thread, every tensor
 * that thread creates with {@link Tensor#zeros} lives in it, and closing the scope frees them all
 * at once. Forward code opens one per block and {@link #keep}s the block's output.
 *
 * <p>Why: off-heap tensors otherwise live until the garbage collector notices them, and every
 * fresh allocation costs page faults and zeroing by the kernel (a third of a DiT forward's time
 * was system time). A scope bump-allocates from 64 MiB slabs that are recycled between scopes, so
 * after the first block no new memory is touched. Tensors of a closed scope fail loudly on use:
 * each allocation is bound to the scope's own arena.
 */
public final class TensorScope implements AutoCloseable {
    static final long SLAB_BYTES = 64L << 20;
    private static final long ALIGN = 64;
    private static final ThreadLocal<TensorScope> CURRENT = new ThreadLocal<>();
    /** Slabs no open scope uses; they are kept for the next scope rather than returned to the OS. */
    private static final ConcurrentLinkedDeque<MemorySegment> FREE_SLABS = new ConcurrentLinkedDeque<>();

    private final TensorScope parent;
    private final Thread owner = Thread.currentThread();
    private final Arena arena = Arena.ofShared();
    private final List<MemorySegment> slabs = new ArrayList<>();
    private MemorySegment slab;
    private long offset;
    private boolean closed;

    private TensorScope(TensorScope parent) { this.parent = parent; }

    /** Opens a scope on the current thread; tensors made here until {@link #close} belong to it. */
    public static TensorScope open() {
        TensorScope scope = new TensorScope(CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /** Zeroed memory for a new tensor: from the current thread's scope, or garbage-collected when there is none. */
    static MemorySegment allocate(long bytes) {
        TensorScope scope = CURRENT.get();
        return scope == null ? Arena.ofAuto().allocate(Math.max(bytes, 1), ALIGN) : scope.take(bytes);
    }

    /** A copy of {@code t} that outlives this scope (it belongs to the enclosing scope, if any). */
    public Tensor keep(Tensor t) {
        CURRENT.set(parent);
        try {
            return t.copy();
        } finally {
            CURRENT.set(this);
        }
    }

    /**
     * A copy of {@code t} that belongs to no scope (the garbage collector frees it), for values kept
     * past every scope the current thread has open: recorded activations, say.
     */
    public static Tensor detached(Tensor t) {
        TensorScope current = CURRENT.get();
        CURRENT.remove();
        try {
            return t.copy();
        } finally {
            if (current != null) CURRENT.set(current);
        }
    }

    private MemorySegment take(long bytes) {
        long size = Math.max(bytes, 1);
        if (size > SLAB_BYTES / 2) return arena.allocate(size, ALIGN);   // big ones get their own block
        long start = (offset + ALIGN - 1) / ALIGN * ALIGN;
        if (slab == null || start + size > slab.byteSize()) {
            slab = FREE_SLABS.pollFirst();
            if (slab == null) slab = Arena.global().allocate(SLAB_BYTES, ALIGN);
            slabs.add(slab);
            start = 0;
        }
        offset = start + size;
        MemorySegment mem = slab.asSlice(start, size).reinterpret(arena, null);
        mem.fill((byte) 0);   // recycled slabs hold old data
        return mem;
    }

    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != owner) throw new IllegalStateException("a TensorScope must be closed by the thread that opened it");
        closed = true;
        arena.close();
        slabs.forEach(FREE_SLABS::addFirst);
        CURRENT.set(parent);
    }
}
