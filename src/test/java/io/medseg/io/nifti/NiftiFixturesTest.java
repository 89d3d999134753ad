package io.medseg.io.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.medseg.image.Volume;

/**
 * Reads the files nibabel wrote (see fixtures/make_fixtures.py) and compares with what nibabel itself read from them:
 * an independent check of header offsets, byte order, the sform/qform rules, scaling and RGB layout.
 */
class NiftiFixturesTest {

    @TestFactory
    Stream<DynamicTest> everyFixtureMatchesNibabel() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("fixtures/expected.json").toURI()).getParent();
        JsonObject expected;
        try (Reader r = Files.newBufferedReader(dir.resolve("expected.json"), StandardCharsets.UTF_8)) {
            expected = JsonParser.parseReader(r).getAsJsonObject();
        }
        assertFalse(expected.isEmpty());
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : expected.entrySet()) {
            tests.add(DynamicTest.dynamicTest(e.getKey(),
                    () -> check(dir.resolve(e.getKey()), e.getValue().getAsJsonObject())));
        }
        return tests.stream();
    }

    private static void check(Path file, JsonObject exp) {
        Volume v = NiftiReader.read(file);
        long[] nibShape = longs(exp.getAsJsonArray("shape"));
        int spatial = nibShape.length >= 3 ? 3 : 2;
        long[] expectedSpatial = new long[spatial];
        System.arraycopy(nibShape, 0, expectedSpatial, 0, spatial);
        long channels = 1;
        for (int i = 3; i < nibShape.length; i++) {
            channels *= nibShape[i];
        }
        if (exp.get("dtype").getAsString().contains("R")) { // structured RGB dtype
            channels *= 3;
        }
        assertArrayEquals(expectedSpatial, v.shape(), "shape");
        assertEquals(channels, v.channels(), "channels");

        NiftiTestFiles.assertAffine(matrix(exp.getAsJsonArray("affine")), v.geometry().affine(), 1e-4);
        double[] zooms = doubles(exp.getAsJsonArray("zooms"));
        double[] spacing = v.geometry().spacing();
        for (int i = 0; i < spatial; i++) {
            assertEquals(zooms[i], spacing[i], 1e-4, "spacing " + i);
        }

        double[] values = NiftiTestFiles.values(v);
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double x : values) {
            min = Math.min(min, x);
            max = Math.max(max, x);
            sum += x;
        }
        assertRelative(exp.get("min").getAsDouble(), min, "min");
        assertRelative(exp.get("max").getAsDouble(), max, "max");
        assertRelative(exp.get("mean").getAsDouble(), sum / values.length, "mean");
    }

    private static void assertRelative(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-4 * Math.max(1, Math.abs(expected)), what);
    }

    private static long[] longs(JsonArray a) {
        long[] v = new long[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsLong();
        }
        return v;
    }

    private static double[] doubles(JsonArray a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsDouble();
        }
        return v;
    }

    private static double[][] matrix(JsonArray a) {
        double[][] m = new double[a.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = doubles(a.get(i).getAsJsonArray());
        }
        return m;
    }
}
