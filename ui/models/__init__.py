"""Qt adapters over the engine's result: groups, the photos of one group, skipped files."""
