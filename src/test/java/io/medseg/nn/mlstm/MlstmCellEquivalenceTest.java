package io.medseg.nn.mlstm;

import static io.medseg.nn.mlstm.MlstmTestSupport.cellInputs;
import static io.medseg.nn.mlstm.MlstmTestSupport.normRelativeError;
import static io.medseg.nn.mlstm.MlstmTestSupport.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.medseg.engine.DjlEnvironment;
import io.medseg.nn.Functions;
import io.medseg.nn.mlstm.MlstmTestSupport.Gates;

/**
 * parallel ≡ recurrent ≡ chunkwise on random inputs (forward values). Each fp32 result is compared with the parallel
 * form evaluated in fp64 on the same (fp32-rounded) inputs, so the error of each form is measured on its own instead
 * of against another approximation.
 */
class MlstmCellEquivalenceTest {
    private static NDManager manager;

    @BeforeAll
    static void engine() {
        manager = DjlEnvironment.pytorch().newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static Stream<Arguments> float32Cases() {
        return cases(Gates.INIT, Gates.LARGE);
    }

    static Stream<Arguments> float64Cases() {
        return cases(Gates.values());
    }

    private static Stream<Arguments> cases(Gates... regimes) {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Gates gates : regimes) {
            for (int length : new int[] { 1, 7, 64, 257 }) {
                b.add(Arguments.of(gates, length));
            }
        }
        return b.build();
    }

    /**
     * fp32: every form within 1e-5 (relative, 2-norm over the whole output) of the fp64 value, at init gates and at
     * larger ones. The parallel form is the least accurate at large gates (about 7e-6 at S = 257): its exponents
     * F_t − F_s are differences of long cumsums, whose absolute rounding ε·|F| becomes relative error of the weights,
     * while the chunkwise form only subtracts in-chunk cumsums.
     */
    @ParameterizedTest(name = "fp32 {0} S={1}")
    @MethodSource("float32Cases")
    void formsAgreeInFloat32(Gates gates, int length) {
        try (NDManager m = manager.newSubManager()) {
            NDList in = cellInputs(m, 1000L * length + gates.ordinal(), 2, 3, length, 8, gates, DataType.FLOAT32);
            NDList in64 = new NDList();
            in.forEach(a -> in64.add(a.toType(DataType.FLOAT64, false)));
            NDArray truth = MlstmCell.parallel(in64.get(0), in64.get(1), in64.get(2), in64.get(3), in64.get(4));
            double maxCumLogF = Functions.logSigmoid(in64.get(4)).cumSum(2).abs().max().getDouble();

            NDArray parallel = MlstmCell.parallel(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4));
            assertEquals(new Shape(2, 3, length, 8), parallel.getShape());
            assertEquals(DataType.FLOAT32, parallel.getDataType());
            double parallelErr = normRelativeError(parallel, truth);
            StringBuilder report = new StringBuilder(String.format("fp32 %s S=%d max|F| %.0f: parallel %.1e", gates,
                    length, maxCumLogF, parallelErr));
            assertTrue(parallelErr < 1e-5, report::toString);

            NDArray recurrent = MlstmCell.recurrent(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4));
            double recurrentErr = normRelativeError(recurrent, truth);
            report.append(String.format(", recurrent %.1e", recurrentErr));
            assertTrue(recurrentErr < 1e-5, report::toString);
            // 16 divides 64 but not 7 or 257; 50 divides none; 300 exceeds S (a single chunk).
            for (int chunk : new int[] { 16, 50, 300 }) {
                NDArray chunked = MlstmCell.chunkwise(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), chunk);
                double err = normRelativeError(chunked, truth);
                report.append(String.format(", chunk %d %.1e", chunk, err));
                assertTrue(err < 1e-5, report::toString);
                assertTrue(normRelativeError(chunked, recurrent) < 1e-5, report::toString);
            }
            System.out.println(report);
        }
    }

    /** fp64: recurrent and chunkwise within 1e-10 (max-norm relative) of the parallel form, in all gate regimes. */
    @ParameterizedTest(name = "fp64 {0} S={1}")
    @MethodSource("float64Cases")
    void formsAgreeInFloat64(Gates gates, int length) {
        try (NDManager m = manager.newSubManager()) {
            NDList in = cellInputs(m, 7000L * length + gates.ordinal(), 2, 3, length, 8, gates, DataType.FLOAT64);
            NDArray parallel = MlstmCell.parallel(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4));
            NDArray recurrent = MlstmCell.recurrent(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4));
            double recurrentErr = relativeError(recurrent, parallel);
            StringBuilder report = new StringBuilder(String.format("fp64 %s S=%d: recurrent %.1e", gates, length,
                    recurrentErr));
            assertTrue(recurrentErr < 1e-10, report::toString);
            for (int chunk : new int[] { 16, 50 }) {
                NDArray chunked = MlstmCell.chunkwise(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), chunk);
                double err = relativeError(chunked, parallel);
                report.append(String.format(", chunk %d %.1e", chunk, err));
                assertTrue(err < 1e-10, report::toString);
            }
            System.out.println(report);
        }
    }

    /** The result does not depend on the batch and head layout: each (batch, head) slice is an independent cell. */
    @Test
    void headsAndBatchesAreIndependent() {
        try (NDManager m = manager.newSubManager()) {
            NDList in = cellInputs(m, 42, 2, 3, 20, 4, Gates.LARGE, DataType.FLOAT64);
            NDArray whole = MlstmCell.chunkwise(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), 6);
            NDArray single = MlstmCell.parallel(in.get(0).get("1:2, 2:3"), in.get(1).get("1:2, 2:3"),
                    in.get(2).get("1:2, 2:3"), in.get(3).get("1:2, 2:3"), in.get(4).get("1:2, 2:3"));
            assertTrue(relativeError(whole.get("1:2, 2:3"), single) < 1e-12);
        }
    }

    @Test
    void rejectsMismatchedShapes() {
        try (NDManager m = manager.newSubManager()) {
            NDList in = cellInputs(m, 1, 1, 2, 5, 4, Gates.INIT, DataType.FLOAT32);
            NDArray wrongGate = in.get(3).reshape(1, 2, 5, 1);
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> MlstmCell.chunkwise(in.get(0), in.get(1), in.get(2), wrongGate, in.get(4), 2));
        }
    }
}
