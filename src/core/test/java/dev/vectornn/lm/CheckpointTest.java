package dev.vectornn.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.io.SafeTensors;
import dev.vectornn.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    private static Path written(Path dir) throws Exception {
        LmDataset d = TrainerTest.charData();
        Trainer t = Trainer.create(TrainerTest.tinyGpt(d.tokenizer().vocabulary().size()), TrainerTest.gptTrain(3), d);
        for (int i = 0; i < 3; i++) t.step();
        Path f = dir.resolve("latest.safetensors");
        t.checkpoint().write(f);
        return f;
    }

    /** Rewrites a checkpoint with its tensors and edited metadata. */
    private static Path edited(Path f, Path out, String key, String value) throws Exception {
        Map<String, String> meta = new LinkedHashMap<>(SafeTensors.readHeader(f).metadata());
        if (value == null) meta.remove(key);
        else meta.put(key, value);
        SafeTensors.write(out, SafeTensors.read(f), meta);
        return out;
    }

    @Test
    void aHostileSizeIsRejectedBeforeAnythingIsAllocated(@TempDir Path dir) throws Exception {
        Path f = written(dir);
        // 16M x 1M parameters would be 64 TB: the count check must come first
        Path huge = edited(f, dir.resolve("huge.safetensors"), "model.d_model", "1048576");
        var e = assertThrows(CheckpointException.class, () -> Checkpoint.read(huge));
        assertTrue(e.getMessage().contains("model tensors hold"), e.getMessage());
    }

    @Test
    void malformedSettingsNameTheEntry(@TempDir Path dir) throws Exception {
        Path f = written(dir);
        var e = assertThrows(CheckpointException.class,
                () -> Checkpoint.read(edited(f, dir.resolve("a.safetensors"), "train.lr", "fast")));
        assertTrue(e.getMessage().contains("train.lr") && e.getMessage().contains("a.safetensors"), e.getMessage());
        e = assertThrows(CheckpointException.class,
                () -> Checkpoint.read(edited(f, dir.resolve("b.safetensors"), "progress.iteration", null)));
        assertTrue(e.getMessage().contains("progress.iteration"), e.getMessage());
        e = assertThrows(CheckpointException.class,
                () -> Checkpoint.read(edited(f, dir.resolve("c.safetensors"), "model.architecture", "rnn")));
        assertTrue(e.getMessage().contains("unknown model 'rnn'"), e.getMessage());
    }

    @Test
    void renamedOrReshapedWeightsAreRejected(@TempDir Path dir) throws Exception {
        Path f = written(dir);
        Map<String, Tensor> all = new LinkedHashMap<>(SafeTensors.read(f));
        Tensor w = all.remove("model.ln_f.weight");
        all.put("model.ln_f.gain", w);
        Path renamed = dir.resolve("renamed.safetensors");
        SafeTensors.write(renamed, all, SafeTensors.readHeader(f).metadata());
        var e = assertThrows(CheckpointException.class, () -> Checkpoint.read(renamed));
        assertTrue(e.getMessage().contains("ln_f.weight"), e.getMessage());
    }

    @Test
    void aFailedWriteKeepsTheEarlierCheckpoint(@TempDir Path dir) throws Exception {
        Path f = written(dir);
        byte[] before = Files.readAllBytes(f);
        Checkpoint c = Checkpoint.read(f);
        Path blocked = dir.resolve("blocked");
        Files.createDirectory(blocked);
        Files.writeString(blocked.resolve("x"), "not empty"); // a non-empty directory cannot be replaced by a file
        assertThrows(java.io.IOException.class, () -> c.write(blocked));
        assertArrayEquals(before, Files.readAllBytes(f));
        assertTrue(Files.isDirectory(blocked));
    }
}
