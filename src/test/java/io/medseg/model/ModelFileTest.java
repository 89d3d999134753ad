package io.medseg.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import io.medseg.MedSegException;
import io.medseg.engine.EngineTest;
import io.medseg.nn.layers.ConvNd;
import io.medseg.nn.layers.Norm;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.BackbonePlan;
import io.medseg.nn.networks.NetworkConfig;
import io.medseg.postprocessing.Postprocessing;

class ModelFileTest extends EngineTest {
    @TempDir
    Path dir;



    /** A stand-in network whose parameters depend on the config, built by MedSeg code as a real factory would. */
    private static Block build(NetworkConfig c) {
        return new SequentialBlock().add(ConvNd.builder().setDims(c.dims()).setChannels(c.inChannels(), 8).setKernel(3).build())
                .add(Norm.groupNorm(4, 8)).add(ConvNd.builder().setDims(c.dims()).setChannels(8, c.classes()).setKernel(1).build());
    }

    private static Shape shape(NetworkConfig c) {
        return new Shape(1, c.inChannels(), 8, 8);
    }

    private static final NetworkConfig CONFIG = new NetworkConfig(Architecture.RESIDUAL_UNET, 2, 2, 3,
            BackbonePlan.forPatch(32, 32), true);
    private static final ModelMetadata META = new ModelMetadata(Map.of("background", 0, "organ", 1, "lesion", 2),
            Map.of("0", "CT", "1", "PET"), new long[] { 32, 32 }, Map.of("scheme", "ct", "mean", "40.5"),
            Map.of("medseg", "0.1.0"), Map.of());

    private Path saved() {
        engine.setRandomSeed(11);
        Block net = build(CONFIG);
        net.initialize(manager, DataType.FLOAT32, shape(CONFIG));
        Path f = dir.resolve("model.medseg");
        ModelFile.save(f, CONFIG, META, net, false);
        return f;
    }

    @Test
    void savedAndReloadedModelGivesIdenticalOutputs() {
        engine.setRandomSeed(11);
        Block net = build(CONFIG);
        net.initialize(manager, DataType.FLOAT32, shape(CONFIG));
        Path f = dir.resolve("model.medseg");
        ModelFile.save(f, CONFIG, META, net, false);
        engine.setRandomSeed(99); // the reloaded network is initialised differently before the weights are loaded
        ModelFile.Loaded loaded = ModelFile.load(f, manager, ModelFileTest::build, ModelFileTest::shape);
        assertEquals(CONFIG, loaded.config());
        assertEquals(META.labels(), loaded.metadata().labels());
        assertArrayEquals(META.patchSize(), loaded.metadata().patchSize());
        NDArray x = manager.randomNormal(new Shape(2, 2, 8, 8));
        float[] a = net.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow().toFloatArray();
        float[] b = loaded.network().forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow()
                .toFloatArray();
        assertArrayEquals(a, b);
        assertEquals(CONFIG, ModelFile.readHeader(f).config());
    }

    @Test
    void replacingTheMetadataKeepsTheWeightsAndOldFilesReadAsWithoutPostprocessing() throws IOException {
        Path f = saved();
        assertEquals(Postprocessing.NONE, ModelFile.readHeader(f).metadata().postprocessing());
        byte[] before = Files.readAllBytes(f);
        Postprocessing pp = new Postprocessing(true, List.of(1));
        ModelFile.replaceMetadata(f, META.withPostprocessing(pp));
        assertEquals(pp, ModelFile.readHeader(f).metadata().postprocessing());
        engine.setRandomSeed(5);
        ModelFile.Loaded loaded = ModelFile.load(f, manager, ModelFileTest::build, ModelFileTest::shape);
        assertEquals(pp, loaded.metadata().postprocessing());
        assertEquals(META.labels(), loaded.metadata().labels());
        // the arrays after the header are the same bytes
        byte[] after = Files.readAllBytes(f);
        int tail = before.length - headerEnd(before);
        assertEquals(tail, after.length - headerEnd(after));
        assertArrayEquals(Arrays.copyOfRange(before, headerEnd(before), before.length),
                Arrays.copyOfRange(after, headerEnd(after), after.length));
        // a header written before the field existed (no "postprocessing" key) reads as NONE
        String json = new String(after, 16, headerEnd(after) - 16, java.nio.charset.StandardCharsets.UTF_8);
        int key = json.indexOf("\"postprocessing\"");
        assertTrue(key > 0, json);
        int end = json.indexOf('}', key) + 1;
        String older = json.substring(0, json.lastIndexOf(',', key)) + json.substring(end);
        byte[] olderHeader = older.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(16 + olderHeader.length + tail);
        b.put(after, 0, 12).putInt(olderHeader.length).put(olderHeader).put(after, headerEnd(after), tail);
        Path old = dir.resolve("old.medseg");
        Files.write(old, b.array());
        assertEquals(Postprocessing.NONE, ModelFile.readHeader(old).metadata().postprocessing());
        ModelFile.load(old, manager, ModelFileTest::build, ModelFileTest::shape);
    }

