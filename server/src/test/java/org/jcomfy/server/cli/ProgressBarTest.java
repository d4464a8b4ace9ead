package org.jcomfy.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void on_a_terminal_the_bar_is_redrawn_in_place() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        bar.show("KSampler #3", 1, 4);
        bar.show("KSampler #3", 4, 4);
        bar.finish();
        assertEquals("\rKSampler #3 [#######.......................] 1/4 25%   "
                + "\rKSampler #3 [##############################] 4/4 100%   " + System.lineSeparator(),
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void elsewhere_it_prints_plain_lines_at_the_start_each_quarter_and_the_end() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        for (int i = 1; i <= 20; i++) bar.show("KSampler #3", i, 20);
        bar.finish();
        bar.show("VAEDecode #8", 1, 3);
        String n = System.lineSeparator();
        assertEquals("KSampler #3 1/20 5%" + n + "KSampler #3 5/20 25%" + n + "KSampler #3 10/20 50%" + n
                + "KSampler #3 15/20 75%" + n + "KSampler #3 20/20 100%" + n + "VAEDecode #8 1/3 33%" + n,
                bytes.toString(StandardCharsets.UTF_8));
    }
}
