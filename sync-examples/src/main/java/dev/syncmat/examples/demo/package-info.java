/**
 * The offline-clients demo: several clients edit shared objects while disconnected, sync through
 * the example HTTP service in random order, and end with exactly the server's state.
 */
package dev.syncmat.examples.demo;
