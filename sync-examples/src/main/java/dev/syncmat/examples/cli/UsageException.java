package dev.syncmat.examples.cli;

/**
 * A command line that cannot work as given (options that exclude each other, a variable that is
 * not set): the CLI prints the message and exits with the usage code, 2.
 */
final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
