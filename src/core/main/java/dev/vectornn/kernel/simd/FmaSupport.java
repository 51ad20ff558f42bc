package dev.vectornn.kernel.simd;

import java.lang.management.ManagementFactory;
import java.lang.management.PlatformManagedObject;

/**
 * Whether HotSpot compiles fused multiply-adds to a hardware instruction (its {@code UseFMA}
 * flag, which it sets from the CPU's features). Without it, {@code Math.fma} and vector
 * {@code fma} are exact software emulations, far slower than a multiply and an add.
 */
final class FmaSupport {
    private FmaSupport() {}

    /** True when {@code UseFMA} is on, or when the flag cannot be read (every x86-64 CPU with
     * AVX2 and every ARMv8 CPU has FMA, so that is the likely answer). */
    static final boolean HARDWARE = read();

    private static boolean read() {
        try {
            // com.sun.management is in jdk.management, which the module does not require (it is
            // optional at run time), so it is looked up reflectively.
            @SuppressWarnings("unchecked")
            Class<? extends PlatformManagedObject> type = (Class<? extends PlatformManagedObject>)
                    Class.forName("com.sun.management.HotSpotDiagnosticMXBean");
            Object bean = ManagementFactory.getPlatformMXBean(type);
            Object option = type.getMethod("getVMOption", String.class).invoke(bean, "UseFMA");
            Object value = option.getClass().getMethod("getValue").invoke(option);
            return Boolean.parseBoolean(String.valueOf(value));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return true;
        }
    }
}
