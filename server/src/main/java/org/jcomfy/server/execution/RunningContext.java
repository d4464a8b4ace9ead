package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.util.Map;
import java.nio.file.Path;
import java.util.List;
import org.jcomfy.backend.device.Device;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.ExecutionInterrupted;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.SharedObjects;
import org.jcomfy.server.http.Json;

/**
 * The {@link ExecutionContext} one node gets: its environment, plus progress events, preview
 * frames and the interrupt check of the prompt it runs in.
 */
final class RunningContext implements ExecutionContext {
    private final NodeEnvironment environment;
    private final QueueItem item;
    private final String nodeId;
    private final PromptEvents events;
    private final ProgressState progressState;
    private final InterruptFlag interrupt;
    private final ClientSessions sessions;
    private final String defaultPreviewMethod;

    RunningContext(NodeEnvironment environment, QueueItem item, String nodeId, PromptEvents events,
                   ProgressState progressState, InterruptFlag interrupt, ClientSessions sessions,
                   String defaultPreviewMethod) {
        this.defaultPreviewMethod = defaultPreviewMethod;
        this.environment = environment;
        this.item = item;
        this.nodeId = nodeId;
        this.events = events;
        this.progressState = progressState;
        this.interrupt = interrupt;
        this.sessions = sessions;
    }

    @Override public String promptId() { return item.promptId(); }
    @Override public String nodeId() { return nodeId; }

    @Override
    public void event(String type, Map<String, Object> data) {
        ObjectNode json = Json.MAPPER.valueToTree(data);
        json.put("prompt_id", item.promptId());
        json.put("node", nodeId);
        events.toClientOrEveryone(type, json);
    }

    @Override
    public void progress(long value, long max) {
        checkInterrupted();
        ObjectNode data = Json.object();
        data.put("value", value);
        data.put("max", max);
        data.put("prompt_id", item.promptId());
        data.put("node", nodeId);
        events.toClientOrEveryone("progress", data);
        progressState.progress(nodeId, value, max);
    }

    @Override
    public void preview(BufferedImage image) {
        byte[] jpeg = PreviewFrames.jpeg(image, PreviewFrames.DEFAULT_MAX_SIZE);
        events.binaryToClientOrEveryone(sid -> sessions.supportsPreviewMetadata(sid)
                ? PreviewFrames.withMetadata(jpeg, item.promptId(), nodeId)
                : PreviewFrames.legacy(jpeg));
    }

    @Override
    public void checkInterrupted() {
        if (interrupt.isRaised()) throw new ExecutionInterrupted();
    }

    @Override public JsonNode prompt() { return item.prompt(); }

    @Override public JsonNode extraPngInfo() { return item.extraData().get("extra_pnginfo"); }

    @Override
    public String previewMethod() {
        JsonNode m = item.extraData().get("preview_method");
        return m != null && m.isTextual() && !m.textValue().equals("default") ? m.textValue() : defaultPreviewMethod;
    }

    @Override public Path inputDirectory() { return environment.inputDirectory(); }
    @Override public Path outputDirectory() { return environment.outputDirectory(); }
    @Override public Path tempDirectory() { return environment.tempDirectory(); }
    @Override public List<String> modelFiles(String folder) { return environment.modelFiles(folder); }
    @Override public Path modelPath(String folder, String name) { return environment.modelPath(folder, name); }
    @Override public Device device() { return environment.device(); }
    @Override public SharedObjects shared() { return environment.shared(); }
}
