"""A network's yearly proceedings and the survey after each meeting."""
