package dev.vectornn.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Crash-safe replacement of a file, for checkpoints: the new content is written to a temporary file
 * next to the target, forced to disk, then renamed over the target in one atomic step, and the
 * directory is forced so the rename itself survives a power loss. A reader, a crash or an exception
 * at any moment sees either the complete old file or the complete new one, never a torn mix, and a
 * failed write leaves the old file untouched and removes the temporary file.
 *
 * <p>Thread-safe: concurrent writes to the same target each use their own temporary file; the last
 * rename wins and the target is always one complete version. A symbolic link at {@code target} is
 * replaced by a regular file (rename replaces the link, not what it points to).
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Produces a file's content; called once with a stream into the temporary file. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the whole content to {@code out} (buffered; closing it is allowed and harmless).
         *
         * @throws IOException to abandon the write; the target is left as it was
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Replaces (or creates) {@code target} with what {@code content} writes, atomically.
     *
     * @param target the file to write; its directory must exist
     * @param content the callback producing the bytes
     * @throws IOException if the directory is not writable, the disk is full, {@code content}
     *     throws, the rename fails or the directory cannot be forced; unless it is only the final
     *     directory force that failed (the message says so), the old file is unchanged. Runtime
     *     exceptions and errors from {@code content} propagate unchanged, with the same guarantee.
     */
    public static void write(Path target, Content content) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null) throw new IOException(target + ": cannot write a file system root");
        // Same directory so the rename never crosses file systems (and so can be atomic).
        Path temp = createTemp(dir, abs.getFileName().toString());
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                OutputStream buffered = new BufferedOutputStream(new FilterOutputStream(Channels.newOutputStream(ch)) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len); // FilterOutputStream writes byte by byte otherwise
                    }

                    @Override
                    public void close() throws IOException {
                        flush(); // the channel stays open for force(); our try closes it
                    }
                }, 1 << 16);
                content.writeTo(buffered);
                buffered.flush();
                // Data and metadata on disk before the rename publishes the file: otherwise a crash
                // right after the rename could leave an empty or partial file under the target name.
                ch.force(true);
            }
            try {
                Files.move(temp, abs, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                // Some file system providers (zip file systems, some network mounts) cannot rename
                // atomically. Replacing is then the best available: the temporary file is complete
                // and on disk, so a crash can at worst leave it beside a missing target, never a
                // torn target.
                Files.move(temp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (Throwable t) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                t.addSuppressed(cleanup);
            }
            throw t;
        }
        forceDirectory(abs, dir);
    }

    /** Makes the rename durable: on POSIX systems a rename lives in the directory, not the file. */
    private static void forceDirectory(Path target, Path dir) throws IOException {
        FileChannel d;
        try {
            d = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException e) {
            // Windows cannot open a directory as a channel; NTFS journals the rename itself, so there
            // is nothing further we could force there.
            return;
        }
        try (d) {
            d.force(true);
        } catch (IOException e) {
            throw new IOException(target + " was written and renamed into place, but forcing its directory to"
                    + " disk failed, so the new version may not survive a power loss", e);
        }
    }

    /**
     * A new, empty, hidden file in {@code dir} named after the target. Created with the default
     * permissions (not {@link Files#createTempFile}'s owner-only ones), because it becomes the target.
     */
    private static Path createTemp(Path dir, String name) throws IOException {
        String base = "." + utf8Prefix(name, 100) + ".";
        for (int attempt = 0; ; attempt++) {
            byte[] r = new byte[6];
            ThreadLocalRandom.current().nextBytes(r);
            Path p = dir.resolve(base + HexFormat.of().formatHex(r) + ".tmp");
            try {
                return Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 9) throw e;
            }
        }
    }

    /**
     * The longest prefix of {@code name} of whole code points that takes at most {@code maxBytes}
     * in UTF-8: file systems limit a name's bytes (255 on most), and cutting by chars could split
     * a surrogate pair (an invalid name) or leave 300 bytes of non-ASCII.
     */
    static String utf8Prefix(String name, int maxBytes) {
        int bytes = 0, end = 0;
        while (end < name.length()) {
            int cp = name.codePointAt(end);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > maxBytes) break;
            bytes += n;
            end += Character.charCount(cp);
        }
        return name.substring(0, end);
    }
}
