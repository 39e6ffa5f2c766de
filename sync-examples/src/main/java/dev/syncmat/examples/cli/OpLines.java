package dev.syncmat.examples.cli;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.json.OpLine;
import dev.syncmat.core.json.SyncJson;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;

/** Reads a JSON-lines file of ops, validating every line before anything is done with them. */
final class OpLines {
    private OpLines() {
    }

    /** An op with the 1-based number of the line it came from. */
    record Numbered(int number, OpLine opLine) {
    }

    /** A line that is not a valid op; the message names the line, the field and the reason. */
    static final class BadLineException extends Exception {
        private static final long serialVersionUID = 1L;

        BadLineException(String message) {
            super(message);
        }
    }

    /** How an input error on a line reads: {@code line 7, field "clock": <reason>}. */
    static String describe(int line, InvalidInputException e) {
        return "line " + line + ", field \"" + e.field() + "\": " + e.getMessage();
    }

    /**
     * Reads every non-blank line as an op. The file must be UTF-8.
     *
     * @throws BadLineException      for the first line that is not a valid op
     * @throws FileNotFoundException when there is no such file
     */
    static List<Numbered> read(Path file, SyncJson json) throws IOException, BadLineException {
        List<Numbered> result = new ArrayList<>();
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int number = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder))) {
            String line;
            while (true) {
                try {
                    line = reader.readLine();
                } catch (CharacterCodingException e) {
                    throw new BadLineException("line " + (number + 1) + ": the file is not valid UTF-8");
                }
                if (line == null) {
                    break;
                }
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    result.add(new Numbered(number, json.readOpLine(line)));
                } catch (InvalidInputException e) {
                    throw new BadLineException(describe(number, e));
                }
            }
        } catch (NoSuchFileException e) {
            // Not bad input but a missing file: the command fails as for any environment problem (exit 3).
            throw new FileNotFoundException("no such file: " + file);
        }
        return result;
    }
}
