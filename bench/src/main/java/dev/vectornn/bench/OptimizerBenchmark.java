package dev.vectornn.bench;

import dev.vectornn.kernel.Kernels;
import dev.vectornn.kernel.KernelThreads;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fused optimizer updates, scalar vs vector, with PyTorch's usual hyperparameters:
 * SGD with momentum and weight decay, Adam (L2 weight decay) and AdamW (decoupled).
 *
 * <p>Parameters and moments are updated in place on every call, as in training. With a fixed
 * gradient and weight decay, every parameter heads for the point where its decayed gradient is 0;
 * once there, the momentum buffer and Adam's moments would decay geometrically into subnormals,
 * which are up to a hundred times slower on x86 and would time the FPU's microcode assists rather
 * than the kernel. So the learning rate is tiny (a 1e-6 step moves a parameter by far less than
 * its distance to that point within one iteration; timing does not depend on it) and the state is
 * restored before every iteration (warmup and measurement).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class OptimizerBenchmark {

    /** {@code scalar} or {@code vector}. */
    @Param({"scalar", "vector"})
    public String impl;

    /** Number of parameters. */
    @Param({"64", "1024", "65536", "1048576"})
    public int size;

    /**
     * Kernel worker threads, 1 by default: the vector kernels split large arrays over the
     * kernel threads and the scalar ones do not, so vector/scalar compares one core with one
     * core only at 1 ({@code -p threads=2} for the parallel rate).
     */
    @Param({"1"})
    public int threads;

    /** See the class comment: small enough that no parameter converges within an iteration. */
    private static final float LR = 1e-6f;

    private Kernels k;
    private float[] param;
    private float[] grad;
    private float[] buf;
    private float[] m;
    private float[] v;
    private float[] param0;
    private float[] buf0;
    private float[] m0;
    private float[] v0;

    /** Builds the kernels, parameters, gradients and optimizer state once per trial. */
    @Setup(Level.Trial)
    public void setUp() {
        KernelThreads.setThreads(threads);
        k = Fixtures.kernels(impl);
        param = Fixtures.uniform(size, 13, -1f, 1f);
        grad = Fixtures.uniform(size, 14, -1e-2f, 1e-2f);
        buf = Fixtures.uniform(size, 15, -1e-2f, 1e-2f);
        m = Fixtures.uniform(size, 16, -1e-3f, 1e-3f);
        v = Fixtures.uniform(size, 17, 1e-6f, 1e-5f);
        param0 = param.clone();
        buf0 = buf.clone();
        m0 = m.clone();
        v0 = v.clone();
    }

    /** Restores the optimizer state (outside the timed region) so no iteration starts near convergence. */
    @Setup(Level.Iteration)
    public void restore() {
        System.arraycopy(param0, 0, param, 0, size);
        System.arraycopy(buf0, 0, buf, 0, size);
        System.arraycopy(m0, 0, m, 0, size);
        System.arraycopy(v0, 0, v, 0, size);
    }

    /** SGD, momentum 0.9, weight decay 1e-4: reads p, g, buf; writes p, buf (20n bytes). */
    @Benchmark
    public void sgdMomentum() {
        k.sgdUpdate(size, param, 0, grad, 0, buf, 0, LR, 0.9f, 0f, 1e-4f, false, false);
    }

    /** Adam, weight decay 1e-4 added to the gradient: reads p, g, m, v; writes p, m, v (28n bytes). */
    @Benchmark
    public void adam() {
        k.adamUpdate(size, param, 0, grad, 0, m, 0, v, 0, null, 0,
                LR, 0.9f, 0.999f, 1e-8f, 1e-4f, false, 100);
    }

    /** AdamW, decoupled weight decay 1e-2: same traffic as {@link #adam}. */
    @Benchmark
    public void adamW() {
        k.adamUpdate(size, param, 0, grad, 0, m, 0, v, 0, null, 0,
                LR, 0.9f, 0.999f, 1e-8f, 1e-2f, true, 100);
    }
}
