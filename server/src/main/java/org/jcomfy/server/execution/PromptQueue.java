package org.jcomfy.server.execution;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * Pending prompts in priority order (number, then prompt id) and the one that is running.
 * Every change calls {@code onChange} (outside the lock), which broadcasts the queue {@code status}.
 * It also carries the flags of POST /free, which wake the worker even when the queue is idle.
 */
final class PromptQueue {
    private static final Comparator<QueueItem> ORDER = Comparator
            .<QueueItem>comparingDouble(i -> i.number().doubleValue())
            .thenComparing(QueueItem::promptId);

    /** What POST /free asked for; the worker consumes it between prompts. */
    record FreeRequest(boolean unloadModels, boolean freeMemory) {}

    private final PriorityQueue<QueueItem> pending = new PriorityQueue<>(ORDER);
    private final Runnable onChange;
    private QueueItem running;
    private FreeRequest freeRequest;
    private boolean closed;

    PromptQueue(Runnable onChange) { this.onChange = onChange; }

    void put(QueueItem item) {
        synchronized (this) {
            pending.add(item);
            notifyAll();
        }
        onChange.run();
    }

    /** Waits for the next prompt or a free request; null when closed. The popped prompt becomes the running one. */
    QueueItem take() throws InterruptedException {
        QueueItem item;
        synchronized (this) {
            while (!closed && pending.isEmpty() && freeRequest == null) wait();
            if (closed || freeRequest != null || pending.isEmpty()) return null;
            item = pending.poll();
            running = item;
        }
        onChange.run();
        return item;
    }

    void done() {
        synchronized (this) { running = null; }
        onChange.run();
    }

    synchronized QueueItem running() { return running; }

    synchronized boolean isRunning(String promptId) { return running != null && running.promptId().equals(promptId); }

    /** The pending items in heap-array order, as ComfyUI's /queue shows them. */
    synchronized List<QueueItem> pending() { return new ArrayList<>(List.of(pending.toArray(QueueItem[]::new))); }

    synchronized int remaining() { return pending.size() + (running != null ? 1 : 0); }

    /** Removes pending items matching {@code which}; returns how many. Each removal broadcasts status. */
    int delete(Predicate<QueueItem> which) {
        int removed = 0;
        while (true) {
            synchronized (this) {
                QueueItem match = pending.stream().filter(which).findFirst().orElse(null);
                if (match == null) break;
                pending.remove(match);
            }
            removed++;
            onChange.run();
        }
        return removed;
    }

    void wipe() {
        synchronized (this) { pending.clear(); }
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
