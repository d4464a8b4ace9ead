package org.jcomfy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jcomfy.server.http.Json;
import org.junit.jupiter.api.Test;

/**
 * A seeded mutation fuzz of {@code POST /prompt} and the other JSON routes: valid prompts of the
 * test nodes are mutated in their JSON tree (values of every kind, broken links, unknown classes,
 * missing and extra keys, deep nesting) and in their bytes (flips, cuts, insertions), wrapped in
 * request fields of random types. Every answer must come within a bounded time and be below 500,
 * every refusal ComfyUI's JSON error shape; afterwards the server still answers and still runs a
 * prompt. The seed and count are fixed, so a failure reproduces.
 */
class MutationFuzzTest {
    private static final long SEED = 20260807L;
    private static final int PROMPTS = 2500;
    private static final int OTHER_BODIES = 800;
    private static final Duration PER_REQUEST = Duration.ofSeconds(15);

    /** Valid prompts of quick test nodes (nothing that sleeps or allocates by its inputs). */
    private static final List<String> SEEDS = List.of(
            """
            {"1":{"class_type":"TestNumber","inputs":{"value":3,"scale":0.25,"mode":"b","flag":true,"label":"x","seed":7}},
             "2":{"class_type":"TestSink","inputs":{"value":["1",0]}}}""",
            """
            {"1":{"class_type":"TestListSource","inputs":{}},"2":{"class_type":"TestSink","inputs":{"value":["1",0]}},
             "3":{"class_type":"TestUniqueId","inputs":{},"_meta":{"title":"ids"}}}""",
            """
            {"1":{"class_type":"TestVolatile","inputs":{}},"2":{"class_type":"TestNumber","inputs":{"value":["1",0]}},
             "3":{"class_type":"TestSink","inputs":{"value":["2",0]}},"4":{"class_type":"TestFail","inputs":{"value":["2",0]}}}""");

    private static final List<String> CLASSES = List.of("TestNumber", "TestSink", "TestListSource", "TestUniqueId",
            "TestVolatile", "TestFail", "NoSuchNode", "", "testnumber");

    private static final List<String> OTHER_ROUTES = List.of("/queue", "/api/history", "/interrupt", "/api/free",
            "/settings", "/api/settings/fuzz", "/api/jobs/cancel", "/users", "/api/userdata/fuzz.json");

    private final Random random = new Random(SEED);

    @Test
    void thousands_of_mutated_prompts_and_bodies_never_get_a_5xx_and_the_server_still_runs_prompts() throws Exception {
        try (TestServer s = TestServer.start("--max-upload-size", "1")) {
            int accepted = 0;
            for (int i = 0; i < PROMPTS; i++) {
                String body = random.nextInt(5) == 0 ? mutateBytes(requestBody()) : requestBody();
                HttpResponse<String> r = post(s, random.nextBoolean() ? "/prompt" : "/api/prompt", body);
                check(r, "prompt #" + i + ": " + ClientErrors.abbreviated(body));
                if (r.statusCode() == 200) accepted++;
            }
            for (int i = 0; i < OTHER_BODIES; i++) {
                String route = OTHER_ROUTES.get(random.nextInt(OTHER_ROUTES.size()));
                String body = random.nextBoolean() ? Json.MAPPER.writeValueAsString(randomValue(0)) : mutateBytes(requestBody());
                check(post(s, route, body), route + " #" + i + ": " + ClientErrors.abbreviated(body));
            }
            assertTrue(accepted > PROMPTS / 50, "the fuzz also reached execution (" + accepted + " prompts accepted)");

            s.post("/queue", "{\"clear\":true}");
            s.post("/interrupt", "");
            assertEquals(200, s.get("/system_stats").statusCode());
            String id = s.submit(SEEDS.getFirst(), null);
            JsonNode entry = s.awaitHistory(id);
            assertEquals("success", entry.at("/status/status_str").asText(), entry.toString());
        }
    }

