"""The system of record: typed records, migrations, idempotent saves, named queries."""
