"""Steps the flows share: collecting sources, enriching documents, refreshing people (Prefect
tasks where they do I/O worth retrying). They import no flow module and no CLI."""
