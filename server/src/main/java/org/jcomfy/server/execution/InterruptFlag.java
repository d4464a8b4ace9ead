package org.jcomfy.server.execution;

import java.util.concurrent.atomic.AtomicReference;

/**
 * ComfyUI's global "processing interrupted" flag: raised by POST /interrupt and by a cancel,
 * cleared when a prompt starts. A prompt that ran every node {@linkplain #seal() seals} it before
 * it reports success; a cancel after that point is refused ({@link #raiseUnlessSealed()}), so a
 * cancel that answered true never belongs to a prompt that then succeeded.
 */
final class InterruptFlag {
    private enum State { CLEAR, RAISED, SEALED }

    private final AtomicReference<State> state = new AtomicReference<>(State.CLEAR);

    /** POST /interrupt: always raises (a sealed prompt is done; the next start clears it). */
    void raise() { state.set(State.RAISED); }

    /** A cancel of the running prompt: raises unless it already sealed its success; whether it raised. */
    boolean raiseUnlessSealed() { return state.updateAndGet(s -> s == State.SEALED ? s : State.RAISED) == State.RAISED; }

    void reset() { state.set(State.CLEAR); }

    boolean isRaised() { return state.get() == State.RAISED; }

    /** The running prompt finished its last node: true when it may report success, false when an interrupt came first. */
    boolean seal() { return state.compareAndSet(State.CLEAR, State.SEALED); }
}
