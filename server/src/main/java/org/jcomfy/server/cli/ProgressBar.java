package org.jcomfy.server.cli;

import java.io.PrintStream;

/**
 * Progress of the headless commands. On a terminal: one line redrawn in place with a carriage
 * return. Elsewhere (a log file, a pipe, CI), where carriage returns pile up into one endless line:
 * plain lines, one when a bar starts and one at each quarter and at the end.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final boolean terminal;
    private boolean open;
    private String lastLabel;
    private int lastQuarter = -1;

    ProgressBar(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A bar for {@code out}, redrawn in place only when {@code out} is this process's interactive terminal. */
    static ProgressBar on(PrintStream out) {
        return new ProgressBar(out, out == System.out && System.console() != null && System.console().isTerminal());
    }

    void show(String label, long value, long max) {
        int percent = max <= 0 ? 0 : (int) Math.min(100, value * 100 / max);
        String counts = value + "/" + max + " " + percent + "%";
        if (terminal) {
            int filled = max <= 0 ? 0 : (int) Math.min(WIDTH, value * WIDTH / max);
            out.print("\r" + label + " [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + counts + "   ");
            out.flush();
            open = true;
            return;
        }
        int quarter = percent / 25;
        if (!label.equals(lastLabel) || quarter != lastQuarter) out.println(label + " " + counts);
        lastLabel = label;
        lastQuarter = quarter;
    }

    /** Ends the bar's line so the next message starts on a fresh one. */
    void finish() {
        if (open) out.println();
        open = false;
        lastLabel = null;
        lastQuarter = -1;
    }
}
