"""The learned scorers' weight files (JSON), written by training/train.py. Numbers only."""
