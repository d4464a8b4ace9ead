package org.jcomfy.server.cli;

import java.io.PrintStream;

/** A one-line terminal progress bar, redrawn in place with a carriage return. */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private boolean open;

    ProgressBar(PrintStream out) { this.out = out; }

    void show(String label, long value, long max) {
        int filled = max <= 0 ? 0 : (int) Math.min(WIDTH, value * WIDTH / max);
        int percent = max <= 0 ? 0 : (int) Math.min(100, value * 100 / max);
        out.print("\r" + label + " [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] "
                + value + "/" + max + " " + percent + "%   ");
        out.flush();
        open = true;
    }

    /** Ends the bar's line so the next message starts on a fresh one. */
    void finish() {
        if (open) out.println();
        open = false;
    }
}
