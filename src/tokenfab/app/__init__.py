"""The interactive dashboard (Streamlit), thin over the library: ``tokenfab app``."""

from pathlib import Path

#: the Streamlit script ``tokenfab app`` runs
APP_FILE = Path(__file__).with_name("dashboard.py")
#: the Streamlit script of ``tokenfab app --sweep DIR`` (the landscape of a sweep directory)
SWEEP_APP_FILE = Path(__file__).with_name("sweep_page.py")
