package org.jcomfy.server;

/** A command line that cannot be honoured: an unknown flag, a missing or bad value. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}
