package io.medseg.image;

/**
 * The header of the file a volume was read from (for example a NIfTI header). Writers of the same format use it to
 * keep fields MedSeg does not model (intent, units, description, the exact qform/sform encoding) when the volume's
 * geometry is unchanged.
 */
public interface SourceHeader {
    /** Short name of the format, e.g. {@code nifti1}. */
    String format();
}
