package dev.siamtrack.cli;

import dev.siamtrack.home.Home;
import java.nio.file.Path;
import picocli.CommandLine;

/** A model option's value, a directory or the name of an installed model, as the model's directory. */
final class ModelArgument implements CommandLine.ITypeConverter<Path> {

    @Override
    public Path convert(String value) {
        try {
            return Home.findModel(Path.of(value));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
