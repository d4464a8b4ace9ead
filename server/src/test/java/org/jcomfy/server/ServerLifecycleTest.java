package org.jcomfy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ServerLifecycleTest {

    @Test
    void port_zero_binds_a_free_port_and_the_folders_exist_after_start() {
        try (TestServer s = TestServer.start()) {
            assertTrue(s.server.port() > 0);
            for (String dir : new String[] {"input", "output", "temp", "user"}) assertTrue(Files.isDirectory(s.base.resolve(dir)), dir);
        }
    }

    @Test
    void a_comma_separated_listen_binds_every_address_on_the_same_port() throws Exception {
        int port;
        try (var probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path base = Files.createTempDirectory("jcomfy-listen");
        ServerOptions d = ServerOptions.defaults(base, port);
        ServerOptions two = new ServerOptions("127.0.0.1,127.0.0.2", port, base, d.outputDirectory(), d.inputDirectory(),
                d.tempDirectory(), d.userDirectory(), null, null, 100, java.util.List.of(), "auto", "classic", 0, false);
        JcomfyServer server = JcomfyServer.start(two, new org.jcomfy.nodes.api.NodeRegistry(java.util.Map.of()), java.util.List.of("jcomfy"));
        try {
            var http = java.net.http.HttpClient.newHttpClient();
            for (String host : new String[] {"127.0.0.1", "127.0.0.2"}) {
                var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + host + ":" + port + "/api/users")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), host);
            }
        } finally {
            server.close();
        }
    }

    @Test
    void the_temp_folder_is_emptied_at_start_and_at_close() throws Exception {
        Path base = Files.createTempDirectory("jcomfy-temp");
        Files.createDirectories(base.resolve("temp/old"));
        Files.writeString(base.resolve("temp/old/preview.png"), "stale");
        Files.writeString(base.resolve("keep.txt"), "kept");
        JcomfyServer server = JcomfyServer.start(ServerOptions.defaults(base, 0),
                new org.jcomfy.nodes.api.NodeRegistry(java.util.Map.of()), java.util.List.of("jcomfy"));
        assertFalse(Files.exists(base.resolve("temp/old")));
        Files.writeString(base.resolve("temp/new.png"), "x");
        server.close();
        assertFalse(Files.exists(base.resolve("temp/new.png")));
        assertTrue(Files.exists(base.resolve("keep.txt")));
    }

    @Test
    void garbage_requests_are_answered_and_the_server_keeps_serving() throws Exception {
        try (TestServer s = TestServer.start()) {
            try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
                socket.getOutputStream().write("NONSENSE /\\x00 HTTP/9.9\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
                assertTrue(answer.matches("HTTP/1.1 [45]\\d\\d"), answer); // Jetty refuses it (505 for the bad version)
            }
            assertEquals(400, s.post("/api/settings", "\u0000\u0001").statusCode());
            assertEquals(200, s.get("/api/object_info").statusCode());
        }
    }

    @Test
    void commands_called_without_their_arguments_print_usage_and_exit_with_2() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(2, Main.dispatch(new String[] {"run"}));
            assertEquals(2, Main.dispatch(new String[] {"bench"}));
            assertEquals(2, Main.dispatch(new String[] {"tensors"}));
            assertEquals(2, Main.dispatch(new String[] {"frobnicate"}));
            assertEquals(2, Main.dispatch(new String[] {"serve", "--no-such-flag"}));
        } finally {
            System.setErr(original);
        }
        String err = captured.toString(StandardCharsets.UTF_8);
        assertTrue(err.contains("usage: jcomfy run WORKFLOW.json"), err);
        assertTrue(err.contains("usage: jcomfy bench dit"), err);
        assertTrue(err.contains("usage: jcomfy tensors COMPONENT"), err);
        assertTrue(err.contains("unknown command 'frobnicate'"), err);
        assertTrue(err.contains("unknown flag '--no-such-flag'") && err.contains("usage: jcomfy serve"), err);
    }
}
