"""The forcecalc planner: ``streamlit run app.py``. The app lives in :mod:`forcecalc.app.page`."""

from forcecalc.app.page import main

main()
