package dev.vectornn.lm;

import java.io.IOException;
import java.nio.file.Path;

/** A file that is a valid safetensors file but not a usable vectornn checkpoint; the message names the file and the fault. */
public class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * A checkpoint error.
     *
     * @param file   the checkpoint file
     * @param detail what is wrong
     * @param cause  the underlying error, or null
     */
    public CheckpointException(Path file, String detail, Throwable cause) {
        super(file + ": " + detail, cause);
    }
}
