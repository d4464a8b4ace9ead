package org.jcomfy.backend.parallel;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jcomfy.backend.tensor.Tensor;

/**
 * What the ranks of one in-process world share: the rendezvous of every collective in flight, the
 * point-to-point mailboxes, and the first failure. One lock guards it all; with a handful of ranks
 * that meet a few times per block there is nothing to gain from finer locking, and one condition
 * lets a failure wake every waiting rank at once.
 */
final class LocalWorld {
    private final int size;
    private final Duration timeout;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<Key, Meeting> meetings = new HashMap<>();
    private final Map<Channel, ArrayDeque<Tensor>> mailboxes = new HashMap<>();
    private ProcessGroupException failure;

    /** One collective call: the group's name and how many calls the group made before it. */
    record Key(String group, long call) {}

    private record Channel(String group, int from, int to) {}

    /** The members' contributions to one collective call. */
    private static final class Meeting {
        final Object[] payloads;
        final String[] operations;
        final boolean[] arrived, finished;
        int arrivedCount, finishedCount;

        Meeting(int members) {
            payloads = new Object[members];
            operations = new String[members];
            arrived = new boolean[members];
            finished = new boolean[members];
        }
    }

    LocalWorld(int size, Duration timeout) {
        this.size = size;
        this.timeout = timeout;
    }

    int size() { return size; }

    Duration timeout() { return timeout; }

    /**
     * One collective call: member {@code position} of {@code members} (world ranks) brings
     * {@code payload}; once all have, {@code read} builds this member's result from every payload
     * (outside the lock, so members copy in parallel); the call returns when every member has read,
     * so no payload is freed while another member still copies it.
     */
    <R> R meet(Key key, int[] members, int position, String operation, Object payload, Function<Object[], R> read) {
        Meeting m;
        lock.lock();
        try {
            throwIfFailed();
            m = meetings.computeIfAbsent(key, k -> new Meeting(members.length));
            m.payloads[position] = payload;
            m.operations[position] = operation;
            m.arrived[position] = true;
            m.arrivedCount++;
            changed.signalAll();
            Meeting meeting = m;
            await(() -> meeting.arrivedCount == members.length,
                    () -> missing(members, meeting.arrived) + " did not arrive at " + operation + " (call " + key.call()
                            + " of group " + key.group() + ")", members[position]);
            for (int j = 0; j < members.length; j++) {
                if (!m.operations[j].equals(operation)) {
                    throw fail(new ProcessGroupException("ranks called different collectives in group " + key.group() + ": rank "
                            + members[position] + " " + operation + ", rank " + members[j] + " " + m.operations[j]));
                }
            }
        } finally {
            lock.unlock();
        }
        R result;
        try {
            result = read.apply(m.payloads);
        } catch (ProcessGroupException e) {
            throw fail(e);
        } catch (RuntimeException e) {
            throw fail(new ProcessGroupException("rank " + members[position] + " failed in " + operation + ": " + e.getMessage(), e));
        }
        lock.lock();
        try {
            m.finished[position] = true;
            m.finishedCount++;
            changed.signalAll();
            Meeting meeting = m;
            await(() -> meeting.finishedCount == members.length,
                    () -> missing(members, meeting.finished) + " did not finish " + operation + " (call " + key.call()
                            + " of group " + key.group() + ")", members[position]);
            meetings.remove(key, m);
            return result;
        } finally {
            lock.unlock();
        }
    }

    /** Queues {@code tensor} (already a copy the sender does not own) for the receiver. */
    void post(String group, int from, int to, Tensor tensor) {
        lock.lock();
        try {
            throwIfFailed();
            mailboxes.computeIfAbsent(new Channel(group, from, to), c -> new ArrayDeque<>()).add(tensor);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The oldest tensor queued from {@code from} (world rank) to {@code to}, waiting for one. */
    Tensor take(String group, int from, int to) {
        lock.lock();
        try {
            ArrayDeque<Tensor> box = mailboxes.computeIfAbsent(new Channel(group, from, to), c -> new ArrayDeque<>());
            await(() -> !box.isEmpty(), () -> "rank " + from + " sent nothing to rank " + to + " (group " + group + ")", to);
            return box.poll();
        } finally {
            lock.unlock();
        }
    }

    /** Records the first failure and wakes every waiting rank; returns the failure to throw. */
    ProcessGroupException fail(ProcessGroupException e) {
        lock.lock();
        try {
            if (failure == null) failure = e;
            changed.signalAll();
            return e;
        } finally {
            lock.unlock();
        }
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

    void throwIfFailed() {
        lock.lock();
        try {
            if (failure != null) throw new ProcessGroupException(failure.getMessage(), failure);
        } finally {
            lock.unlock();
        }
    }

    /** Waits, holding the lock, until {@code done}; a timeout fails the world with {@code what}. */
    private void await(BooleanSupplier done, Supplier<String> what, int waiter) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            throwIfFailed();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw fail(new ProcessGroupException(what.get() + " within " + seconds(timeout) + " (rank " + waiter + " waited)"));
            }
            try {
                changed.awaitNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw fail(new ProcessGroupException("rank " + waiter + " was interrupted", e));
            }
        }
    }

    private static String missing(int[] members, boolean[] present) {
        List<Integer> absent = new ArrayList<>();
        for (int j = 0; j < members.length; j++) if (!present[j]) absent.add(members[j]);
        return absent.size() == 1 ? "rank " + absent.get(0) : "ranks " + absent;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @Override
    public String toString() {
        return "local world of " + size + " ranks, timeout " + seconds(timeout) + (failure == null ? "" : ", failed: " + failure.getMessage());
    }
}
