"""The answers library: reviewed answers to the questions people bring (library.py), their
safe rendering (text.py), and the public handbook's view of the published ones."""
