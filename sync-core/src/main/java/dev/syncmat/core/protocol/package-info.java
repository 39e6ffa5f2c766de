/**
 * The v2 sync protocol as values and JSON bodies, independent of any store: pull requests and
 * scopes, pages, push results, history entries, conflict records and replay reports, and
 * {@link dev.syncmat.core.protocol.SyncProtocol}, the codec of their JSON forms. A store (such as
 * the JDBI one), a test double or an HTTP layer can all speak it.
 */
package dev.syncmat.core.protocol;
