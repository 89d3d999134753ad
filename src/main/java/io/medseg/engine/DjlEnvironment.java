package io.medseg.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import ai.djl.engine.Engine;
import io.medseg.MedSegException;

/**
 * Sets DJL up the way MedSeg runs it: offline (the PyTorch CPU natives come from the jar on the class path, nothing is
 * downloaded) and with a cache directory that is writable. Call {@link #pytorch()} instead of {@code Engine.getEngine}
 * so the settings are in place before DJL reads them, which it does once, on first use.
 *
 * <p>Settings, each a system property or an environment variable:
 * <ul>
 * <li>{@code DJL_CACHE_DIR}: DJL's own cache setting; used as is when set.</li>
 * <li>{@code MEDSEG_CACHE_DIR} ({@code medseg.cache.dir}): where DJL may extract natives when DJL_CACHE_DIR is not
 * set. Default: {@code ~/.djl.ai} when it is writable, otherwise a folder in the temporary directory.</li>
 * <li>{@code ai.djl.offline}: defaults to {@code true}. GPU users who need DJL to download CUDA natives (they are not
 * on Maven Central) set it to {@code false}, or point {@code PYTORCH_LIBRARY_PATH} at a local libtorch.</li>
 * <li>{@code TORCH_CPP_LOG_LEVEL} ({@code medseg.torch.log.level}): the least severe libtorch log line printed,
 * default ERROR (see {@link TorchLogLevel}).</li>
 * </ul>
 */
public final class DjlEnvironment {
    public static final String ENGINE_NAME = "PyTorch";
    /**
     * Why DJL, offline, found nothing to load: it then wants to download the natives, which offline mode refuses with
     * a bare "Offline mode is enabled." that does not say what is missing.
     */
    static final String NO_NATIVES = "no PyTorch native library for this platform on the class path, and downloads are"
            + " off (ai.djl.offline=true); in KNIME install the io.medseg.natives fragment for this platform, elsewhere"
            + " add the pytorch-native-cpu jar for it, set PYTORCH_LIBRARY_PATH to a libtorch 2.7.1, or allow the"
            + " download with -Dai.djl.offline=false";
    private static boolean configured;
    private static boolean nativesQuiet;

    private DjlEnvironment() {
    }

    /** Applies the offline and cache settings; idempotent. */
    public static synchronized void configure() {
        if (configured) {
            return;
        }
        if (setting("ai.djl.offline", "AI_DJL_OFFLINE") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (setting("DJL_CACHE_DIR", "DJL_CACHE_DIR") == null) {
            System.setProperty("DJL_CACHE_DIR", chooseCacheDir().toString());
        }
        configured = true;
    }

    /** The directory DJL uses for its cache (after {@link #configure()}). */
    public static Path cacheDir() {
        configure();
        return Paths.get(setting("DJL_CACHE_DIR", "DJL_CACHE_DIR"));
    }

    /**
     * The PyTorch engine, loaded offline, with libtorch's own log output limited to errors (see {@link TorchLogLevel});
     * failures become one clear message.
     */
    public static Engine pytorch() {
        configure();
        Engine engine;
        try {
            engine = Engine.getEngine(ENGINE_NAME);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new MedSegException("cannot load the PyTorch engine (cache " + cacheDir() + "): "
                    + (root instanceof java.io.IOException && "Offline mode is enabled.".equals(root.getMessage())
                            ? NO_NATIVES + " (" + System.getProperty("os.name") + ", " + System.getProperty("os.arch")
                                    + ")"
                            : String.valueOf(root.getMessage()).replace('\n', ' ')), e);
        }
        quietNatives();
        return engine;
    }

    /** Applies the native log level once, after the first engine load (the natives must be in the process). */
    private static synchronized void quietNatives() {
        if (!nativesQuiet) {
            TorchLogLevel.apply();
            nativesQuiet = true;
        }
    }

    private static Path chooseCacheDir() {
        String explicit = setting("medseg.cache.dir", "MEDSEG_CACHE_DIR");
        if (explicit != null) {
            return Paths.get(explicit).toAbsolutePath();
        }
        Path home = Paths.get(System.getProperty("user.home"), ".djl.ai");
        if (isWritable(home)) {
            return home;
        }
        return Paths.get(System.getProperty("java.io.tmpdir"), "medseg-djl-" + System.getProperty("user.name"));
    }

    private static boolean isWritable(Path dir) {
        try {
            Files.createDirectories(dir);
            return Files.isWritable(dir);
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** A system property, else the environment variable, else null (blank counts as unset). */
    static String setting(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? null : v;
    }
}
