package dev.vectornn.io;

import dev.vectornn.tensor.DType;

/**
 * The safetensors element types vectornn reads, with their names in the header and the tensor type
 * they load into. F16 and BF16 widen exactly to F32; F64 stays F64 (lossless; call
 * {@code tensor.to(DType.F32)} for float execution). Writing produces F32 and F64 only.
 */
public enum SafeTensorsDType {
    /** IEEE 754 binary16 ({@code torch.float16}), read as F32. */
    F16(2, DType.F32),
    /** bfloat16 ({@code torch.bfloat16}): the top 16 bits of a binary32, read as F32. */
    BF16(2, DType.F32),
    /** IEEE 754 binary32 ({@code torch.float32}). */
    F32(4, DType.F32),
    /** IEEE 754 binary64 ({@code torch.float64}). */
    F64(8, DType.F64);

    private final int bytes;
    private final DType loadsAs;

    SafeTensorsDType(int bytes, DType loadsAs) {
        this.bytes = bytes;
        this.loadsAs = loadsAs;
    }

    /** Size of one element in the file, in bytes. */
    public int bytes() {
        return bytes;
    }

    /** The type of the {@link dev.vectornn.tensor.Tensor} this dtype is read into. */
    public DType loadsAs() {
        return loadsAs;
    }

    /** The safetensors dtype written for a tensor of type {@code t}. */
    public static SafeTensorsDType of(DType t) {
        return t == DType.F64 ? F64 : F32;
    }

    /** The constant whose header name is exactly {@code name}, or {@code null}. */
    static SafeTensorsDType byName(String name) {
        for (SafeTensorsDType d : values()) {
            if (d.name().equals(name)) return d;
        }
        return null;
    }
}
