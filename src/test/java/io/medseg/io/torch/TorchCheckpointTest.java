package io.medseg.io.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.medseg.MedSegException;

/** The checkpoint reader against what PyTorch itself reads back from the same files (fixtures/make_fixtures.py). */
class TorchCheckpointTest {
    @TempDir
    Path tmp;

    private Path fixture(String name) throws URISyntaxException {
        return Path.of(getClass().getResource("fixtures/" + name).toURI());
    }

    private JsonObject expected() throws Exception {
        return JsonParser.parseString(Files.readString(fixture("expected.json"))).getAsJsonObject();
    }

    @Test
    void tensorsEqualWhatPyTorchReads() throws Exception {
        JsonObject tensors = expected().getAsJsonObject("tensors");
        try (TorchCheckpoint c = TorchCheckpoint.open(fixture("checkpoint.pth"))) {
            Map<?, ?> weights = (Map<?, ?>) ((Map<?, ?>) c.root()).get("network_weights");
            assertEquals(List.copyOf(tensors.keySet()), weights.keySet().stream().map(String::valueOf).toList(),
                    "keys in the state_dict's order");
            for (Map.Entry<String, JsonElement> e : tensors.entrySet()) {
                TorchTensor t = (TorchTensor) weights.get(e.getKey());
                JsonObject want = e.getValue().getAsJsonObject();
                long[] shape = want.getAsJsonArray("shape").asList().stream().mapToLong(JsonElement::getAsLong)
                        .toArray();
                assertArrayEquals(shape, t.shape(), e.getKey());
                float[] values = c.floats(t);
                List<JsonElement> v = want.getAsJsonArray("values").asList();
                assertEquals(v.size(), values.length, e.getKey());
                for (int i = 0; i < values.length; i++) {
                    assertEquals(v.get(i).getAsFloat(), values[i], 0f, e.getKey() + "[" + i + "]");
                }
            }
            assertEquals(TorchDType.FLOAT16, ((TorchTensor) weights.get("half")).dtype());
            assertEquals(TorchDType.BFLOAT16, ((TorchTensor) weights.get("bf16")).dtype());
            assertEquals(1, ((TorchTensor) weights.get("view")).offset(), "the view starts inside its storage");
            assertSame(weights.get("encoder.conv.weight"), weights.get("decoder.encoder.conv.weight"),
                    "one tensor pickled once, under two keys");
            assertTrue(((PythonDict) weights).attributes().containsKey("_metadata"));
        }
    }

    @Test
    void theRestOfAnNnUNetCheckpointReads() throws Exception {
        JsonObject want = expected();
        try (TorchCheckpoint c = TorchCheckpoint.open(fixture("checkpoint.pth"))) {
            Map<?, ?> root = (Map<?, ?>) c.root();
            assertEquals(want.get("best_ema").getAsDouble(), (Double) root.get("_best_ema"), 0.0, "a numpy float64");
            assertEquals(List.of(0.25, 0.5), ((Map<?, ?>) root.get("logging")).get("mean_fg_dice"));
            Map<?, ?> init = (Map<?, ?>) root.get("init_args");
            assertEquals(want.get("device").getAsString(), init.get("device"));
            assertEquals("2d", init.get("configuration"));
            assertArrayEquals(new Object[] { 0, 1 }, (Object[]) root.get("inference_allowed_mirroring_axes"));
            Map<?, ?> state = (Map<?, ?>) ((Map<?, ?>) root.get("optimizer_state")).get("state");
            TorchTensor momentum = (TorchTensor) ((Map<?, ?>) state.get(0)).get("momentum_buffer");
            float[] m = c.floats(momentum);
            List<JsonElement> mw = want.getAsJsonArray("momentum_buffer").asList();
            for (int i = 0; i < m.length; i++) {
                assertEquals(mw.get(i).getAsFloat(), m[i], 0f);
            }
        }
    }

    @Test
    void halfPrecisionWidensExactly() {
        assertEquals(1f, TorchDType.halfToFloat((short) 0x3c00));
        assertEquals(-2f, TorchDType.halfToFloat((short) 0xc000));
        assertEquals(65504f, TorchDType.halfToFloat((short) 0x7bff));
        assertEquals(0x1p-24f, TorchDType.halfToFloat((short) 0x0001), "smallest subnormal");
        assertEquals(Float.NEGATIVE_INFINITY, TorchDType.halfToFloat((short) 0xfc00));
        assertTrue(Float.isNaN(TorchDType.halfToFloat((short) 0x7e00)));
        assertEquals(-0f, TorchDType.halfToFloat((short) 0x8000));
    }

    @Test
    void theLegacyFormatIsRefusedByName() throws Exception {
        MedSegException e = assertThrows(MedSegException.class, () -> TorchCheckpoint.open(fixture("legacy.pth")));
        assertTrue(e.getMessage().startsWith(fixture("legacy.pth") + ": not a PyTorch checkpoint in the zip format"),
                e.getMessage());
    }

    @Test
    void aMissingStorageIsNamed() throws Exception {
        Path damaged = copyWithout(fixture("checkpoint.pth"), "checkpoint/data/0");
        try (TorchCheckpoint c = TorchCheckpoint.open(damaged)) {
            TorchTensor t = (TorchTensor) ((Map<?, ?>) ((Map<?, ?>) c.root()).get("network_weights"))
                    .get("encoder.conv.weight");
            MedSegException e = assertThrows(MedSegException.class, () -> c.floats(t));
            assertEquals(damaged + ": damaged checkpoint (storage record data/0 is missing)", e.getMessage());
        }
    }

    @Test
    void aTruncatedPickleIsNamed() throws Exception {
        Path damaged = tmp.resolve("cut.pth");
        try (ZipFile in = new ZipFile(fixture("checkpoint.pth").toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(damaged))) {
            for (ZipEntry e : Collections.list(in.entries())) {
                byte[] bytes = in.getInputStream(e).readAllBytes();
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(bytes, 0, e.getName().endsWith("data.pkl") ? bytes.length / 2 : bytes.length);
            }
        }
        MedSegException e = assertThrows(MedSegException.class, () -> TorchCheckpoint.open(damaged));
        assertTrue(e.getMessage().startsWith(damaged + ": "), e.getMessage());
    }

    @Test
    void notAFileAndNotAZipAreNamed() throws Exception {
        Path text = Files.writeString(tmp.resolve("model.pth"), "not a checkpoint");
        assertTrue(assertThrows(MedSegException.class, () -> TorchCheckpoint.open(text)).getMessage()
                .startsWith(text + ": not a PyTorch checkpoint"));
        Path missing = tmp.resolve("absent.pth");
        assertEquals(missing + ": no such file (expected a PyTorch checkpoint, .pth)",
                assertThrows(MedSegException.class, () -> TorchCheckpoint.open(missing)).getMessage());
    }

    private Path copyWithout(Path source, String entry) throws IOException {
        Path out = tmp.resolve("damaged.pth");
        try (ZipFile in = new ZipFile(source.toFile()); OutputStream os = Files.newOutputStream(out);
                ZipOutputStream zip = new ZipOutputStream(os)) {
            for (ZipEntry e : Collections.list(in.entries())) {
                if (!e.getName().equals(entry)) {
                    zip.putNextEntry(new ZipEntry(e.getName()));
                    zip.write(in.getInputStream(e).readAllBytes());
                }
            }
        }
        return out;
    }
}
