package io.medseg.io.nifti;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

import io.medseg.MedSegException;
import io.medseg.image.ImageDataType;
import io.medseg.image.SourceHeader;
import io.medseg.image.Volume;
import io.medseg.image.Volume.Scaling;

/**
 * Writes a {@link Volume} as a single-file NIfTI byte stream (header, 4-byte empty extension flag, voxel data).
 * Compression and atomic file replacement are the caller's business.
 *
 * <p>Values are stored as the volume's {@link Volume#storedType() stored type} with its scaling, so an image that was
 * read and is written back unchanged gives the same voxel bytes. If the volume came from a NIfTI file and its
 * geometry is still the one that file's header implies, the header's geometry and descriptive fields are copied
 * verbatim (so qform/sform codes, units, intent and description survive a round trip); otherwise a fresh header
 * describes the geometry with both an sform and a qform, coded "scanner".
 */
public final class NiftiWriter {
    /** Largest dimension NIfTI-1 can store (a signed 16-bit short). */
    static final long NIFTI1_MAX_DIM = Short.MAX_VALUE;
    /** Tolerance (mm) for "the geometry is still the source header's". */
    private static final double SAME_GEOMETRY_TOL = 1e-9;
    private static final int XFORM_SCANNER = 1;
    private static final int UNITS_MM_SEC = 2 | 8;

    private NiftiWriter() {
    }

    /** Writes in the source header's NIfTI version, else NIfTI-1, or NIfTI-2 when a dimension is too large for 1. */
    public static void write(Volume volume, OutputStream out) throws IOException {
        write(volume, out, chooseVersion(volume));
    }

    /** Writes in the given NIfTI version (1 or 2); fails if the image does not fit NIfTI-1. */
    public static void write(Volume volume, OutputStream out, int version) throws IOException {
        NiftiHeader h = header(volume, version);
        out.write(h.toBytes());
        out.write(new byte[4]); // extension flag: no extensions
        // quantise with the scaling as the header stores it (NIfTI-1 narrows it to float), so readers get our values
        ImageDataType type = storedType(volume);
        NiftiVoxels.write(volume.pixels(), type, NiftiReader.scaling(h, type), h.byteOrder(), out);
        out.flush();
    }

    /**
     * Fails with a one-line message naming {@code path} if the volume cannot be written as NIfTI, so callers can
     * check before creating any file.
     */
    public static void checkWritable(Volume volume, Path path) {
        try {
            header(volume, chooseVersion(volume));
        } catch (MedSegException e) {
            throw new MedSegException(path + ": " + e.getMessage(), e);
        }
    }

    /** The header that {@link #write(Volume, OutputStream, int)} writes. */
    static NiftiHeader header(Volume volume, int version) {
        if (version != 1 && version != 2) {
            throw new MedSegException("cannot write NIfTI version " + version + ", only 1 and 2 exist");
        }
        long[] shape = volume.shape();
        long channels = volume.channels();
        for (long s : shape) {
            if (s < 1) {
                throw new MedSegException("cannot write an empty image (shape " + java.util.Arrays.toString(shape)
                        + ") as NIfTI");
            }
        }
        if (channels < 1) {
            throw new MedSegException("cannot write an image with no channels as NIfTI");
        }
        double[][] affine = volume.geometry().affine();
        for (double[] row : affine) {
            for (double v : row) {
                if (!Double.isFinite(v)) {
                    throw new MedSegException("cannot write NIfTI: the geometry has non-finite values");
                }
            }
        }
        ImageDataType type = storedType(volume);
        long fileChannels = type == ImageDataType.RGB24 ? channels / 3 : channels;
        Optional<NiftiHeader> source = niftiSource(volume);
        Optional<NiftiHeader> verbatim = source.filter(s -> sameGeometry(s, volume));
        NiftiHeader.Builder b = verbatim.map(NiftiHeader::toBuilder).orElseGet(() -> fresh(volume, version));
        b.version = version;
        b.byteOrder = source.map(NiftiHeader::byteOrder).orElse(ByteOrder.LITTLE_ENDIAN);
        b.voxOffset = version == 1 ? NiftiHeader.NIFTI1_VOX_OFFSET : NiftiHeader.NIFTI2_VOX_OFFSET;
        b.datatype = type.niftiCode();
        b.bitpix = 8 * type.bytesPerVoxel();
        Scaling scaling = volume.scaling();
        boolean scaled = type != ImageDataType.RGB24 && !scaling.isIdentity();
        // "no scaling" has several spellings (slope 0, NaN, or 1 with intercept 0); keep the source's if it means
        // the same as the volume's scaling, so a rewritten header stays byte-identical
        boolean keep = verbatim.isPresent() && Objects.equals(NiftiReader.scaling(verbatim.get(), type),
                scaled ? new Scaling(narrow(version, scaling.slope()), narrow(version, scaling.intercept())) : null);
        if (!keep) {
            b.sclSlope = scaled ? narrow(version, scaling.slope()) : 0;
            b.sclInter = scaled ? narrow(version, scaling.intercept()) : 0;
        }
        setDims(b, shape, fileChannels, source.orElse(null));
        if (version == 1) {
            for (int i = 1; i < 8; i++) {
                if (b.dim[i] > NIFTI1_MAX_DIM) {
                    throw new MedSegException("cannot write as NIfTI-1: dimension " + i + " is " + b.dim[i]
                            + ", NIfTI-1 allows at most " + NIFTI1_MAX_DIM + " (use NIfTI-2)");
                }
            }
        }
        return b.build();
    }

