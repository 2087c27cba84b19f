"""Performance models: parameter counts, FLOPs, bytes and KV cache per token."""
