package io.medseg.model.nnunet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.medseg.engine.DjlEnvironment;
import io.medseg.io.torch.TorchCheckpoint;
import io.medseg.model.ModelFile;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.lightm.LightMUNet;

/**
 * Imports nnU-Net folders of the released trainers' layout (fixtures/make_fixtures.py) and checks MedSeg's forward
 * pass against PyTorch's logits for the same weights and input, fold by fold and as an ensemble.
 */
class NnUNetImportTest {
    /** fp32 forward passes of the same weights in two implementations; the scans' summation orders differ. */
    static final float TOLERANCE = 1e-4f;

    @TempDir
    Path tmp;

    static Path fixture(String name) {
        return NnUNetFixtures.folder(name);
    }

    record Expected(long[] inputShape, float[] input, List<float[]> logits) {
        static Expected of(Path folder) throws Exception {
            JsonObject o = JsonParser.parseString(Files.readString(folder.resolve("expected.json"))).getAsJsonObject();
            List<float[]> logits = new ArrayList<>();
            o.getAsJsonArray("logits").forEach(e -> logits.add(floats(e.getAsJsonArray())));
            return new Expected(o.getAsJsonArray("input_shape").asList().stream().mapToLong(e -> e.getAsLong())
                    .toArray(), floats(o.getAsJsonArray("input")), logits);
        }

        private static float[] floats(JsonArray a) {
            float[] out = new float[a.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = a.get(i).getAsFloat();
            }
            return out;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "umamba-bot-2d", "umamba-enc-2d", "umamba-enc-3d", "uxlstm-bot-2d", "uxlstm-enc-2d",
            "uxlstm-enc-3d", "plain-unet-2d", "plain-unet-3d", "resenc-unet-2d", "resenc-unet-3d" })
    void everyFoldComputesWhatPyTorchComputes(String name) throws Exception {
        Path folder = fixture(name);
        Expected expected = Expected.of(folder);
        NnUNetImporter.Prepared r = NnUNetImporter.run(folder, List.of(), NnUNetImporter.Checkpoint.FINAL, tmp, false);
        assertEquals(expected.logits().size(), r.folds().size());
        // the fixtures allow mirroring every axis (nnU-Net's default); as patch axes in MedSeg's order
        assertArrayEquals(name.endsWith("3d") ? new int[] { 0, 1, 2 } : new int[] { 0, 1 },
                r.metadata().mirroringAxes());
        try (NDManager m = DjlEnvironment.pytorch().newBaseManager()) {
            ModelFile.Loaded loaded = ModelFile.load(tmp.resolve(NnUNetImporter.MODEL_FILE), m);
            List<Block> folds = NnUNetImporter.foldNetworks(loaded.network());
            NDArray x = m.create(expected.input(), new Shape(expected.inputShape()));
            for (int f = 0; f < folds.size(); f++) {
                float[] got = folds.get(f).forward(new ParameterStore(m, false), new NDList(x), false).get(0)
                        .toFloatArray();
                assertClose(expected.logits().get(f), got, name + " fold " + f);
            }
        }
    }

    @Test
    void aFiveFoldImportPredictsTheMeanOfItsFoldsProbabilities() throws Exception {
        Path folder = fixture("umamba-bot-2d");
        Expected expected = Expected.of(folder);
        NnUNetImporter.Prepared r = NnUNetImporter.run(folder, List.of(), NnUNetImporter.Checkpoint.FINAL, tmp, false);
        assertEquals(List.of("fold_0", "fold_1", "fold_2", "fold_3", "fold_4"), r.folds());
        try (NDManager m = DjlEnvironment.pytorch().newBaseManager()) {
            ModelFile.Loaded loaded = ModelFile.load(tmp.resolve(NnUNetImporter.MODEL_FILE), m);
            long[] s = expected.inputShape(); // (1, 1, y, x) in nnU-Net's order: MedSeg's (i, j) is (x, y)
            NDArray x = m.create(expected.input(), new Shape(s)).transpose(0, 1, 3, 2);
            NDArray mean = null;
            for (float[] logits : expected.logits()) {
                NDArray p = m.create(logits, new Shape(1, 3, s[2], s[3])).softmax(1);
                mean = mean == null ? p : mean.add(p);
            }
            float[] want = mean.div(expected.logits().size()).transpose(0, 1, 3, 2).toFloatArray();
            float[] got = loaded.network().forward(new ParameterStore(m, false), new NDList(x), false).get(0)
                    .softmax(1).toFloatArray();
            assertClose(want, got, "ensemble probabilities");
        }
    }

    @Test
    void lightMUNetKeysAndForwardMatchPyTorch() throws Exception {
        // the released trainer fixes 32-256 channels (5M parameters); the fixture narrows them to 8-64, same modules
        Path folder = fixture("lightm-unet-2d-narrow");
        Expected expected = Expected.of(folder);
        try (NDManager m = DjlEnvironment.pytorch().newBaseManager();
                TorchCheckpoint c = TorchCheckpoint.open(folder.resolve("fold_0/checkpoint_final.pth"))) {
            Block net = LightMUNet.builder().setDims(2).setChannels(1, 3).optInitFilters(8).optBlocksDown(1, 2, 1, 1)
                    .build();
            net.initialize(m, DataType.FLOAT32, new Shape(expected.inputShape()));
            StateDictLoader.load(c, StateDictLoader.tensors(c, ((java.util.Map<?, ?>) c.root()).get("network_weights"),
                    "network_weights"), Architecture.LIGHTM_UNET, net);
            NDArray x = m.create(expected.input(), new Shape(expected.inputShape()));
            float[] got = net.forward(new ParameterStore(m, false), new NDList(x), false).get(0).toFloatArray();
            assertClose(expected.logits().get(0), got, "lightm-unet");
        }
    }

    static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        float worst = 0;
        for (int i = 0; i < want.length; i++) {
            worst = Math.max(worst, Math.abs(want[i] - got[i]));
        }
        assertTrue(worst <= TOLERANCE, what + ": max |difference| " + worst);
    }
}
