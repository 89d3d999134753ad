package io.medseg.node;

import io.medseg.MedSegException;

/**
 * A node's settings or input specs cannot work (KNIME's {@code SettingsException}): thrown by configure and by
 * settings validation with a one-line message naming the node, the setting and what is allowed.
 */
public class SettingsException extends MedSegException {
    private static final long serialVersionUID = 1L;

    public SettingsException(String message) {
        super(message);
    }
}
