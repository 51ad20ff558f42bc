package dev.vectornn.io;

/**
 * How much more the Java heap can hold, so that readers of files and streams can refuse input
 * that would not fit, with a message, before allocating for it: an {@link OutOfMemoryError}
 * halfway through a read can strike any thread of the JVM, and a service should see an
 * {@link java.io.IOException} naming the file instead.
 */
public final class HeapBudget {
    private HeapBudget() {}

    /**
     * Bytes the heap can still grow by: the maximum heap minus what is in use. When that is less
     * than {@code wanted}, garbage may be part of "in use", so it asks for one collection and
     * looks again.
     *
     * @param wanted the bytes the caller is about to need
     * @return the bytes available, at least 0
     */
    public static long available(long wanted) {
        long a = free();
        if (a >= wanted) return a;
        System.gc(); // a hint; with the JDK's collectors it runs a full collection
        return free();
    }

    /**
     * Throws unless {@code bytes} fit in the heap ({@link #available(long)}).
     *
     * @param bytes the bytes about to be allocated (an estimate)
     * @param what  what needs them, for the message, e.g. a file name and "its tensors"
     * @throws InsufficientHeapException if they do not fit
     */
    public static void require(long bytes, String what) throws InsufficientHeapException {
        long a = available(bytes);
        if (bytes > a) {
            throw new InsufficientHeapException(what + " needs about " + mib(bytes) + " of heap but about " + mib(a)
                    + " is free (maximum heap " + mib(Runtime.getRuntime().maxMemory()) + "); raise -Xmx");
        }
    }

    private static long free() {
        Runtime r = Runtime.getRuntime();
        return Math.max(0, r.maxMemory() - (r.totalMemory() - r.freeMemory()));
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    /** Input that the heap could not hold: refused before allocating for it. */
    public static final class InsufficientHeapException extends java.io.IOException {
        private static final long serialVersionUID = 1L;

        /**
         * @param message what needs how much, and how much is free
         */
        public InsufficientHeapException(String message) {
            super(message);
        }
    }
}
