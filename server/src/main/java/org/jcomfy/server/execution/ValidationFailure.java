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

    /** Traceback lines for {@code extra_info.traceback}. */
    java.util.List<String> traceback() {
        Throwable t = getCause() != null ? getCause() : this;
        java.util.List<String> lines = new java.util.ArrayList<>();
        for (StackTraceElement e : t.getStackTrace()) lines.add("  at " + e + "\n");
        return lines;
    }
}
