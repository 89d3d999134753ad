package io.medseg.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import io.medseg.MedSegException;

/**
 * Writes outputs so that a reader never sees a half-written file: the content goes to a temporary file in the target's
 * folder, which is renamed onto the target only once it is complete. Existing files are replaced only when asked.
 */
public final class AtomicFiles {

    /** Writes the content of a temporary file. */
    @FunctionalInterface
    public interface Writer {
        void write(Path temporary) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} through a temporary sibling file. Fails with a clear message if the target exists and
     * {@code overwrite} is false; on any failure the temporary file is removed and the target is untouched.
     */
    public static void write(Path target, boolean overwrite, Writer writer) {
        Path abs = target.toAbsolutePath().normalize();
        checkWritable(abs, overwrite);
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            // keep the extension so writers that look at it (compression) behave as for the target
            tmp = dir.resolve("." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                    + Long.toHexString(System.nanoTime()));
            writer.write(tmp);
            if (overwrite) {
                move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            } else {
                move(tmp, abs);
            }
            tmp = null;
        } catch (FileAlreadyExistsException e) {
            throw new MedSegException(target + ": already exists (use --overwrite to replace it)");
        } catch (IOException e) {
            throw new MedSegException(target + ": cannot write (" + describe(e) + ")", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the original error matters more
                }
            }
        }
    }

    /** Fails early, before any work is done, when an output cannot be written. */
    public static void checkWritable(Path target, boolean overwrite) {
        if (Files.isDirectory(target)) {
            throw new MedSegException(target + ": is a directory, expected a file name");
        }
        if (!overwrite && Files.exists(target)) {
            throw new MedSegException(target + ": already exists (use --overwrite to replace it)");
        }
    }

    private static void move(Path from, Path to, StandardCopyOption... options) throws IOException {
        StandardCopyOption[] atomic = new StandardCopyOption[options.length + 1];
        System.arraycopy(options, 0, atomic, 0, options.length);
        atomic[options.length] = StandardCopyOption.ATOMIC_MOVE;
        try {
            if (options.length == 0 && Files.exists(to)) {
                throw new FileAlreadyExistsException(to.toString());
            }
            Files.move(from, to, atomic);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, options);
        }
    }

    /** A short reason for an I/O failure, without the exception class noise. */
    public static String describe(IOException e) {
        String m = e.getMessage();
        String kind = e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2");
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return m == null || m.isBlank() ? kind.toLowerCase(java.util.Locale.ROOT) : m;
    }
}
