package org.jcomfy.server.execution;

/**
 * An exception raised while validating a node (ComfyUI lets Python exceptions escape there, e.g.
 * a KeyError for a link to a missing node). The caller turns it into
 * {@code exception_during_validation} or {@code exception_during_inner_validation}.
 *
 * @see NodeInputsValidator
 */
final class ValidationFailure extends Exception {
    private final String exceptionType;

    ValidationFailure(String message, String exceptionType, Throwable cause) {
        super(message, cause);
        this.exceptionType = exceptionType;
    }

    /** Python-style type name: {@code KeyError}, {@code IndexError}, or a Java class name. */
    String exceptionType() { return exceptionType; }

    static ValidationFailure of(Throwable t) {
        if (t instanceof ValidationFailure f) return f;
        return new ValidationFailure(String.valueOf(t.getMessage()), t.getClass().getName(), t);
    }

    /**
     * The lines for {@code extra_info.traceback}: where upstream sends a Python traceback, the
     * exception only ({@code KeyError: '999'}, as {@code traceback.format_exception_only}), since
     * Java frames of the validator are no help to a client and stack traces stay off the wire.
     */
    java.util.List<String> traceback() {
        return java.util.List.of(exceptionType + ": " + getMessage() + "\n");
    }
}
