"""How a run is set up and guarded, Prefect-free: the warehouse lock, the checks before a run,
Prefect's home and temporary server, snapshots replayed, progress bars."""
