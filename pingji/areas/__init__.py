"""Risk areas and their lawful step-by-step lifting, checkpoints, the public list."""
