package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jcomfy.server.http.ApiError;
import org.jcomfy.server.http.Json;

/**
 * {@code GET /api/jobs}, {@code GET /api/jobs/{id}} and the idempotent cancels
 * {@code POST /api/jobs/{id}/cancel} and {@code POST /api/jobs/cancel} (§7.5–7.7).
 */
final class JobsRoutes {
    private final PromptQueue queue;
    private final History history;

    JobsRoutes(PromptQueue queue, History history) {
        this.queue = queue;
        this.history = history;
    }

    void list(Context ctx) {
        List<String> statuses = new ArrayList<>(Jobs.STATUSES);
        String statusParam = ctx.queryParam("status");
        if (statusParam != null && !statusParam.isBlank()) {
            statuses = Arrays.stream(statusParam.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
            List<String> invalid = statuses.stream().filter(s -> !Jobs.STATUSES.contains(s)).toList();
            if (!invalid.isEmpty()) {
                error(ctx, 400, "Invalid status value(s): " + String.join(", ", invalid)
                        + ". Valid values: pending, in_progress, completed, failed, cancelled");
                return;
            }
        }
        String sortBy = ctx.queryParam("sort_by") == null ? "created_at" : ctx.queryParam("sort_by");
        if (!sortBy.equals("created_at") && !sortBy.equals("execution_duration")) {
            error(ctx, 400, "sort_by must be 'created_at' or 'execution_duration'");
            return;
        }
        String sortOrder = ctx.queryParam("sort_order") == null ? "desc" : ctx.queryParam("sort_order");
        if (!sortOrder.equals("asc") && !sortOrder.equals("desc")) {
            error(ctx, 400, "sort_order must be 'asc' or 'desc'");
            return;
        }
        Integer limit = null;
        int offset = 0;
        try {
            if (ctx.queryParam("limit") != null) {
                limit = Integer.parseInt(ctx.queryParam("limit").strip());
                if (limit <= 0) {
                    error(ctx, 400, "limit must be a positive integer");
                    return;
                }
            }
        } catch (NumberFormatException e) {
            error(ctx, 400, "limit must be an integer");
            return;
        }
        try {
            if (ctx.queryParam("offset") != null) offset = Math.max(0, Integer.parseInt(ctx.queryParam("offset").strip()));
        } catch (NumberFormatException e) {
            error(ctx, 400, "offset must be an integer");
            return;
        }
        String workflowId = ctx.queryParam("workflow_id");

        List<ObjectNode> jobs = new ArrayList<>();
        QueueItem running = queue.running();
        if (running != null && statuses.contains("in_progress")) jobs.add(Jobs.ofQueueItem(running, "in_progress"));
        if (statuses.contains("pending")) for (QueueItem p : queue.pending()) jobs.add(Jobs.ofQueueItem(p, "pending"));
        for (Map.Entry<String, ObjectNode> e : history.snapshot()) {
            ObjectNode job = Jobs.ofHistory(e.getKey(), e.getValue(), false);
            if (statuses.contains(job.get("status").asText())) jobs.add(job);
        }
        if (workflowId != null && !workflowId.isEmpty()) {
            jobs.removeIf(j -> !workflowId.equals(j.path("workflow_id").asText(null)));
        }
        Comparator<ObjectNode> order = sortBy.equals("execution_duration")
                ? Comparator.comparingLong(JobsRoutes::duration)
                : Comparator.comparingLong(j -> j.path("create_time").asLong(0));
        jobs.sort(sortOrder.equals("desc") ? order.reversed() : order);
        int total = jobs.size();
        List<ObjectNode> page = jobs.subList(Math.min(offset, total), total);
        if (limit != null && page.size() > limit) page = page.subList(0, limit);

        ObjectNode body = Json.object();
        ArrayNode list = body.putArray("jobs");
        page.forEach(list::add);
        ObjectNode pagination = body.putObject("pagination");
        pagination.put("offset", offset);
        if (limit == null) pagination.putNull("limit"); else pagination.put("limit", limit);
        pagination.put("total", total);
        pagination.put("has_more", offset + page.size() < total);
        Json.send(ctx, body);
    }

    private static long duration(ObjectNode job) {
        long start = job.path("execution_start_time").asLong(0), end = job.path("execution_end_time").asLong(0);
        return start != 0 && end != 0 ? end - start : 0;
    }

    void get(Context ctx) {
        String id = ctx.pathParam("job_id");
        ObjectNode entry = history.get(id);
        if (entry != null) {
            Json.send(ctx, Jobs.ofHistory(id, entry, true));
            return;
        }
        QueueItem running = queue.running();
        if (running != null && running.promptId().equals(id)) {
            Json.send(ctx, Jobs.ofQueueItem(running, "in_progress"));
            return;
        }
        for (QueueItem p : queue.pending()) {
            if (p.promptId().equals(id)) {
                Json.send(ctx, Jobs.ofQueueItem(p, "pending"));
                return;
            }
        }
        error(ctx, 404, "Job not found");
    }

    void cancelOne(Context ctx) {
        Json.send(ctx, Json.object().put("cancelled", queue.cancel(ctx.pathParam("job_id"))));
    }

    void cancelMany(Context ctx) {
        JsonNode body;
        try {
            body = Json.objectBody(ctx);
        } catch (ApiError e) {
            error(ctx, 400, "Request body must be valid JSON");
            return;
        }
        JsonNode ids = body.get("job_ids");
        if (ids == null || !ids.isArray()) {
            error(ctx, 400, "job_ids must be a list");
            return;
        }
        ArrayNode invalid = Json.array();
        for (JsonNode id : ids) if (!id.isTextual() || !PromptRoutes.isCanonicalUuid(id.textValue())) invalid.add(id);
        if (!invalid.isEmpty()) {
            ObjectNode err = Json.object().put("error", "job_ids contains invalid id(s)");
            err.set("invalid_ids", invalid);
            Json.send(ctx, 400, err);
            return;
        }
        boolean any = false;
        for (JsonNode id : ids) any |= queue.cancel(id.textValue());
        Json.send(ctx, Json.object().put("cancelled", any));
    }

    private static void error(Context ctx, int status, String message) {
        Json.send(ctx, status, Json.object().put("error", message));
    }
}