    /** Offset of the first array byte: magic (8), version (4), header length (4), header. */
    private static int headerEnd(byte[] file) {
        return 16 + ByteBuffer.wrap(file).getInt(12);
    }

    @Test
    void realNetworksRoundTripThroughTheFactory() {
        for (Architecture a : new Architecture[] { Architecture.LIGHTM_UNET, Architecture.XLSTM_UNET_ENC }) {
            long[] patch = { 32, 32 };
            NetworkConfig config = io.medseg.nn.networks.Networks.defaultConfig(a, 2, 1, 3, patch);
            Block net = io.medseg.nn.networks.Networks.build(config, patch);
            net.initialize(manager, DataType.FLOAT32, io.medseg.nn.networks.Networks.inputShape(config, patch));
            ModelMetadata meta = new ModelMetadata(Map.of("background", 0, "a", 1, "b", 2), Map.of("0", "CT"), patch,
                    Map.of(), Map.of(), Map.of());
            Path f = dir.resolve(a.id() + ".medseg");
            ModelFile.save(f, config, meta, net, false);
            ModelFile.Loaded loaded = ModelFile.load(f, manager);
            NDArray x = manager.randomNormal(new Shape(1, 1, 32, 32));
            float[] before = net.forward(new ParameterStore(manager, false), new NDList(x), false).get(0).toFloatArray();
            float[] after = loaded.network().forward(new ParameterStore(manager, false), new NDList(x), false).get(0)
                    .toFloatArray();
            assertArrayEquals(before, after, a.id());
        }
    }

    @Test
    void damagedForeignAndMismatchedFilesGiveClearErrors() throws IOException {
        Path f = saved();
        byte[] good = Files.readAllBytes(f);

        Path flipped = dir.resolve("flipped.medseg");
        byte[] bad = good.clone();
        bad[bad.length - 3] ^= 0x40;
        Files.write(flipped, bad);
        assertError(flipped, "checksum");

        Path cut = dir.resolve("cut.medseg");
        Files.write(cut, Arrays.copyOf(good, good.length - 100));
        assertError(cut, "truncated");

        Path foreign = dir.resolve("foreign.medseg");
        Files.write(foreign, "PK\u0003\u0004 this is a zip or anything else".getBytes());
        assertError(foreign, "not a MedSeg model");

        Path future = dir.resolve("future.medseg");
        byte[] fut = good.clone();
        ByteBuffer.wrap(fut).putInt(8, 99);
        Files.write(future, fut);
        assertError(future, "version 99");

        Path garbled = dir.resolve("garbled.medseg");
        byte[] g = good.clone();
        g[20] = '#';
        Files.write(garbled, g);
        assertError(garbled, "damaged model header");

        Path empty = dir.resolve("empty.medseg");
        Files.write(empty, new byte[0]);
        assertError(empty, "bad magic");

        assertError(dir.resolve("absent.medseg"), "no such file");

        // a file whose config builds a network with other shapes than the stored weights
        MedSegException e = assertThrows(MedSegException.class, () -> ModelFile.load(f, manager,
                c -> build(new NetworkConfig(c.architecture(), c.dims(), c.inChannels(), c.classes() + 1, c.plan(), true)),
                ModelFileTest::shape));
        assertTrue(e.getMessage().contains("shape"), e.getMessage());
    }

    @Test
    void existingFilesAreKeptWithoutOverwrite() throws IOException {
        Path f = saved();
        byte[] before = Files.readAllBytes(f);
        Block net = build(CONFIG);
        net.initialize(manager, DataType.FLOAT32, shape(CONFIG));
        assertThrows(MedSegException.class, () -> ModelFile.save(f, CONFIG, META, net, false));
        assertArrayEquals(before, Files.readAllBytes(f));
        ModelFile.save(f, CONFIG, META, net, true);
        assertFalse(Arrays.equals(before, Files.readAllBytes(f)));
    }

    private void assertError(Path f, String phrase) {
        MedSegException e = assertThrows(MedSegException.class,
                () -> ModelFile.load(f, manager, ModelFileTest::build, ModelFileTest::shape));
        assertTrue(e.getMessage().contains(f.getFileName().toString()) && e.getMessage().contains(phrase), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
