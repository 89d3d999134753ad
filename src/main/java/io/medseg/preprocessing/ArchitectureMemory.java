package io.medseg.preprocessing;

import java.util.Arrays;

import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.NetworkConfig;
import io.medseg.nn.networks.Networks;

/**
 * Estimated memory of one training step, so the planner can size patch and batch without building networks:
 * {@code batch × voxels × bytesPerVoxel + 16 × parameters}.
 *
 * <p>Bytes per input voxel were measured, not derived: one checkpointed training step (forward under
 * {@code CheckpointTape}, backward of a mean-square loss; batch 1, 1 channel, 3 classes, default topology, fp32) in a
 * fresh JVM per network through {@code NetworkBenchmark.Probe}, PyTorch 2.7.1 CPU on one thread,
 * MALLOC_MMAP_THRESHOLD_=65536 so freed tensors return to the system; peak resident growth during the step (VmHWM)
 * minus the 4 bytes per parameter of the gradients, divided by the patch's voxels. Patches 64×64 (2D) and 32×32×32
 * (3D), on the 2-core development container, 2026-11-23. Peak bytes measured:
 * <pre>
 *                   2D 64²        3D 32³
 * residual-unet     85.7 MB      484.9 MB
 * lightm-unet      431.6 MB     1034.9 MB
 * umamba-bot        94.7 MB      486.5 MB
 * umamba-enc       408.9 MB     1033.0 MB
 * xlstm-unet-bot    87.2 MB      489.8 MB
 * xlstm-unet-enc   158.0 MB      582.3 MB
 * </pre>
 * Small patches are what fit a short measurement; the sequence layers' share grows with the number of tokens, so for
 * large patches the numbers are a lower bound for those networks, and the budget should keep some headroom.
 */
public final class ArchitectureMemory {
    /**
     * Per parameter: fp32 weights, gradients and the optimiser's two moment buffers (Adam; SGD with momentum needs
     * one fewer), none of which scale with the patch.
     */
    static final long BYTES_PER_PARAMETER = 16;

    private ArchitectureMemory() {
    }

    /** Measured training-step bytes per input voxel (batch 1), see the class comment. */
    public static long bytesPerVoxel(Architecture architecture, int dims) {
        boolean two = dims == 2;
        return switch (architecture) {
            case RESIDUAL_UNET -> two ? 11_591 : 13_956;
            case LIGHTM_UNET -> two ? 100_481 : 30_972;
            case UMAMBA_BOT -> two ? 12_120 : 13_952;
            case UMAMBA_ENC -> two ? 90_374 : 30_661;
            case XLSTM_UNET_BOT -> two ? 10_373 : 14_056;
            case XLSTM_UNET_ENC -> two ? 29_045 : 16_785;
            case PLAIN_UNET, RESENC_UNET -> throw architecture.notTrainable();
        };
    }

    /** Bytes that grow with the batch: one sample's activations. */
    public static long perSampleBytes(Architecture architecture, int dims, long[] patch) {
        return bytesPerVoxel(architecture, dims) * Arrays.stream(patch).reduce(1, Math::multiplyExact);
    }

    /** Bytes that do not: parameters, gradients and optimiser state of the network built for this patch. */
    public static long fixedBytes(NetworkConfig network, long[] patch) {
        return BYTES_PER_PARAMETER * Networks.summary(network, patch).parameters();
    }

    /** The estimated peak of one training step. */
    public static long trainingBytes(NetworkConfig network, long[] patch, int batch) {
        return fixedBytes(network, patch) + batch * perSampleBytes(network.architecture(), network.dims(), patch);
    }
}
