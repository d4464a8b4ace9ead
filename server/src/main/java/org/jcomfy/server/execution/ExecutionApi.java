package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.jcomfy.nodes.workflow.UiWorkflowConverter;
import org.jcomfy.server.FeatureFlags;
import org.jcomfy.server.RouteTable;
import org.jcomfy.server.ServerRuntime;
import org.jcomfy.server.http.Json;

/**
 * The execution side of the protocol: /prompt, /queue, /history, /api/jobs, /interrupt,
 * /free and the /ws event stream, backed by one queue and one executor thread.
 */
public final class ExecutionApi implements AutoCloseable {
    private final ClientSessions sessions;
    private final PromptStore store;
    private final PromptQueue queue;
    private final History history;
    private final InterruptFlag interrupt = new InterruptFlag();
    private final PromptWorker worker;
    private final Thread workerThread;
    private final PromptRoutes promptRoutes;
    private final QueueRoutes queueRoutes;
    private final HistoryRoutes historyRoutes;
    private final JobsRoutes jobsRoutes;
    private final ControlRoutes controlRoutes;

    public ExecutionApi(ServerRuntime runtime) {
        // The same flags /features serves, so the handshake and the route cannot disagree.
        this.sessions = new ClientSessions(() -> Json.MAPPER.valueToTree(FeatureFlags.of(runtime.options())));
        Path file = runtime.options().historyDatabase();
        this.store = file == null ? PromptStore.none() : PromptStore.open(file);
        PromptStore.Saved saved = store.load();
        this.history = new History(store, saved.history());
        this.queue = new PromptQueue(store, interrupt, this::broadcastStatus);
        long nextNumber = QueueRecovery.resume(saved, queue, history);
        OutputCache cache = new OutputCache(runtime.options().cacheMode(), runtime.options().cacheLruSize());
        String previewMethod = runtime.options().previewMethod() == null ? "auto" : runtime.options().previewMethod();
        this.worker = new PromptWorker(queue, history,
                new RunServices(runtime.nodes(), runtime.environment(), cache, sessions, interrupt, previewMethod));
        this.promptRoutes = new PromptRoutes(queue, new PromptValidator(runtime.nodes(), runtime.environment()),
                new UiWorkflowConverter(runtime.nodes()), nextNumber);
        this.queueRoutes = new QueueRoutes(queue);
        this.historyRoutes = new HistoryRoutes(history);
        this.jobsRoutes = new JobsRoutes(queue, history);
        this.controlRoutes = new ControlRoutes(queue, interrupt);
        this.workerThread = Thread.ofPlatform().name("jcomfy-prompt-worker").daemon().start(worker);
    }

    /** Declares this family's routes. */
    public void register(RouteTable routes) {
        routes.get("/prompt", promptRoutes::getPrompt);
        routes.post("/prompt", promptRoutes::postPrompt);
        routes.get("/queue", queueRoutes::getQueue);
        routes.post("/queue", queueRoutes::postQueue);
        routes.get("/history", historyRoutes::getHistory);
        routes.get("/history/{prompt_id}", historyRoutes::getHistoryEntry);
        routes.post("/history", historyRoutes::postHistory);
        routes.post("/interrupt", controlRoutes::interrupt);
        routes.post("/free", controlRoutes::free);
        // Declared with a literal /api prefix upstream, so they also exist under /api/api.
        routes.get("/api/jobs", jobsRoutes::list);
        routes.get("/api/jobs/{job_id}", jobsRoutes::get);
        routes.post("/api/jobs/cancel", jobsRoutes::cancelMany);
        routes.post("/api/jobs/{job_id}/cancel", jobsRoutes::cancelOne);
        routes.ws("/ws", ws -> {
            ws.onConnect(ctx -> {
                String sid = sessions.connect(ctx);
                ObjectNode status = statusData();
                status.put("sid", sid);
                sessions.send(sid, "status", status);
                String node = worker.executingNodeFor(sid);
                if (node != null) sessions.send(sid, "executing", Json.object().put("node", node));
            });
            ws.onMessage(sessions::message);
            ws.onClose(sessions::close);
        });
    }

    private ObjectNode statusData() {
        ObjectNode data = Json.object();
        data.putObject("status").putObject("exec_info").put("queue_remaining", queue.remaining());
        return data;
    }

    private void broadcastStatus() { sessions.send(null, "status", statusData()); }

    /**
     * Stops the executor thread, then the store. The running prompt is interrupted and recorded as
     * such; pending prompts stay in the store for the next start.
     */
    @Override
    public void close() {
        worker.stop();
        interrupt.raise();
        try {
            workerThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }
}
