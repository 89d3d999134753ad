package io.medseg;

/**
 * An error the user can act on: bad input files, bad settings, missing devices. The message is one line that names
 * the offending file or setting and says what was expected; the command line prints it without a stack trace.
 */
public class MedSegException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MedSegException(String message) {
        super(message);
    }

    public MedSegException(String message, Throwable cause) {
        super(message, cause);
    }
}
