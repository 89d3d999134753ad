package io.medseg.io.nifti;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import io.medseg.image.Volume;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/** Helpers for tests that build NIfTI files by hand. */
final class NiftiTestFiles {
    private NiftiTestFiles() {
    }

    /** A single-file image: header, empty extension flag, data; gzip-compressed if asked. */
    static Path write(Path file, NiftiHeader h, byte[] data, boolean gzip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(h.toBytes());
        bytes.write(new byte[4]);
        bytes.write(data);
        write(file, bytes.toByteArray(), gzip);
        return file;
    }

    static Path write(Path file, byte[] content, boolean gzip) throws IOException {
        if (gzip) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
                out.write(content);
            }
        } else {
            Files.write(file, content);
        }
        return file;
    }

    /** A minimal valid 3D header of the given shape and datatype (little-endian, no geometry codes). */
    static NiftiHeader.Builder header(int version, int datatype, int bitpix, long... shape) {
        NiftiHeader.Builder b = new NiftiHeader.Builder(version);
        b.datatype = datatype;
        b.bitpix = bitpix;
        b.dim[0] = shape.length;
        for (int i = 0; i < shape.length; i++) {
            b.dim[i + 1] = shape[i];
        }
        return b;
    }

    /** All values in flat file order (i fastest, channel last). */
    static double[] values(Volume v) {
        return values(v.pixels());
    }

    static double[] values(RandomAccessibleInterval<? extends RealType<?>> pixels) {
        long n = 1;
        for (int d = 0; d < pixels.numDimensions(); d++) {
            n *= pixels.dimension(d);
        }
        double[] out = new double[(int) n];
        int i = 0;
        for (RealType<?> t : Views.flatIterable(pixels)) {
            out[i++] = t.getRealDouble();
        }
        return out;
    }

    static void assertAffine(double[][] expected, double[][] actual, double tol) {
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                if (!(Math.abs(expected[r][c] - actual[r][c]) <= tol)) {
                    throw new AssertionError("affine[" + r + "][" + c + "]: expected " + expected[r][c] + " but was "
                            + actual[r][c] + "\nexpected " + java.util.Arrays.deepToString(expected) + "\nactual   "
                            + java.util.Arrays.deepToString(actual));
                }
            }
        }
    }
}