    private HttpResponse<String> post(TestServer s, String route, String body) {
        return s.send(s.builder(route).timeout(PER_REQUEST).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static void check(HttpResponse<String> r, String what) {
        assertTrue(r.statusCode() < 500, "no 5xx: " + what + " -> " + r.statusCode() + " " + ClientErrors.abbreviated(r.body()));
        if (r.statusCode() >= 400) ClientErrors.assertClientError(r, what);
    }

    /** {@code {"prompt": P, ...}} with a mutated P and request fields of random kinds. */
    private String requestBody() throws Exception {
        ObjectNode request = Json.object();
        request.set("prompt", random.nextInt(10) == 0 ? randomValue(0) : mutatedPrompt());
        if (random.nextInt(4) == 0) request.set("number", random.nextBoolean() ? Json.NODES.numberNode(random.nextGaussian() * 1e6) : randomValue(0));
        if (random.nextInt(6) == 0) request.set("front", randomValue(0));
        if (random.nextInt(6) == 0) request.set("prompt_id", random.nextBoolean() ? Json.NODES.textNode(java.util.UUID.randomUUID().toString()) : randomValue(0));
        if (random.nextInt(6) == 0) request.set("client_id", randomValue(0));
        if (random.nextInt(6) == 0) request.set("extra_data", randomValue(0));
        if (random.nextInt(6) == 0) request.set("partial_execution_targets", randomValue(0));
        return Json.MAPPER.writeValueAsString(request);
    }

    private ObjectNode mutatedPrompt() throws Exception {
        ObjectNode prompt = (ObjectNode) Json.MAPPER.readTree(SEEDS.get(random.nextInt(SEEDS.size())));
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) mutateTree(prompt);
        return prompt;
    }

    /** One change somewhere in the prompt: a node, its class, an input, a link. */
    private void mutateTree(ObjectNode prompt) {
        List<String> ids = new ArrayList<>();
        prompt.fieldNames().forEachRemaining(ids::add);
        if (ids.isEmpty()) {
            prompt.set("1", randomValue(0));
            return;
        }
        String id = ids.get(random.nextInt(ids.size()));
        JsonNode node = prompt.get(id);
        if (!(node instanceof ObjectNode n) || random.nextInt(20) == 0) {
            prompt.set(random.nextBoolean() ? id : randomText(), randomValue(0));
            return;
        }
        JsonNode inputs = n.get("inputs");
        switch (random.nextInt(9)) {
            case 0 -> n.put("class_type", CLASSES.get(random.nextInt(CLASSES.size())));
            case 1 -> n.set("class_type", randomValue(0));
            case 2 -> n.remove(random.nextBoolean() ? "class_type" : "inputs");
            case 3 -> n.set("inputs", randomValue(0));
            case 4 -> n.set("_meta", randomValue(0));
            default -> {
                if (!(inputs instanceof ObjectNode in)) {
                    n.putObject("inputs");
                    return;
                }
                List<String> names = new ArrayList<>();
                in.fieldNames().forEachRemaining(names::add);
                String name = names.isEmpty() || random.nextInt(4) == 0 ? randomInputName() : names.get(random.nextInt(names.size()));
                in.set(name, random.nextBoolean() ? randomLink(ids) : randomValue(0));
            }
        }
    }

    private String randomInputName() {
        List<String> known = List.of("value", "scale", "mode", "flag", "label", "seed", "model", "images", "unique_id");
        return random.nextInt(3) == 0 ? randomText() : known.get(random.nextInt(known.size()));
    }

    /** A link, or something shaped almost like one. */
    private JsonNode randomLink(List<String> ids) {
        ArrayNode link = Json.array();
        int size = random.nextInt(8) == 0 ? random.nextInt(4) : 2;
        for (int i = 0; i < size; i++) {
            if (i == 0) {
                int pick = random.nextInt(4);
                if (pick < 2) link.add(ids.get(random.nextInt(ids.size())));
                else if (pick == 2) link.add("999");
                else link.add(randomValue(1));
            } else {
                long[] slots = {0, 0, 1, -1, -2, 4294967296L, Long.MAX_VALUE, Long.MIN_VALUE};
                if (random.nextInt(5) == 0) link.add(randomValue(1));
                else link.add(slots[random.nextInt(slots.length)]);
            }
        }
        return link;
    }

    /** Any JSON value, nesting at most a few levels (and now and then deeply). */
    private JsonNode randomValue(int depth) {
        int kind = random.nextInt(depth > 3 ? 8 : 11);
        return switch (kind) {
            case 0 -> Json.NODES.nullNode();
            case 1 -> Json.NODES.booleanNode(random.nextBoolean());
            case 2 -> Json.NODES.numberNode(random.nextInt(21) - 10);
            case 3 -> Json.NODES.numberNode(random.nextLong());
            case 4 -> Json.NODES.numberNode(new java.math.BigInteger(100, random).negate());
            case 5 -> Json.NODES.numberNode(random.nextBoolean() ? random.nextDouble() * 1e300 : -random.nextDouble());
            case 6 -> Json.NODES.textNode(List.of("", "nan", "inf", "-1", "1e5", "0x10", "true", "a,b", "*", "\u0000", "😀")
                    .get(random.nextInt(11)));
            case 7 -> Json.NODES.textNode(randomText());
            case 8 -> {
                ArrayNode a = Json.array();
                for (int i = random.nextInt(4); i > 0; i--) a.add(randomValue(depth + 1));
                yield a;
            }
            case 9 -> {
                ObjectNode o = Json.object();
                for (int i = random.nextInt(4); i > 0; i--) o.set(randomText(), randomValue(depth + 1));
                yield o;
            }
            default -> Json.parse(HostileInputTest.deepArray(1 + random.nextInt(Json.MAX_NESTING_DEPTH - 10)), "a deep value");
        };
    }

    private String randomText() {
        StringBuilder b = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            int c = random.nextInt(6) == 0 ? random.nextInt(0x3000) : 'a' + random.nextInt(26);
            if (!Character.isSurrogate((char) c)) b.append((char) c);
        }
        return b.toString();
    }

    /** The serialised body with bytes flipped, cut, duplicated or inserted: mostly no longer JSON. */
    private String mutateBytes(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) return "{";
        int at = random.nextInt(bytes.length);
        return switch (random.nextInt(4)) {
            case 0 -> {
                bytes[at] = (byte) random.nextInt(256);
                yield new String(bytes, StandardCharsets.ISO_8859_1);
            }
            case 1 -> new String(bytes, 0, at, StandardCharsets.UTF_8);
            case 2 -> body.substring(0, Math.min(at, body.length())) + "{[\"" + body.substring(Math.min(at, body.length()));
            default -> body + body.substring(0, Math.min(at, body.length()));
        };
    }
}
