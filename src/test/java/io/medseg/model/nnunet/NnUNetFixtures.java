package io.medseg.model.nnunet;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The nnU-Net model folders written by fixtures/make_fixtures.py (an independent PyTorch reference). */
public final class NnUNetFixtures {
    private NnUNetFixtures() {
    }

    /** The fixture folder {@code name}, e.g. umamba-bot-2d. */
    public static Path folder(String name) {
        try {
            return Path.of(NnUNetFixtures.class.getResource("fixtures/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
