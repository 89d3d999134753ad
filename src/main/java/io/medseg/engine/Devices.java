package io.medseg.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import io.medseg.MedSegException;

/**
 * Turns the user's device setting into DJL devices. Accepted: {@code auto} (the first GPU when there is one, else
 * the CPU, and says which), {@code cpu}, {@code gpu} (= {@code gpu:0}), {@code gpu:N}, and {@code gpu:N,M,...} for
 * data-parallel training on several GPUs of one machine. Asking for a GPU that is not there fails with a message
 * naming it and what is present; only {@code auto} falls back to the CPU.
 */
public final class Devices {
    private Devices() {
    }

    /**
     * The devices chosen by {@code spec}.
     *
     * @param gpuCount GPUs visible to the engine (see {@link #gpuCount()})
     */
    public static Selection parse(String spec, int gpuCount) {
        String s = spec == null ? "auto" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("auto")) {
            if (gpuCount > 0) {
                return new Selection(List.of(Device.gpu(0)), "auto: using gpu:0 (" + gpuCount + " GPU(s) visible)");
            }
            return new Selection(List.of(Device.cpu()), "auto: no GPU visible to PyTorch, using the CPU");
        }
        if (s.equals("cpu")) {
            return new Selection(List.of(Device.cpu()), "using the CPU");
        }
        if (s.equals("gpu")) {
            s = "gpu:0";
        }
        if (!s.startsWith("gpu:")) {
            throw new MedSegException("--device: '" + spec + "' is not a device; expected auto, cpu, gpu, gpu:N or gpu:N,M,...");
        }
        List<Device> devices = new ArrayList<>();
        for (String part : s.substring(4).split(",")) {
            int id;
            try {
                id = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                throw new MedSegException("--device: '" + spec + "': '" + part + "' is not a GPU number");
            }
            if (id < 0 || id >= gpuCount) {
                throw new MedSegException("--device: gpu:" + id + " is not available ("
                        + (gpuCount == 0 ? "PyTorch sees no GPU: no CUDA device, or the CPU natives are loaded; for"
                                + " CUDA natives set PYTORCH_LIBRARY_PATH (environment or -D) to a CUDA libtorch 2.7.1"
                                + " or allow DJL's one-time download with -Dai.djl.offline=false"
                                : "PyTorch sees " + gpuCount + " GPU(s): gpu:0..gpu:" + (gpuCount - 1))
                        + "); use --device cpu or auto");
            }
            Device d = Device.gpu(id);
            if (devices.contains(d)) {
                throw new MedSegException("--device: '" + spec + "' names gpu:" + id + " twice");
            }
            devices.add(d);
        }
        return new Selection(List.copyOf(devices), devices.size() == 1 ? "using " + name(devices.get(0))
                : "data-parallel over " + devices.size() + " GPUs " + s.substring(4));
    }

    /** {@link #parse(String, int)} with the GPUs the PyTorch engine sees. */
    public static Selection parse(String spec) {
        return parse(spec, gpuCount());
    }

    /** GPUs visible to the PyTorch engine (0 with the CPU-only natives). */
    public static int gpuCount() {
        return DjlEnvironment.pytorch().getGpuCount();
    }

    /** MedSeg's name of a device: {@code cpu} or {@code gpu:N}. */
    public static String name(Device d) {
        return d.isGpu() ? "gpu:" + d.getDeviceId() : "cpu";
    }

    /** A GPU's CUDA compute capability as an integer (8.6 → 86); 0 for the CPU or when it cannot be read. */
    public static int computeCapability(Device d) {
        if (!d.isGpu()) {
            return 0;
        }
        try {
            return Integer.parseInt(CudaUtils.getComputeCapability(d.getDeviceId()));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** Engine, PyTorch and CUDA versions and the devices, for the log and the model's metadata. */
    public static Map<String, String> versions(List<Device> devices) {
        Engine engine = DjlEnvironment.pytorch();
        Map<String, String> v = new LinkedHashMap<>();
        String medseg = Devices.class.getPackage().getImplementationVersion();
        v.put("medseg", medseg == null ? "development build" : medseg);
        v.put("djl", Engine.getDjlVersion());
        v.put("engine", engine.getEngineName());
        v.put("pytorch", engine.getVersion());
        boolean gpu = devices.stream().anyMatch(Device::isGpu);
        v.put("cuda", gpu ? String.valueOf(CudaUtils.getCudaVersionString()) : "none (CPU)");
        List<String> names = new ArrayList<>();
        for (Device d : devices) {
            names.add(d.isGpu() ? name(d) + " (compute " + CudaUtils.getComputeCapability(d.getDeviceId()) + ")" : "cpu");
        }
        v.put("device", String.join(", ", names));
        v.put("java", System.getProperty("java.version"));
        return v;
    }

    /**
     * The devices to use and a sentence saying why, for the log.
     *
     * @param devices one or more (several only for GPUs: data-parallel)
     */
    public record Selection(List<Device> devices, String description) {
        public Device primary() {
            return devices.get(0);
        }
    }
}
