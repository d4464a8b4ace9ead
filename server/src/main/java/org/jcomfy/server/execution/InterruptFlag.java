package org.jcomfy.server.execution;

import java.util.concurrent.atomic.AtomicBoolean;

/** ComfyUI's global "processing interrupted" flag: set by POST /interrupt, reset when a prompt starts. */
final class InterruptFlag {
    private final AtomicBoolean set = new AtomicBoolean();

    void raise() { set.set(true); }

    void reset() { set.set(false); }

    boolean isRaised() { return set.get(); }
}
