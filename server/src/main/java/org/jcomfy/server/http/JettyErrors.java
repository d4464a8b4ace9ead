package org.jcomfy.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Jetty answers for requests it refuses before any route sees them (a path with a bad
 * escape or an ambiguous {@code ..}, no Host header, an unparsable request line): ComfyUI's JSON
 * error shape instead of Jetty's HTML page, whatever the client accepts, and never a stack trace.
 * Installed on the server (protocol errors) and on the servlet context (URI errors).
 */
public final class JettyErrors extends ErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(JettyErrors.class);

    public JettyErrors() {
        setShowStacks(false);
        setShowCauses(false);
    }

    /** Requests that reached the server: the body is written as the answer to {@code request}. */
    @Override
    protected boolean generateAcceptableResponse(Request request, Response response, Callback callback, String contentType,
                                                 List<Charset> charsets, int code, String message, Throwable cause) {
        LOG.debug("jcomfy: refused {} {}: {} {}", request.getMethod(), request.getHttpURI(), code, message, cause);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        // Jetty closes the connection after refusing a request whose body it did not read; say so, so
        // that a client does not send its next request on a connection that is going away.
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(body(code, reason(message, cause))), callback);
        return true;
    }

    /** Messages the HTTP parser cannot make a request of (no Host, a bad request line): Jetty sends these bytes. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        LOG.debug("jcomfy: refused a malformed request: {} {}", status, reason);
        fields.put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        return ByteBuffer.wrap(body(status, reason));
    }

    /** Jetty's reason for the refusal ("Ambiguous URI path separator", "Bad URI"...), found on the cause when there is one. */
    private static String reason(String message, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof HttpException h && h.getReason() != null) return h.getReason();
        }
        return message;
    }

    private static byte[] body(int code, String reason) {
        String message = HttpStatus.getMessage(code);
        String details = reason == null || reason.isBlank() ? message : reason;
        return ApiError.typed(code, code == 404 ? "not_found" : "invalid_request", message, details).json().toString()
                .getBytes(StandardCharsets.UTF_8);
    }
}
