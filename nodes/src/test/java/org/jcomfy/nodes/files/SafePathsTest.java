package org.jcomfy.nodes.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one containment rule, on real symlinks in temporary folders. */
class SafePathsTest {
    @TempDir Path tmp;

    @Test
    void a_name_inside_resolves_and_dot_dot_or_an_absolute_name_does_not() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("output"));
        assertEquals(dir.resolve("sub/a.png"), SafePaths.resolveInside(dir, "sub/./a.png"));
        assertNull(SafePaths.resolveInside(dir, "../a.png"));
        assertNull(SafePaths.resolveInside(dir, "/etc/passwd"));
        assertNull(SafePaths.resolveInside(dir, "a\0b"));
    }

    @Test
    void a_symlinked_subfolder_or_file_that_leads_out_is_outside() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("output"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "x");
        Files.createSymbolicLink(dir.resolve("evil"), outside);
        Files.createSymbolicLink(dir.resolve("secret.png"), outside.resolve("secret.txt"));
        assertNull(SafePaths.resolveInside(dir, "evil/x"), "a file not yet there, below a link that leads out");
        assertNull(SafePaths.resolveInside(dir, "secret.png"));
        assertFalse(SafePaths.isInside(dir, dir.resolve("evil/deeper/still")));
    }

    @Test
    void links_that_stay_inside_are_inside_and_a_dangling_link_is_not() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("input"));
        Files.createDirectories(dir.resolve("real"));
        Files.createSymbolicLink(dir.resolve("alias"), dir.resolve("real"));
        Files.createSymbolicLink(dir.resolve("dangling"), tmp.resolve("nowhere"));
        assertTrue(SafePaths.isInside(dir, dir.resolve("alias/a.png")));
        assertNull(SafePaths.resolveInside(dir, "dangling"));
    }

    @Test
    void the_folder_itself_may_be_a_symlink() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("disk/output"));
        Path link = Files.createSymbolicLink(tmp.resolve("output"), real);
        assertEquals(link.resolve("a.png"), SafePaths.resolveInside(link, "a.png"));
    }

    @Test
    void lexical_resolution_follows_links_but_not_dot_dot() throws Exception {
        Path models = Files.createDirectories(tmp.resolve("models/vae"));
        Path elsewhere = Files.createDirectories(tmp.resolve("big-disk"));
        Files.createSymbolicLink(models.resolve("wan.safetensors"), elsewhere.resolve("wan.safetensors"));
        assertEquals(models.resolve("wan.safetensors"), SafePaths.resolveLexically(models, "wan.safetensors"));
        assertNull(SafePaths.resolveLexically(models, "../../big-disk/wan.safetensors"));
    }
}
