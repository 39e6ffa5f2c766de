-- A migration of the application's that fails half-way (for FlywaySchemaTest): the first
-- statement succeeds, the second names a table that does not exist.
CREATE TABLE flyway_test_partial (id INTEGER NOT NULL);
INSERT INTO no_such_table VALUES (1);
