"""The demo: synthetic offices, users and cases (data.py) and their commands."""
