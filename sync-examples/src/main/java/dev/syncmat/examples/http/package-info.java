/**
 * An example sync service: the store behind {@code POST /api/sync/v2/push}, {@code /pull}, the
 * history route and {@code /health}, on Jetty 12's core API (no servlets), with bearer-token
 * tenancy and bounds on everything a client can hold: connections, threads, queued work, each
 * tenant's share and body size. {@link dev.syncmat.examples.http.SyncHttpService} is the entry
 * point and {@link dev.syncmat.examples.http.ServiceOptions} its limits; the other classes are
 * package-private parts of it. Meant to be read and copied.
 */
package dev.syncmat.examples.http;