    /**
     * dim[1..3] from the spatial shape; the channels go to dim[4] (or keep the source's split over dim[4..7], e.g. a
     * vector dimension in dim[5], when it multiplies to the same count). Unused dimensions are 1.
     */
    private static void setDims(NiftiHeader.Builder b, long[] shape, long fileChannels, NiftiHeader source) {
        long[] dim = { 0, 1, 1, 1, 1, 1, 1, 1 };
        for (int i = 0; i < shape.length; i++) {
            dim[i + 1] = shape[i];
        }
        int rank = shape.length;
        if (source != null && source.dim()[0] >= 4 && sameSpatialRank(source, shape.length)
                && channelCount(source) == fileChannels) {
            long[] sd = source.dim();
            System.arraycopy(sd, 4, dim, 4, 4);
            rank = (int) sd[0];
        } else if (fileChannels > 1) {
            dim[4] = fileChannels;
            rank = 4;
        } else if (source != null && source.dim()[0] == 1 && shape.length == 2 && shape[1] == 1) {
            rank = 1; // a 1D file read as a 2D image of one row stays 1D
        }
        dim[0] = rank;
        b.dim = dim;
    }

    private static boolean sameSpatialRank(NiftiHeader source, int spatialDims) {
        return (source.dim()[0] >= 3 ? 3 : 2) == spatialDims;
    }

    private static long channelCount(NiftiHeader h) {
        long[] d = h.dim();
        long c = 1;
        for (int i = 4; i <= d[0] && i < 8; i++) {
            c *= d[i];
        }
        return c;
    }

    /** A header whose geometry fields describe the volume's affine: sform and qform, both "scanner", in mm. */
    private static NiftiHeader.Builder fresh(Volume volume, int version) {
        NiftiHeader.Builder b = new NiftiHeader.Builder(version);
        double[][] a = volume.geometry().affine();
        b.sformCode = XFORM_SCANNER;
        b.srowX = a[0].clone();
        b.srowY = a[1].clone();
        b.srowZ = a[2].clone();
        Qform q = Qform.fromAffine(a);
        if (version == 1) {
            q = q.forFloatStorage();
        }
        b.qformCode = XFORM_SCANNER;
        b.quaternB = q.b();
        b.quaternC = q.c();
        b.quaternD = q.d();
        b.qoffsetX = q.ox();
        b.qoffsetY = q.oy();
        b.qoffsetZ = q.oz();
        b.pixdim = new double[] { q.qfac(), q.dx(), q.dy(), q.dz(), 1, 1, 1, 1 };
        b.xyztUnits = UNITS_MM_SEC;
        return b;
    }

    /** True if writing the source header's geometry fields would reproduce the volume's geometry. */
    private static boolean sameGeometry(NiftiHeader source, Volume volume) {
        double[][] implied = NiftiAffine.of(source);
        double[][] actual = volume.geometry().affine();
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                if (!(Math.abs(implied[r][c] - actual[r][c]) <= SAME_GEOMETRY_TOL)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Optional<NiftiHeader> niftiSource(Volume volume) {
        Optional<SourceHeader> s = volume.sourceHeader();
        return s.filter(NiftiHeader.class::isInstance).map(NiftiHeader.class::cast);
    }

    /** RGB24 only for whole RGB triples; otherwise the stored type as it is. */
    private static ImageDataType storedType(Volume volume) {
        ImageDataType t = volume.storedType();
        if (t == ImageDataType.RGB24 && volume.channels() % 3 != 0) {
            return ImageDataType.UINT8;
        }
        return t;
    }

    /** The value a header field of this version holds: NIfTI-1 stores floats. */
    private static double narrow(int version, double v) {
        return version == 1 ? (float) v : v;
    }

    private static int chooseVersion(Volume volume) {
        int version = niftiSource(volume).map(NiftiHeader::version).orElse(1);
        long max = volume.channels();
        for (long s : volume.shape()) {
            max = Math.max(max, s);
        }
        return version == 1 && max > NIFTI1_MAX_DIM ? 2 : version;
    }
}
