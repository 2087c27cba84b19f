"""The interactive dashboard (Streamlit), thin over the library: ``tokenfab app``."""

from pathlib import Path

#: the Streamlit script ``tokenfab app`` runs
APP_FILE = Path(__file__).with_name("dashboard.py")
