package io.medseg.io.nifti;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.medseg.MedSegException;
import io.medseg.image.ImageDataType;
import io.medseg.image.Volume.Scaling;
import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.IntegerType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * Converts NIfTI voxel data between its byte form and imglib2 images. The file order (i fastest, then j, k, then the
 * dimensions from dim[4] on) is the flat order of an array image of shape (i, j[, k], channel), so data is copied
 * straight through; only RGB24, whose three components are interleaved per voxel on disk but are separate channels
 * in memory, is reordered.
 */
final class NiftiVoxels {
    /** Bytes moved per read or write: large enough for throughput, small enough not to matter for memory. */
    private static final int CHUNK = 1 << 20;

    private NiftiVoxels() {
    }

    /**
     * Reads the voxel data that follows the header into a new image. With a scaling the values are real values
     * (raw * slope + intercept) held as floats for stored types of up to 16 bits (which floats hold exactly) and as
     * doubles otherwise; without, the image has the stored type. Early end of data is reported as truncation.
     */
    static Img<? extends RealType<?>> read(InputStream in, NiftiLayout layout, ByteOrder order, Scaling scaling,
            String file) throws IOException {
        ImageDataType type = layout.storedType();
        long[] shape = layout.memoryShape();
        int n = (int) layout.elements();
        Reader r = new Reader(in, layout.dataBytes(), file);
        if (type == ImageDataType.RGB24) {
            return ArrayImgs.unsignedBytes(readRgb(r, layout), shape);
        }
        if (scaling != null && !scaling.isIdentity()) {
            boolean narrow = type.bytesPerVoxel() <= 2 && type.isIntegral();
            float[] f = narrow ? new float[n] : null;
            double[] d = narrow ? null : new double[n];
            double slope = scaling.slope(), inter = scaling.intercept();
            int pos = 0;
            while (pos < n) {
                ByteBuffer b = r.next(type.bytesPerVoxel(), n - pos, order);
                int count = b.remaining() / type.bytesPerVoxel();
                for (int i = 0; i < count; i++, pos++) {
                    double v = raw(b, type) * slope + inter;
                    if (narrow) {
                        f[pos] = (float) v;
                    } else {
                        d[pos] = v;
                    }
                }
            }
            return narrow ? ArrayImgs.floats(f, shape) : ArrayImgs.doubles(d, shape);
        }
        switch (type) {
            case UINT8:
            case INT8: {
                byte[] a = new byte[n];
                r.readInto(a);
                return type == ImageDataType.UINT8 ? ArrayImgs.unsignedBytes(a, shape) : ArrayImgs.bytes(a, shape);
            }
            case INT16:
            case UINT16: {
                short[] a = new short[n];
                for (int pos = 0; pos < n;) {
                    ByteBuffer b = r.next(2, n - pos, order);
                    int count = b.remaining() / 2;
                    b.asShortBuffer().get(a, pos, count);
                    pos += count;
                }
                return type == ImageDataType.INT16 ? ArrayImgs.shorts(a, shape) : ArrayImgs.unsignedShorts(a, shape);
            }
            case INT32:
            case UINT32: {
                int[] a = new int[n];
                for (int pos = 0; pos < n;) {
                    ByteBuffer b = r.next(4, n - pos, order);
                    int count = b.remaining() / 4;
                    b.asIntBuffer().get(a, pos, count);
                    pos += count;
                }
                return type == ImageDataType.INT32 ? ArrayImgs.ints(a, shape) : ArrayImgs.unsignedInts(a, shape);
            }
            case INT64: {
                long[] a = new long[n];
                for (int pos = 0; pos < n;) {
                    ByteBuffer b = r.next(8, n - pos, order);
                    int count = b.remaining() / 8;
                    b.asLongBuffer().get(a, pos, count);
                    pos += count;
                }
                return ArrayImgs.longs(a, shape);
            }
            case FLOAT32: {
                float[] a = new float[n];
                for (int pos = 0; pos < n;) {
                    ByteBuffer b = r.next(4, n - pos, order);
                    int count = b.remaining() / 4;
                    b.asFloatBuffer().get(a, pos, count);
                    pos += count;
                }
                return ArrayImgs.floats(a, shape);
            }
            case FLOAT64: {
                double[] a = new double[n];
                for (int pos = 0; pos < n;) {
                    ByteBuffer b = r.next(8, n - pos, order);
                    int count = b.remaining() / 8;
                    b.asDoubleBuffer().get(a, pos, count);
                    pos += count;
                }
                return ArrayImgs.doubles(a, shape);
            }
            default:
                throw new IllegalStateException("unhandled stored type " + type);
        }
    }

    /** RGB24: bytes R,G,B per voxel on disk; channel (t * 3 + component) in memory. */
    private static byte[] readRgb(Reader r, NiftiLayout layout) throws IOException {
        int n = (int) layout.elements();
        long perChannel = layout.voxelsPerChannel();
        byte[] a = new byte[n];
        for (long e = 0; e < n;) {
            ByteBuffer b = r.next(3, (n - e) / 3, ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) {
                long voxel = e / 3; // index among all voxels of all time points
                long t = voxel / perChannel, s = voxel % perChannel;
                for (int comp = 0; comp < 3; comp++) {
                    a[(int) ((t * 3 + comp) * perChannel + s)] = b.get();
                }
                e += 3;
            }
        }
        return a;
    }

    private static double raw(ByteBuffer b, ImageDataType type) {
        switch (type) {
            case UINT8: return b.get() & 0xff;
            case INT8: return b.get();
            case INT16: return b.getShort();
            case UINT16: return b.getShort() & 0xffff;
            case INT32: return b.getInt();
            case UINT32: return b.getInt() & 0xffffffffL;
            case INT64: return b.getLong();
            case FLOAT32: return b.getFloat();
            case FLOAT64: return b.getDouble();
            default: throw new IllegalStateException("unhandled stored type " + type);
        }
    }

