package io.medseg.knime.node;

import java.nio.file.Path;

import org.knime.core.node.KNIMEConstants;

import io.medseg.engine.DjlEnvironment;

/**
 * DJL inside KNIME: offline, with its native cache in KNIME's own folder of the workspace
 * ({@code <workspace>/.metadata/knime/medseg-djl}) rather than the user's home, unless the user set DJL_CACHE_DIR or
 * medseg.cache.dir (knime.ini -D options, environment) themselves. The engine's DjlEnvironment does the rest.
 */
final class KnimeDjl {
    private static boolean configured;

    private KnimeDjl() {
    }

    static synchronized void configure() {
        if (configured) {
            return;
        }
        if (unset("DJL_CACHE_DIR", "DJL_CACHE_DIR") && unset("medseg.cache.dir", "MEDSEG_CACHE_DIR")) {
            System.setProperty("medseg.cache.dir", Path.of(KNIMEConstants.getKNIMEHomeDir(), "medseg-djl").toString());
        }
        DjlEnvironment.configure();
        configured = true;
    }

    private static boolean unset(String property, String env) {
        String v = System.getProperty(property);
        String e = System.getenv(env);
        return (v == null || v.isBlank()) && (e == null || e.isBlank());
    }
}
