/**
 * An example sync service: the store behind {@code POST /api/sync/v2/push} and {@code /pull} on
 * the JDK's own HTTP server, with bearer-token tenancy. Meant to be read and copied.
 */
package dev.syncmat.examples.http;
