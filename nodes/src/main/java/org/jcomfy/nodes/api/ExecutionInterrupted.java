package org.jcomfy.nodes.api;

/** Thrown inside a node when the user interrupts the prompt; the executor reports execution_interrupted. */
public class ExecutionInterrupted extends RuntimeException {
    public ExecutionInterrupted() { super("interrupted by the user"); }
}
