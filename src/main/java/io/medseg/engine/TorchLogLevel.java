package io.medseg.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import ai.djl.pytorch.jni.LibUtils;
import io.medseg.MedSegException;

/**
 * How much of libtorch's own C++ logging reaches standard error. libtorch logs through c10 straight to the process's
 * standard error, between MedSeg's lines: {@code [W... NNPACK.cpp:..] Could not initialize NNPACK! Reason: Unsupported
 * hardware} on CPUs NNPACK does not know, and once per process {@code Warning: AutoNonVariableTypeMode is deprecated}
 * (raised by DJL's JNI layer, not by anything a user can change). Both are addressed to libtorch developers, so by
 * default only errors are shown.
 *
 * <p>PyTorch's own setting, the environment variable {@code TORCH_CPP_LOG_LEVEL}, is read only by
 * {@code c10::initLogging()}, which Python's torch module calls and DJL does not: under DJL it changes nothing (checked
 * with libtorch 2.7.1). So MedSeg reads it and writes c10's level variable {@code FLAGS_caffe2_log_level} itself, once
 * the natives are loaded. Because this happens in Java and needs no environment, it works the same inside KNIME, where
 * a node cannot set the JVM's environment; there the system property {@code medseg.torch.log.level} (knime.ini:
 * {@code -Dmedseg.torch.log.level=WARNING}) brings the warnings back into KNIME's console.
 */
final class TorchLogLevel {
    /** The setting's values, in c10's order (its GLOG_INFO = 0 ... GLOG_FATAL = 3). */
    private static final String[] LEVELS = { "INFO", "WARNING", "ERROR", "FATAL" };
    private static final int DEFAULT = 2;
    /** c10's minimum severity that is printed; a plain C int exported by libc10 (not C++-mangled). */
    private static final String VARIABLE = "FLAGS_caffe2_log_level";

    private TorchLogLevel() {
    }

    /**
     * Sets the level from {@code medseg.torch.log.level} or {@code TORCH_CPP_LOG_LEVEL} (default ERROR). Call after
     * the PyTorch natives are loaded. A libtorch without the variable (a custom build with glog, whose own
     * {@code GLOG_minloglevel} then applies) keeps its level: the log level only changes what is printed.
     */
    static void apply() {
        int level = parse(DjlEnvironment.setting("medseg.torch.log.level", "TORCH_CPP_LOG_LEVEL"));
        Path c10 = Paths.get(LibUtils.getLibtorchPath()).resolve(System.mapLibraryName("c10"));
        if (!Files.isRegularFile(c10)) {
            return;
        }
        Pointer variable;
        try {
            // the library DJL loaded: opening the same file again returns the handle already in the process
            variable = NativeLibrary.getInstance(c10.toString()).getGlobalVariableAddress(VARIABLE);
        } catch (UnsatisfiedLinkError e) {
            return;
        }
        variable.setInt(0, level);
    }

    /** A level name (as PyTorch spells them) or its number, 0 to 3; null gives the default. */
    static int parse(String value) {
        if (value == null) {
            return DEFAULT;
        }
        String v = value.trim().toUpperCase(Locale.ROOT);
        for (int i = 0; i < LEVELS.length; i++) {
            if (LEVELS[i].equals(v) || Integer.toString(i).equals(v)) {
                return i;
            }
        }
        throw new MedSegException("TORCH_CPP_LOG_LEVEL / medseg.torch.log.level: expected INFO, WARNING, ERROR or "
                + "FATAL (or 0 to 3), got '" + value + "'");
    }
}
