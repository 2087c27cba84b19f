"""tokenfab: the AI factory, checked."""
