"""The forcecalc planner: ``streamlit run app.py``. The app lives in :mod:`forcecalc.app`."""

from forcecalc.app import main

main()
