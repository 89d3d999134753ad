package io.medseg.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medseg.image.Geometry;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;
import net.imglib2.img.array.ArrayImgs;

/**
 * A 2D slice stored as a one-slice volume (i x j x 1) is scored on the plane, exactly as the same pixels as a 2D
 * image, and against a brute-force reference written here from the definitions: a pixel is on the surface when one
 * of its 8 in-plane neighbours is background or outside the image; distances are in-plane, with the in-plane spacing.
 */
class OneSliceScoringTest {
    @TempDir
    Path dir;

    private static final SegmentationScorer SCORER = new SegmentationScorer(1, EmptyMaskConvention.NAN);

    /** Labels 0/1 of an nx x ny picture, x fastest. */
    private static byte[] square(int nx, int ny, int x0, int x1, int y0, int y1) {
        byte[] v = new byte[nx * ny];
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                v[x + nx * y] = 1;
            }
        }
        return v;
    }

    private static Volume plane(byte[] v, int nx, int ny, double sx, double sy) {
        return Volume.of(ArrayImgs.unsignedBytes(v.clone(), nx, ny, 1),
                Geometry.of(new double[] { sx, sy }, new double[] { 0, 0 }, null));
    }

    /** The same picture as a 3D volume one voxel thick along {@code thinAxis}, with {@code thickness} mm there. */
    private static Volume slab(byte[] v, int nx, int ny, double sx, double sy, int thinAxis, double thickness) {
        long[] shape = new long[] { nx, ny };
        double[] spacing = { sx, sy };
        long[] s3 = new long[4];
        double[] sp3 = new double[3];
        for (int d = 0, e = 0; d < 3; d++) {
            s3[d] = d == thinAxis ? 1 : shape[e];
            sp3[d] = d == thinAxis ? thickness : spacing[e++];
        }
        s3[3] = 1;
        return Volume.of(ArrayImgs.unsignedBytes(v.clone(), s3), Geometry.of(sp3, new double[] { 3, -2, 7 }, null));
    }

    private LabelMetrics scoreFiles(Volume pred, Volume ref, String name) {
        Path p = dir.resolve(name + "_pred.nii.gz");
        Path r = dir.resolve(name + "_ref.nii.gz");
        ImageFiles.write(pred, p, true);
        ImageFiles.write(ref, r, true);
        LabelMap[] maps = PairScoring.read(name, p, r);
        return SCORER.scoreCase(name, maps[0], maps[1], List.of(1)).labels().get(0);
    }

    /**
     * A 4x4 square and the same square one pixel further along i, pixels 2 x 1 mm, stored 5 mm thick. By hand (as in
     * SurfaceDistanceTest's 2D case): each outline has 12 pixels with distances {0 x6, 1 x2, 2 x4} mm to the other, so
     * HD95 2, ASSD 20/24, NSD(1 mm) 16/24; areas 32 mm^2. Scored as a slab, all 16 pixels would be surface and ASSD
     * 0.5 mm.
     */
    @Test
    void shiftedSquareOnTheSliceHandComputed() {
        byte[] ref = square(9, 8, 2, 5, 2, 5);
        byte[] pred = square(9, 8, 3, 6, 2, 5);
        LabelMetrics m = scoreFiles(slab(pred, 9, 8, 2, 1, 2, 5), slab(ref, 9, 8, 2, 1, 2, 5), "square");
        assertEquals(0.75, m.dice(), 1e-12);
        assertEquals(2, m.hd95(), 1e-12);
        assertEquals(20.0 / 24, m.assd(), 1e-12);
        assertEquals(16.0 / 24, m.nsd(), 1e-12);
        assertEquals(32, m.predVolume(), 1e-12);
        assertEquals(32, m.refVolume(), 1e-12);
    }

    /**
     * Random masks (holes, objects on the image border) as one-slice volumes, thin along k or along i, with
     * anisotropic in-plane spacing and a slice thickness that must not matter: the scores equal those of the same
     * pixels as a 2D image, read back from files the way the score command, the scorer node and the held-out
     * validation read them, and match the brute-force reference.
     */
    @Test
    void randomOneSliceVolumesScoreLikeTheirPlaneAndBruteForce() {
        Random rnd = new Random(15);
        int checked = 0;
        for (int trial = 0; trial < 12; trial++) {
            int nx = 4 + rnd.nextInt(10);
            int ny = 4 + rnd.nextInt(10);
            // eighths of a mm survive the NIfTI header's float32 exactly, so the files carry these very spacings
            double sx = (4 + rnd.nextInt(9)) / 8.0;
            double sy = (4 + rnd.nextInt(17)) / 8.0;
            byte[] ref = blob(nx, ny, rnd);
            byte[] pred = blob(nx, ny, rnd);
            if (count(ref) == 0 || count(pred) == 0) {
                continue;
            }
            LabelMetrics asPlane = scoreFiles(plane(pred, nx, ny, sx, sy), plane(ref, nx, ny, sx, sy), "p" + trial);
            for (int thinAxis : new int[] { 2, 0 }) {
                double thickness = 1 + rnd.nextInt(5);
                LabelMetrics asSlab = scoreFiles(slab(pred, nx, ny, sx, sy, thinAxis, thickness),
                        slab(ref, nx, ny, sx, sy, thinAxis, thickness), "s" + trial + "_" + thinAxis);
                assertEquals(asPlane, asSlab, "trial " + trial + ", thin axis " + thinAxis);
            }
            double[] pr = bruteForceDistances(pred, ref, nx, ny, sx, sy);
            double[] rp = bruteForceDistances(ref, pred, nx, ny, sx, sy);
            double hd95 = Math.max(nearestRank95(pr), nearestRank95(rp));
            double sum = Arrays.stream(pr).sum() + Arrays.stream(rp).sum();
            long near = Arrays.stream(pr).filter(d -> d <= 1).count() + Arrays.stream(rp).filter(d -> d <= 1).count();
            assertEquals(hd95, asPlane.hd95(), 1e-9, "trial " + trial);
            assertEquals(sum / (pr.length + rp.length), asPlane.assd(), 1e-9, "trial " + trial);
            assertEquals((double) near / (pr.length + rp.length), asPlane.nsd(), 1e-12, "trial " + trial);
            assertEquals(count(pred) * sx * sy, asPlane.predVolume(), 1e-9, "trial " + trial);
            checked++;
        }
        assertEquals(true, checked >= 8, "too few non-empty trials: " + checked);
    }

    /** A one-slice grid is the plane of its other two axes; a line or a single voxel stays 3D (there is no plane). */
    @Test
    void gridOfImageDropsTheOneThinAxis() {
        assertEquals(new Grid(2, new int[] { 5, 7 }, new double[] { 0.5, 2 }),
                Grid.ofImage(new int[] { 5, 7, 1 }, new double[] { 0.5, 2, 3 }));
        assertEquals(new Grid(2, new int[] { 7, 4 }, new double[] { 2, 3 }),
                Grid.ofImage(new int[] { 1, 7, 4 }, new double[] { 0.5, 2, 3 }));
        assertEquals(new Grid(3, new int[] { 5, 1, 1 }, new double[] { 1, 1, 1 }),
                Grid.ofImage(new int[] { 5, 1, 1 }, new double[] { 1, 1, 1 }));
        assertArrayEquals(new int[] { 5, 7, 2 }, Grid.ofImage(new int[] { 5, 7, 2 }, new double[] { 1, 1, 1 }).size());
    }

    /** Sorted distances (mm) from each surface pixel of {@code from} to the nearest surface pixel of {@code to}. */
    private static double[] bruteForceDistances(byte[] from, byte[] to, int nx, int ny, double sx, double sy) {
        List<int[]> a = surface(from, nx, ny);
        List<int[]> b = surface(to, nx, ny);
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int[] q : b) {
                best = Math.min(best, Math.hypot((a.get(i)[0] - q[0]) * sx, (a.get(i)[1] - q[1]) * sy));
            }
            d[i] = best;
        }
        Arrays.sort(d);
        return d;
    }

    private static List<int[]> surface(byte[] m, int nx, int ny) {
        List<int[]> s = new ArrayList<>();
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                if (m[x + nx * y] != 0 && touchesBackground(m, nx, ny, x, y)) {
                    s.add(new int[] { x, y });
                }
            }
        }
        return s;
    }

    private static boolean touchesBackground(byte[] m, int nx, int ny, int x, int y) {
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                int xx = x + dx;
                int yy = y + dy;
                if (xx < 0 || yy < 0 || xx >= nx || yy >= ny || m[xx + nx * yy] == 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The smallest distance with at least 95% of the sorted list at or below it. */
    private static double nearestRank95(double[] sorted) {
        for (int i = 0; i < sorted.length; i++) {
            if (100L * (i + 1) >= 95L * sorted.length) {
                return sorted[i];
            }
        }
        throw new AssertionError("empty list");
    }

    private static byte[] blob(int nx, int ny, Random rnd) {
        byte[] m = new byte[nx * ny];
        int x0 = rnd.nextInt(nx);
        int y0 = rnd.nextInt(ny);
        int x1 = Math.min(nx - 1, x0 + 2 + rnd.nextInt(6));
        int y1 = Math.min(ny - 1, y0 + 2 + rnd.nextInt(6));
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                m[x + nx * y] = (byte) (rnd.nextDouble() < 0.85 ? 1 : 0);
            }
        }
        return m;
    }

    private static int count(byte[] m) {
        int n = 0;
        for (byte b : m) {
            n += b;
        }
        return n;
    }
}
