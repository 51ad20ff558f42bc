package dev.vectornn.kernel;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For tests that change {@link KernelThreads#setThreads}: puts back, after each test, the thread
 * count it found before, so that no test leaks its count into the next one.
 */
public final class RestoreKernelThreads implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RestoreKernelThreads.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("threads", KernelThreads.threads());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Integer saved = context.getStore(NS).get("threads", Integer.class);
        if (saved != null) KernelThreads.setThreads(saved);
    }
}
