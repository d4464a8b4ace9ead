package org.jcomfy.server.execution;

import org.jcomfy.server.http.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a starting server does with the queue the last run left in the {@link PromptStore}: the
 * pending prompts go back in the queue in their old order, and the prompt that was running when
 * the server stopped or was killed gets a history entry that says it was interrupted (its job
 * shows as {@code cancelled}). To run it again, POST /prompt its {@code prompt} (the entry's
 * {@code prompt[2]}), with the same {@code prompt_id} if wanted: the new run replaces the entry.
 */
final class QueueRecovery {
    /** Said in the interrupted entry, so a user reading the history knows why. */
    static final String REASON = "the server stopped while this prompt was running";

    private QueueRecovery() {}

    /** Fills {@code queue} and {@code history}; returns the number the next POST /prompt should get. */
    static long resume(PromptStore.Saved saved, PromptQueue queue, History history) {
        double highest = -1;
        for (PromptStore.SavedPrompt p : saved.queue()) {
            if (p.running()) {
                history.put(p.item().promptId(), interruptedEntry(p.item()));
            } else {
                queue.restore(p.item(), p.row());
                highest = Math.max(highest, p.item().number().asDouble());
            }
        }
        // Counting on from the resumed prompts keeps new ones behind them, as before the restart.
        return (long) Math.floor(highest) + 1;
    }

    /** ComfyUI's entry for an interrupted prompt: no outputs, status error with an execution_interrupted message. */
    static ObjectNode interruptedEntry(QueueItem item) {
        ObjectNode entry = Json.object();
        entry.set("prompt", item.tuple());
        entry.putObject("outputs");
        ObjectNode status = entry.putObject("status").put("status_str", "error").put("completed", false);
        ArrayNode message = status.putArray("messages").addArray();
        message.add("execution_interrupted");
        ObjectNode data = message.addObject().put("prompt_id", item.promptId());
        data.putNull("node_id");
        data.putNull("node_type");
        data.putArray("executed");
        data.put("timestamp", System.currentTimeMillis());
        data.put("reason", REASON);
        entry.putObject("meta");
        return entry;
    }
}
