package io.medseg.io.nifti;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import io.medseg.MedSegException;
import io.medseg.image.Geometry;
import io.medseg.image.ImageDataType;
import io.medseg.image.Volume;
import io.medseg.image.Volume.Scaling;
import io.medseg.io.AtomicFiles;
import net.imglib2.img.Img;
import net.imglib2.type.numeric.RealType;

/**
 * Reads single-file NIfTI-1 and NIfTI-2 images ({@code .nii}, optionally gzip-compressed) into a {@link Volume}.
 * Compression is recognised by the gzip magic bytes, not the file name, because mislabelled files are common.
 * Everything that can be checked against the file size is checked before voxel memory is allocated.
 */
public final class NiftiReader {
    /**
     * Deflate cannot compress better than about 1032:1; a gzip file promising more data than that is corrupt.
     * Used as a size bound when the gzip trailer cannot be (uncompressed size of 4 GiB or more).
     */
    private static final long MAX_DEFLATE_RATIO = 1032;

    private NiftiReader() {
    }

    /** Reads an image; every failure is a one-line {@link MedSegException} naming the file. */
    public static Volume read(Path path) {
        String file = path.toString();
        long fileSize;
        try {
            fileSize = Files.size(path);
        } catch (NoSuchFileException e) {
            throw new MedSegException(file + ": no such file");
        } catch (IOException e) {
            throw new MedSegException(file + ": cannot read (" + AtomicFiles.describe(e) + ")", e);
        }
        if (Files.isDirectory(path)) {
            throw new MedSegException(file + ": is a directory, expected a NIfTI file");
        }
        boolean gzip;
        try {
            gzip = isGzip(path);
        } catch (IOException e) {
            throw new MedSegException(file + ": cannot read (" + AtomicFiles.describe(e) + ")", e);
        }
        try (InputStream raw = Files.newInputStream(path);
                InputStream in = gzip ? new GZIPInputStream(new BufferedInputStream(raw, 1 << 16), 1 << 16)
                        : new BufferedInputStream(raw, 1 << 16)) {
            return read(in, path, fileSize, gzip);
        } catch (MedSegException e) {
            throw e;
        } catch (ZipException e) {
            // a bad gzip header, a corrupt deflate block, or a CRC or length mismatch in the trailer
            throw new MedSegException(file + ": corrupt gzip stream (" + oneLine(e) + ")", e);
        } catch (EOFException e) {
            // GZIPInputStream's way of saying the compressed stream was cut off (outside the voxel data, whose
            // early end is reported with byte counts)
            throw new MedSegException(file + ": truncated: the gzip stream ends early (" + oneLine(e) + ")", e);
        } catch (IOException e) {
            throw new MedSegException(file + ": cannot read (" + AtomicFiles.describe(e) + ")", e);
        }
    }

    private static Volume read(InputStream in, Path path, long fileSize, boolean gzip) throws IOException {
        String file = path.toString();
        NiftiHeader h = readHeader(in, file);
        NiftiLayout layout = NiftiLayout.of(h, file);
        int headerSize = NiftiHeader.headerSize(h.version());
        if (h.voxOffset() < headerSize) {
            throw new MedSegException(file + ": vox_offset " + h.voxOffset() + " is invalid, expected at least "
                    + headerSize + " (the header size)");
        }
        checkSize(path, h, layout, fileSize, gzip);
        // skip the extension flag and any extensions; their content is not used
        skipFully(in, h.voxOffset() - headerSize, h, layout, file);
        Scaling scaling = scaling(h, layout.storedType());
        Img<? extends RealType<?>> pixels = NiftiVoxels.read(in, layout, h.byteOrder(), scaling, file);
        if (gzip) {
            // read to the end so GZIPInputStream checks the trailer's CRC and length: corruption inside the voxel
            // data of a stored (incompressible) block is only visible there
            in.transferTo(OutputStream.nullOutputStream());
        }
        Geometry geometry = Geometry.ofAffine(layout.spatialDims(), NiftiAffine.of(h));
        return new Volume(pixels, geometry, layout.storedType(), scaling, h);
    }

