"""The fuzzing suite: hypothesis-built cases run through the CLI and the API (see harness)."""
