package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jcomfy.server.http.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one executor thread (§6.1): takes the next prompt, runs it, writes history, broadcasts the
 * queue status, sends {@code executing {node: null}} to the client, and between prompts applies
 * POST /free requests. Nothing a node does can stop this loop.
 */
final class PromptWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(PromptWorker.class);

    private final PromptQueue queue;
    private final History history;
    private final RunServices services;
    private volatile PromptRun current;
    private volatile boolean stopped;

    PromptWorker(PromptQueue queue, History history, RunServices services) {
        this.queue = queue;
        this.history = history;
        this.services = services;
    }

    /** The node the running prompt of {@code sid} is executing, or null. */
    String executingNodeFor(String sid) {
        PromptRun run = current;
        return run != null && sid != null && sid.equals(run.clientId()) ? run.executingNode() : null;
    }

    void stop() {
        stopped = true;
        queue.close();
    }

    @Override
    public void run() {
        while (!stopped) {
            QueueItem item;
            try {
                item = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (item != null) runOne(item);
            applyFreeRequest();
        }
    }

    private void runOne(QueueItem item) {
        PromptRun run = new PromptRun(item, services);
        current = run;
        ObjectNode entry;
        try {
            entry = run.run();
        } catch (Throwable t) {
            LOG.error("prompt {} failed outside any node", item.promptId(), t);
            entry = Json.object();
            entry.set("prompt", item.tuple());
            entry.putObject("outputs");
            entry.putObject("status").put("status_str", "error").put("completed", false).putArray("messages");
            entry.putObject("meta");
        } finally {
            current = null;
        }
        history.put(item.promptId(), entry);
        queue.done();
        if (item.clientId() != null) {
            ObjectNode data = Json.object().putNull("node");
            data.put("prompt_id", item.promptId());
            services.sessions().send(item.clientId(), "executing", data);
        }
    }

    private void applyFreeRequest() {
        PromptQueue.FreeRequest free = queue.takeFreeRequest();
        if (free == null) return;
        try {
            if (free.unloadModels() || free.freeMemory()) services.environment().shared().clear();
            if (free.freeMemory()) services.cache().reset();
        } catch (RuntimeException e) {
            LOG.warn("freeing memory failed", e);
        }
    }
}
