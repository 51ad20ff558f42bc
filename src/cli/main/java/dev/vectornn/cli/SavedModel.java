package dev.vectornn.cli;

import dev.vectornn.lm.Checkpoint;
import dev.vectornn.lm.Tokenizer;
import dev.vectornn.lm.VocabularyFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A trained model and its tokenizer, as {@code generate} and {@code eval} load them: the checkpoint
 * ({@code --checkpoint FILE}, else the run's {@code best.safetensors}, else its
 * {@code latest.safetensors}) and the run's {@code vocab.txt}.
 *
 * @param checkpoint the checkpoint read
 * @param file       where it was read from
 * @param tokenizer  the run's tokenizer
 */
record SavedModel(Checkpoint checkpoint, Path file, Tokenizer tokenizer) {

    /**
     * Loads a model.
     *
     * @param run        the run folder, or null to use the checkpoint's folder
     * @param checkpoint an explicit checkpoint file, or null for the run's best (or latest)
     * @throws CliErrors.UserException if there is no checkpoint or the vocabulary does not fit it
     * @throws IOException naming the file, if the checkpoint or vocabulary is corrupt or truncated
     */
    static SavedModel load(RunFolder run, Path checkpoint) throws IOException {
        Path file = checkpoint != null ? checkpoint : run.bestOrLatest();
        if (!Files.isRegularFile(file)) {
            throw new CliErrors.UserException("--checkpoint " + file + ": " + (Files.exists(file) ? "not a file" : "no such file"));
        }
        Path dir = run != null ? run.dir() : file.toAbsolutePath().getParent();
        Path vocab = dir.resolve(RunFolder.VOCAB);
        if (!Files.isRegularFile(vocab)) {
            throw new CliErrors.UserException(dir + " has no " + RunFolder.VOCAB + ": the checkpoint's vocabulary is missing"
                    + (run == null ? " (give --run DIR, the run folder the checkpoint belongs to)" : ""));
        }
        Tokenizer tok = VocabularyFile.load(vocab);
        Checkpoint c = Checkpoint.read(file);
        int v = c.modelConfig().vocabSize();
        if (tok.vocabulary().size() != v) {
            throw new CliErrors.UserException(vocab + " has " + tok.vocabulary().size() + " tokens but " + file + " was trained on "
                    + v + ": they belong to different runs");
        }
        return new SavedModel(c, file, tok);
    }
}
