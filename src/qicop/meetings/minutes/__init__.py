"""The minutes, decisions and action items of a meeting."""
