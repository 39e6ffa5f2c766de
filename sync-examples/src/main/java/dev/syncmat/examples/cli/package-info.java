/**
 * The {@code sync-cli.jar} command line (picocli). Every command prints JSON on stdout, one
 * document or one line per record, in a stable field order that other tools may parse; messages
 * and progress go to stderr. Exit codes: 0 success, 1 invalid input, 2 usage error, 3 failure of
 * the database or the environment.
 */
package dev.syncmat.examples.cli;
