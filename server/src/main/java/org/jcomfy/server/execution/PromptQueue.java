package org.jcomfy.server.execution;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * Pending prompts in priority order (number, then prompt id) and the one that is running.
 * Every change calls {@code onChange} (outside the lock), which broadcasts the queue {@code status},
 * and is written to the {@link PromptStore}, so a restarted server finds its queue again.
 * It also carries the flags of POST /free, which wake the worker even when the queue is idle.
 *
 * <p>The interrupt flag is cleared here, under the lock, at the moment a prompt becomes the
 * running one: a cancel that sees it running (also under the lock) raises the flag after that,
 * so it can never be wiped by the start of the very prompt it cancelled.
 */
final class PromptQueue {
    private static final Comparator<QueueItem> ORDER = Comparator
            .<QueueItem>comparingDouble(i -> i.number().doubleValue())
            .thenComparing(QueueItem::promptId);

    /** What POST /free asked for; the worker consumes it between prompts. */
    record FreeRequest(boolean unloadModels, boolean freeMemory) {}

    private final PriorityQueue<QueueItem> pending = new PriorityQueue<>(ORDER);
    /** Each queued item's row in the store (by identity: two prompts may share an id). */
    private final Map<QueueItem, Long> rows = new IdentityHashMap<>();
    private final PromptStore store;
    private final InterruptFlag interrupt;
    private final Runnable onChange;
    private QueueItem running;
    private FreeRequest freeRequest;
    private boolean closed;

    PromptQueue(PromptStore store, InterruptFlag interrupt, Runnable onChange) {
        this.store = store;
        this.interrupt = interrupt;
        this.onChange = onChange;
    }

    void put(QueueItem item) {
        long row = store.queued(item); // saved before it can be taken, so "running" always finds its row
        synchronized (this) {
            pending.add(item);
            rows.put(item, row);
            notifyAll();
        }
        onChange.run();
    }

    /** A prompt the last run left pending, already in the store under {@code row}. */
    synchronized void restore(QueueItem item, long row) {
        pending.add(item);
        rows.put(item, row);
        notifyAll();
    }

    /** Waits for the next prompt or a free request; null when closed. The popped prompt becomes the running one. */
    QueueItem take() throws InterruptedException {
        QueueItem item;
        synchronized (this) {
            while (!closed && pending.isEmpty() && freeRequest == null) wait();
            if (closed || freeRequest != null || pending.isEmpty()) return null;
            item = pending.poll();
            running = item;
            interrupt.reset();
            store.started(rows.get(item));
        }
        onChange.run();
        return item;
    }

    /** The running prompt finished (its history entry, already written, removed its row from the store). */
    void done() {
        synchronized (this) {
            if (running != null) rows.remove(running);
            running = null;
        }
        onChange.run();
    }

    synchronized QueueItem running() { return running; }

    synchronized boolean isRunning(String promptId) { return running != null && running.promptId().equals(promptId); }

    /** The pending items in heap-array order, as ComfyUI's /queue shows them. */
    synchronized List<QueueItem> pending() { return new ArrayList<>(List.of(pending.toArray(QueueItem[]::new))); }

    synchronized int remaining() { return pending.size() + (running != null ? 1 : 0); }

    /**
     * Cancels one job: the running prompt is interrupted (unless it already finished its last
     * node), a pending one is dequeued. Decided under the lock, so the answer is never stale:
     * true means the prompt will not complete.
     */
    boolean cancel(String promptId) {
        synchronized (this) {
            if (running != null && running.promptId().equals(promptId)) return interrupt.raiseUnlessSealed();
        }
        return delete(item -> item.promptId().equals(promptId)) > 0;
    }

    /** Removes pending items matching {@code which}; returns how many. Each removal broadcasts status. */
    int delete(Predicate<QueueItem> which) {
        int removed = 0;
        while (true) {
            synchronized (this) {
                QueueItem match = pending.stream().filter(which).findFirst().orElse(null);
                if (match == null) break;
                pending.remove(match);
                store.dequeued(List.of(rows.remove(match)));
            }
            removed++;
            onChange.run();
        }
        return removed;
    }

    void wipe() {
        synchronized (this) {
            List<Long> gone = new ArrayList<>();
            for (QueueItem item : pending) gone.add(rows.remove(item));
            pending.clear();
            store.dequeued(gone);
        }
        onChange.run();
    }

    synchronized void requestFree(boolean unloadModels, boolean freeMemory) {
        FreeRequest old = freeRequest;
        freeRequest = new FreeRequest(unloadModels || (old != null && old.unloadModels()),
                freeMemory || (old != null && old.freeMemory()));
        notifyAll();
    }

    synchronized FreeRequest takeFreeRequest() {
        FreeRequest r = freeRequest;
        freeRequest = null;
        return r;
    }

    synchronized void close() {
        closed = true;
        notifyAll();
    }
}
