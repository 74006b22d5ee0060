"""The analyzers. Each takes scanned file records (never the disk) and returns a result schema."""
