"""Importers that turn public artefacts into user-catalog entries, every value sourced.

* :mod:`tokenfab.importers.hf`: a local Hugging Face ``config.json`` (and
  ``model.safetensors.index.json``) -> a ``[[model]]`` entry.
* :mod:`tokenfab.importers.spec`: a vendor spec sheet in a small TOML format ->
  an ``[[accelerator]]`` entry of kind ``spec``.
* :mod:`tokenfab.importers.toml_out`: writes entries as user-catalog TOML.

Importers read files only (no network) and never guess: a value they cannot map is an error
that names the file, the key and what is supported.
"""
