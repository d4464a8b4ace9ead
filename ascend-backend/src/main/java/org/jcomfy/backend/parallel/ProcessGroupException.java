package org.jcomfy.backend.parallel;

/**
 * A collective that could not complete: a rank did not arrive in time, a rank failed, or the ranks
 * called different operations. The message names the ranks at fault, in world numbering.
 */
public class ProcessGroupException extends RuntimeException {
    public ProcessGroupException(String message) {
        super(message);
    }

    public ProcessGroupException(String message, Throwable cause) {
        super(message, cause);
    }
}
