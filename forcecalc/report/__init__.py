"""Every table and format (text, Markdown, CSV, JSON) of runs, analyses, calibration and
reproduction. Imports the four layers below it, never the command line or the app.
"""
