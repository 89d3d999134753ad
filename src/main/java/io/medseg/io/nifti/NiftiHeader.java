package io.medseg.io.nifti;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

import io.medseg.image.SourceHeader;

/**
 * The fields of a single-file NIfTI-1 or NIfTI-2 header, with their binary encodings. NIfTI-1 stores most numbers as
 * 16-bit shorts and 32-bit floats, NIfTI-2 as 64-bit integers and doubles; both are held here in the wider Java type
 * so one model serves both versions (a NIfTI-1 float widens to double exactly, so re-encoding a parsed header gives
 * the same bytes).
 *
 * <p>The Analyze 7.5 leftovers of NIfTI-1 ({@code data_type}, {@code db_name}, {@code extents},
 * {@code session_error}, {@code glmax}, {@code glmin}) are unused by the standard and not kept; {@code regular} is
 * always written as {@code 'r'}, as nifticlib does.
 *
 * <p>Array components are copied in and out, so instances are immutable. Use {@link #toBuilder()} to derive a
 * modified header.
 */
public record NiftiHeader(int version, ByteOrder byteOrder, int dimInfo, long[] dim, double intentP1,
        double intentP2, double intentP3, int intentCode, int datatype, int bitpix, long sliceStart, double[] pixdim,
        long voxOffset, double sclSlope, double sclInter, long sliceEnd, int sliceCode, int xyztUnits, double calMax,
        double calMin, double sliceDuration, double toffset, String descrip, String auxFile, int qformCode,
        int sformCode, double quaternB, double quaternC, double quaternD, double qoffsetX, double qoffsetY,
        double qoffsetZ, double[] srowX, double[] srowY, double[] srowZ, String intentName) implements SourceHeader {

    /** {@code sizeof_hdr} of NIfTI-1. */
    public static final int NIFTI1_HEADER_SIZE = 348;
    /** {@code sizeof_hdr} of NIfTI-2. */
    public static final int NIFTI2_HEADER_SIZE = 540;
    /** Single-file NIfTI-1 data offset: header plus the 4-byte extension flag. */
    public static final int NIFTI1_VOX_OFFSET = 352;
    /** Single-file NIfTI-2 data offset: header plus the 4-byte extension flag. */
    public static final int NIFTI2_VOX_OFFSET = 544;

    private static final byte[] MAGIC1 = { 'n', '+', '1', 0 };
    private static final byte[] MAGIC1_PAIR = { 'n', 'i', '1', 0 };
    // the trailing \r\n\032\n catches files mangled by text-mode transfers, like the PNG signature does
    private static final byte[] MAGIC2 = { 'n', '+', '2', 0, '\r', '\n', 032, '\n' };
    private static final byte[] MAGIC2_PAIR = { 'n', 'i', '2', 0, '\r', '\n', 032, '\n' };

    /** What the magic bytes of a header say. */
    public enum Magic {
        SINGLE_FILE, HEADER_IMAGE_PAIR, BAD
    }

    public NiftiHeader {
        if (version != 1 && version != 2) {
            throw new IllegalArgumentException("NIfTI version must be 1 or 2, got " + version);
        }
        Objects.requireNonNull(byteOrder, "byteOrder");
        dim = fixed(dim, 8, "dim");
        pixdim = fixed(pixdim, 8, "pixdim");
        srowX = fixed(srowX, 4, "srow_x");
        srowY = fixed(srowY, 4, "srow_y");
        srowZ = fixed(srowZ, 4, "srow_z");
        descrip = descrip == null ? "" : descrip;
        auxFile = auxFile == null ? "" : auxFile;
        intentName = intentName == null ? "" : intentName;
    }

    @Override
    public String format() {
        return "nifti" + version;
    }

    /** Header size in bytes for a NIfTI version. */
    public static int headerSize(int version) {
        return version == 1 ? NIFTI1_HEADER_SIZE : NIFTI2_HEADER_SIZE;
    }

    @Override
    public long[] dim() {
        return dim.clone();
    }

    @Override
    public double[] pixdim() {
        return pixdim.clone();
    }

    @Override
    public double[] srowX() {
        return srowX.clone();
    }

    @Override
    public double[] srowY() {
        return srowY.clone();
    }

    @Override
    public double[] srowZ() {
        return srowZ.clone();
    }

    /** Spatial unit code: the low three bits of {@code xyzt_units} (0 unknown, 1 metre, 2 mm, 3 micron). */
    public int spatialUnits() {
        return xyztUnits & 0x07;
    }

    // ---------------------------------------------------------------------------------------------------- parsing

    /**
     * The NIfTI version announced by the first four bytes ({@code sizeof_hdr}), together with the byte order that
     * makes it 348 or 540; null if it is neither in either byte order.
     */
    public static ByteOrder detectByteOrder(byte[] first4) {
        for (ByteOrder order : new ByteOrder[] { ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN }) {
            int size = ByteBuffer.wrap(first4, 0, 4).order(order).getInt();
            if (size == NIFTI1_HEADER_SIZE || size == NIFTI2_HEADER_SIZE) {
                return order;
            }
        }
        return null;
    }

    /** The version (1 or 2) whose header size the first four bytes hold in {@code order}. */
    public static int versionOf(byte[] first4, ByteOrder order) {
        return ByteBuffer.wrap(first4, 0, 4).order(order).getInt() == NIFTI1_HEADER_SIZE ? 1 : 2;
    }

    /** Classifies the magic string of a complete header of the given version. */
    public static Magic magic(byte[] header, int version) {
        byte[] m = version == 1 ? Arrays.copyOfRange(header, 344, 348) : Arrays.copyOfRange(header, 4, 12);
        if (Arrays.equals(m, version == 1 ? MAGIC1 : MAGIC2)) {
            return Magic.SINGLE_FILE;
        }
        if (Arrays.equals(m, version == 1 ? MAGIC1_PAIR : MAGIC2_PAIR)) {
            return Magic.HEADER_IMAGE_PAIR;
        }
        return Magic.BAD;
    }

    /**
     * Decodes a complete header ({@link #headerSize} bytes) of the given version and byte order. The magic is not
     * checked here (see {@link #magic}); values are taken as they are, validation is the reader's job.
     */
    public static NiftiHeader parse(byte[] bytes, int version, ByteOrder order) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(order);
        Builder h = new Builder(version).byteOrder(order);
        if (version == 1) {
            h.dimInfo = b.get(39) & 0xff;
            for (int i = 0; i < 8; i++) {
                h.dim[i] = b.getShort(40 + 2 * i);
                h.pixdim[i] = b.getFloat(76 + 4 * i);
            }
            h.intentP1 = b.getFloat(56);
            h.intentP2 = b.getFloat(60);
            h.intentP3 = b.getFloat(64);
            h.intentCode = b.getShort(68);
            h.datatype = b.getShort(70);
            h.bitpix = b.getShort(72);
            h.sliceStart = b.getShort(74);
            // vox_offset is a float in NIfTI-1; offsets are whole bytes, anything else is rejected by the reader
            double vo = b.getFloat(108);
            h.voxOffset = vo == Math.rint(vo) && Double.isFinite(vo) ? (long) vo : -1;
            h.sclSlope = b.getFloat(112);
            h.sclInter = b.getFloat(116);
            h.sliceEnd = b.getShort(120);
            h.sliceCode = b.get(122) & 0xff;
            h.xyztUnits = b.get(123) & 0xff;
            h.calMax = b.getFloat(124);
            h.calMin = b.getFloat(128);
            h.sliceDuration = b.getFloat(132);
            h.toffset = b.getFloat(136);
            h.descrip = string(bytes, 148, 80);
            h.auxFile = string(bytes, 228, 24);
            h.qformCode = b.getShort(252);
            h.sformCode = b.getShort(254);
            h.quaternB = b.getFloat(256);
            h.quaternC = b.getFloat(260);
            h.quaternD = b.getFloat(264);
            h.qoffsetX = b.getFloat(268);
            h.qoffsetY = b.getFloat(272);
            h.qoffsetZ = b.getFloat(276);
            for (int i = 0; i < 4; i++) {
                h.srowX[i] = b.getFloat(280 + 4 * i);
                h.srowY[i] = b.getFloat(296 + 4 * i);
                h.srowZ[i] = b.getFloat(312 + 4 * i);
            }
            h.intentName = string(bytes, 328, 16);
        } else {
            h.datatype = b.getShort(12);
            h.bitpix = b.getShort(14);
            for (int i = 0; i < 8; i++) {
                h.dim[i] = b.getLong(16 + 8 * i);
                h.pixdim[i] = b.getDouble(104 + 8 * i);
            }
            h.intentP1 = b.getDouble(80);
            h.intentP2 = b.getDouble(88);
            h.intentP3 = b.getDouble(96);
            h.voxOffset = b.getLong(168);
            h.sclSlope = b.getDouble(176);
            h.sclInter = b.getDouble(184);
            h.calMax = b.getDouble(192);
            h.calMin = b.getDouble(200);
            h.sliceDuration = b.getDouble(208);
            h.toffset = b.getDouble(216);
            h.sliceStart = b.getLong(224);
            h.sliceEnd = b.getLong(232);
            h.descrip = string(bytes, 240, 80);
            h.auxFile = string(bytes, 320, 24);
            h.qformCode = b.getInt(344);
            h.sformCode = b.getInt(348);
            h.quaternB = b.getDouble(352);
            h.quaternC = b.getDouble(360);
            h.quaternD = b.getDouble(368);
            h.qoffsetX = b.getDouble(376);
            h.qoffsetY = b.getDouble(384);
            h.qoffsetZ = b.getDouble(392);
            for (int i = 0; i < 4; i++) {
                h.srowX[i] = b.getDouble(400 + 8 * i);
                h.srowY[i] = b.getDouble(432 + 8 * i);
                h.srowZ[i] = b.getDouble(464 + 8 * i);
            }
            h.sliceCode = b.getInt(496);
            h.xyztUnits = b.getInt(500);
            h.intentCode = b.getInt(504);
            h.intentName = string(bytes, 508, 16);
            h.dimInfo = b.get(524) & 0xff;
        }
        return h.build();
    }

    // ---------------------------------------------------------------------------------------------- serialising

    /**
     * The header in its binary form ({@link #headerSize} bytes, magic included), in this header's version and byte
     * order. NIfTI-1 fields narrower than the Java values are narrowed (long to short, double to float); callers
     * make sure the values fit (dimensions above 32767 need NIfTI-2).
     */
    public byte[] toBytes() {
        byte[] bytes = new byte[headerSize(version)];
        ByteBuffer b = ByteBuffer.wrap(bytes).order(byteOrder);
        b.putInt(0, headerSize(version));
        if (version == 1) {
            b.put(38, (byte) 'r');
            b.put(39, (byte) dimInfo);
            for (int i = 0; i < 8; i++) {
                b.putShort(40 + 2 * i, (short) dim[i]);
                b.putFloat(76 + 4 * i, (float) pixdim[i]);
            }
            b.putFloat(56, (float) intentP1);
            b.putFloat(60, (float) intentP2);
            b.putFloat(64, (float) intentP3);
            b.putShort(68, (short) intentCode);
            b.putShort(70, (short) datatype);
            b.putShort(72, (short) bitpix);
            b.putShort(74, (short) sliceStart);
            b.putFloat(108, voxOffset);
            b.putFloat(112, (float) sclSlope);
            b.putFloat(116, (float) sclInter);
            b.putShort(120, (short) sliceEnd);
            b.put(122, (byte) sliceCode);
            b.put(123, (byte) xyztUnits);
            b.putFloat(124, (float) calMax);
            b.putFloat(128, (float) calMin);
            b.putFloat(132, (float) sliceDuration);
            b.putFloat(136, (float) toffset);
            putString(bytes, 148, 80, descrip);
            putString(bytes, 228, 24, auxFile);
            b.putShort(252, (short) qformCode);
            b.putShort(254, (short) sformCode);
            b.putFloat(256, (float) quaternB);
            b.putFloat(260, (float) quaternC);
            b.putFloat(264, (float) quaternD);
            b.putFloat(268, (float) qoffsetX);
            b.putFloat(272, (float) qoffsetY);
            b.putFloat(276, (float) qoffsetZ);
            for (int i = 0; i < 4; i++) {
                b.putFloat(280 + 4 * i, (float) srowX[i]);
                b.putFloat(296 + 4 * i, (float) srowY[i]);
                b.putFloat(312 + 4 * i, (float) srowZ[i]);
            }
            putString(bytes, 328, 16, intentName);
            System.arraycopy(MAGIC1, 0, bytes, 344, 4);
        } else {
            System.arraycopy(MAGIC2, 0, bytes, 4, 8);
            b.putShort(12, (short) datatype);
            b.putShort(14, (short) bitpix);
            for (int i = 0; i < 8; i++) {
                b.putLong(16 + 8 * i, dim[i]);
                b.putDouble(104 + 8 * i, pixdim[i]);
            }
            b.putDouble(80, intentP1);
            b.putDouble(88, intentP2);
            b.putDouble(96, intentP3);
            b.putLong(168, voxOffset);
            b.putDouble(176, sclSlope);
            b.putDouble(184, sclInter);
            b.putDouble(192, calMax);
            b.putDouble(200, calMin);
            b.putDouble(208, sliceDuration);
            b.putDouble(216, toffset);
            b.putLong(224, sliceStart);
            b.putLong(232, sliceEnd);
            putString(bytes, 240, 80, descrip);
            putString(bytes, 320, 24, auxFile);
            b.putInt(344, qformCode);
            b.putInt(348, sformCode);
            b.putDouble(352, quaternB);
            b.putDouble(360, quaternC);
            b.putDouble(368, quaternD);
            b.putDouble(376, qoffsetX);
            b.putDouble(384, qoffsetY);
            b.putDouble(392, qoffsetZ);
            for (int i = 0; i < 4; i++) {
                b.putDouble(400 + 8 * i, srowX[i]);
                b.putDouble(432 + 8 * i, srowY[i]);
                b.putDouble(464 + 8 * i, srowZ[i]);
            }
            b.putInt(496, sliceCode);
            b.putInt(500, xyztUnits);
            b.putInt(504, intentCode);
            putString(bytes, 508, 16, intentName);
            b.put(524, (byte) dimInfo);
        }
        return bytes;
    }

    /** A builder holding this header's values. */
    public Builder toBuilder() {
        Builder b = new Builder(version).byteOrder(byteOrder);
        b.dimInfo = dimInfo;
        b.dim = dim.clone();
        b.intentP1 = intentP1;
        b.intentP2 = intentP2;
        b.intentP3 = intentP3;
        b.intentCode = intentCode;
        b.datatype = datatype;
        b.bitpix = bitpix;
        b.sliceStart = sliceStart;
        b.pixdim = pixdim.clone();
        b.voxOffset = voxOffset;
        b.sclSlope = sclSlope;
        b.sclInter = sclInter;
        b.sliceEnd = sliceEnd;
        b.sliceCode = sliceCode;
        b.xyztUnits = xyztUnits;
        b.calMax = calMax;
        b.calMin = calMin;
        b.sliceDuration = sliceDuration;
        b.toffset = toffset;
        b.descrip = descrip;
        b.auxFile = auxFile;
        b.qformCode = qformCode;
        b.sformCode = sformCode;
        b.quaternB = quaternB;
        b.quaternC = quaternC;
        b.quaternD = quaternD;
        b.qoffsetX = qoffsetX;
        b.qoffsetY = qoffsetY;
        b.qoffsetZ = qoffsetZ;
        b.srowX = srowX.clone();
        b.srowY = srowY.clone();
        b.srowZ = srowZ.clone();
        b.intentName = intentName;
        return b;
    }

    /**
     * Mutable header values, for parsing and for writers that assemble a header field by field. Fields default to
     * zero / empty, {@code dim} and {@code pixdim} to all ones (unused dimensions of size 1, unit spacing), and the
     * offset to the single-file value of the version.
     */
    public static final class Builder {
        public int version;
        public ByteOrder byteOrder = ByteOrder.LITTLE_ENDIAN;
        public int dimInfo;
        public long[] dim = { 0, 1, 1, 1, 1, 1, 1, 1 };
        public double intentP1;
        public double intentP2;
        public double intentP3;
        public int intentCode;
        public int datatype;
        public int bitpix;
        public long sliceStart;
        public double[] pixdim = { 1, 1, 1, 1, 1, 1, 1, 1 };
        public long voxOffset;
        public double sclSlope;
        public double sclInter;
        public long sliceEnd;
        public int sliceCode;
        public int xyztUnits;
        public double calMax;
        public double calMin;
        public double sliceDuration;
        public double toffset;
        public String descrip = "";
        public String auxFile = "";
        public int qformCode;
        public int sformCode;
        public double quaternB;
        public double quaternC;
        public double quaternD;
        public double qoffsetX;
        public double qoffsetY;
        public double qoffsetZ;
        public double[] srowX = new double[4];
        public double[] srowY = new double[4];
        public double[] srowZ = new double[4];
        public String intentName = "";

        public Builder(int version) {
            this.version = version;
            this.voxOffset = version == 1 ? NIFTI1_VOX_OFFSET : NIFTI2_VOX_OFFSET;
        }

        public Builder byteOrder(ByteOrder order) {
            this.byteOrder = order;
            return this;
        }

        public NiftiHeader build() {
            return new NiftiHeader(version, byteOrder, dimInfo, dim, intentP1, intentP2, intentP3, intentCode,
                    datatype, bitpix, sliceStart, pixdim, voxOffset, sclSlope, sclInter, sliceEnd, sliceCode,
                    xyztUnits, calMax, calMin, sliceDuration, toffset, descrip, auxFile, qformCode, sformCode,
                    quaternB, quaternC, quaternD, qoffsetX, qoffsetY, qoffsetZ, srowX, srowY, srowZ, intentName);
        }
    }

    // records compare arrays by identity; a header is a value, so compare contents
    @Override
    public boolean equals(Object o) {
        return o instanceof NiftiHeader h && h.version == version && h.byteOrder.equals(byteOrder)
                && Arrays.equals(h.toBytes(), toBytes()) && h.voxOffset == voxOffset;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }

    @Override
    public String toString() {
        return "NiftiHeader[" + format() + ", " + byteOrder + ", dim=" + Arrays.toString(dim) + ", datatype="
                + datatype + ", pixdim=" + Arrays.toString(pixdim) + ", qform_code=" + qformCode + ", sform_code="
                + sformCode + "]";
    }

    private static long[] fixed(long[] a, int n, String name) {
        if (a == null || a.length != n) {
            throw new IllegalArgumentException(name + " must have " + n + " entries");
        }
        return a.clone();
    }

    private static double[] fixed(double[] a, int n, String name) {
        if (a == null || a.length != n) {
            throw new IllegalArgumentException(name + " must have " + n + " entries");
        }
        return a.clone();
    }

    /** A NUL-terminated (or field-filling) Latin-1 string. */
    private static String string(byte[] bytes, int off, int len) {
        int end = off;
        while (end < off + len && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, off, end - off, StandardCharsets.ISO_8859_1);
    }

    private static void putString(byte[] bytes, int off, int len, String s) {
        byte[] v = s.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(v, 0, bytes, off, Math.min(len, v.length));
    }
}
