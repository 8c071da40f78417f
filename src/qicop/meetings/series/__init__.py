"""Meeting series (list, create, edit, a series' meetings) and "find a time"."""
