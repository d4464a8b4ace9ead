package org.jcomfy.server;

import java.util.Arrays;

/** Entry point of the launcher's sub-commands: serve, run, tensors, bench. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        String cmd = args.length == 0 ? "serve" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (cmd) {
            default -> {
                System.err.println("jcomfy: unknown command '" + cmd + "'");
                System.exit(2);
            }
        }
    }
}
