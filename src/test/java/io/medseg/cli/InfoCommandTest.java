package io.medseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/**
 * {@code medseg info --json} on files nibabel wrote agrees with what nibabel reports for them: shape, spacing (zooms),
 * affine to 1e-4, stored type and statistics of the scaled data.
 */
class InfoCommandTest {

    @TestFactory
    Stream<DynamicTest> infoAgreesWithNibabel() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/io/medseg/io/nifti/fixtures/expected.json").toURI()).getParent();
        JsonObject expected;
        try (Reader r = Files.newBufferedReader(dir.resolve("expected.json"), StandardCharsets.UTF_8)) {
            expected = JsonParser.parseReader(r).getAsJsonObject();
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : expected.entrySet()) {
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> check(dir.resolve(e.getKey()), e.getValue().getAsJsonObject())));
        }
        return tests.stream();
    }

    private static void check(Path file, JsonObject nib) {
        CliRunner r = CliRunner.run("info", "--json", file.toString());
        assertEquals(0, r.status(), r.err());
        JsonObject info = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(nib.get("shape"), info.get("shape"), "shape");
        JsonArray zooms = nib.getAsJsonArray("zooms");
        JsonArray spacing = info.getAsJsonArray("spacing");
        for (int i = 0; i < spacing.size(); i++) {
            assertEquals(zooms.get(i).getAsDouble(), spacing.get(i).getAsDouble(), 1e-4, "spacing " + i);
        }
        JsonArray na = nib.getAsJsonArray("best_affine");
        JsonArray ia = info.getAsJsonArray("affine");
        for (int row = 0; row < 4; row++) {
            for (int col = 0; col < 4; col++) {
                assertEquals(na.get(row).getAsJsonArray().get(col).getAsDouble(),
                        ia.get(row).getAsJsonArray().get(col).getAsDouble(), 1e-4, "affine[" + row + "][" + col + "]");
            }
        }
        String dtype = nib.get("dtype").getAsString();
        String expectedType = dtype.contains("'R'") ? "rgb24" : dtype.equals(">i4") ? "int32" : dtype;
        assertEquals(expectedType, info.get("dtype").getAsString());
        for (String k : new String[] { "min", "max", "mean" }) {
            double e = nib.get(k).getAsDouble();
            assertEquals(e, info.get(k).getAsDouble(), 1e-4 * Math.max(1, Math.abs(e)), k);
        }
    }

    @TestFactory
    Stream<DynamicTest> textOutputNamesEveryField() throws URISyntaxException {
        Path f = Path.of(getClass().getResource("/io/medseg/io/nifti/fixtures/int16_las_sform_qform.nii").toURI());
        CliRunner r = CliRunner.run("info", f.toString());
        return Stream.of("shape    4 x 5 x 3", "spacing  1.5 x 2 x 2.5 mm", "dtype    int16", "affine", "min", "max", "mean")
                .map(s -> DynamicTest.dynamicTest(s, () -> assertTrue(r.out().contains(s), r.out())));
    }
}
