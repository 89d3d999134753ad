package io.medseg.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.medseg.image.Volume;
import io.medseg.nn.networks.Architecture;
import io.medseg.preprocessing.PreprocessedCase;
import io.medseg.preprocessing.sampling.AugmentationSettings;
import io.medseg.preprocessing.sampling.Augmenter;
import io.medseg.preprocessing.sampling.PatchLoader;
import io.medseg.preprocessing.sampling.PatchSampler;
import io.medseg.synth.PhantomGenerator;
import io.medseg.synth.SyntheticCase;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * Does loading starve training? For 2D 128² and 3D patches (64³, or 32³ to keep the run short): samples per second of the {@link PatchLoader} with
 * nnU-Net's default augmentation (wall clock, 1 and 2 worker threads, on synthetic phantoms z-scored per case)
 * against samples per second of one LightM-UNet training step at the same patch, batch 1 (forward + checkpointed
 * backward, CPU time on one PyTorch thread in a child JVM, from {@link NetworkBenchmark.Probe}). A ratio above 1
 * means the loader keeps up with a trainer using that many cores; loader and trainer share the machine's cores in
 * real training, so the ratio at 1 thread is the one that matters on a small machine. When the 3D patch is not 64³, a
 * loader-only row at 64³ follows (its training step is what takes minutes).
 */
public final class LoaderBenchmark {
    private final PrintWriter out;
    private final int repeats;
    private final int size3d;

    /**
     * @param size3d edge of the 3D patch: 64 is the setting the question is about, but one LightM-UNet step there
     *            takes minutes of CPU time, so the default command uses 32 (the loader's cost per voxel barely
     *            depends on the patch size, the network's grows at least linearly)
     */
    public LoaderBenchmark(PrintWriter out, int repeats, int size3d) {
        this.out = out;
        this.repeats = repeats;
        this.size3d = size3d;
    }

    /** Patch, case shape (larger, so patches move), batch size, batches timed, and whether to time training. */
    private record Setting(int[] patch, int[] caseShape, int batchSize, int batches, boolean train) {
    }

    public void run() {
        List<Setting> settings = new ArrayList<>(List.of(
                new Setting(new int[] { 128, 128 }, new int[] { 192, 192 }, 2, 40, true),
                new Setting(new int[] { size3d, size3d, size3d },
                        new int[] { size3d * 3 / 2, size3d * 3 / 2, size3d * 5 / 4 }, 1, Math.max(16, 16 * 64 / size3d),
                        true)));
        if (size3d != 64) { // the loader at the real 3D size is cheap to time even when the network step is not
            settings.add(new Setting(new int[] { 64, 64, 64 }, new int[] { 96, 96, 80 }, 1, 16, false));
        }
        out.printf(Locale.ROOT, "loader: nnU-Net default augmentation, 4 synthetic cases, wall clock; "
                + "training: lightm-unet step, batch 1, 1 PyTorch thread, CPU time, median of %d%n%n", repeats);
        out.printf(Locale.ROOT, "%-9s %8s %16s %12s %16s %13s%n", "patch", "threads", "loader samples/s", "step ms",
                "train samples/s", "loader/train");
        for (Setting s : settings) {
            List<PreprocessedCase> cases = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                cases.add(toCase(PhantomGenerator.generate(s.caseShape(), 7, i)));
            }
            long[] patchLong = Arrays.stream(s.patch()).asLongStream().toArray();
            double stepMs = s.train() ? ChildMeasurement.runForTime(NetworkBenchmark.Probe.class,
                    Architecture.LIGHTM_UNET.id(), join(patchLong), String.valueOf(repeats), "1")[1] : Double.NaN;
            double trainRate = stepMs > 0 ? 1000 / stepMs : Double.NaN;
            for (int threads = 1; threads <= 2; threads++) {
                double loadRate = loaderRate(cases, s, threads);
                String name = join(patchLong).replace(',', 'x');
                if (s.train()) {
                    out.printf(Locale.ROOT, "%-9s %8d %16.1f %12.0f %16.4f %13.0f%n", name, threads, loadRate, stepMs,
                            trainRate, loadRate / trainRate);
                } else {
                    out.printf(Locale.ROOT, "%-9s %8d %16.1f %12s %16s %13s%n", name, threads, loadRate, "-", "-", "-");
                }
                out.flush();
            }
        }
    }

    private static double loaderRate(List<PreprocessedCase> cases, Setting s, int threads) {
        PatchSampler sampler = new PatchSampler(cases, s.patch(), PatchSampler.DEFAULT_FOREGROUND_FRACTION, 0);
        Augmenter augmenter = new Augmenter(AugmentationSettings.nnUNetDefaults(), s.patch());
        try (PatchLoader loader = new PatchLoader(sampler, augmenter, s.batchSize(), 1, threads, 2 * threads)) {
            for (int b = 0; b < Math.max(2, s.batches() / 4); b++) {
                loader.next(); // starts the threads and lets the JIT compile the inner loops before timing
            }
            long t0 = System.nanoTime();
            for (int b = 0; b < s.batches(); b++) {
                loader.next();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return s.batches() * s.batchSize() / seconds;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.medseg.MedSegException("bench: interrupted");
        }
    }

    /** A phantom as a preprocessed case: HU z-scored over the case (a stand-in for CT normalisation), labels as is. */
    static PreprocessedCase toCase(SyntheticCase c) {
        float[] image = values(c.image());
        short[] label = new short[image.length];
        float[] l = values(c.label());
        for (int v = 0; v < l.length; v++) {
            label[v] = (short) l[v];
        }
        double mean = 0, sq = 0;
        for (float x : image) {
            mean += x;
            sq += (double) x * x;
        }
        mean /= image.length;
        double std = Math.sqrt(Math.max(1e-12, sq / image.length - mean * mean));
        for (int v = 0; v < image.length; v++) {
            image[v] = (float) ((image[v] - mean) / std);
        }
        return new PreprocessedCase("phantom-" + c.index(), c.image().shape(), image, label, null);
    }

    /** The single channel's voxels, first axis fastest (imglib2's flat iteration order). */
    private static float[] values(Volume v) {
        long n = 1;
        for (long s : v.shape()) {
            n *= s;
        }
        float[] out = new float[Math.toIntExact(n)];
        int i = 0;
        for (RealType<?> t : Views.flatIterable(v.channel(0))) {
            out[i++] = t.getRealFloat();
        }
        return out;
    }

    private static String join(long[] p) {
        return String.join(",", Arrays.stream(p).mapToObj(Long::toString).toArray(String[]::new));
    }
}
