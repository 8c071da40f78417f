"""A meeting's attendance (imported Zoom or Teams reports, matched to members) and the attendance
statistics."""
