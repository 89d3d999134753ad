package io.medseg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.medseg.engine.DjlEnvironment;
import io.medseg.inference.TestModels;
import io.medseg.io.torch.TorchCheckpoint;
import io.medseg.model.ModelFile;
import io.medseg.model.ModelMetadata;
import io.medseg.model.nnunet.NnUNetFixtures;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.NetworkConfig;
import io.medseg.nn.networks.Networks;
import io.medseg.preprocessing.ChannelNormalization;
import io.medseg.preprocessing.PreprocessingPlan;
import io.medseg.preprocessing.ResamplingSettings;

/** {@code medseg export}: the official folder layout and keys, and import → export → import without loss. */
class ExportCommandTest {
    @TempDir
    Path tmp;

    private static Path fixture(String name) {
        return NnUNetFixtures.folder(name);
    }

    @ParameterizedTest
    @ValueSource(strings = { "umamba-bot-2d", "uxlstm-enc-2d", "resenc-unet-3d", "resenc-unet-3d-transposed" })
    void importExportImportIsLossless(String name) throws Exception {
        Path folder = fixture(name);
        assertEquals(0, CliRunner.run("import", folder.toString(), "--out", tmp.resolve("a").toString()).status());
        CliRunner exported = CliRunner.run("export", tmp.resolve("a").toString(), "--nnunet",
                tmp.resolve("nn").toString());
        assertEquals(0, exported.status(), exported.err());
        assertEquals(0, CliRunner.run("import", tmp.resolve("nn").toString(), "--out", tmp.resolve("b").toString())
                .status());
        assertEquals(keys(folder.resolve("fold_0/checkpoint_final.pth")),
                keys(tmp.resolve("nn/fold_0/checkpoint_final.pth")), "the official keys, duplicates included");
        assertSameModel(tmp.resolve("a/model.medseg"), tmp.resolve("b/model.medseg"));
        assertEquals(com.google.gson.JsonParser.parseString(java.nio.file.Files.readString(folder.resolve("plans.json")))
                .getAsJsonObject().get("transpose_forward"), com.google.gson.JsonParser.parseString(java.nio.file.Files
                        .readString(tmp.resolve("nn/plans.json"))).getAsJsonObject().get("transpose_forward"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "umamba-enc", "lightm-unet" })
    void aModelTrainedByMedSegExportsAndComesBack(String architecture) throws Exception {
        long[] patch = { 32, 32 };
        NetworkConfig config = Networks.defaultConfig(Architecture.of(architecture), 2, 1, 3, patch);
        PreprocessingPlan plan = new PreprocessingPlan(2, Map.of("0", "CT"), TestModels.LABELS, new double[] { 0.8, 0.7 },
                true, List.of(ChannelNormalization.ct(40, 120, -900, 300)), ResamplingSettings.NNUNET, patch, 2, config,
                1L << 30, 2);
        Path model = tmp.resolve("trained/model.medseg");
        try (NDManager m = DjlEnvironment.pytorch().newBaseManager()) {
            var net = Networks.build(config, patch);
            net.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, Networks.inputShape(config, patch));
            ModelFile.save(model, config, new ModelMetadata(plan.labels(), plan.channelNames(), patch, Map.of(),
                    Map.of(), Map.of(), plan), net, false);
        }
        assertEquals(0, CliRunner.run("export", model.toString(), "--nnunet", tmp.resolve("nn").toString()).status());
        assertEquals(0, CliRunner.run("import", tmp.resolve("nn").toString(), "--out", tmp.resolve("b").toString())
                .status());
        assertSameModel(model, tmp.resolve("b/model.medseg"));
    }

    @Test
    void medSegsOwnBaselineHasNoOfficialTrainer() {
        Path model = TestModels.save(tmp.resolve("m/model.medseg"), DjlEnvironment.pytorch().newBaseManager(), 1,
                new long[] { 32, 32 }, new double[] { 1, 1 }, true);
        CliRunner r = CliRunner.run("export", model.toString(), "--nnunet", tmp.resolve("nn").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("residual-unet is MedSeg's baseline; no released nnU-Net trainer builds it"),
                r.err());
    }

    private static Set<String> keys(Path checkpoint) {
        try (TorchCheckpoint c = TorchCheckpoint.open(checkpoint)) {
            Set<String> keys = new TreeSet<>();
            ((Map<?, ?>) ((Map<?, ?>) c.root()).get("network_weights")).keySet().forEach(k -> keys.add((String) k));
            return keys;
        }
    }

    /** Same network config, preprocessing and weights, value for value. */
    private static void assertSameModel(Path a, Path b) {
        ModelFile.Header ha = ModelFile.readHeader(a);
        ModelFile.Header hb = ModelFile.readHeader(b);
        PreprocessingPlan pa = ha.metadata().plan();
        PreprocessingPlan pb = hb.metadata().plan();
        assertEquals(ha.config().architecture(), hb.config().architecture());
        assertEquals(ha.config().foldCount(), hb.config().foldCount());
        assertArrayEquals(ha.config().axisOrder(), hb.config().axisOrder());
        assertArrayEquals(pa.patchSize(), pb.patchSize());
        assertArrayEquals(pa.targetSpacing(), pb.targetSpacing(), 0.0);
        assertEquals(pa.sliceAxis(), pb.sliceAxis());
        assertEquals(pa.normalization(), pb.normalization());
        assertEquals(pa.labels(), pb.labels());
        assertEquals(pa.channelNames(), pb.channelNames());
        try (NDManager m = DjlEnvironment.pytorch().newBaseManager()) {
            List<float[]> va = values(ModelFile.load(a, m).network().getParameters());
            List<float[]> vb = values(ModelFile.load(b, m).network().getParameters());
            assertEquals(va.size(), vb.size());
            for (int i = 0; i < va.size(); i++) {
                assertArrayEquals(va.get(i), vb.get(i), 0f, "parameter " + i);
            }
        }
    }

    private static List<float[]> values(ai.djl.util.PairList<String, Parameter> params) {
        List<float[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : params) {
            out.add(p.getValue().getArray().toFloatArray());
        }
        return out;
    }
}
