package io.medseg.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import io.medseg.MedSegException;
import io.medseg.image.Volume;
import io.medseg.io.nifti.NiftiReader;
import io.medseg.io.nifti.NiftiWriter;
import io.medseg.io.raster.RasterImages;

/** Reads and writes images in any supported format, chosen by file name. */
public final class ImageFiles {
    private ImageFiles() {
    }

    /** Reads an image; every failure is a {@link MedSegException} naming the file. */
    public static Volume read(Path path) {
        ImageFormat format = ImageFormat.of(path);
        if (Files.isDirectory(path)) {
            throw new MedSegException(path + ": is a directory, expected an image file");
        }
        if (!Files.exists(path)) {
            throw new MedSegException(path + ": no such file");
        }
        if (!Files.isReadable(path)) {
            throw new MedSegException(path + ": not readable (permission denied)");
        }
        switch (format) {
            case NIFTI:
            case NIFTI_GZ:
                return NiftiReader.read(path);
            default:
                return RasterImages.read(path, format);
        }
    }

    /**
     * Writes an image atomically in the format its name asks for. Refuses to replace an existing file unless
     * {@code overwrite}; a failed write leaves nothing behind.
     */
    public static void write(Volume volume, Path path, boolean overwrite) {
        ImageFormat format = checkWritable(volume, path, overwrite);
        AtomicFiles.write(path, overwrite, tmp -> {
            if (format.isNifti()) {
                try (OutputStream out = open(tmp, format == ImageFormat.NIFTI_GZ)) {
                    NiftiWriter.write(volume, out);
                }
            } else {
                RasterImages.write(volume, tmp, format);
            }
        });
    }

    /**
     * Fails with a clear message, before anything is written, if {@code volume} cannot be stored at {@code path}: an
     * unknown ending, an image the format cannot hold, or an existing file without {@code overwrite}.
     */
    public static ImageFormat checkWritable(Volume volume, Path path, boolean overwrite) {
        ImageFormat format = ImageFormat.of(path);
        if (format.isNifti()) {
            NiftiWriter.checkWritable(volume, path);
        } else {
            RasterImages.checkWritable(volume, path, format);
        }
        AtomicFiles.checkWritable(path.toAbsolutePath().normalize(), overwrite);
        return format;
    }

    private static OutputStream open(Path tmp, boolean gzip) throws IOException {
        OutputStream raw = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
        return gzip ? new GZIPOutputStream(raw, 1 << 16) : raw;
    }

    /** Fails with a clear message if {@code path} is not an existing readable image of a known type. */
    public static void checkReadable(Path path) {
        ImageFormat.of(path);
        if (!Files.isRegularFile(path)) {
            throw new MedSegException(path + (Files.exists(path) ? ": not a regular file" : ": no such file"));
        }
    }
}
