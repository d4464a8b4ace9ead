package org.jcomfy.backend.io;

/** A safetensors file that cannot be read as declared; the message names the file and tensor. */
public class SafeTensorsException extends RuntimeException {
    public SafeTensorsException(String message) { super(message); }
    public SafeTensorsException(String message, Throwable cause) { super(message, cause); }
}
