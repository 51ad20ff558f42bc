/**
 * Files: safetensors read and write with PyTorch state_dict names ({@link dev.vectornn.io.SafeTensors}),
 * validated completely before any tensor storage is allocated, and crash-safe replacement of a file
 * ({@link dev.vectornn.io.AtomicFiles}) so a failed save never destroys the previous checkpoint.
 * Depends on {@code dev.vectornn.tensor} and the JDK only.
 */
package dev.vectornn.io;
