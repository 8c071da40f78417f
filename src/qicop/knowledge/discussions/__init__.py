"""Discussions: threads and posts, following, accepted answers, reports and moderation."""
