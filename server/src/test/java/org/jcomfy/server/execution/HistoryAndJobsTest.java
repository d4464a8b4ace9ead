package org.jcomfy.server.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.jcomfy.server.http.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jcomfy.server.TestServer;

/** GET/POST /history and the /api/jobs views the frontend's queue and history panels read (§7.3–7.7). */
class HistoryAndJobsTest {
    static TestServer server;
    static final List<String> ids = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        for (int i = 0; i < 4; i++) {
            String prompt = "{\"1\":{\"class_type\":\"EmptyImage\",\"inputs\":{\"width\":4,\"height\":4,\"batch_size\":1,\"color\":" + i + "}},"
                    + "\"2\":{\"class_type\":\"SaveImage\",\"inputs\":{\"images\":[\"1\",0],\"filename_prefix\":\"jobs\"}}}";
            String id = server.postJson("/prompt", "{\"prompt\":" + prompt
                    + ",\"extra_data\":{\"extra_pnginfo\":{\"workflow\":{\"id\":\"wf-" + (i % 2) + "\"}}}}").get("prompt_id").asText();
            server.awaitHistory(id);
            ids.add(id);
            Thread.sleep(3); // distinct create_time values
        }
    }

    @AfterAll
    static void stop() throws Exception { server.close(); }

    private static List<String> keys(JsonNode object) {
        List<String> k = new ArrayList<>();
        object.fieldNames().forEachRemaining(k::add);
        return k;
    }

    @Test
    void history_windows_follow_max_items_and_offset() throws Exception {
        assertTrue(keys(server.getJson("/history")).containsAll(ids));
        List<String> all = keys(server.getJson("/history"));
        assertEquals(all.subList(all.size() - 2, all.size()), keys(server.getJson("/history?max_items=2")));
        assertEquals(all.subList(1, 3), keys(server.getJson("/history?max_items=2&offset=1")));
        assertEquals(all.subList(2, all.size()), keys(server.getJson("/history?offset=2")));
        assertEquals(List.of(), keys(server.getJson("/history?offset=" + all.size())));
        assertEquals(400, server.get("/history?max_items=two").statusCode(), "upstream's int() raises; a client mistake is a 400 here");
    }

    @Test
    void history_by_id_answers_the_entry_or_an_empty_object() throws Exception {
        assertEquals(List.of(ids.getFirst()), keys(server.getJson("/api/history/" + ids.getFirst())));
        assertEquals("{}", server.get("/history/unknown").body());
    }

    @Test
    void the_jobs_list_has_the_shapes_the_frontend_parses() throws Exception {
        JsonNode body = server.getJson("/api/jobs?status=completed,failed,cancelled&limit=2&offset=0");
        assertEquals("{\"offset\":0,\"limit\":2,\"total\":" + body.at("/pagination/total").asInt() + ",\"has_more\":true}",
                body.get("pagination").toString());
        JsonNode newest = body.at("/jobs/0");
        assertEquals(ids.getLast(), newest.get("id").asText(), "newest first by default");
        assertEquals("completed", newest.get("status").asText());
        assertTrue(newest.get("create_time").isIntegralNumber());
        assertTrue(newest.get("execution_start_time").isIntegralNumber());
        assertTrue(newest.get("execution_end_time").isIntegralNumber());
        assertEquals(1, newest.get("outputs_count").asInt());
        assertEquals("wf-1", newest.get("workflow_id").asText());
        JsonNode preview = newest.get("preview_output");
        assertEquals("output", preview.get("type").asText());
        assertEquals("2", preview.get("nodeId").asText());
        assertEquals("images", preview.get("mediaType").asText());
        assertTrue(preview.get("filename").asText().startsWith("jobs_"));
        assertFalse(newest.has("outputs"), "the list carries no outputs");
    }

    @Test
    void jobs_sort_paginate_and_filter() throws Exception {
        JsonNode asc = server.getJson("/api/jobs?sort_order=asc&workflow_id=wf-0");
        assertEquals(List.of(ids.get(0), ids.get(2)), List.of(asc.at("/jobs/0/id").asText(), asc.at("/jobs/1/id").asText()));
        JsonNode second = server.getJson("/api/jobs?limit=1&offset=1&sort_order=asc");
        assertEquals(ids.get(1), second.at("/jobs/0/id").asText());
        assertEquals(0, server.getJson("/api/jobs?status=pending").get("jobs").size());
        assertEquals(400, server.get("/api/jobs?status=done").statusCode());
        assertTrue(server.get("/api/jobs?status=done").body().contains("Invalid status value(s): done"));
        assertEquals(400, server.get("/api/jobs?limit=0").statusCode());
        assertEquals(400, server.get("/api/jobs?sort_by=name").statusCode());
        assertEquals(400, server.get("/api/jobs?sort_order=up").statusCode());
        assertEquals(400, server.get("/api/jobs?offset=x").statusCode());
        assertTrue(server.getJson("/api/jobs").at("/pagination/limit").isNull());
    }

    @Test
    void a_text_output_becomes_a_text_preview() throws Exception {
        JsonNode job;
        try (TestServer own = TestServer.start()) { // keeps the shared job list unchanged
            String id = own.submit(PromptValidationTest.numberPrompt("{\"value\":6}"), null);
            own.awaitHistory(id);
            job = own.getJson("/api/jobs/" + id);
        }
        assertEquals(1, job.get("outputs_count").asInt());
        assertEquals("{\"content\":\"6\",\"nodeId\":\"2\",\"mediaType\":\"text\"}", job.get("preview_output").toString());
    }

    @Test
    void a_job_in_detail_has_outputs_status_and_the_workflow() throws Exception {
        JsonNode job = server.getJson("/api/jobs/" + ids.getFirst());
        assertEquals("jobs", job.at("/outputs/2/images/0/filename").asText().substring(0, 4));
        assertEquals("success", job.at("/execution_status/status_str").asText());
        assertEquals("EmptyImage", job.at("/workflow/prompt/1/class_type").asText());
        assertEquals("wf-0", job.at("/workflow/extra_data/extra_pnginfo/workflow/id").asText());
        assertEquals(404, server.get("/api/jobs/nope").statusCode());
        assertEquals("{\"error\":\"Job not found\"}", server.get("/api/jobs/nope").body());
    }

    @Test
    void batch_cancel_checks_its_body_and_ids() throws Exception {
        assertEquals("{\"error\":\"Request body must be valid JSON\"}", server.post("/api/jobs/cancel", "nope").body());
        assertEquals(400, server.post("/api/jobs/cancel", "{\"job_ids\":\"x\"}").statusCode());
        JsonNode invalid = Json.MAPPER.readTree(server.post("/api/jobs/cancel", "{\"job_ids\":[\"abc\",1]}").body());
        assertEquals("job_ids contains invalid id(s)", invalid.get("error").asText());
        assertEquals("[\"abc\",1]", invalid.get("invalid_ids").toString());
        assertEquals("{\"cancelled\":false}", server.post("/api/jobs/cancel", "{\"job_ids\":[\"" + ids.getFirst() + "\"]}").body());
    }

    @Test
    void post_history_deletes_and_clears() throws Exception {
        try (TestServer own = TestServer.start()) {
            String a = own.submit(PromptValidationTest.numberPrompt("{\"value\":1}"), null);
            own.awaitHistory(a);
            String b = own.submit(PromptValidationTest.numberPrompt("{\"value\":2}"), null);
            own.awaitHistory(b);
            assertEquals(200, own.post("/history", "{\"delete\":[\"" + a + "\"]}").statusCode());
            assertEquals(List.of(b), keys(own.getJson("/history")));
            assertEquals(200, own.post("/api/history", "{\"clear\":true}").statusCode());
            assertEquals("{}", own.get("/history").body());
            assertEquals(0, own.getJson("/api/jobs").get("jobs").size());
        }
    }
}
