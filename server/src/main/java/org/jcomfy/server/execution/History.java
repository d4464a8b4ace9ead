package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcomfy.server.http.Json;

/**
 * Finished prompts by id, oldest first, capped like ComfyUI's (10,000 entries, oldest dropped).
 * Reads come from memory; every change is also written to the {@link PromptStore}, from which a
 * restarted server gets its entries back.
 */
final class History {
    static final int MAXIMUM_SIZE = 10_000;

    private final LinkedHashMap<String, ObjectNode> entries = new LinkedHashMap<>();
    private final PromptStore store;

    /** The history the store kept from the last run (the cap applied), then kept up to date in it. */
    History(PromptStore store, List<PromptStore.SavedEntry> saved) {
        this.store = store;
        for (PromptStore.SavedEntry e : saved) entries.put(e.promptId(), e.entry());
        store.forgotten(trim());
    }

    synchronized void put(String promptId, ObjectNode entry) {
        entries.remove(promptId);
        entries.put(promptId, entry);
        store.recorded(promptId, entry, trim());
    }

    /** Drops the oldest entries over the cap; returns their ids. */
    private List<String> trim() {
        List<String> evicted = new ArrayList<>();
        Iterator<String> oldest = entries.keySet().iterator();
        while (entries.size() > MAXIMUM_SIZE) {
            evicted.add(oldest.next());
            oldest.remove();
        }
        return evicted;
    }

    synchronized ObjectNode get(String promptId) {
        ObjectNode e = entries.get(promptId);
        return e == null ? null : e.deepCopy();
    }

    /**
     * ComfyUI's {@code get_history} windowing: without an offset, {@code maxItems} takes the last
     * entries; with one, skip {@code offset} entries and take up to {@code maxItems}.
     */
    synchronized ObjectNode window(Integer maxItems, int offset) {
        if (offset < 0 && maxItems != null) offset = entries.size() - maxItems;
        ObjectNode out = Json.object();
        int i = 0;
        for (Map.Entry<String, ObjectNode> e : entries.entrySet()) {
            if (i >= offset) {
                out.set(e.getKey(), e.getValue().deepCopy());
                if (maxItems != null && out.size() >= maxItems) break;
            }
            i++;
        }
        return out;
    }

    synchronized List<Map.Entry<String, ObjectNode>> snapshot() {
        List<Map.Entry<String, ObjectNode>> copy = new ArrayList<>();
        for (Map.Entry<String, ObjectNode> e : entries.entrySet()) copy.add(Map.entry(e.getKey(), e.getValue().deepCopy()));
        return copy;
    }

    synchronized void delete(String promptId) {
        if (entries.remove(promptId) != null) store.forgotten(List.of(promptId));
    }

    synchronized void clear() {
        entries.clear();
        store.historyCleared();
    }
}
