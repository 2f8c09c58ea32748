"""Set-wise work: a DuckDB workspace and small adapters that move tables in and out of the system of record."""
