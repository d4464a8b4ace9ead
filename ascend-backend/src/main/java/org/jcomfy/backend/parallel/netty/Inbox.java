package org.jcomfy.backend.parallel.netty;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jcomfy.backend.parallel.ProcessGroupException;

/**
 * What has reached one rank and not yet been taken: collective frames by (group, call, sender),
 * point-to-point frames queued per (group, sender), which peers have left, and the first failure.
 * The network threads deliver; the rank's thread waits, always with a deadline. One lock and one
 * condition, as in the in-process world: a failure must wake every waiter at once, and a rank has
 * only a handful of peers.
 *
 * <p>A waiter takes what it needs if it is there even after a failure, so a peer that closed its
 * connection right after its last frame does not spoil that frame's collective; it fails as soon as
 * what it waits for can no longer come.
 */
final class Inbox {
    private final int self;
    private final Consumer<ProcessGroupException> onFirstFailure;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<Slot, Frame> collectives = new HashMap<>();
    private final Map<Stream, ArrayDeque<Frame>> messages = new HashMap<>();
    private final Map<Integer, String> departed = new HashMap<>();
    private ProcessGroupException failure;
    private ProcessGroupException pending;   // a first failure not yet passed on (set under the lock, reported outside it)
    private boolean closed;

    private record Slot(long group, long sequence, int source) {}

    private record Stream(long group, int source) {}

    /** @param onFirstFailure told (outside the lock) of a failure this rank found itself, to pass it on to the peers */
    Inbox(int self, Consumer<ProcessGroupException> onFirstFailure) {
        this.self = self;
        this.onFirstFailure = onFirstFailure;
    }

    /** Files a frame that arrived (from a network thread). A second frame for the same call and sender is a protocol error. */
    void deliver(Frame frame) {
        ProcessGroupException duplicate = null;
        lock.lock();
        try {
            if (closed) {
                frame.release();
                return;
            }
            if (frame.kind() == Frame.Kind.MESSAGE) {
                messages.computeIfAbsent(new Stream(frame.group(), frame.source()), s -> new ArrayDeque<>()).add(frame);
            } else {
                Frame old = collectives.putIfAbsent(new Slot(frame.group(), frame.sequence(), frame.source()), frame);
                if (old != null) {
                    frame.release();
                    duplicate = new ProcessGroupException("rank " + frame.source() + " sent call " + frame.sequence() + " twice");
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (duplicate != null) fail(duplicate);
    }

    /**
     * The frames of call {@code sequence} of a group from each of {@code sources} (world ranks), in
     * that order, waiting at most {@code timeout} for all of them.
     */
    Frame[] collect(long group, String groupName, long sequence, Frame.Kind kind, int[] sources, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                List<Integer> missing = new ArrayList<>();
                for (int source : sources) {
                    Frame f = collectives.get(new Slot(group, sequence, source));
                    if (f == null) {
                        missing.add(source);
                    } else if (f.kind() != kind) {
                        throw failLocked(new ProcessGroupException("ranks called different collectives in group " + groupName + ": rank "
                                + self + " " + kind.operation + ", rank " + source + " " + f.kind().operation + " (call " + sequence + ")"));
                    }
                }
                if (missing.isEmpty()) {
                    Frame[] out = new Frame[sources.length];
                    for (int j = 0; j < sources.length; j++) out[j] = collectives.remove(new Slot(group, sequence, sources[j]));
                    return out;
                }
                String what = names(missing) + " did not arrive at " + kind.operation + " (call " + sequence + " of group " + groupName + ")";
                waitOrThrow(deadline, timeout, what, missing);
            }
        } finally {
            lock.unlock();
            reportPending();
        }
    }

    /** The oldest frame {@code source} (a world rank) sent here in a group, waiting at most {@code timeout}. */
    Frame take(long group, String groupName, int source, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            ArrayDeque<Frame> queue = messages.computeIfAbsent(new Stream(group, source), s -> new ArrayDeque<>());
            while (queue.isEmpty()) {
                waitOrThrow(deadline, timeout, "rank " + source + " sent nothing to rank " + self + " (group " + groupName + ")", List.of(source));
            }
            return queue.poll();
        } finally {
            lock.unlock();
            reportPending();
        }
    }

    /** Holding the lock: throws if what is awaited can no longer come, else waits a while. */
    private void waitOrThrow(long deadline, Duration timeout, String what, List<Integer> awaited) {
        if (closed) throw new ProcessGroupException("rank " + self + "'s process group is closed; " + what);
        if (failure != null) throw new ProcessGroupException(failure.getMessage(), failure);
        for (int source : awaited) {
            String why = departed.get(source);
            // Only this wait is hopeless: a peer that left on purpose fails those who need it, not the world.
            if (why != null) throw new ProcessGroupException(what + ": rank " + source + " " + why);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) throw failLocked(new ProcessGroupException(what + " within " + seconds(timeout) + " (rank " + self + " waited)"));
        try {
            changed.awaitNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failLocked(new ProcessGroupException("rank " + self + " was interrupted", e));
        }
    }

    /** Notes that a peer left on purpose (it said goodbye): waiting for it fails, nothing else does. */
    void departed(int peer, String why) {
        lock.lock();
        try {
            departed.putIfAbsent(peer, why);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records {@code e} as this rank's failure unless there already is one, and wakes every waiter.
     * Returns true when it was the first; a failure this rank found itself is then passed to the peers.
     */
    boolean fail(ProcessGroupException e) {
        lock.lock();
        try {
            failLocked(e);
        } finally {
            lock.unlock();
        }
        return reportPending();
    }

    /** A failure a peer told us of: recorded, not passed on again. */
    void failedElsewhere(ProcessGroupException e) {
        lock.lock();
        try {
            if (failure == null) failure = e;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private ProcessGroupException failLocked(ProcessGroupException e) {
        if (failure == null) {
            failure = e;
            pending = e;
        }
        changed.signalAll();
        return e;
    }

    private boolean reportPending() {
        ProcessGroupException report;
        lock.lock();
        try {
            report = pending;
            pending = null;
        } finally {
            lock.unlock();
        }
        if (report != null) onFirstFailure.accept(report);
        return report != null;
    }

    /** The first failure, or null. */
    ProcessGroupException failure() {
        lock.lock();
        try {
            return failure;
        } finally {
            lock.unlock();
        }
    }

    /** Drops every frame still here and fails every later wait. */
    void close() {
        lock.lock();
        try {
            closed = true;
            collectives.values().forEach(Frame::release);
            collectives.clear();
            messages.values().forEach(q -> q.forEach(Frame::release));
            messages.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    static String names(List<Integer> ranks) {
        return ranks.size() == 1 ? "rank " + ranks.get(0) : "ranks " + ranks;
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
