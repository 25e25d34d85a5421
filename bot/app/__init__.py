"""The composition root: settings, the command line, and the wiring of the long-running bot.
The only package that builds everything and hands the pieces to each other."""
