package org.jcomfy.server.execution;

import org.jcomfy.server.RouteTable;
import org.jcomfy.server.ServerRuntime;

/**
 * The execution side of the protocol: /prompt, /queue, /history, /api/jobs, /interrupt,
 * /free and the /ws event stream, backed by one queue and one executor thread.
 */
public final class ExecutionApi implements AutoCloseable {

    public ExecutionApi(ServerRuntime runtime) {
    }

    /** Declares this family's routes. */
    public void register(RouteTable routes) {
    }

    /** Stops the executor thread. */
    @Override
    public void close() {
    }
}
