"""Training and cross-validation of the extraction core's learned scorers (not installed).

    python -m training.train --shared ../shared            # rebuild bot/extraction/models/*.json
    python -m training.train --shared ../shared --check    # the shipped files are what it rebuilds
    python -m training.train --shared ../shared --cv       # 5-fold cross-validated figures

Needs scikit-learn (the ``test`` extra installs it) and the evaluation data in ../shared; nothing
here runs when the bot runs.
"""
