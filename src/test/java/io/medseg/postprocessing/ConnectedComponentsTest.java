package io.medseg.postprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ConnectedComponentsTest {
    /** Parses rows of '#' (in the mask) and '.' into a 2D mask of shape {columns, rows}. */
    static boolean[] mask(String... rows) {
        boolean[] m = new boolean[rows.length * rows[0].length()];
        for (int j = 0; j < rows.length; j++) {
            for (int i = 0; i < rows[j].length(); i++) {
                m[i + rows[0].length() * j] = rows[j].charAt(i) == '#';
            }
        }
        return m;
    }

    @Test
    void diagonalNeighboursAreConnectedIn2d() {
        boolean[] m = mask(
                "#....",
                ".#...",
                "..#.#",
                "....#",
                "##...");
        ConnectedComponents c = ConnectedComponents.of(m, new int[] { 5, 5 });
        assertEquals(3, c.count());
        int[] ids = c.ids();
        assertEquals(ids[0], ids[6]);
        assertEquals(ids[0], ids[12]); // the diagonal run is one component
        assertEquals(ids[14], ids[19]);
        assertEquals(ids[20], ids[21]);
        assertEquals(3, c.size(ids[0]));
        assertEquals(2, c.size(ids[14]));
        assertEquals(0, ids[1]);
    }

    @Test
    void cornerNeighboursAreConnectedIn3d() {
        int[] shape = { 3, 3, 3 };
        boolean[] m = new boolean[27];
        m[0] = true; // (0, 0, 0)
        m[1 + 3 * (1 + 3 * 1)] = true; // (1, 1, 1): touches (0, 0, 0) at a corner only
        m[2 + 3 * (2 + 3 * 2)] = true; // (2, 2, 2)
        m[2] = true; // (2, 0, 0): two voxels from (0, 0, 0), but a corner neighbour of (1, 1, 1)
        m[3 * 3 * 2] = true; // (0, 0, 2): a corner neighbour of (1, 1, 1) too
        assertEquals(1, ConnectedComponents.of(m, shape).count());
        m[1 + 3 * (1 + 3 * 1)] = false;
        assertEquals(4, ConnectedComponents.of(m, shape).count());
    }

    @Test
    void largestKeepsEveryComponentOfTheLargestSize() {
        boolean[] m = mask(
                "##..#",
                "##..#",
                ".....",
                "#...#",
                "##..#");
        ConnectedComponents c = ConnectedComponents.of(m, new int[] { 5, 5 });
        assertEquals(4, c.count());
        // components of 4, 2, 3 and 2 voxels: only the 2x2 block is kept
        assertArrayEquals(mask(
                "##...",
                "##...",
                ".....",
                ".....",
                "....."), c.largest());
        boolean[] tie = mask(
                "##...",
                ".....",
                "...##");
        assertArrayEquals(tie, ConnectedComponents.of(tie, new int[] { 5, 3 }).largest());
        boolean[] empty = new boolean[12];
        ConnectedComponents none = ConnectedComponents.of(empty, new int[] { 4, 3 });
        assertEquals(0, none.count());
        assertArrayEquals(empty, none.largest());
    }

    /** Against label propagation (each voxel takes the smallest index among its neighbours until nothing changes). */
    @Test
    void agreesWithLabelPropagationOnRandomMasks() {
        SplittableRandom r = new SplittableRandom(7);
        for (int trial = 0; trial < 40; trial++) {
            int[] shape = trial % 2 == 0 ? new int[] { 1 + r.nextInt(12), 1 + r.nextInt(12) }
                    : new int[] { 1 + r.nextInt(7), 1 + r.nextInt(7), 1 + r.nextInt(7) };
            int n = 1;
            for (int s : shape) {
                n *= s;
            }
            double density = 0.2 + 0.4 * r.nextDouble();
            boolean[] m = new boolean[n];
            for (int v = 0; v < n; v++) {
                m[v] = r.nextDouble() < density;
            }
            int[] reference = propagate(m, shape);
            ConnectedComponents c = ConnectedComponents.of(m, shape);
            int[] ids = c.ids();
            // same partition: a one-to-one map between the reference's representatives and our ids
            Map<Integer, Integer> toOurs = new HashMap<>();
            Map<Integer, Integer> toReference = new HashMap<>();
            Map<Integer, Integer> sizes = new HashMap<>();
            for (int v = 0; v < n; v++) {
                assertEquals(m[v], ids[v] != 0);
                if (m[v]) {
                    int ours = ids[v];
                    int theirs = reference[v];
                    assertEquals(ours, (int) toOurs.computeIfAbsent(theirs, k -> ours));
                    assertEquals(theirs, (int) toReference.computeIfAbsent(ours, k -> theirs));
                    sizes.merge(ours, 1, Integer::sum);
                }
            }
            assertEquals(toOurs.size(), c.count());
            for (var e : sizes.entrySet()) {
                assertEquals((int) e.getValue(), c.size(e.getKey()));
            }
        }
    }

    @Test
    void rejectsAShapeThatDoesNotFit() {
        assertThrows(IllegalArgumentException.class, () -> ConnectedComponents.of(new boolean[10], new int[] { 3, 3 }));
        assertThrows(IllegalArgumentException.class, () -> ConnectedComponents.of(new boolean[4], new int[] { 4 }));
    }

    private static int[] propagate(boolean[] m, int[] shape) {
        int[] s = { shape[0], shape[1], shape.length == 3 ? shape[2] : 1 };
        int[] label = new int[m.length];
        for (int v = 0; v < m.length; v++) {
            label[v] = m[v] ? v + 1 : 0;
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int v = 0; v < m.length; v++) {
                if (!m[v]) {
                    continue;
                }
                int i = v % s[0];
                int j = (v / s[0]) % s[1];
                int k = v / (s[0] * s[1]);
                for (int dk = -1; dk <= 1; dk++) {
                    for (int dj = -1; dj <= 1; dj++) {
                        for (int di = -1; di <= 1; di++) {
                            int a = i + di;
                            int b = j + dj;
                            int c = k + dk;
                            if (a < 0 || b < 0 || c < 0 || a >= s[0] || b >= s[1] || c >= s[2]) {
                                continue;
                            }
                            int w = a + s[0] * (b + s[1] * c);
                            if (m[w] && label[w] < label[v]) {
                                label[v] = label[w];
                                changed = true;
                            }
                        }
                    }
                }
            }
        }
        return label;
    }
}
