package dev.vectornn.cli;

import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.lm.ModelConfig;
import dev.vectornn.lm.Tokenizer;
import dev.vectornn.lm.TrainConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converters for the training options, and the one check every kernel-running command
 * shares. Each converter turns the library's own parse error into a
 * {@link TypeConversionException}, so picocli reports it as a usage error (exit 2) with the
 * library's message ("expected gpt or lstm") rather than a class name.
 */
final class Converters {
    private Converters() {}

    /**
     * Applies {@code --threads} (null leaves the default), as a usage error below 1; shared by
     * every command that runs kernels.
     */
    static void applyThreads(CommandLine commandLine, Integer threads) {
        if (threads == null) return;
        if (threads < 1) throw new ParameterException(commandLine, "--threads must be >= 1, got " + threads);
        KernelThreads.setThreads(threads);
    }

    /** {@code gpt} or {@code lstm}. */
    static final class Model implements ITypeConverter<ModelConfig.Architecture> {
        @Override
        public ModelConfig.Architecture convert(String value) {
            try {
                return ModelConfig.Architecture.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code char} or {@code word}. */
    static final class TokenizerKind implements ITypeConverter<Tokenizer.Kind> {
        @Override
        public Tokenizer.Kind convert(String value) {
            try {
                return Tokenizer.Kind.parse(value.toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code cosine}, {@code constant} or {@code plateau}. */
    static final class Schedule implements ITypeConverter<TrainConfig.Schedule> {
        @Override
        public TrainConfig.Schedule convert(String value) {
            try {
                return TrainConfig.Schedule.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code adamw} or {@code sgd}. */
    static final class Optimizer implements ITypeConverter<TrainConfig.Optimizer> {
        @Override
        public TrainConfig.Optimizer convert(String value) {
            try {
                return TrainConfig.Optimizer.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A duration such as {@code 90s}, {@code 10m}, {@code 1h30m} or {@code 2.5h}. */
    static final class TimeLimit implements ITypeConverter<Duration> {
        private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)([hms])");

        @Override
        public Duration convert(String value) {
            return parse(value);
        }

        /**
         * Parses one or more {@code <number><unit>} parts, unit {@code h}, {@code m} or {@code s}
         * (a bare number is seconds).
         *
         * @throws TypeConversionException naming the accepted forms
         */
        static Duration parse(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            if (v.matches("\\d+(\\.\\d+)?")) v += "s";
            Matcher m = PART.matcher(v);
            double seconds = 0;
            int end = 0;
            while (m.find() && m.start() == end) {
                double n = Double.parseDouble(m.group(1));
                seconds += n * switch (m.group(2)) {
                    case "h" -> 3600;
                    case "m" -> 60;
                    default -> 1;
                };
                end = m.end();
            }
            if (v.isEmpty() || end != v.length()) {
                throw new TypeConversionException("'" + value + "' is not a duration; write e.g. 90s, 10m, 1h or 1h30m");
            }
            if (!(seconds > 0) || seconds > 366L * 24 * 3600) {
                throw new TypeConversionException("'" + value + "' must be more than 0 and at most a year");
            }
            return Duration.ofMillis(Math.round(seconds * 1000));
        }
    }

    /** Formats a duration as {@code h:mm:ss} (or {@code m:ss} under an hour), as the progress bar does. */
    static String clock(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
