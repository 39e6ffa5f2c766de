/**
 * The JDBI store: journal, materialized objects and conflicts on PostgreSQL or H2.
 */
package dev.syncmat.jdbi;
