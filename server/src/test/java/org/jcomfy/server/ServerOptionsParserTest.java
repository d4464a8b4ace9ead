package org.jcomfy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerOptionsParserTest {
    @TempDir Path cwd;

    ServerOptions parse(String... args) throws Exception {
        return new ServerOptionsParser(cwd).parse(args);
    }

    String error(String... args) {
        return assertThrows(UsageException.class, () -> parse(args)).getMessage();
    }

    @Test
    void no_flags_give_comfyuis_defaults_rooted_at_the_working_directory() throws Exception {
        ServerOptions o = parse();
        assertEquals("127.0.0.1", o.listen());
        assertEquals(8188, o.port());
        assertEquals(cwd, o.baseDirectory());
        assertEquals(cwd.resolve("output"), o.outputDirectory());
        assertEquals(cwd.resolve("input"), o.inputDirectory());
        assertEquals(cwd.resolve("temp"), o.tempDirectory());
        assertEquals(cwd.resolve("user"), o.userDirectory());
        assertNull(o.enableCorsHeader());
        assertNull(o.frontEndRoot());
        assertEquals(100.0, o.maxUploadSizeMb());
        assertEquals("classic", o.cacheMode());
    }

    @Test
    void bare_listen_means_all_interfaces_and_bare_cors_means_any_origin() throws Exception {
        ServerOptions o = parse("--listen", "--enable-cors-header", "--port", "9000");
        assertEquals("0.0.0.0", o.listen());
        assertEquals("*", o.enableCorsHeader());
        assertEquals(9000, o.port());
        ServerOptions p = parse("--listen", "10.0.0.2", "--enable-cors-header", "http://a.b");
        assertEquals("10.0.0.2", p.listen());
        assertEquals("http://a.b", p.enableCorsHeader());
    }

    @Test
    void directories_resolve_against_the_base_and_temp_gets_its_temp_subfolder() throws Exception {
        Files.createDirectories(cwd.resolve("fe"));
        ServerOptions o = parse("--base-directory", "b", "--output-directory=/data/out", "--temp-directory", "t",
                "--front-end-root", "fe", "--user-directory", "u");
        assertEquals(cwd.resolve("b"), o.baseDirectory());
        assertEquals(cwd.resolve("b/input"), o.inputDirectory());
        assertEquals(Path.of("/data/out"), o.outputDirectory());
        assertEquals(cwd.resolve("t/temp"), o.tempDirectory());
        assertEquals(cwd.resolve("u"), o.userDirectory());
        assertEquals(cwd.resolve("fe"), o.frontEndRoot());
    }

    @Test
    void numbers_caches_previews_and_model_path_files_are_read() throws Exception {
        Files.writeString(cwd.resolve("a.yaml"), "x: {}");
        Files.writeString(cwd.resolve("b.yaml"), "x: {}");
        ServerOptions o = parse("--max-upload-size", "2.5", "--cache-lru", "50", "--preview-method", "latent2rgb",
                "--extra-model-paths-config", "a.yaml", "b.yaml", "--verbose");
        assertEquals(2.5, o.maxUploadSizeMb());
        assertEquals("lru", o.cacheMode());
        assertEquals(50, o.cacheLruSize());
        assertEquals("latent2rgb", o.previewMethod());
        assertEquals(List.of(cwd.resolve("a.yaml"), cwd.resolve("b.yaml")), o.extraModelPathsConfig());
        assertTrue(o.verbose());
        assertEquals("none", parse("--cache-none").cacheMode());
        assertEquals("classic", parse("--cache-classic", "--verbose", "INFO").cacheMode());
    }

    @Test
    void unknown_flags_and_bad_values_are_usage_errors_that_say_what_is_wrong() {
        assertTrue(error("--lowvram").contains("unknown flag '--lowvram'"));
        assertTrue(error("--port", "http").contains("--port takes an integer"));
        assertTrue(error("--port", "70000").contains("between 0 and 65535"));
        assertTrue(error("--port").contains("--port needs a value"));
        assertTrue(error("--max-upload-size", "-1").contains("positive"));
        assertTrue(error("--preview-method", "fast").contains("none, auto, latent2rgb, taesd"));
        assertTrue(error("--cache-none", "--cache-lru", "3").contains("cannot be combined"));
        assertTrue(error("--front-end-root", "missing").contains("is not a directory"));
        assertTrue(error("--extra-model-paths-config", "none.yaml").contains("no file"));
        assertTrue(error("--extra-model-paths-config").contains("at least one value"));
        assertTrue(error("serve").contains("unexpected argument"));
        assertTrue(error("--verbose", "LOUD").contains("DEBUG"));
        assertTrue(error("--listen", "127.0.0.1,").contains("separated by commas"));
    }

    @Test
    void help_is_not_an_error_and_the_usage_lists_every_flag() {
        assertThrows(ServerOptionsParser.HelpRequested.class, () -> parse("--help"));
        for (String flag : List.of("--listen", "--port", "--base-directory", "--output-directory", "--input-directory",
                "--temp-directory", "--user-directory", "--front-end-root", "--enable-cors-header", "--max-upload-size",
                "--extra-model-paths-config", "--preview-method", "--cache-lru", "--cache-none", "--cache-classic", "--verbose",
                "--history-db", "--no-history-db")) {
            assertTrue(ServerOptionsParser.USAGE.contains(flag), flag);
        }
    }

    @Test
    void the_history_database_defaults_to_the_user_directory_and_can_be_moved_or_turned_off() throws Exception {
        assertEquals(cwd.resolve("user").resolve("jcomfy-history.db"), parse().historyDatabase());
        assertEquals(cwd.resolve("u2").resolve("jcomfy-history.db"), parse("--user-directory", "u2").historyDatabase());
        assertEquals(cwd.resolve("db/q.sqlite"), parse("--history-db", "db/q.sqlite").historyDatabase());
        assertNull(parse("--no-history-db").historyDatabase());
        assertTrue(error("--history-db", "x.db", "--no-history-db").contains("cannot be combined"));
        assertTrue(error("--history-db").contains("needs a value"));
        Files.createDirectories(cwd.resolve("adir"));
        assertTrue(error("--history-db", "adir").contains("is a directory"));
    }
}