    /** Chunked reading of exactly the expected number of bytes, turning early end of data into a clear error. */
    private static final class Reader {
        private final InputStream in;
        private final long expected;
        private final String file;
        private final byte[] buf;
        private long done;

        Reader(InputStream in, long expected, String file) {
            this.in = in;
            this.expected = expected;
            this.file = file;
            this.buf = new byte[(int) Math.min(CHUNK, Math.max(expected, 1))];
        }

        /** The next chunk of whole elements of {@code size} bytes, at most {@code maxElements} of them. */
        ByteBuffer next(int size, long maxElements, ByteOrder order) throws IOException {
            int len = (int) Math.min(maxElements, (buf.length / size)) * size;
            fill(buf, 0, len);
            return ByteBuffer.wrap(buf, 0, len).order(order);
        }

        void readInto(byte[] a) throws IOException {
            for (int pos = 0; pos < a.length;) {
                int len = Math.min(CHUNK, a.length - pos);
                fill(a, pos, len);
                pos += len;
            }
        }

        private void fill(byte[] a, int off, int len) throws IOException {
            int got;
            try {
                got = in.readNBytes(a, off, len);
            } catch (EOFException e) {
                // GZIPInputStream reports a cut-off deflate stream this way
                throw truncated();
            }
            done += got;
            if (got < len) {
                throw truncated();
            }
        }

        private MedSegException truncated() {
            return new MedSegException(file + ": truncated: header needs " + expected + " bytes of voxel data, file has "
                    + done);
        }
    }

    // ------------------------------------------------------------------------------------------------- writing

    /**
     * Writes the pixels (axes spatial..., channel) as {@code type} in file order. Integer types are re-quantised:
     * raw = round((value - intercept) / slope), clamped to the type's range (NaN becomes 0), which gives back exactly
     * the raw values of data that was read with this scaling. RGB24 needs a multiple of three channels.
     */
    static void write(RandomAccessibleInterval<? extends RealType<?>> pixels, ImageDataType type, Scaling scaling,
            ByteOrder order, OutputStream out) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(CHUNK).order(order);
        Quantiser q = new Quantiser(type.memoryType(), scaling);
        if (type == ImageDataType.RGB24) {
            int channelAxis = pixels.numDimensions() - 1;
            long channels = pixels.dimension(channelAxis);
            for (long t = 0; t < channels / 3; t++) {
                Cursor<? extends RealType<?>> r = Views.flatIterable(Views.hyperSlice(pixels, channelAxis, 3 * t))
                        .cursor();
                Cursor<? extends RealType<?>> g = Views
                        .flatIterable(Views.hyperSlice(pixels, channelAxis, 3 * t + 1)).cursor();
                Cursor<? extends RealType<?>> bl = Views
                        .flatIterable(Views.hyperSlice(pixels, channelAxis, 3 * t + 2)).cursor();
                while (r.hasNext()) {
                    b = room(b, 3, out);
                    b.put((byte) q.integer(r.next()));
                    b.put((byte) q.integer(g.next()));
                    b.put((byte) q.integer(bl.next()));
                }
            }
        } else {
            int size = type.bytesPerVoxel();
            for (RealType<?> v : Views.flatIterable(pixels)) {
                b = room(b, size, out);
                switch (type) {
                    case UINT8:
                    case INT8: b.put((byte) q.integer(v)); break;
                    case INT16:
                    case UINT16: b.putShort((short) q.integer(v)); break;
                    case INT32:
                    case UINT32: b.putInt((int) q.integer(v)); break;
                    case INT64: b.putLong(q.integer(v)); break;
                    case FLOAT32: b.putFloat((float) q.real(v)); break;
                    case FLOAT64: b.putDouble(q.real(v)); break;
                    default: throw new IllegalStateException("unhandled stored type " + type);
                }
            }
        }
        out.write(b.array(), 0, b.position());
    }

    /** Flushes the buffer when fewer than {@code need} bytes are left. */
    private static ByteBuffer room(ByteBuffer b, int need, OutputStream out) throws IOException {
        if (b.remaining() < need) {
            out.write(b.array(), 0, b.position());
            b.clear();
        }
        return b;
    }

    /** Turns in-memory values into stored raw values of one type. */
    private static final class Quantiser {
        private final ImageDataType type;
        private final boolean identity;
        private final double slope;
        private final double inter;

        Quantiser(ImageDataType type, Scaling scaling) {
            this.type = type;
            this.identity = scaling == null || scaling.isIdentity();
            this.slope = identity ? 1 : scaling.slope();
            this.inter = identity ? 0 : scaling.intercept();
        }

        long integer(RealType<?> v) {
            if (identity && v instanceof IntegerType<?> i) {
                // exact for 64-bit values, which a double would round
                return clamp(i.getIntegerLong());
            }
            double r = identity ? v.getRealDouble() : (v.getRealDouble() - inter) / slope;
            if (Double.isNaN(r)) {
                return 0;
            }
            // Math.round saturates at the long range, so +-infinity and huge values clamp below
            return clamp(Math.round(r));
        }

        double real(RealType<?> v) {
            return identity ? v.getRealDouble() : (v.getRealDouble() - inter) / slope;
        }

        private long clamp(long raw) {
            if (type == ImageDataType.INT64) {
                return raw;
            }
            return Math.max((long) type.min(), Math.min((long) type.max(), raw));
        }
    }
}