    private static NiftiHeader readHeader(InputStream in, String file) throws IOException {
        byte[] first = in.readNBytes(4);
        if (first.length < 4) {
            throw new MedSegException(file + ": truncated header (" + first.length + " bytes, a NIfTI header has 348 or "
                    + "540)");
        }
        ByteOrder order = NiftiHeader.detectByteOrder(first);
        if (order == null) {
            int le = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).getInt();
            throw new MedSegException(file + ": not a NIfTI-1/NIfTI-2 file (sizeof_hdr is " + le
                    + ", expected 348 or 540)");
        }
        int version = NiftiHeader.versionOf(first, order);
        int size = NiftiHeader.headerSize(version);
        byte[] bytes = new byte[size];
        System.arraycopy(first, 0, bytes, 0, 4);
        int got = in.readNBytes(bytes, 4, size - 4);
        if (got < size - 4) {
            throw new MedSegException(file + ": truncated header (" + (4 + got) + " of " + size + " bytes of a NIfTI-"
                    + version + " header)");
        }
        switch (NiftiHeader.magic(bytes, version)) {
            case SINGLE_FILE:
                break;
            case HEADER_IMAGE_PAIR:
                throw new MedSegException(file + ": is the header of a two-file NIfTI-" + version
                        + " pair (.hdr/.img), which is not supported; convert it to a single .nii file");
            default:
                throw new MedSegException(file + ": not a NIfTI-1/NIfTI-2 file (bad magic)");
        }
        return NiftiHeader.parse(bytes, version, order);
    }

    /**
     * Rejects files that cannot hold the data the header promises, before memory is allocated. Uncompressed: the
     * file size is exact. Gzip: the trailer's ISIZE is the uncompressed size modulo 2^32, exact for the usual
     * single-member files below 4 GiB; larger ones are bounded by deflate's best compression ratio.
     */
    private static void checkSize(Path path, NiftiHeader h, NiftiLayout layout, long fileSize, boolean gzip)
            throws IOException {
        String file = path.toString();
        long needed = layout.dataBytes();
        long total = h.voxOffset() + needed;
        if (!gzip) {
            if (fileSize < total) {
                throw new MedSegException(file + ": truncated: header needs " + needed + " bytes of voxel data, file has "
                        + Math.max(0, fileSize - h.voxOffset()));
            }
            return;
        }
        if (total < (1L << 32)) {
            long isize = gzipTrailerSize(path, fileSize);
            if (isize >= 0 && isize < total) {
                throw new MedSegException(file + ": truncated: header needs " + needed
                        + " bytes of voxel data, file has " + Math.max(0, isize - h.voxOffset())
                        + " (gzip trailer size)");
            }
        } else if (fileSize * MAX_DEFLATE_RATIO < total) {
            throw new MedSegException(file + ": truncated: header needs " + needed + " bytes of voxel data, a "
                    + fileSize + "-byte gzip file cannot hold that much");
        }
    }

    /** The gzip ISIZE trailer field (last four bytes, little-endian), or -1 if the file is too short to have one. */
    private static long gzipTrailerSize(Path path, long fileSize) throws IOException {
        if (fileSize < 18) { // 10-byte gzip header + 8-byte trailer
            return -1;
        }
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "r")) {
            f.seek(fileSize - 4);
            byte[] t = new byte[4];
            f.readFully(t);
            return ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
        }
    }

    /** The scaling to apply, or null: slope 0 or non-finite means "no scaling" (NIfTI), and RGB is never scaled. */
    static Scaling scaling(NiftiHeader h, ImageDataType stored) {
        double slope = h.sclSlope(), inter = h.sclInter();
        if (stored == ImageDataType.RGB24 || slope == 0 || !Double.isFinite(slope)) {
            return null;
        }
        if (!Double.isFinite(inter)) {
            inter = 0;
        }
        Scaling s = new Scaling(slope, inter);
        return s.isIdentity() ? null : s;
    }

    private static void skipFully(InputStream in, long n, NiftiHeader h, NiftiLayout layout, String file)
            throws IOException {
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new MedSegException(file + ": truncated: header needs " + layout.dataBytes()
                            + " bytes of voxel data at offset " + h.voxOffset() + ", file has 0");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private static boolean isGzip(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] m = in.readNBytes(2);
            return m.length == 2 && (m[0] & 0xff) == 0x1f && (m[1] & 0xff) == 0x8b;
        }
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.replaceAll("\\s+", " ");
    }
}
