/**
 * Runnable things built on the library: the {@code sync-cli.jar} commands. Not a dependency for
 * applications; read it as example code.
 */
package dev.syncmat.examples;
