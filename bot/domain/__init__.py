"""Pure domain rules, no I/O: digest schedules and periods, the slash-command grammar, when two
reports are the same incident and how they merge."""
