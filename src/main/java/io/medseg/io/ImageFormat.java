package io.medseg.io;

import java.nio.file.Path;
import java.util.Locale;

import io.medseg.MedSegException;

/** The image file formats MedSeg reads and writes, recognised by file name ending. */
public enum ImageFormat {
    NIFTI(".nii"),
    NIFTI_GZ(".nii.gz"),
    PNG(".png"),
    TIFF(".tif", ".tiff");

    private final String[] endings;

    ImageFormat(String... endings) {
        this.endings = endings;
    }

    /** The first (canonical) file ending, e.g. {@code .nii.gz}. */
    public String ending() {
        return endings[0];
    }

    /** True for the formats that carry 3D geometry (NIfTI). */
    public boolean isNifti() {
        return this == NIFTI || this == NIFTI_GZ;
    }

    /** The format of a path, or null if the ending is not one MedSeg knows. */
    public static ImageFormat detect(Path path) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
        // .nii.gz must be tried before .nii would wrongly match nothing and .gz alone is not a format
        for (ImageFormat f : new ImageFormat[] { NIFTI_GZ, NIFTI, PNG, TIFF }) {
            for (String e : f.endings) {
                if (name.endsWith(e)) {
                    return f;
                }
            }
        }
        return null;
    }

    /** Like {@link #detect} but fails with a message naming the file and the supported endings. */
    public static ImageFormat of(Path path) {
        ImageFormat f = detect(path);
        if (f == null) {
            throw new MedSegException(path + ": unsupported file type; expected .nii, .nii.gz, .png, .tif or .tiff");
        }
        return f;
    }
}
