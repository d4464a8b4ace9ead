package org.jcomfy.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.jcomfy.server.http.Json;

/** A JDK WebSocket client that records every JSON message and binary frame it receives. */
public final class TestWebSocket implements AutoCloseable {
    public final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    public final BlockingQueue<byte[]> binary = new LinkedBlockingQueue<>();
    private WebSocket socket;

    /** Bytes of the binary frames a {@linkplain #openReadingBinarySlowly slow reader} received (it keeps none). */
    public final AtomicLong binaryBytes = new AtomicLong();
    private ScheduledExecutorService timer;

    public static TestWebSocket open(HttpClient http, String url) throws Exception {
        TestWebSocket t = new TestWebSocket();
        t.socket = http.newWebSocketBuilder().buildAsync(URI.create(url), t.listener(null)).get(10, TimeUnit.SECONDS);
        return t;
    }

    /**
     * A client that takes its time: JSON messages are read at once, each binary frame
     * {@code binaryDelayMs} after the last one (counted in {@link #binaryBytes}, not kept), and
     * nothing at all when that is negative (the client's TCP window fills and the server's writes stall).
     */
    public static TestWebSocket openReadingBinarySlowly(HttpClient http, String url, long binaryDelayMs) throws Exception {
        TestWebSocket t = new TestWebSocket();
        t.timer = Executors.newSingleThreadScheduledExecutor();
        t.socket = http.newWebSocketBuilder().buildAsync(URI.create(url), t.listener(binaryDelayMs)).get(10, TimeUnit.SECONDS);
        return t;
    }

    /** {@code binaryDelayMs} null: read everything at once and keep the binary frames. */
    private WebSocket.Listener listener(Long binaryDelayMs) {
        return new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();
            private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

            @Override
            public void onOpen(WebSocket ws) {
                if (binaryDelayMs == null || binaryDelayMs >= 0) ws.request(1);
            }

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    try {
                        messages.add(Json.MAPPER.readTree(text.toString()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    text.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                if (binaryDelayMs != null) {
                    binaryBytes.addAndGet(data.remaining());
                    if (last) timer.schedule(() -> ws.request(1), binaryDelayMs, TimeUnit.MILLISECONDS);
                    else ws.request(1);
                    return null;
                }
                byte[] chunk = new byte[data.remaining()];
                data.get(chunk);
                bytes.writeBytes(chunk);
                if (last) {
                    binary.add(bytes.toByteArray());
                    bytes.reset();
                }
                ws.request(1);
                return null;
            }
        };
    }

    public void send(String text) throws Exception { socket.sendText(text, true).get(10, TimeUnit.SECONDS); }

    /** The next message matching {@code which}; earlier ones are skipped. */
    public JsonNode await(Predicate<JsonNode> which) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode m = messages.poll(100, TimeUnit.MILLISECONDS);
            if (m != null && which.test(m)) return m;
        }
        throw new AssertionError("no matching WebSocket message arrived");
    }

    public JsonNode awaitType(String type) throws InterruptedException { return await(m -> m.path("type").asText().equals(type)); }

    /** Every message up to and including {@code executing {node: null}} for the prompt. */
    public List<JsonNode> untilDone(String promptId) throws InterruptedException {
        List<JsonNode> seen = new ArrayList<>();
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode m = messages.poll(100, TimeUnit.MILLISECONDS);
            if (m == null) continue;
            seen.add(m);
            JsonNode d = m.path("data");
            if (m.path("type").asText().equals("executing") && d.has("node") && d.get("node").isNull()
                    && d.path("prompt_id").asText().equals(promptId)) return seen;
        }
        throw new AssertionError("prompt " + promptId + " did not finish; saw " + seen);
    }

    public static List<String> types(List<JsonNode> messages) {
        return messages.stream().map(m -> m.path("type").asText()).toList();
    }

    public static List<JsonNode> ofType(List<JsonNode> messages, String type) {
        return messages.stream().filter(m -> m.path("type").asText().equals(type)).map(m -> m.get("data")).toList();
    }

    @Override
    public void close() {
        socket.abort();
        if (timer != null) timer.shutdownNow();
    }
}
