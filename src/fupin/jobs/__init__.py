"""Background jobs: a table in the system of record, claimed by worker threads or `fupin worker` processes."""
