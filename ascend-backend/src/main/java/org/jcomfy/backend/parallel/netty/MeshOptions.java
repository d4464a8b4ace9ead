package org.jcomfy.backend.parallel.netty;

import java.time.Duration;

/**
 * How patient and how trusting a {@link NettyMesh} is.
 *
 * @param joinTimeout     how long the rendezvous may take (workers may start well before or after the server)
 * @param timeout         how long a collective or receive waits for its peers ({@link org.jcomfy.backend.parallel.ProcessGroup#timeout})
 * @param maxPayloadBytes the largest frame payload accepted; a header announcing more is refused before anything is allocated
 */
public record MeshOptions(Duration joinTimeout, Duration timeout, long maxPayloadBytes) {
    /** A minute to join, a minute per collective, frames of up to 1 GiB. */
    public static final MeshOptions DEFAULTS = new MeshOptions(Duration.ofSeconds(60), Duration.ofSeconds(60), 1L << 30);

    public MeshOptions {
        if (joinTimeout.isNegative() || joinTimeout.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive: join " + joinTimeout + ", collective " + timeout);
        }
        if (maxPayloadBytes < 0) throw new IllegalArgumentException("a negative payload limit: " + maxPayloadBytes);
    }

    public MeshOptions withTimeout(Duration t) { return new MeshOptions(joinTimeout, t, maxPayloadBytes); }

    public MeshOptions withJoinTimeout(Duration t) { return new MeshOptions(t, timeout, maxPayloadBytes); }

    public MeshOptions withMaxPayloadBytes(long n) { return new MeshOptions(joinTimeout, timeout, n); }
}
